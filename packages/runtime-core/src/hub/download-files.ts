import { InvalidOptionError } from '@nucleus/samplers';
import { type HubProgressEvent, streamDownload } from './download.js';
import {
  HubHttpError,
  HubIntegrityError,
  HubNetworkError,
  HubNotFoundError,
  HubOfflineError,
} from './errors.js';
import {
  fetchHubFileMetadata,
  fetchHubJson,
  type HubFetch,
  type HubFileMetadata,
  type HubRequestContext,
  hubRequestHeaders,
} from './http.js';
import {
  DEFAULT_REVISION,
  isCommitHash,
  validateRepoFilePath,
  validateRepoId,
  validateRevision,
} from './repo-id.js';
import type { HubCacheStore } from './store.js';
import { hubFileUrl, hubModelInfoUrl, normalizeEndpoint } from './url.js';

/**
 * A file to fetch: its path in the repository, or `{ path, optional: true }` for a file the repository may
 * lack (`generation_config.json`): then a 404 is not an error and the path is listed in `missing`.
 */
export type HubFileRequest = string | { path: string; optional?: boolean | undefined };

/**
 * Chooses the files to fetch from the repository's file list (e.g. the ONNX file for a dtype). Online the
 * list comes from the hub API (`/api/models/{repo}/revision/{revision}`: one request per call, even when
 * every file is cached; if the hub cannot be reached, the cached snapshot's list is used); offline, from
 * the cached snapshot.
 */
export type HubFileSelector = (
  listing: readonly string[],
) => readonly HubFileRequest[] | Promise<readonly HubFileRequest[]>;

/** Options of {@link downloadHubFiles}. */
export interface HubDownloadOptions {
  /** Branch, tag or commit hash. Default `main`. */
  revision?: string | undefined;
  /** Hub endpoint. Default `https://huggingface.co`. */
  endpoint?: string | undefined;
  /** Access token, sent as `Authorization: Bearer <token>` to the endpoint only (never to a CDN). */
  token?: string | undefined;
  /** Use the cache only; a missing file is a `HubOfflineError`. */
  offline?: boolean | undefined;
  /**
   * Ask the hub which commit the revision points to now, instead of reusing the commit recorded in the cache
   * (so a moved branch is followed; unchanged files are not downloaded again). Default false: a revision
   * whose files are all cached needs no network. If the hub cannot be reached, the cache is used.
   */
  revalidate?: boolean | undefined;
  /** Called as bytes arrive, per file. */
  onProgress?: ((event: HubProgressEvent) => void) | undefined;
  /** Aborts the downloads; bytes received are kept for the next call to resume. */
  signal?: AbortSignal | undefined;
  /** The `fetch` to use. Default: the global one. */
  fetch?: HubFetch | undefined;
}

/** One file made available by {@link downloadHubFiles}. */
export interface HubFileResult {
  /** Path in the repository. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** True when no byte had to be downloaded (already in the snapshot, or its blob was). */
  fromCache: boolean;
}

/** What {@link downloadHubFiles} resolved. */
export interface HubDownloadResult {
  repoId: string;
  /** The revision asked for. */
  revision: string;
  /** The commit it resolved to; every file comes from this commit's snapshot. */
  commit: string;
  /** The files now in the snapshot, in request order. */
  files: HubFileResult[];
  /** Optional files the repository does not have at this commit. */
  missing: string[];
}

interface NormalizedRequest {
  path: string;
  optional: boolean;
}

type Outcome = { found: true; file: HubFileResult } | { found: false };

const locks = new Map<string, Promise<void>>();
/** Internal: the commit read from the cache's refs does not exist on the hub any more. */
class StaleRefError extends Error {}

/**
 * Makes files of a hub model repository available in a {@link HubCacheStore}, downloading only what the
 * store lacks, and returns the commit they belong to.
 *
 * - The revision resolves to a commit through the store's refs when it has it (no network when every file
 *   is cached), else through the hub; a commit hash is used as is. All files come from one commit.
 * - Per file: `HEAD` with `redirect: 'manual'` for the commit, etag and size, then the bytes are streamed
 *   from the redirect target (LFS files) or the file URL into the store's blob writer, resuming an
 *   interrupted download with `Range`. A blob becomes visible only after its size (and sha256, for LFS
 *   etags) is checked.
 * - Concurrent calls in one process that need the same blob download it once.
 *
 * @throws HubOfflineError, HubNotFoundError, HubAuthError, HubNetworkError, HubAbortError,
 * HubIntegrityError, HubHttpError; InvalidOptionError for a bad repo id, revision, path or endpoint.
 */
