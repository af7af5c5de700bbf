import { describe, expect, it } from 'vitest';
import {
  fetchHubFileMetadata,
  HubAuthError,
  HubHttpError,
  HubNotFoundError,
  hubRequestHeaders,
  normalizeEtag,
  readHubFileMetadata,
} from '../../src/hub/index.js';
import { recordingFetch } from './fake-fetch.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const SHA256 = 'a'.repeat(64);
const context = { repoId: 'a/b', revision: 'main', file: 'onnx/model.onnx', tokenSent: false };

describe('request headers', () => {
  it('sends the token as a bearer token and asks for the identity encoding', () => {
    expect(hubRequestHeaders('hf_x')).toEqual({
      'Accept-Encoding': 'identity',
      Authorization: 'Bearer hf_x',
    });
    expect(hubRequestHeaders()).toEqual({ 'Accept-Encoding': 'identity' });
    expect(hubRequestHeaders('')).toEqual({ 'Accept-Encoding': 'identity' });
  });
});

describe('etags and metadata', () => {
  it('strips W/ and quotes like huggingface_hub._normalize_etag', () => {
    expect(normalizeEtag('"abc"')).toBe('abc');
    expect(normalizeEtag('W/"abc"')).toBe('abc');
    expect(normalizeEtag('abc')).toBe('abc');
    expect(normalizeEtag('""')).toBeUndefined();
    expect(normalizeEtag(null)).toBeUndefined();
  });

  it('prefers X-Linked-Etag and X-Linked-Size (the LFS object) over ETag and Content-Length', () => {
    const response = new Response(null, {
      status: 302,
      headers: {
        'X-Repo-Commit': COMMIT,
        'X-Linked-Etag': `"${SHA256}"`,
        'X-Linked-Size': '123456',
        ETag: '"pointer-etag"',
        'Content-Length': '0',
        Location: '/cdn/object?sig=1',
      },
    });
    expect(readHubFileMetadata(response, 'http://127.0.0.1:1/a/b/resolve/main/onnx/model.onnx')).toEqual({
      commit: COMMIT,
      etag: SHA256,
      size: 123456,
      location: 'http://127.0.0.1:1/cdn/object?sig=1',
    });
    const plain = new Response('{}', {
      headers: { 'X-Repo-Commit': COMMIT, ETag: 'W/"sha1"', 'Content-Length': '2' },
    });
    expect(readHubFileMetadata(plain, 'http://h/x')).toEqual({
      commit: COMMIT,
      etag: 'sha1',
      size: 2,
      location: 'http://h/x',
    });
  });
});

describe('fetchHubFileMetadata', () => {
  const url = 'http://127.0.0.1:1/a/b/resolve/main/onnx/model.onnx';

  it('sends HEAD without following redirects and reads the first answer of an LFS file', async () => {
    const { fetch, calls } = recordingFetch(
      () =>
        new Response(null, {
          status: 302,
          headers: {
            Location: 'https://cdn.invalid/blob?sig=1',
            'X-Repo-Commit': COMMIT,
            'X-Linked-Etag': `"${SHA256}"`,
            'X-Linked-Size': '42',
          },
        }),
    );
    const metadata = await fetchHubFileMetadata({ url, headers: hubRequestHeaders(), context, fetch });
    expect(calls.map((call) => [call.method, call.redirect, call.url])).toEqual([['HEAD', 'manual', url]]);
    expect(metadata).toEqual({
      commit: COMMIT,
      etag: SHA256,
      size: 42,
      location: 'https://cdn.invalid/blob?sig=1',
    });
  });

  it('follows relative redirects (a renamed repository) and no others', async () => {
    const { fetch, calls } = recordingFetch((call) =>
      call.url.includes('/a/b/')
        ? new Response(null, { status: 307, headers: { Location: '/c/d/resolve/main/onnx/model.onnx' } })
        : new Response(null, { headers: { 'X-Repo-Commit': COMMIT, ETag: '"e1"', 'Content-Length': '7' } }),
    );
    const metadata = await fetchHubFileMetadata({ url, headers: {}, context, fetch });
    expect(calls.map((call) => call.url)).toEqual([
      url,
      'http://127.0.0.1:1/c/d/resolve/main/onnx/model.onnx',
    ]);
    expect(metadata.location).toBe('http://127.0.0.1:1/c/d/resolve/main/onnx/model.onnx');
    expect(metadata.etag).toBe('e1');
  });

  it('in a browser (opaque manual redirect) asks again following redirects', async () => {
    const opaque = {
      type: 'opaqueredirect',
      status: 0,
      ok: false,
      headers: new Headers(),
      body: null,
    } as unknown as Response;
    const { fetch, calls } = recordingFetch((call) =>
      call.redirect === 'manual'
        ? opaque
        : new Response(null, {
            headers: { 'X-Repo-Commit': COMMIT, 'X-Linked-Etag': SHA256, 'Content-Length': '9' },
          }),
    );
    const metadata = await fetchHubFileMetadata({ url, headers: {}, context, fetch });
    expect(calls.map((call) => call.redirect)).toEqual(['manual', 'follow']);
    expect(metadata).toMatchObject({ commit: COMMIT, etag: SHA256, size: 9 });
  });

  it('stops after 10 relative redirects', async () => {
    const { fetch, calls } = recordingFetch(
      () => new Response(null, { status: 307, headers: { Location: '/loop' } }),
    );
    await expect(fetchHubFileMetadata({ url, headers: {}, context, fetch })).rejects.toThrow(HubHttpError);
    expect(calls).toHaveLength(11);
  });

  it('tells a missing repository, revision and file apart by X-Error-Code', async () => {
    const run = (headers: Record<string, string>, status = 404): Promise<HubNotFoundError> =>
      fetchHubFileMetadata({
        url,
        headers: {},
        context,
        fetch: recordingFetch(() => new Response(null, { status, headers })).fetch,
      }).then(
        () => {
          throw new Error('expected a rejection');
        },
        (caught: unknown) => caught as HubNotFoundError,
      );
    expect((await run({ 'X-Error-Code': 'RepoNotFound' })).target).toBe('repo');
    expect((await run({ 'X-Error-Code': 'RevisionNotFound' })).target).toBe('revision');
    const entry = await run({ 'X-Error-Code': 'EntryNotFound', 'X-Repo-Commit': COMMIT });
    expect(entry).toBeInstanceOf(HubNotFoundError);
    expect(entry.target).toBe('file');
    expect(entry.commit).toBe(COMMIT);
    expect(entry.message).toBe(
      `file "onnx/model.onnx" not found in "a/b" at revision "main" (404 from ${url}): check the file name and the revision`,
    );
    const gated = await run(
      { 'X-Error-Code': 'GatedRepo', 'X-Error-Message': 'Access to model a/b is restricted' },
      403,
    );
    expect(gated).toBeInstanceOf(HubAuthError);
    expect(gated.message).toMatch(/accept its conditions/);
    expect(gated.message).toMatch(/HF_TOKEN/);
    expect(gated.message).toMatch(/Access to model a\/b is restricted/);
  });

  it('leaves commit and etag undefined when the answer lacks the hub headers', async () => {
    const { fetch } = recordingFetch(() => new Response(null, { headers: { 'Content-Length': '3' } }));
    const metadata = await fetchHubFileMetadata({ url, headers: {}, context, fetch });
    expect(metadata).toEqual({ commit: undefined, etag: undefined, size: 3, location: url });
  });
});
