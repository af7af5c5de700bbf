import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureModel } from '@nucleus/gpt2-onnx';

/** The seeded tiny GPT-2 of `@nucleus/gpt2-onnx` (2 layers, 32 dims, GPT-2 vocabulary), built once into its cache. */
export function tinyModelDir(): Promise<string> {
  return ensureModel('tiny');
}

/** Every file of a model folder, by `/`-separated path relative to it. */
export async function readModelFolder(dir: string): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const walk = async (prefix: string) => {
    for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(relative);
      else files.set(relative, new Uint8Array(await readFile(path.join(dir, relative))));
    }
  };
  await walk('');
  return files;
}

/** Generation configs every runtime must agree on: greedy, and seeded sampling through the warpers. */
export const SHARED_CONFIGS = {
  greedy: { maxNewTokens: 12 },
  topP: { maxNewTokens: 24, doSample: true, topK: 0, topP: 0.9, temperature: 0.8, seed: 1234 },
  topK: { maxNewTokens: 16, doSample: true, topK: 40, seed: 7, numReturnSequences: 2 },
} as const;