export async function downloadHubFiles(
  store: HubCacheStore,
  repoId: string,
  files: readonly HubFileRequest[] | HubFileSelector,
  options: HubDownloadOptions = {},
): Promise<HubDownloadResult> {
  validateRepoId(repoId);
  const revision = options.revision ?? DEFAULT_REVISION;
  validateRevision(revision);
  if (typeof files !== 'function') normalizeRequests(files);
  if (options.offline) return new DownloadRun(store, repoId, revision, options).fromCacheOnly(files);
  try {
    return await new DownloadRun(store, repoId, revision, options).online(files);
  } catch (error) {
    // The commit the cache recorded for a branch is gone from the hub (history rewritten): start again from
    // the branch itself, as if revalidating.
    if (error instanceof StaleRefError) {
      return new DownloadRun(store, repoId, revision, { ...options, revalidate: true }).online(files);
    }
    throw error;
  }
}

class DownloadRun {
  private commit: string | undefined;
  /** Whether `commit` was read from the store's refs (and may be stale) rather than learnt from the hub. */
  private commitFromRef = false;
  private blobListing: Promise<unknown> | undefined;
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly store: HubCacheStore,
    private readonly repoId: string,
    private readonly revision: string,
    private readonly options: HubDownloadOptions,
  ) {
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.headers = hubRequestHeaders(options.token);
  }

  async fromCacheOnly(files: readonly HubFileRequest[] | HubFileSelector): Promise<HubDownloadResult> {
    const { store, repoId, revision } = this;
    const commit = isCommitHash(revision) ? revision : await store.readRef(repoId, revision);
    if (commit === undefined) {
      throw new HubOfflineError({ repoId, revision, cacheLocation: store.locate(repoId) });
    }
    const requests =
      typeof files === 'function'
        ? normalizeRequests(await files((await store.listSnapshot(repoId, commit)) ?? []))
        : normalizeRequests(files);
    const found: HubFileResult[] = [];
    const missing: string[] = [];
    for (const { path, optional } of requests) {
      const size = await store.snapshotFileSize(repoId, commit, path);
      if (size !== undefined) found.push({ path, size, fromCache: true });
      else if (optional) missing.push(path);
      else {
        throw new HubOfflineError({
          repoId,
          revision,
          file: path,
          cacheLocation: store.locate(repoId, commit, path),
        });
      }
    }
    return { repoId, revision, commit, files: found, missing };
  }

  async online(files: readonly HubFileRequest[] | HubFileSelector): Promise<HubDownloadResult> {
    const { store, repoId, revision } = this;
    this.commit = isCommitHash(revision)
      ? revision
      : this.options.revalidate
        ? undefined
        : await store.readRef(repoId, revision);
    this.commitFromRef = this.commit !== undefined && this.commit !== revision;
    const requests = normalizeRequests(
      typeof files === 'function' ? await files(await this.listing()) : files,
    );
    const found: HubFileResult[] = [];
    const missing: string[] = [];
    for (const request of requests) {
      const outcome = await this.resolve(request);
      if (outcome.found) found.push(outcome.file);
      else missing.push(request.path);
    }
    if (this.commit === undefined) {
      throw new HubHttpError(
        this.endpoint,
        0,
        `the hub did not say which commit "${revision}" of ${repoId} is (no X-Repo-Commit header)`,
      );
    }
    return { repoId, revision, commit: this.commit, files: found, missing };
  }

  private context(file?: string): HubRequestContext {
    return {
      repoId: this.repoId,
      revision: this.revision,
      file,
      tokenSent: 'Authorization' in this.headers,
    };
  }

  private async pin(commit: string): Promise<void> {
    this.commit = commit;
    if (commit !== this.revision) await this.store.writeRef(this.repoId, this.revision, commit);
  }

  private async listing(): Promise<string[]> {
    const url = hubModelInfoUrl({
      endpoint: this.endpoint,
      repoId: this.repoId,
      revision: this.commit ?? this.revision,
    });
    let info: unknown;
    try {
      info = await fetchHubJson({
        url,
        headers: this.headers,
        context: this.context(),
        fetch: this.options.fetch,
        signal: this.options.signal,
      });
    } catch (error) {
      if (error instanceof HubNotFoundError && error.target === 'revision' && this.commitFromRef) {
        throw new StaleRefError();
      }
      if (error instanceof HubNetworkError) {
        const commit = this.commit ?? (await this.store.readRef(this.repoId, this.revision));
        const cached = commit === undefined ? undefined : await this.store.listSnapshot(this.repoId, commit);
        if (cached !== undefined) {
          this.commit = commit;
          return cached;
        }
      }
      throw error;
    }
    const { sha, siblings } = (info ?? {}) as { sha?: unknown; siblings?: unknown };
    if (!Array.isArray(siblings)) throw new HubHttpError(url, 0, 'the model info has no "siblings" list');
    if (this.commit === undefined) {
      await this.pin(requireSegment(typeof sha === 'string' ? sha : undefined, url, 'sha'));
    }
    return siblings
      .map((entry) => (entry as { rfilename?: unknown } | null)?.rfilename)
      .filter((name): name is string => typeof name === 'string');
  }

  /**
   * The commit, etag (sha256 for LFS files, the git blob id otherwise) and size of `path` from the model
   * info API (`?blobs=true`), fetched once per download: what browsers cannot read from an LFS redirect.
   */
  private async blobFromModelInfo(
    path: string,
  ): Promise<{ commit: string; etag: string; size: number | undefined }> {
    const url = `${hubModelInfoUrl({ endpoint: this.endpoint, repoId: this.repoId, revision: this.commit ?? this.revision })}?blobs=true`;
    this.blobListing ??= fetchHubJson({
      url,
      headers: this.headers,
      context: this.context(),
      fetch: this.options.fetch,
      signal: this.options.signal,
    });
    let info: unknown;
    try {
      info = await this.blobListing;
    } catch (error) {
      this.blobListing = undefined;
      throw error;
    }
    const { sha, siblings } = (info ?? {}) as { sha?: unknown; siblings?: unknown };
    const entry = (Array.isArray(siblings) ? siblings : []).find(
      (sibling) => (sibling as { rfilename?: unknown } | null)?.rfilename === path,
    ) as { blobId?: unknown; size?: unknown; lfs?: { sha256?: unknown; size?: unknown } } | undefined;
    if (typeof sha !== 'string' || entry === undefined) {
      throw new HubHttpError(
        url,
        0,
        `the model info does not describe ${path} (needed where the browser hides the hub's headers)`,
      );
    }
    const etag = typeof entry.lfs?.sha256 === 'string' ? entry.lfs.sha256 : entry.blobId;
    const size = typeof entry.lfs?.size === 'number' ? entry.lfs.size : entry.size;
    return {
      commit: sha,
      etag: requireSegment(typeof etag === 'string' ? etag : undefined, url, 'blobId'),
      size: typeof size === 'number' ? size : undefined,
    };
  }

  private async resolve({ path, optional }: NormalizedRequest): Promise<Outcome> {
    const { store, repoId } = this;
    if (this.commit !== undefined) {
      const size = await store.snapshotFileSize(repoId, this.commit, path);
      if (size !== undefined) return found(path, size, true);
      if (optional && (await store.hasNoExistMarker(repoId, this.commit, path))) return { found: false };
    }
    const url = hubFileUrl({ endpoint: this.endpoint, repoId, revision: this.commit ?? this.revision, path });
    let metadata: HubFileMetadata;
    try {
      metadata = await fetchHubFileMetadata({
        url,
        headers: this.headers,
        context: this.context(path),
        fetch: this.options.fetch,
        signal: this.options.signal,
      });
    } catch (error) {
      if (error instanceof HubNotFoundError && error.target === 'revision' && this.commitFromRef) {
        throw new StaleRefError();
      }
      if (error instanceof HubNotFoundError && error.target === 'file') {
        const commit = this.commit ?? safeSegment(error.commit);
        if (commit !== undefined) {
          await store.writeNoExistMarker(repoId, commit, path);
          if (this.commit === undefined) await this.pin(commit);
        }
        if (optional) return { found: false };
      }
      if (error instanceof HubNetworkError && this.options.revalidate) {
        const cached = await this.cachedAfterNetworkError(path, optional);
        if (cached !== undefined) return cached;
      }
      throw error;
    }
    if (metadata.redirectHidden && (metadata.commit === undefined || metadata.etag === undefined)) {
      // A browser followed the LFS redirect for us: the CDN's answer has no commit, LFS etag or size.
      const blob = await this.blobFromModelInfo(path);
      metadata = { commit: blob.commit, etag: blob.etag, size: blob.size, location: url };
    }
    const commit = requireSegment(metadata.commit, url, 'X-Repo-Commit');
    const etag = requireSegment(metadata.etag, url, 'ETag');
    if (this.commit === undefined) await this.pin(commit);
    else if (commit !== this.commit) {
      throw new HubHttpError(
        url,
        0,
        `the hub answered commit ${commit} for a request at commit ${this.commit}`,
      );
    }
    const cachedSize = await store.snapshotFileSize(repoId, commit, path);
    if (cachedSize !== undefined) return found(path, cachedSize, true);
    const linkedSize = await store.linkBlob(repoId, commit, path, etag);
    if (linkedSize !== undefined) return found(path, linkedSize, true);
    // A file not behind a redirect is fetched at the commit, not the branch, so its bytes match the etag
    // even if the branch moves between the HEAD and the GET.
    const source =
      metadata.location === url
        ? hubFileUrl({ endpoint: this.endpoint, repoId, revision: commit, path })
        : metadata.location;
    return withLock(`${store.location}\0${repoId}\0${etag}`, () =>
      this.download(path, commit, etag, source, metadata.size),
    );
  }

  private async download(
    path: string,
    commit: string,
    etag: string,
    source: string,
    expectedSize: number | undefined,
  ): Promise<Outcome> {
    const { store, repoId } = this;
    const linkedSize = await store.linkBlob(repoId, commit, path, etag);
    if (linkedSize !== undefined) return found(path, linkedSize, true);
    const writer = await store.openBlobWriter(repoId, etag, { file: path, size: expectedSize });
    try {
      await streamDownload({
        url: source,
        file: path,
        headers: sameOrigin(source, this.endpoint) ? this.headers : hubRequestHeaders(),
        offset: writer.offset,
        expectedSize,
        sink: writer,
        onProgress: this.options.onProgress,
        signal: this.options.signal,
        fetch: this.options.fetch,
        context: this.context(path),
      });
      await writer.commit();
    } catch (error) {
      // The original error matters more than a failure to tidy up after it.
      if (error instanceof HubIntegrityError) await writer.discard().catch(() => {});
      else await writer.suspend().catch(() => {});
      throw error;
    }
    const size = await store.linkBlob(repoId, commit, path, etag);
    if (size === undefined) {
      throw new HubHttpError(source, 0, `the cache lost blob ${etag} right after writing it`);
    }
    return found(path, size, false);
  }

  private async cachedAfterNetworkError(path: string, optional: boolean): Promise<Outcome | undefined> {
    const commit = this.commit ?? (await this.store.readRef(this.repoId, this.revision));
    if (commit === undefined) return undefined;
    const size = await this.store.snapshotFileSize(this.repoId, commit, path);
    if (size !== undefined) {
      this.commit = commit;
      return found(path, size, true);
    }
    if (optional && (await this.store.hasNoExistMarker(this.repoId, commit, path))) {
      this.commit = commit;
      return { found: false };
    }
    return undefined;
  }
}

