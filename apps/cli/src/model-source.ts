import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureModel } from '@nucleus/gpt2-onnx';
import { type LoadedModel, loadModel } from '@nucleus/runtime-node';
import { UsageError } from './errors.js';
import type { Output } from './output.js';
import type { ModelFlags } from './program.js';
import { createDownloadProgress } from './progress.js';

/** Where the CLI keeps models it builds: `$NUCLEUS_CACHE_DIR`, else `$XDG_CACHE_HOME/nucleus/models`. */
export function cliCacheDir(): string {
  const env = process.env;
  if (env['NUCLEUS_CACHE_DIR']) return resolve(env['NUCLEUS_CACHE_DIR']);
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'nucleus', 'models');
}

/**
 * The embedded default model. Until the trained demo model ships, it is the `tiny` GPT-2 built from seeded
 * weights by `@nucleus/gpt2-onnx` on first use and cached (random weights: the text is noise).
 */
export async function ensureDemoModel(output: Output): Promise<string> {
  let announced = false;
  return ensureModel('tiny', {
    cacheDir: cliCacheDir(),
    onProgress: () => {
      if (announced) return;
      announced = true;
      output.err(output.errColor.dim('Building the demo model (first use only)...\n'));
    },
  });
}

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
  if (flags.model === undefined) return loadModel(await ensureDemoModel(output), common);
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
