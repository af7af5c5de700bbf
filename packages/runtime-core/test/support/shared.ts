import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root, found from this file's location (packages/runtime-core/test/support). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The conformance data that CI provides next to the repository. */
export const sharedDir = path.resolve(repoRoot, '../shared/conformance');

/** Whether `../shared/conformance` exists (a user's clone has no such folder). */
export const hasShared = existsSync(path.join(sharedDir, 'golden'));

/** The tiny HF GPT-2 in the hub layout. */
export const tinyGpt2Dir = path.join(sharedDir, 'tiny-gpt2');

/** Reads a golden JSON file. */
export function readGolden<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(sharedDir, 'golden', name), 'utf8')) as T;
}

/** Decodes a base64 little-endian float32 array. */
export function decodeFloats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
