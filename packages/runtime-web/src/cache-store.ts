import {
  type HubBlobWriter,
  type HubCacheStore,
  HubIntegrityError,
  ModelFileError,
  type ModelFileSource,
  repoFolderName,
} from '@nucleus/runtime-core';

/** The Cache API cache Nucleus keeps hub downloads in. */
export const DEFAULT_CACHE_NAME = 'nucleus-models';

/**
 * Cache API keys must be http(s) URLs; this origin is never contacted, it only names entries. The layout
 * under it follows the Hugging Face hub cache, with `{repo}` = `models--{org}--{name}`: `{repo}/refs/{revision}`,
 * `{repo}/blobs/{etag}`, `{repo}/snapshots/{commit}/{path}` (a small pointer entry naming the blob) and
 * `{repo}/no_exist/{commit}/{path}`.
 */
const KEY_ORIGIN = 'https://nucleus-cache.invalid/';
const SHA256 = /^[0-9a-f]{64}$/;

/** A {@link HubCacheStore} over the Cache API, and a way to read a cached snapshot. */
export interface CacheApiHubStore extends HubCacheStore {
  /** The Cache API cache name. */
  readonly cacheName: string;
  /** The files of a snapshot in the cache, as a model folder. */
  snapshotSource(repoId: string, commit: string): ModelFileSource;
}

/** One model repository in the cache, as {@link listCachedModels} reports it. */
export interface CachedModel {
  /** `org/name`. */
  repoId: string;
  /** Branches and tags and the commit each last resolved to. */
  refs: Record<string, string>;
  /** Snapshots held, by commit: the files of each (paths in the repository). */
  snapshots: Record<string, string[]>;
  /** Bytes of the file contents held for the repository (each blob counted once). */
  size: number;
}

/** `{origin}models--{org}--{name}/{kind}/{parts...}`, every path segment URL-encoded. */
function keyOf(repoId: string, kind: string, ...parts: string[]): string {
  const path = parts.flatMap((part) => part.split('/')).map(encodeURIComponent);
  return `${KEY_ORIGIN}${[repoFolderName(repoId), kind, ...path].join('/')}`;
}

/** Splits a cache key back into its repository, its kind and the rest of its path. */
function parseKey(url: string): { repoId: string; kind: string; rest: string[] } | undefined {
  if (!url.startsWith(KEY_ORIGIN)) return undefined;
  const [folder, kind, ...rest] = url.slice(KEY_ORIGIN.length).split('/').map(decodeURIComponent);
  if (!folder?.startsWith('models--') || kind === undefined || rest.length === 0) return undefined;
  return { repoId: folder.slice('models--'.length).split('--').join('/'), kind, rest };
}

function cacheStorage(): CacheStorage {
  if (typeof caches === 'undefined') {
    throw new ModelFileError(
      DEFAULT_CACHE_NAME,
      'the Cache API is not available here (it needs a secure context: https or localhost)',
    );
  }
  return caches;
}

/**
 * The hub cache in the browser's Cache API (cache `nucleus-models` by default), organised like the Hugging
 * Face hub cache so that `downloadHubFiles` of `@nucleus/runtime-core` can fill and reuse it. A blob is put
 * in the cache only after its size (and sha256, for LFS etags) was checked; an interrupted download is kept
 * as `{etag}.incomplete` and resumed.
 */
export function createCacheApiHubStore(cacheName = DEFAULT_CACHE_NAME): CacheApiHubStore {
  const open = () => cacheStorage().open(cacheName);
  const readText = async (key: string): Promise<string | undefined> => {
    const response = await (await open()).match(key);
    return response === undefined ? undefined : response.text();
  };
  const pointer = async (repoId: string, commit: string, path: string) => {
    const text = await readText(keyOf(repoId, 'snapshots', commit, path));
    if (text === undefined) return undefined;
    const { etag, size } = JSON.parse(text) as { etag: string; size: number };
    return { etag, size };
  };
  const blobResponse = async (repoId: string, commit: string, path: string) => {
    const target = await pointer(repoId, commit, path);
    if (target === undefined) return undefined;
    return (await open()).match(keyOf(repoId, 'blobs', target.etag));
  };

  return {
    location: `Cache API "${cacheName}"`,
    cacheName,
    locate(repoId, commit, path) {
      return `Cache API "${cacheName}": ${[repoId, commit, path].filter(Boolean).join('/')}`;
    },
    async readRef(repoId, revision) {
      return (await readText(keyOf(repoId, 'refs', revision)))?.trim() || undefined;
    },
    async writeRef(repoId, revision, commit) {
      await (await open()).put(keyOf(repoId, 'refs', revision), new Response(commit));
    },
    async snapshotFileSize(repoId, commit, path) {
      const target = await pointer(repoId, commit, path);
      if (target === undefined) return undefined;
      // A pointer whose blob was evicted does not count.
      const blob = await (await open()).match(keyOf(repoId, 'blobs', target.etag));
      return blob === undefined ? undefined : target.size;
    },
    async listSnapshot(repoId, commit) {
      const prefix = keyOf(repoId, 'snapshots', commit, '');
      const keys = await (await open()).keys();
      const files = keys
        .map((request) => request.url)
        .filter((url) => url.startsWith(prefix))
        .map((url) => parseKey(url)!.rest.slice(1).join('/'));
      return files.length === 0 ? undefined : files.sort();
    },
    async hasNoExistMarker(repoId, commit, path) {
      return (await (await open()).match(keyOf(repoId, 'no_exist', commit, path))) !== undefined;
    },
    async writeNoExistMarker(repoId, commit, path) {
      await (await open()).put(keyOf(repoId, 'no_exist', commit, path), new Response(''));
    },
    async linkBlob(repoId, commit, path, etag) {
      const cache = await open();
      const blob = await cache.match(keyOf(repoId, 'blobs', etag));
      if (blob === undefined) return undefined;
      const size = Number(blob.headers.get('x-nucleus-size') ?? (await blob.blob()).size);
      await cache.put(keyOf(repoId, 'snapshots', commit, path), new Response(JSON.stringify({ etag, size })));
      return size;
    },
    async openBlobWriter(repoId, etag, expected) {
      return openCacheBlobWriter(await open(), keyOf(repoId, 'blobs', etag), etag, expected);
    },
    snapshotSource(repoId, commit) {
      const location = `Cache API "${cacheName}": ${repoId}@${commit}`;
      const required = async (path: string): Promise<Response> => {
        const response = await blobResponse(repoId, commit, path);
        if (response === undefined) throw new ModelFileError(path, `not in ${location}`);
        return response;
      };
      return {
        location,
        exists: async (path) => (await blobResponse(repoId, commit, path)) !== undefined,
        readText: async (path) => (await required(path)).text(),
        modelData: async (path) => new Uint8Array(await (await required(path)).arrayBuffer()),
      };
    },
  };
}

