import { lstat, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { downloadModelFiles } from '../../src/hub/index.js';
import { FakeHub, sha256Hex } from './fake-hub.js';
import {
  fingerprint,
  MODEL,
  MODEL_FILES,
  REPO_ID,
  removeDir,
  tempDir,
  testEnv,
  tinyRepo,
} from './helpers.js';

// A file system without symlinks (Windows without developer mode), and optionally without hard links.
const failures = vi.hoisted(() => ({ link: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const refuse = (syscall: string) => {
    const error = Object.assign(new Error(`${syscall}: operation not permitted`), { code: 'EPERM' });
    return Promise.reject(error);
  };
  return {
    ...actual,
    symlink: () => refuse('symlink'),
    link: (...args: Parameters<typeof actual.link>) =>
      failures.link ? refuse('link') : actual.link(...args),
  };
});

let hub: FakeHub;
let home: string;
beforeAll(async () => {
  hub = await FakeHub.start();
  hub.repos.set(REPO_ID, tinyRepo());
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  home = await tempDir();
});
afterEach(async () => {
  failures.link = false;
  await removeDir(home);
});

describe('where symlinks cannot be created', () => {
  it('hard-links the blob into the snapshot', async () => {
    const result = await downloadModelFiles(REPO_ID, MODEL_FILES, { env: testEnv(hub, home) });
    const model = result.files[2]!.localPath;
    expect((await lstat(model)).isSymbolicLink()).toBe(false);
    const blob = join(result.snapshotDir, '..', '..', 'blobs');
    const blobStat = await stat(join(blob, sha256Hex(MODEL)));
    expect((await stat(model)).ino).toBe(blobStat.ino);
    expect(fingerprint(new Uint8Array(await readFile(model)))).toBe(fingerprint(MODEL));
  });

  it('copies the blob when hard links fail too', async () => {
    failures.link = true;
    const result = await downloadModelFiles(REPO_ID, MODEL_FILES, { env: testEnv(hub, home) });
    const model = result.files[2]!.localPath;
    expect((await lstat(model)).isSymbolicLink()).toBe(false);
    expect((await stat(model)).nlink).toBe(1);
    expect(fingerprint(new Uint8Array(await readFile(model)))).toBe(fingerprint(MODEL));
    const again = await downloadModelFiles(REPO_ID, MODEL_FILES, { env: testEnv(hub, home) });
    expect(again.files.every((file) => file.fromCache)).toBe(true);
  });
});
