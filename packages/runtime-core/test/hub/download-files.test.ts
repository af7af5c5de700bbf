import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  downloadHubFiles,
  HubIntegrityError,
  HubNetworkError,
  HubOfflineError,
  type HubProgressEvent,
} from '../../src/hub/index.js';
import { chunkedBody, type FetchCall, recordingFetch, sequenceBytes, split } from './fake-fetch.js';
import { MemoryHubStore } from './memory-store.js';

const ENDPOINT = 'http://127.0.0.1:1';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const CONFIG = new TextEncoder().encode('{"model_type":"gpt2"}');
const MODEL = sequenceBytes(20_000);
const MODEL_SHA = createHash('sha256').update(MODEL).digest('hex');

/** The hub for repo a/b at COMMIT: config.json (regular), onnx/model.onnx (LFS, via a CDN redirect). */
function fakeHub(options: { cutModelAfterChunks?: number } = {}) {
  let cut = options.cutModelAfterChunks;
  return recordingFetch((call: FetchCall) => {
    const path = new URL(call.url).pathname;
    const base = { 'X-Repo-Commit': COMMIT };
    if (path === '/a/b/resolve/main/config.json' || path === `/a/b/resolve/${COMMIT}/config.json`) {
      const headers = { ...base, ETag: '"cfg1"', 'Content-Length': String(CONFIG.byteLength) };
      return new Response(call.method === 'HEAD' ? null : CONFIG, { headers });
    }
    if (path === '/a/b/resolve/main/onnx/model.onnx' || path === `/a/b/resolve/${COMMIT}/onnx/model.onnx`) {
      return new Response(null, {
        status: 302,
        headers: {
          ...base,
          Location: `${ENDPOINT}/cdn/${MODEL_SHA}`,
          'X-Linked-Etag': `"${MODEL_SHA}"`,
          'X-Linked-Size': String(MODEL.byteLength),
        },
      });
    }
    if (path === `/cdn/${MODEL_SHA}`) {
      const start = Number(/^bytes=(\d+)-$/.exec(call.headers['range'] ?? '')?.[1] ?? 0);
      const failAfter = cut;
      cut = undefined;
      return new Response(chunkedBody(split(MODEL.subarray(start), 4096), { failAfter }), {
        status: start > 0 ? 206 : 200,
        headers:
          start > 0 ? { 'Content-Range': `bytes ${start}-${MODEL.byteLength - 1}/${MODEL.byteLength}` } : {},
      });
    }
    return new Response(null, { status: 404, headers: { ...base, 'X-Error-Code': 'EntryNotFound' } });
  });
}

const FILES = ['config.json', 'onnx/model.onnx'];

/**
 * What a browser's fetch makes of the fake hub: a `redirect: 'manual'` request that gets a redirect sees
 * only an opaque response (no status, no headers); with `redirect: 'follow'` the redirect is followed and
 * the answer is the target's (here the CDN's, without X-Repo-Commit or X-Linked-* headers). The model info
 * API answers `?blobs=true` as the hub does.
 */
function asBrowserWouldSee(hub: ReturnType<typeof fakeHub>) {
  const apiCalls: string[] = [];
  const fetch: typeof hub.fetch = async (url, init = {}) => {
    const { pathname, search } = new URL(url);
    if (pathname === '/api/models/a/b/revision/main' || pathname === `/api/models/a/b/revision/${COMMIT}`) {
      apiCalls.push(`${pathname}${search}`);
      return Response.json({
        sha: COMMIT,
        siblings: [
          { rfilename: 'config.json', blobId: 'cfg1', size: CONFIG.byteLength },
          {
            rfilename: 'onnx/model.onnx',
            blobId: 'abc123',
            size: 134,
            lfs: { sha256: MODEL_SHA, size: MODEL.byteLength, pointerSize: 134 },
          },
        ],
      });
    }
    let response = await hub.fetch(url, init);
    if (response.status >= 300 && response.status < 400) {
      if (init.redirect === 'manual') {
        const opaque = {
          type: 'opaqueredirect',
          status: 0,
          ok: false,
          redirected: false,
          url: '',
          headers: new Headers(),
          body: null,
        };
        return opaque as unknown as Response;
      }
      const target = new URL(response.headers.get('location')!, url).href;
      response = await hub.fetch(target, init);
      Object.defineProperty(response, 'url', { value: target });
      Object.defineProperty(response, 'redirected', { value: true });
    }
    return response;
  };
  return { fetch, apiCalls };
}