/**
 * Collects a blob's bytes in memory (the Cache API stores whole responses), checks size and sha256 on commit
 * (WebCrypto has no incremental hash), then stores it. `suspend` keeps the bytes as `{key}.incomplete`.
 */
async function openCacheBlobWriter(
  cache: Cache,
  key: string,
  etag: string,
  expected: { file: string; size: number | undefined },
): Promise<HubBlobWriter> {
  const partialKey = `${key}.incomplete`;
  const partial = await cache.match(partialKey);
  let chunks: Uint8Array[] = partial === undefined ? [] : [new Uint8Array(await partial.arrayBuffer())];
  await cache.delete(partialKey);
  const held = () => chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const asBlob = () => new Blob(chunks as BlobPart[]);
  return {
    offset: held(),
    restart() {
      chunks = [];
    },
    write(chunk) {
      // The download may reuse its buffer: keep a copy.
      chunks.push(chunk.slice());
    },
    async commit() {
      const blob = asBlob();
      chunks = [];
      if (expected.size !== undefined && blob.size !== expected.size) {
        throw new HubIntegrityError(
          expected.file,
          'the size',
          `${expected.size} bytes`,
          `${blob.size} bytes`,
        );
      }
      if (SHA256.test(etag)) {
        const digest = hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
        if (digest !== etag) throw new HubIntegrityError(expected.file, 'the sha256', etag, digest);
      }
      await cache.put(
        key,
        new Response(blob, {
          headers: { 'Content-Type': 'application/octet-stream', 'x-nucleus-size': String(blob.size) },
        }),
      );
    },
    async suspend() {
      if (held() > 0) await cache.put(partialKey, new Response(asBlob()));
      chunks = [];
    },
    discard() {
      chunks = [];
      return Promise.resolve();
    },
  };
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The hub models in the Cache API cache: per repository its refs, snapshots (files per commit) and size.
 *
 * @example
 * ```ts
 * for (const model of await listCachedModels()) console.log(model.repoId, model.size);
 * ```
 */
export async function listCachedModels(cacheName = DEFAULT_CACHE_NAME): Promise<CachedModel[]> {
  const storage = cacheStorage();
  if (!(await storage.has(cacheName))) return [];
  const cache = await storage.open(cacheName);
  const models = new Map<string, CachedModel>();
  const model = (repoId: string) => {
    let entry = models.get(repoId);
    if (entry === undefined) {
      entry = { repoId, refs: {}, snapshots: {}, size: 0 };
      models.set(repoId, entry);
    }
    return entry;
  };
  for (const request of await cache.keys()) {
    const key = parseKey(request.url);
    if (key === undefined) continue;
    const entry = model(key.repoId);
    const [first, ...rest] = key.rest as [string, ...string[]];
    if (key.kind === 'refs') entry.refs[key.rest.join('/')] = (await readEntry(cache, request)).trim();
    else if (key.kind === 'snapshots')
      entry.snapshots[first] = [...(entry.snapshots[first] ?? []), rest.join('/')];
    else if (key.kind === 'blobs' && !first.endsWith('.incomplete')) {
      const response = await cache.match(request);
      entry.size += Number(response?.headers.get('x-nucleus-size') ?? 0);
    }
  }
  for (const entry of models.values()) for (const files of Object.values(entry.snapshots)) files.sort();
  return [...models.values()].sort((a, b) => a.repoId.localeCompare(b.repoId));
}

/**
 * Deletes cached hub models: one repository's entries when `repoId` is given, else the whole cache.
 * Returns how many repositories were removed.
 *
 * @example
 * ```ts
 * await clearCachedModels('Xenova/distilgpt2');
 * ```
 */
export async function clearCachedModels(repoId?: string, cacheName = DEFAULT_CACHE_NAME): Promise<number> {
  const storage = cacheStorage();
  if (!(await storage.has(cacheName))) return 0;
  const cache = await storage.open(cacheName);
  const removed = new Set<string>();
  for (const request of await cache.keys()) {
    const key = parseKey(request.url);
    if (repoId !== undefined && key?.repoId !== repoId) continue;
    if (key) removed.add(key.repoId);
    await cache.delete(request);
  }
  if (repoId === undefined) await storage.delete(cacheName);
  return removed.size;
}

async function readEntry(cache: Cache, request: Request): Promise<string> {
  return (await cache.match(request))?.text() ?? '';
}