function found(path: string, size: number, fromCache: boolean): Outcome {
  return { found: true, file: { path, size, fromCache } };
}

function normalizeRequests(requests: readonly HubFileRequest[]): NormalizedRequest[] {
  const allowed =
    'a non-empty array of repository paths or { path, optional } objects, or a function choosing them from the file list';
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new InvalidOptionError('files', requests, allowed);
  }
  const byPath = new Map<string, boolean>();
  for (const request of requests) {
    const path = typeof request === 'string' ? request : (request as { path?: unknown } | null)?.path;
    if (typeof path !== 'string') throw new InvalidOptionError('files', request, allowed);
    validateRepoFilePath(path);
    const optional = typeof request !== 'string' && request.optional === true;
    byPath.set(path, (byPath.get(path) ?? true) && optional);
  }
  return [...byPath].map(([path, optional]) => ({ path, optional }));
}

/** A commit or etag that is safe as one path segment of the cache, else undefined. */
function safeSegment(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 255 || !/^[A-Za-z0-9._-]+$/.test(value)) return undefined;
  return value === '.' || value === '..' ? undefined : value;
}

function requireSegment(value: string | undefined, url: string, header: string): string {
  const segment = safeSegment(value);
  if (segment === undefined) {
    throw new HubHttpError(
      url,
      0,
      value === undefined
        ? `no ${header} in the answer: the endpoint does not look like a Hugging Face hub (check HF_ENDPOINT, proxies)`
        : `${header} ${JSON.stringify(value)} is not usable as a cache name`,
    );
  }
  return segment;
}

function sameOrigin(url: string, endpoint: string): boolean {
  return new URL(url).origin === new URL(endpoint).origin;
}

async function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  for (let held = locks.get(key); held !== undefined; held = locks.get(key)) await held;
  let release!: () => void;
  locks.set(
    key,
    new Promise<void>((resolve) => {
      release = resolve;
    }),
  );
  try {
    return await task();
  } finally {
    locks.delete(key);
    release();
  }
}
