import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDiskHubStore,
  downloadModelFiles,
  HubAbortError,
  HubIntegrityError,
  HubNetworkError,
  type HubProgressEvent,
} from '../../src/hub/index.js';
import { FakeHub, pseudoRandomBytes, sha256Hex } from './fake-hub.js';
import {
  COMMIT,
  fileFingerprint,
  fingerprint,
  listTree,
  MODEL,
  MODEL_FILES,
  REPO_ID,
  removeDir,
  tempDir,
  testEnv,
  tinyRepo,
} from './helpers.js';

let hub: FakeHub;
let home: string;
let cacheDir: string;

beforeAll(async () => {
  hub = await FakeHub.start();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  hub.reset();
  hub.repos.clear();
  hub.repos.set(REPO_ID, tinyRepo());
  home = await tempDir();
  cacheDir = join(home, 'hf', 'hub');
});
afterEach(async () => {
  await removeDir(home);
});

const MODEL_ETAG = sha256Hex(MODEL);
const repoDir = () => join(cacheDir, 'models--nucleus-test--tiny-gpt2');
const blobsDir = () => join(repoDir(), 'blobs');
const snapshotModel = () => join(repoDir(), 'snapshots', COMMIT, 'onnx', 'model.onnx');
const download = (options = {}) =>
  downloadModelFiles(REPO_ID, MODEL_FILES, { env: testEnv(hub, home), ...options });
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const modelBlobFiles = async () => (await readdir(blobsDir())).filter((name) => name.startsWith(MODEL_ETAG));

describe('a connection cut in the middle of a file', () => {
  it('keeps only an .incomplete blob, never visible in the snapshot, and resumes it with a Range request', async () => {
    const half = MODEL.byteLength / 2;
    hub.cutNext = { path: 'onnx/model.onnx', afterBytes: half };
    const error = await download().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubNetworkError);
    const cut = error as HubNetworkError;
    expect(cut.code).toBe('HUB_NETWORK');
    // The server sent half the body; what reached the client before the cut is what is kept.
    const received = cut.received;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(half);
    expect(cut.expected).toBe(MODEL.byteLength);
    expect(cut.message).toContain(`${received} of ${MODEL.byteLength} bytes received`);

    expect(await modelBlobFiles()).toEqual([`${MODEL_ETAG}.incomplete`]);
    expect((await stat(join(blobsDir(), `${MODEL_ETAG}.incomplete`))).size).toBe(received);
    expect(await exists(snapshotModel())).toBe(false);
    // The files before the cut are complete and stay usable.
    expect(await listTree(join(repoDir(), 'snapshots', COMMIT))).toEqual(['config.json', 'tokenizer.json']);

    hub.seen.length = 0;
    const events: HubProgressEvent[] = [];
    const result = await download({ onProgress: (event: HubProgressEvent) => events.push(event) });
    expect(hub.requests({ server: 'cdn' }).map((request) => request.range)).toEqual([`bytes=${received}-`]);
    expect(result.files[2]).toMatchObject({
      path: 'onnx/model.onnx',
      fromCache: false,
      size: MODEL.byteLength,
    });
    expect(await fileFingerprint(snapshotModel())).toBe(fingerprint(MODEL));
    expect(await modelBlobFiles()).toEqual([MODEL_ETAG]);
    expect(events.find((event) => event.file === 'onnx/model.onnx')!.loaded).toBeGreaterThan(received);
    expect(events.at(-1)).toEqual({
      file: 'onnx/model.onnx',
      loaded: MODEL.byteLength,
      total: MODEL.byteLength,
    });
  });

  it('starts over when the server ignores the Range request and sends the whole file', async () => {
    hub.cutNext = { path: 'onnx/model.onnx', afterBytes: 100_000 };
    const { received } = (await download().catch((caught: unknown) => caught)) as HubNetworkError;
    expect(received).toBeGreaterThan(0);
    hub.ignoreRange = true;
    hub.seen.length = 0;
    const events: HubProgressEvent[] = [];
    await download({ onProgress: (event: HubProgressEvent) => events.push(event) });
    expect(hub.requests({ server: 'cdn' }).map((request) => request.range)).toEqual([`bytes=${received}-`]);
    expect(await fileFingerprint(snapshotModel())).toBe(fingerprint(MODEL));
    expect(events.at(-1)).toEqual({
      file: 'onnx/model.onnx',
      loaded: MODEL.byteLength,
      total: MODEL.byteLength,
    });
  });

  it('resumes a partial download left by Python (blobs/<etag>.incomplete)', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(blobsDir(), { recursive: true });
    await writeFile(join(blobsDir(), `${MODEL_ETAG}.incomplete`), MODEL.subarray(0, 1000));
    await download();
    expect(hub.requests({ server: 'cdn' }).map((request) => request.range)).toEqual(['bytes=1000-']);
    expect(await fileFingerprint(snapshotModel())).toBe(fingerprint(MODEL));
  });

  it('restarts from zero when the partial file is longer than the file (416 not needed)', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(blobsDir(), { recursive: true });
    await writeFile(join(blobsDir(), `${MODEL_ETAG}.incomplete`), new Uint8Array(MODEL.byteLength + 10));
    await download();
    expect(hub.requests({ server: 'cdn' }).map((request) => request.range)).toEqual([undefined]);
    expect(await fileFingerprint(snapshotModel())).toBe(fingerprint(MODEL));
  });
});

