import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (this file is packages/gpt2-onnx/test/helpers/paths.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The shared conformance data, present beside the repo in CI and development, absent in a user's clone. */
export const conformanceDir = resolve(repoRoot, '../shared/conformance');
export const hasShared = existsSync(join(conformanceDir, 'tiny-gpt2', 'model.safetensors'));

/** A fresh temporary folder and its cleanup. */
export async function tempDir(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `nucleus-gpt2-onnx-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