describe('downloadHubFiles over a store other than the disk', () => {
  it('fills the store, then serves the revision from it without calling fetch', async () => {
    const store = new MemoryHubStore();
    const hub = fakeHub();
    const first = await downloadHubFiles(store, 'a/b', FILES, { endpoint: ENDPOINT, fetch: hub.fetch });
    expect(first).toEqual({
      repoId: 'a/b',
      revision: 'main',
      commit: COMMIT,
      files: [
        { path: 'config.json', size: CONFIG.byteLength, fromCache: false },
        { path: 'onnx/model.onnx', size: MODEL.byteLength, fromCache: false },
      ],
      missing: [],
    });
    expect(store.refs.get('a/b@main')).toBe(COMMIT);
    expect(store.blobs.get(`a/b:${MODEL_SHA}`)).toEqual(MODEL);
    hub.calls.length = 0;
    const second = await downloadHubFiles(store, 'a/b', FILES, { endpoint: ENDPOINT, fetch: hub.fetch });
    expect(hub.calls).toEqual([]);
    expect(second.files.every((file) => file.fromCache)).toBe(true);
  });

  it('in a browser (LFS redirect hidden), reads commit, sha256 and size from the model info API', async () => {
    const store = new MemoryHubStore();
    const browser = asBrowserWouldSee(fakeHub());
    const result = await downloadHubFiles(store, 'a/b', FILES, { endpoint: ENDPOINT, fetch: browser.fetch });
    expect(result.commit).toBe(COMMIT);
    expect(result.files).toEqual([
      { path: 'config.json', size: CONFIG.byteLength, fromCache: false },
      { path: 'onnx/model.onnx', size: MODEL.byteLength, fromCache: false },
    ]);
    // Stored under its sha256 like any LFS blob (so the integrity check ran), asking the API once, at the
    // commit that config.json's answer pinned.
    expect(store.blobs.get(`a/b:${MODEL_SHA}`)).toEqual(MODEL);
    expect(browser.apiCalls).toEqual([`/api/models/a/b/revision/${COMMIT}?blobs=true`]);
  });

  it('in a browser, the sha256 from the model info is checked against the bytes', async () => {
    const hub = fakeHub();
    const browser = asBrowserWouldSee(hub);
    const wrongSha = 'f'.repeat(64);
    const fetch: typeof hub.fetch = async (url, init) => {
      const response = await browser.fetch(url, init);
      if (!new URL(url).pathname.startsWith('/api/')) return response;
      const info = (await response.json()) as { siblings: { lfs?: { sha256: string } }[] };
      info.siblings[1]!.lfs!.sha256 = wrongSha;
      return Response.json(info);
    };
    const store = new MemoryHubStore();
    await expect(downloadHubFiles(store, 'a/b', FILES, { endpoint: ENDPOINT, fetch })).rejects.toThrow(
      HubIntegrityError,
    );
    expect(store.blobs.has(`a/b:${wrongSha}`)).toBe(false);
  });

  it('in a browser, a model info that does not list the file is a clear error', async () => {
    const hub = fakeHub();
    const fetch: typeof hub.fetch = async (url, init) => {
      if (new URL(url).pathname.startsWith('/api/')) return Response.json({ sha: COMMIT, siblings: [] });
      return asBrowserWouldSee(hub).fetch(url, init);
    };
    await expect(
      downloadHubFiles(new MemoryHubStore(), 'a/b', FILES, { endpoint: ENDPOINT, fetch }),
    ).rejects.toThrow(/the model info does not describe onnx\/model.onnx/);
  });

  it('resumes from the partial the store kept after a cut', async () => {
    const store = new MemoryHubStore();
    const hub = fakeHub({ cutModelAfterChunks: 2 });
    const error = await downloadHubFiles(store, 'a/b', FILES, { endpoint: ENDPOINT, fetch: hub.fetch }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubNetworkError);
    expect(store.partials.get(`a/b:${MODEL_SHA}`)?.byteLength).toBe(8192);
    hub.calls.length = 0;
    const events: HubProgressEvent[] = [];
    await downloadHubFiles(store, 'a/b', FILES, {
      endpoint: ENDPOINT,
      fetch: hub.fetch,
      onProgress: (e) => events.push(e),
    });
    expect(
      hub.calls.filter((call) => call.url.includes('/cdn/')).map((call) => call.headers['range']),
    ).toEqual(['bytes=8192-']);
    expect(store.blobs.get(`a/b:${MODEL_SHA}`)).toEqual(MODEL);
    expect(events.at(-1)).toEqual({
      file: 'onnx/model.onnx',
      loaded: MODEL.byteLength,
      total: MODEL.byteLength,
    });
  });

  it('downloads a blob once for concurrent calls', async () => {
    const store = new MemoryHubStore();
    const hub = fakeHub();
    await Promise.all(
      [1, 2, 3].map(() => downloadHubFiles(store, 'a/b', FILES, { endpoint: ENDPOINT, fetch: hub.fetch })),
    );
    expect(hub.calls.filter((call) => call.url.includes('/cdn/'))).toHaveLength(1);
  });

  it('offline: serves what the store has, names what it lacks', async () => {
    const store = new MemoryHubStore();
    const hub = fakeHub();
    await downloadHubFiles(store, 'a/b', ['config.json'], { endpoint: ENDPOINT, fetch: hub.fetch });
    hub.calls.length = 0;
    const cached = await downloadHubFiles(
      store,
      'a/b',
      ['config.json', { path: 'extra.json', optional: true }],
      {
        offline: true,
        fetch: hub.fetch,
      },
    );
    expect(cached.files.map((file) => file.path)).toEqual(['config.json']);
    expect(cached.missing).toEqual(['extra.json']);
    const error = await downloadHubFiles(store, 'a/b', FILES, { offline: true, fetch: hub.fetch }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubOfflineError);
    expect((error as Error).message).toBe(
      `offline mode: "onnx/model.onnx" of "a/b" at revision "main" is not in the cache (looked in memory:/a/b/${COMMIT}/onnx/model.onnx); download it once online, or unset HF_HUB_OFFLINE / { offline }`,
    );
    expect(hub.calls).toEqual([]);
  });

  it('validates its inputs before any request', async () => {
    const hub = fakeHub();
    const store = new MemoryHubStore();
    await expect(downloadHubFiles(store, 'a/b/c', FILES, { fetch: hub.fetch })).rejects.toThrow(
      /^repoId must be/,
    );
    await expect(downloadHubFiles(store, 'a/b', [], { fetch: hub.fetch })).rejects.toThrow(/^files must be/);
    await expect(downloadHubFiles(store, 'a/b', ['../x'], { fetch: hub.fetch })).rejects.toThrow(
      /^file must be/,
    );
    await expect(downloadHubFiles(store, 'a/b', FILES, { fetch: hub.fetch, revision: '..' })).rejects.toThrow(
      /^revision must be/,
    );
    await expect(
      downloadHubFiles(store, 'a/b', FILES, { fetch: hub.fetch, endpoint: 'nope' }),
    ).rejects.toThrow(/^endpoint must be/);
    expect(hub.calls).toEqual([]);
  });

  it('rejects a server whose answers lack X-Repo-Commit, saying it is not a hub', async () => {
    const { fetch } = recordingFetch(() => new Response('x', { headers: { ETag: '"e"' } }));
    await expect(
      downloadHubFiles(new MemoryHubStore(), 'a/b', ['config.json'], { endpoint: ENDPOINT, fetch }),
    ).rejects.toThrow(/no X-Repo-Commit in the answer: the endpoint does not look like a Hugging Face hub/);
  });
});
