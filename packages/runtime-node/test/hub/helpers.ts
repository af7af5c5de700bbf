import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeHub, type FakeRepo, pseudoRandomBytes } from './fake-hub.js';

export const REPO_ID = 'nucleus-test/tiny-gpt2';
export const COMMIT = '0123456789abcdef0123456789abcdef01234567';
export const NEXT_COMMIT = 'fedcba9876543210fedcba9876543210fedcba98';

const encoder = new TextEncoder();

export const CONFIG = encoder.encode(
  JSON.stringify({ model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 8 }),
);
export const TOKENIZER = encoder.encode(
  JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: {} } }),
);
/** The "weights": large enough to arrive in several chunks. */
export const MODEL = pseudoRandomBytes(384 * 1024, 42);
export const NEXT_CONFIG = encoder.encode(JSON.stringify({ model_type: 'gpt2', n_layer: 4 }));

/** The served repository: `main` at COMMIT; NEXT_COMMIT (config changed, same weights) exists too. */
export function tinyRepo(): FakeRepo {
  return {
    commits: {
      [COMMIT]: {
        'config.json': { content: CONFIG },
        'tokenizer.json': { content: TOKENIZER },
        'onnx/model.onnx': { content: MODEL, lfs: true },
      },
      [NEXT_COMMIT]: {
        'config.json': { content: NEXT_CONFIG },
        'tokenizer.json': { content: TOKENIZER },
        'onnx/model.onnx': { content: MODEL, lfs: true },
      },
    },
    branches: { main: COMMIT },
  };
}

export const MODEL_FILES = ['config.json', 'tokenizer.json', 'onnx/model.onnx'];

/** A fresh temporary folder; remove it with {@link removeDir}. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'nucleus-hub-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * An environment pointing at the fake hub and a temporary cache, with HOME moved too, so no test reads the
 * real cache or token of the machine.
 */
export function testEnv(
  hub: FakeHub,
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { HOME: home, HF_HOME: join(home, 'hf'), HF_ENDPOINT: hub.hubUrl, ...extra };
}

/** Every file under `dir`, relative, `/`-separated, sorted (symlinks listed, not followed). */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

/**
 * Compares bytes by length and sha256 (vitest's deep equality walks a 384 KiB array element by element,
 * which takes about a second).
 */
export function fingerprint(bytes: Uint8Array): string {
  return `${bytes.byteLength} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The fingerprint of a file on disk. */
export async function fileFingerprint(path: string): Promise<string> {
  return fingerprint(new Uint8Array(await readFile(path)));
}
