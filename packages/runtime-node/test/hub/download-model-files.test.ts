import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  downloadModelFiles,
  HubAuthError,
  HubNotFoundError,
  HubOfflineError,
  type HubProgressEvent,
  resolveHubFile,
} from '../../src/hub/index.js';
import { FakeHub, gitBlobSha1, sha256Hex } from './fake-hub.js';
import {
  COMMIT,
  CONFIG,
  fileFingerprint,
  fingerprint,
  listTree,
  MODEL,
  MODEL_FILES,
  NEXT_COMMIT,
  NEXT_CONFIG,
  REPO_ID,
  removeDir,
  TOKENIZER,
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

const repoDir = () => join(cacheDir, 'models--nucleus-test--tiny-gpt2');
const download = (files: Parameters<typeof downloadModelFiles>[1] = MODEL_FILES, options = {}) =>
  downloadModelFiles(REPO_ID, files, { env: testEnv(hub, home), ...options });

describe('downloading into the hub cache', () => {
  it('downloads the bytes the hub serves and returns the snapshot folder', async () => {
    const result = await download();
    expect(result.commit).toBe(COMMIT);
    expect(result.snapshotDir).toBe(join(repoDir(), 'snapshots', COMMIT));
    expect(result.files.map(({ path, size, fromCache }) => ({ path, size, fromCache }))).toEqual([
      { path: 'config.json', size: CONFIG.byteLength, fromCache: false },
      { path: 'tokenizer.json', size: TOKENIZER.byteLength, fromCache: false },
      { path: 'onnx/model.onnx', size: MODEL.byteLength, fromCache: false },
    ]);
    expect(await fileFingerprint(join(result.snapshotDir, 'config.json'))).toBe(fingerprint(CONFIG));
    expect(await fileFingerprint(join(result.snapshotDir, 'tokenizer.json'))).toBe(fingerprint(TOKENIZER));
    expect(await fileFingerprint(join(result.snapshotDir, 'onnx', 'model.onnx'))).toBe(fingerprint(MODEL));
    expect(result.files[2]!.localPath).toBe(join(result.snapshotDir, 'onnx', 'model.onnx'));
  });

  it('lays the cache out as huggingface_hub does: refs, blobs by etag, relative snapshot symlinks', async () => {
    await download();
    const configEtag = gitBlobSha1(CONFIG);
    const modelEtag = sha256Hex(MODEL);
    expect(await listTree(repoDir())).toEqual(
      [
        `blobs/${configEtag}`,
        `blobs/${gitBlobSha1(TOKENIZER)}`,
        `blobs/${modelEtag}`,
        'refs/main',
        `snapshots/${COMMIT}/config.json`,
        `snapshots/${COMMIT}/onnx/model.onnx`,
        `snapshots/${COMMIT}/tokenizer.json`,
      ].sort(),
    );
    expect(await readFile(join(repoDir(), 'refs', 'main'), 'utf8')).toBe(COMMIT);
    const snapshot = join(repoDir(), 'snapshots', COMMIT);
    expect((await lstat(join(snapshot, 'config.json'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(snapshot, 'config.json'))).toBe(join('..', '..', 'blobs', configEtag));
    expect(await readlink(join(snapshot, 'onnx', 'model.onnx'))).toBe(
      join('..', '..', '..', 'blobs', modelEtag),
    );
  });

  it('asks with HEAD and no redirect following, then fetches the LFS file from the CDN without the token', async () => {
    await download(MODEL_FILES, { token: 'hf_secret' });
    const model = `/${REPO_ID}/resolve/${COMMIT}/onnx/model.onnx`;
    expect(hub.requests({ server: 'hub', path: model }).map((request) => request.method)).toEqual(['HEAD']);
    const cdn = hub.requests({ server: 'cdn' });
    expect(cdn.map((request) => [request.method, request.path])).toEqual([
      ['GET', `/cdn/${sha256Hex(MODEL)}?signature=fake`],
    ]);
    expect(cdn[0]!.authorization).toBeUndefined();
    expect(
      hub.requests({ server: 'hub' }).every((request) => request.authorization === 'Bearer hf_secret'),
    ).toBe(true);
    // Files after the first are fetched at the commit the first one resolved to.
    // Bytes are fetched at the commit the first answer named, so a branch moving meanwhile changes nothing.
    expect(hub.requests({ server: 'hub', method: 'GET' }).map((request) => request.path)).toEqual([
      `/${REPO_ID}/resolve/${COMMIT}/config.json`,
      `/${REPO_ID}/resolve/${COMMIT}/tokenizer.json`,
    ]);
  });

  it('serves a second call from the cache without any request', async () => {
    await download();
    hub.seen.length = 0;
    const again = await download();
    expect(hub.seen).toEqual([]);
    expect(again.files.every((file) => file.fromCache)).toBe(true);
    expect(again.commit).toBe(COMMIT);
    const byCommit = await download(MODEL_FILES, { revision: COMMIT });
    expect(byCommit.snapshotDir).toBe(again.snapshotDir);
    expect(hub.seen).toEqual([]);
  });

  it('downloads only the files the snapshot lacks, at the cached commit', async () => {
    await download(['config.json']);
    hub.seen.length = 0;
    const result = await download();
    expect(result.files.map((file) => file.fromCache)).toEqual([true, false, false]);
    expect(hub.requests({ server: 'hub' }).map((request) => request.path)).toEqual([
      `/${REPO_ID}/resolve/${COMMIT}/tokenizer.json`,
      `/${REPO_ID}/resolve/${COMMIT}/tokenizer.json`,
      `/${REPO_ID}/resolve/${COMMIT}/onnx/model.onnx`,
    ]);
  });

  it('links a blob it already has into a new snapshot instead of downloading it again', async () => {
    await download();
    hub.moveBranch(REPO_ID, 'main', NEXT_COMMIT);
    hub.seen.length = 0;
    const result = await download(MODEL_FILES, { revalidate: true });
    expect(result.commit).toBe(NEXT_COMMIT);
    expect(await readFile(join(repoDir(), 'refs', 'main'), 'utf8')).toBe(NEXT_COMMIT);
    expect(result.files.map((file) => file.fromCache)).toEqual([false, true, true]);
    expect(hub.requests({ method: 'GET' }).map((request) => request.path)).toEqual([
      `/${REPO_ID}/resolve/${NEXT_COMMIT}/config.json`,
    ]);
    expect(await fileFingerprint(join(result.snapshotDir, 'config.json'))).toBe(fingerprint(NEXT_CONFIG));
    expect(await readlink(join(result.snapshotDir, 'onnx', 'model.onnx'))).toBe(
      join('..', '..', '..', 'blobs', sha256Hex(MODEL)),
    );
  });

  it('keeps serving the cached commit of a branch that moved, unless asked to revalidate', async () => {
    await download();
    hub.moveBranch(REPO_ID, 'main', NEXT_COMMIT);
    hub.seen.length = 0;
    expect((await download()).commit).toBe(COMMIT);
    expect(hub.seen).toEqual([]);
  });

  it('starts again from the branch when the cached commit is gone from the hub (history rewritten)', async () => {
    await download(['config.json']);
    const repo = hub.repos.get(REPO_ID)!;
    repo.commits = { [NEXT_COMMIT]: repo.commits[NEXT_COMMIT]! };
    hub.moveBranch(REPO_ID, 'main', NEXT_COMMIT);
    const result = await download();
    expect(result.commit).toBe(NEXT_COMMIT);
    expect(await readFile(join(repoDir(), 'refs', 'main'), 'utf8')).toBe(NEXT_COMMIT);
    expect(await fileFingerprint(result.files[0]!.localPath)).toBe(fingerprint(NEXT_CONFIG));
  });

  it('falls back to the cache when revalidating and the hub cannot be reached', async () => {
    await download();
    const result = await downloadModelFiles(REPO_ID, MODEL_FILES, {
      env: testEnv(hub, home, { HF_ENDPOINT: 'http://127.0.0.1:9' }),
      revalidate: true,
    });
    expect(result.commit).toBe(COMMIT);
    expect(result.files.every((file) => file.fromCache)).toBe(true);
  });

  it('reports progress per file, non-decreasing and ending at the total', async () => {
    const events: HubProgressEvent[] = [];
    await download(MODEL_FILES, { onProgress: (event: HubProgressEvent) => events.push(event) });
    const sizes = {
      'config.json': CONFIG.byteLength,
      'tokenizer.json': TOKENIZER.byteLength,
      'onnx/model.onnx': MODEL.byteLength,
    };
    for (const [file, size] of Object.entries(sizes)) {
      const mine = events.filter((event) => event.file === file);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((event) => event.total === size)).toBe(true);
      for (let i = 1; i < mine.length; i++)
        expect(mine[i]!.loaded).toBeGreaterThanOrEqual(mine[i - 1]!.loaded);
      expect(mine.at(-1)!.loaded).toBe(size);
    }
    expect(events.filter((event) => event.file === 'onnx/model.onnx').length).toBeGreaterThan(1);
  });

  it('resolves a single file with resolveHubFile', async () => {
    const config = await resolveHubFile(REPO_ID, 'config.json', { env: testEnv(hub, home) });
    expect(config.commit).toBe(COMMIT);
    expect(await fileFingerprint(config.localPath)).toBe(fingerprint(CONFIG));
    const absent = await resolveHubFile(REPO_ID, 'generation_config.json', {
      env: testEnv(hub, home),
      optional: true,
    });
    expect(absent).toBeUndefined();
  });

  it('chooses files from the repository listing, online from the API and offline from the snapshot', async () => {
    const pick = (listing: readonly string[]) => listing.filter((path) => path.endsWith('.json'));
    const online = await download(pick);
    expect(online.files.map((file) => file.path).sort()).toEqual(['config.json', 'tokenizer.json']);
    expect(hub.requests({ path: `/api/models/${REPO_ID}/revision/main` })).toHaveLength(1);
    let offlineListing: readonly string[] = [];
    const offline = await download(
      (listing: readonly string[]) => {
        offlineListing = listing;
        return listing;
      },
      { offline: true },
    );
    expect(offlineListing).toEqual(['config.json', 'tokenizer.json']);
    expect(offline.files.every((file) => file.fromCache)).toBe(true);
  });
  it('falls back to the cached file list when the hub API cannot be reached', async () => {
    await download();
    const result = await downloadModelFiles(
      REPO_ID,
      (listing) => listing.filter((path) => path.startsWith('onnx/')),
      {
        env: testEnv(hub, home, { HF_ENDPOINT: 'http://127.0.0.1:9' }),
      },
    );
    expect(result.files).toMatchObject([{ path: 'onnx/model.onnx', fromCache: true }]);
  });
});

describe('missing files and repositories (404)', () => {
  it('names the URL of a missing required file and suggests checking the name and revision', async () => {
    const error = await download(['config.json', 'onnx/model_q9.onnx']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubNotFoundError);
    const notFound = error as HubNotFoundError;
    expect(notFound.code).toBe('HUB_NOT_FOUND');
    expect(notFound.target).toBe('file');
    expect(notFound.file).toBe('onnx/model_q9.onnx');
    expect(notFound.message).toContain(`${hub.hubUrl}/${REPO_ID}/resolve/${COMMIT}/onnx/model_q9.onnx`);
    expect(notFound.message).toMatch(/check the file name and the revision/);
  });

  it('treats a 404 of an optional file as absent and records it in .no_exist like huggingface_hub', async () => {
    const files = ['config.json', { path: 'generation_config.json', optional: true }];
    const result = await download(files);
    expect(result.missing).toEqual(['generation_config.json']);
    expect(result.files.map((file) => file.path)).toEqual(['config.json']);
    expect((await stat(join(repoDir(), '.no_exist', COMMIT, 'generation_config.json'))).size).toBe(0);
    hub.seen.length = 0;
    expect((await download(files)).missing).toEqual(['generation_config.json']);
    expect(hub.seen).toEqual([]);
    expect((await download(files, { offline: true })).missing).toEqual(['generation_config.json']);
  });

  it('says when the repository does not exist', async () => {
    const error = await downloadModelFiles('nucleus-test/no-such-model', ['config.json'], {
      env: testEnv(hub, home),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubNotFoundError);
    expect((error as HubNotFoundError).target).toBe('repo');
    expect((error as Error).message).toMatch(/repository "nucleus-test\/no-such-model" not found/);
    expect((error as Error).message).toMatch(/check the repo id/);
  });

  it('says when the revision does not exist, even for an optional file', async () => {
    const error = await download([{ path: 'config.json', optional: true }], { revision: 'v9' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubNotFoundError);
    expect((error as HubNotFoundError).target).toBe('revision');
    expect((error as Error).message).toMatch(/revision "v9" not found/);
  });
});

describe('authentication (401)', () => {
  it('asks for HF_TOKEN when the hub answers 401 to a request without token', async () => {
    hub.requiredToken = 'hf_right';
    const error = await download().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubAuthError);
    expect((error as HubAuthError).status).toBe(401);
    expect((error as HubAuthError).tokenSent).toBe(false);
    expect((error as Error).message).toMatch(/set HF_TOKEN/);
  });

  it('says the token was rejected when a wrong one was sent', async () => {
    hub.requiredToken = 'hf_right';
    const error = await downloadModelFiles(REPO_ID, MODEL_FILES, {
      env: testEnv(hub, home, { HF_TOKEN: 'hf_wrong' }),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubAuthError);
    expect((error as HubAuthError).tokenSent).toBe(true);
    expect((error as Error).message).toMatch(/token was rejected/);
  });

  it('sends HF_TOKEN from the environment as a bearer token to the hub, never to the CDN', async () => {
    hub.requiredToken = 'hf_right';
    const result = await downloadModelFiles(REPO_ID, MODEL_FILES, {
      env: testEnv(hub, home, { HF_TOKEN: 'hf_right' }),
    });
    expect(await fileFingerprint(result.files[2]!.localPath)).toBe(fingerprint(MODEL));
    expect(
      hub.requests({ server: 'hub' }).every((request) => request.authorization === 'Bearer hf_right'),
    ).toBe(true);
    expect(hub.requests({ server: 'cdn' }).map((request) => request.authorization)).toEqual([undefined]);
  });

  it('reads the token file that huggingface-cli login writes in HF_HOME', async () => {
    hub.requiredToken = 'hf_from_file';
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(home, 'hf'), { recursive: true });
    await writeFile(join(home, 'hf', 'token'), 'hf_from_file\n');
    const result = await download(['config.json']);
    expect(result.files[0]!.fromCache).toBe(false);
  });

  it('sends no token when token is false', async () => {
    hub.requiredToken = 'hf_right';
    const error = await downloadModelFiles(REPO_ID, ['config.json'], {
      env: testEnv(hub, home, { HF_TOKEN: 'hf_right' }),
      token: false,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubAuthError);
  });
});

describe('redirects', () => {
  it('follows the relative redirect of a renamed repository and caches under the requested id', async () => {
    hub.renamed.set('nucleus-test/old-name', REPO_ID);
    const result = await downloadModelFiles('nucleus-test/old-name', MODEL_FILES, {
      env: testEnv(hub, home),
    });
    expect(result.snapshotDir).toBe(join(cacheDir, 'models--nucleus-test--old-name', 'snapshots', COMMIT));
    expect(await fileFingerprint(result.files[2]!.localPath)).toBe(fingerprint(MODEL));
    expect(
      hub.requests({ path: `/nucleus-test/old-name/resolve/main/config.json`, method: 'HEAD' }),
    ).toHaveLength(1);
    expect(hub.requests({ path: `/${REPO_ID}/resolve/main/config.json`, method: 'HEAD' })).toHaveLength(1);
  });
});

describe('environment variables', () => {
  it('uses HF_ENDPOINT (trailing slash allowed) and HF_HUB_CACHE', async () => {
    const custom = join(home, 'custom-cache');
    const result = await downloadModelFiles(REPO_ID, ['config.json'], {
      env: { HOME: home, HF_ENDPOINT: `${hub.hubUrl}/`, HF_HUB_CACHE: custom },
    });
    expect(result.snapshotDir).toBe(join(custom, 'models--nucleus-test--tiny-gpt2', 'snapshots', COMMIT));
    expect(hub.requests({ path: `/${REPO_ID}/resolve/main/config.json` }).length).toBeGreaterThan(0);
  });

  it('uses $HF_HOME/hub when HF_HUB_CACHE is not set', async () => {
    const result = await downloadModelFiles(REPO_ID, ['config.json'], {
      env: { HOME: home, HF_ENDPOINT: hub.hubUrl, HF_HOME: join(home, 'elsewhere') },
    });
    expect(
      result.snapshotDir.startsWith(join(home, 'elsewhere', 'hub', 'models--nucleus-test--tiny-gpt2')),
    ).toBe(true);
  });

  it('HF_HUB_OFFLINE=1 serves from the cache without requests', async () => {
    await download();
    hub.seen.length = 0;
    const result = await downloadModelFiles(REPO_ID, MODEL_FILES, {
      env: testEnv(hub, home, { HF_HUB_OFFLINE: '1' }),
    });
    expect(hub.seen).toEqual([]);
    expect(result.commit).toBe(COMMIT);
    expect(await fileFingerprint(result.files[2]!.localPath)).toBe(fingerprint(MODEL));
  });

  it('HF_HUB_OFFLINE=1 names the repository, revision, file and cache path of a missing file', async () => {
    await download(['config.json']);
    const error = await downloadModelFiles(REPO_ID, MODEL_FILES, {
      env: testEnv(hub, home, { HF_HUB_OFFLINE: 'true' }),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubOfflineError);
    const offline = error as HubOfflineError;
    expect(offline.code).toBe('HUB_OFFLINE');
    expect(offline.file).toBe('tokenizer.json');
    expect(offline.message).toContain(REPO_ID);
    expect(offline.message).toContain('"main"');
    expect(offline.message).toContain(join(repoDir(), 'snapshots', COMMIT, 'tokenizer.json'));
    expect(hub.requests({ method: 'HEAD' })).toHaveLength(1);
  });

  it('offline mode errors clearly when the revision was never downloaded', async () => {
    const error = await download(MODEL_FILES, { offline: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubOfflineError);
    expect((error as Error).message).toMatch(
      /revision "main" of "nucleus-test\/tiny-gpt2" is not in the cache/,
    );
    expect((error as Error).message).toContain(repoDir());
    expect(hub.seen).toEqual([]);
  });

  it('the offline option wins over HF_HUB_OFFLINE', async () => {
    const result = await downloadModelFiles(REPO_ID, ['config.json'], {
      env: testEnv(hub, home, { HF_HUB_OFFLINE: '1' }),
      offline: false,
    });
    expect(result.files[0]!.fromCache).toBe(false);
  });
});

describe('a cache written by Python huggingface_hub', () => {
  it('reuses a folder laid out like huggingface_hub writes it, online and offline, without requests', async () => {
    const { mkdir, symlink, writeFile } = await import('node:fs/promises');
    const configEtag = gitBlobSha1(CONFIG);
    const modelEtag = sha256Hex(MODEL);
    const snapshot = join(repoDir(), 'snapshots', COMMIT);
    await mkdir(join(repoDir(), 'blobs'), { recursive: true });
    await mkdir(join(repoDir(), 'refs'), { recursive: true });
    await mkdir(join(snapshot, 'onnx'), { recursive: true });
    await writeFile(join(repoDir(), 'blobs', configEtag), CONFIG);
    await writeFile(join(repoDir(), 'blobs', modelEtag), MODEL);
    await writeFile(join(repoDir(), 'refs', 'main'), COMMIT);
    await symlink(`../../blobs/${configEtag}`, join(snapshot, 'config.json'));
    await symlink(`../../../blobs/${modelEtag}`, join(snapshot, 'onnx', 'model.onnx'));

    const files = ['config.json', 'onnx/model.onnx'];
    const online = await download(files);
    expect(hub.seen).toEqual([]);
    expect(online.snapshotDir).toBe(snapshot);
    expect(online.files.every((file) => file.fromCache)).toBe(true);
    expect(await fileFingerprint(online.files[1]!.localPath)).toBe(fingerprint(MODEL));
    const offline = await download(files, { offline: true, revision: COMMIT });
    expect(offline.files.map((file) => file.size)).toEqual([CONFIG.byteLength, MODEL.byteLength]);
    expect(hub.seen).toEqual([]);
  });
});