describe('abort', () => {
  it('stops cleanly, keeps the .incomplete for the next call, which resumes it', async () => {
    hub.stallNext = { path: 'onnx/model.onnx', afterBytes: 120_000 };
    const controller = new AbortController();
    let seenAtAbort = 0;
    const onProgress = (event: HubProgressEvent) => {
      if (event.file === 'onnx/model.onnx' && !controller.signal.aborted) {
        seenAtAbort = event.loaded;
        controller.abort();
      }
    };
    const error = await download({ signal: controller.signal, onProgress }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubAbortError);
    const aborted = error as HubAbortError;
    expect(aborted.code).toBe('ABORTED');
    expect(aborted.file).toBe('onnx/model.onnx');
    expect(aborted.received).toBe(seenAtAbort);
    expect(await modelBlobFiles()).toEqual([`${MODEL_ETAG}.incomplete`]);
    expect((await stat(join(blobsDir(), `${MODEL_ETAG}.incomplete`))).size).toBe(seenAtAbort);
    expect(await exists(snapshotModel())).toBe(false);

    hub.seen.length = 0;
    await download();
    expect(hub.requests({ server: 'cdn' }).map((request) => request.range)).toEqual([
      `bytes=${seenAtAbort}-`,
    ]);
    expect(await fileFingerprint(snapshotModel())).toBe(fingerprint(MODEL));
  });

  it('an already aborted signal makes no request', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(download({ signal: controller.signal })).rejects.toBeInstanceOf(HubAbortError);
    expect(hub.seen).toEqual([]);
  });
});

describe('integrity', () => {
  it('rejects bytes whose sha256 is not the LFS etag, and keeps nothing of them', async () => {
    hub.corrupt.set('onnx/model.onnx', pseudoRandomBytes(MODEL.byteLength, 7));
    const error = await download().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubIntegrityError);
    expect((error as Error).message).toMatch(/sha256/);
    expect(await modelBlobFiles()).toEqual([]);
    expect(await exists(snapshotModel())).toBe(false);
    hub.corrupt.clear();
    await download();
    expect(await fileFingerprint(snapshotModel())).toBe(fingerprint(MODEL));
  });

  it('verifies the sha256 over resumed bytes too', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(blobsDir(), { recursive: true });
    const wrongStart = new Uint8Array(1000).fill(1);
    await writeFile(join(blobsDir(), `${MODEL_ETAG}.incomplete`), wrongStart);
    await expect(download()).rejects.toBeInstanceOf(HubIntegrityError);
    expect(await modelBlobFiles()).toEqual([]);
  });
});

describe('concurrent downloads', () => {
  it('two calls in one process fetch a blob once and both get the complete file', async () => {
    const [first, second] = await Promise.all([download(), download()]);
    expect(first.commit).toBe(second.commit);
    expect(hub.requests({ server: 'cdn' })).toHaveLength(1);
    expect(await fileFingerprint(first.files[2]!.localPath)).toBe(fingerprint(MODEL));
    expect(await modelBlobFiles()).toEqual([MODEL_ETAG]);
  });

  it('two writers of one blob (as two processes would be) never share a file; the blob ends complete', async () => {
    const storeA = createDiskHubStore(cacheDir);
    const storeB = createDiskHubStore(cacheDir);
    const expected = { file: 'onnx/model.onnx', size: MODEL.byteLength };
    const a = await storeA.openBlobWriter(REPO_ID, MODEL_ETAG, expected);
    const b = await storeB.openBlobWriter(REPO_ID, MODEL_ETAG, expected);
    const chunk = 64 * 1024;
    for (let start = 0; start < MODEL.byteLength; start += chunk) {
      await a.write(MODEL.subarray(start, start + chunk));
      await b.write(MODEL.subarray(start, start + chunk));
    }
    await a.commit();
    await b.commit();
    expect(await modelBlobFiles()).toEqual([MODEL_ETAG]);
    expect(await fileFingerprint(join(blobsDir(), MODEL_ETAG))).toBe(fingerprint(MODEL));
  });

  it('a second writer does not touch the partial file the first one claimed', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(blobsDir(), { recursive: true });
    await writeFile(join(blobsDir(), `${MODEL_ETAG}.incomplete`), MODEL.subarray(0, 5000));
    const expected = { file: 'onnx/model.onnx', size: MODEL.byteLength };
    const first = await createDiskHubStore(cacheDir).openBlobWriter(REPO_ID, MODEL_ETAG, expected);
    const second = await createDiskHubStore(cacheDir).openBlobWriter(REPO_ID, MODEL_ETAG, expected);
    expect(first.offset).toBe(5000);
    expect(second.offset).toBe(0);
    await second.write(MODEL.subarray(0, 10));
    await first.write(MODEL.subarray(5000));
    await first.commit();
    await second.suspend();
    expect(await fileFingerprint(join(blobsDir(), MODEL_ETAG))).toBe(fingerprint(MODEL));
    expect((await stat(join(blobsDir(), `${MODEL_ETAG}.incomplete`))).size).toBe(10);
  });
});
