import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, ModelFileError, ModelNotFoundError } from '../src/index.js';
import { tinyModelDir } from './support/models.js';

const COMMIT = 'c0ffee0000000000000000000000000000000000';
const ENDPOINT = 'https://hub.example';

/** Every file of a folder, as repository paths. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const file = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, file)));
    else files.push(file);
  }
  return files;
}

/**
 * A `fetch` serving the tiny model folder as the hub repository `nucleus/tiny` (model info API and
 * resolve URLs), recording the files requested. No network is involved.
 */
async function fakeHub(dir: string) {
  const files = await listFiles(dir);
  const fetched: string[] = [];
  const fetch = async (url: string, init: RequestInit = {}) => {
    const { pathname } = new URL(url);
    if (
      pathname === '/api/models/nucleus/tiny/revision/main' ||
      pathname === `/api/models/nucleus/tiny/revision/${COMMIT}`
    ) {
      return Response.json({ sha: COMMIT, siblings: files.map((rfilename) => ({ rfilename })) });
    }
    const match = /^\/nucleus\/tiny\/resolve\/[^/]+\/(.+)$/.exec(pathname);
    if (!match || !files.includes(match[1]!))
      return new Response('not found', { status: 404, headers: { 'x-error-code': 'EntryNotFound' } });
    const bytes = await readFile(path.join(dir, match[1]!));
    const headers = {
      'x-repo-commit': COMMIT,
      etag: `"${createHash('sha256').update(bytes).digest('hex')}"`,
      'content-length': String(bytes.byteLength),
    };
    if ((init.method ?? 'GET') === 'HEAD') return new Response(null, { headers });
    fetched.push(match[1]!);
    return new Response(bytes, { headers });
  };
  return { fetch, fetched };
}

let modelDir: string;
let cacheDir: string;
beforeAll(async () => {
  modelDir = await tinyModelDir();
  cacheDir = await mkdtemp(path.join(tmpdir(), 'nucleus-hub-cache-'));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe('loadModel from a hub id', () => {
  it('fetches only what a GPT-2 needs into the hub cache, then loads it from there (offline too)', async () => {
    const hub = await fakeHub(modelDir);
    const options = { cacheDir, endpoint: ENDPOINT, fetch: hub.fetch, env: {}, threads: 1 };
    const model = await loadModel('nucleus/tiny', options);
    try {
      expect(hub.fetched.sort()).toEqual(
        [
          'config.json',
          'generation_config.json',
          'onnx/model.onnx',
          'tokenizer.json',
          'tokenizer_config.json',
        ].sort(),
      );
      expect(model.location).toBe(path.join(cacheDir, 'models--nucleus--tiny', 'snapshots', COMMIT));
      const { sequences } = await model.generate('Hello', { maxNewTokens: 4, eosTokenId: [] });
      expect(sequences[0]!.newTokens).toHaveLength(4);
    } finally {
      await model.dispose();
    }
    expect(
      await stat(path.join(cacheDir, 'models--nucleus--tiny', 'snapshots', COMMIT, 'vocab.json')).catch(
        () => null,
      ),
    ).toBeNull();

    const offline = await loadModel('nucleus/tiny@main', { cacheDir, offline: true, env: {} });
    expect(offline.location).toBe(model.location);
    await offline.dispose();
  });

  it('names the ONNX files a repository has when the dtype has none', async () => {
    const hub = await fakeHub(modelDir);
    const error = await loadModel('nucleus/tiny', {
      dtype: 'q4',
      cacheDir,
      endpoint: ENDPOINT,
      fetch: hub.fetch,
      env: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(
      /no ONNX model for dtype 'q4' in nucleus\/tiny@main .* found onnx\/model\.onnx/,
    );
  });

  it('never sends something that looks like a path to the hub', async () => {
    await expect(loadModel('./models/gpt2')).rejects.toThrow(ModelNotFoundError);
    await expect(loadModel('../gpt2')).rejects.toThrow(ModelNotFoundError);
    await expect(loadModel('~/gpt2')).rejects.toThrow(ModelNotFoundError);
  });
});
