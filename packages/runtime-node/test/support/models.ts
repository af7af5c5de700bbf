import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureModel } from '@nucleus/gpt2-onnx';

/** The monorepo root, from this file's location (packages/runtime-node/test/support). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Conformance data provided by CI next to the repository (absent in a user's clone). */
export const sharedDir = path.resolve(repoRoot, '../shared/conformance');
export const hasShared = existsSync(path.join(sharedDir, 'golden'));

/** The seeded tiny GPT-2 of `@nucleus/gpt2-onnx` (2 layers, 32 dims, GPT-2 vocabulary), built once into its cache. */
export function tinyModelDir(): Promise<string> {
  return ensureModel('tiny');
}
