import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoModelPath } from '@nucleus/demo-model';
import { type LoadedModel, loadModel } from '@nucleus/runtime-node';
import { UsageError } from './errors.js';
import type { Output } from './output.js';
import type { ModelFlags } from './program.js';
import { createDownloadProgress } from './progress.js';

function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 0) {
    throw new UsageError(
      `--threads must be an integer >= 0 (0 = onnxruntime's default), got ${JSON.stringify(text)}`,
    );
  }
  return threads;
}

/** Loads the model a command asked for: a folder, a hub id, or the embedded default. */
export async function openModel(flags: ModelFlags, output: Output): Promise<LoadedModel> {
  const threads = parseThreads(flags.threads);
  const common = {
    ...(flags.dtype !== undefined ? { dtype: flags.dtype as never } : {}),
    ...(threads !== undefined && threads > 0 ? { threads } : {}),
  };
  if (flags.model === undefined) return loadModel(demoModelPath(), common);
  const local = resolve(flags.model);
  if (existsSync(local) && statSync(local).isDirectory()) return loadModel(local, common);
  const progress = createDownloadProgress(output);
  try {
    return await loadModel(flags.model, {
      ...common,
      ...(flags.revision !== undefined ? { revision: flags.revision } : {}),
      onProgress: progress.update,
    } as never);
  } finally {
    progress.stop();
  }
}
