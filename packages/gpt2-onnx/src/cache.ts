import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { InvalidOptionError } from '@nucleus/samplers';
import { buildGpt2Model } from './build.js';
import { type Gpt2Config, resolveConfig } from './config.js';
import { OutputDirError } from './errors.js';
import type { BuildProgress } from './model-folder.js';
import { resolveSeededWeights, type SeededWeights } from './seeded.js';

/**
 * Version of the files this package writes. It is part of every cache key, so that a cache built by an
 * older graph or writer is not reused; bump it whenever the output of a given spec changes.
 */
export const MODEL_FORMAT_VERSION = 1;

/** A seeded model: its shape and its weights' seed. */
export interface SeededModelSpec {
  config: Gpt2Config;
  weights: SeededWeights;
  /** See {@link BuildGpt2ModelOptions.externalDataThreshold}. */
  externalDataThreshold?: number;
}

/** Names of the built-in model presets. */
export type ModelPreset = 'tiny' | 'gpt2-small-shape';

/**
 * Built-in seeded models.
 * - `tiny`: 2 layers, 32 dims, 4 heads, 128 positions, GPT-2's vocabulary (50,257); weights with spread 0.3
 *   and random biases and LayerNorms, so logits differ clearly and greedy output depends on the prompt.
 *   About 6.6 MB; builds in well under a second.
 * - `gpt2-small-shape`: the shape of GPT-2 small (124M parameters: 12 layers, 768 dims, 12 heads, 1,024
 *   positions), initialised like Hugging Face (spread 0.02). About 500 MB; for benchmarks.
 */
export const MODEL_PRESETS: Readonly<Record<ModelPreset, SeededModelSpec>> = {
  tiny: {
    config: { nLayer: 2, nHead: 4, nEmbd: 32, nPositions: 128 },
    weights: { seed: 0, initializerRange: 0.3, randomBiases: true },
  },
  'gpt2-small-shape': {
    config: { nLayer: 12, nHead: 12, nEmbd: 768, nPositions: 1024 },
    weights: { seed: 0, initializerRange: 0.02 },
  },
};

/** Options of {@link ensureModel}. */
export interface EnsureModelOptions {
  /** Cache folder; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Progress of the build, when one is needed. */
  onProgress?: (progress: BuildProgress) => void;
}

/**
 * The cache folder for built models: `$NUCLEUS_CACHE_DIR` when set, else
 * `<root>/node_modules/.cache/nucleus/models`, where root is the nearest folder above `cwd` with a
 * `pnpm-workspace.yaml` (the monorepo), else the nearest with a `package.json`, else `cwd`.
 */
export function defaultCacheDir(cwd: string = process.cwd()): string {
  const fromEnv = process.env['NUCLEUS_CACHE_DIR'];
  if (fromEnv) return resolve(fromEnv);
  const root = findUp(cwd, 'pnpm-workspace.yaml') ?? findUp(cwd, 'package.json') ?? resolve(cwd);
  return join(root, 'node_modules', '.cache', 'nucleus', 'models');
}

function findUp(start: string, file: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, file))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The cache folder name of a spec: readable prefix plus a hash of everything that affects the files. */
export function modelCacheKey(spec: ModelPreset | SeededModelSpec): string {
  const { name, resolved } = resolveSpec(spec);
  const { config, weights, externalDataThreshold } = resolved;
  const canonical = JSON.stringify({
    format: MODEL_FORMAT_VERSION,
    config: Object.fromEntries(Object.entries(resolveConfig(config)).sort(([a], [b]) => (a < b ? -1 : 1))),
    weights: resolveSeededWeights(weights),
    externalDataThreshold: externalDataThreshold ?? null,
  });
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 16);
  const { nLayer, nEmbd } = resolveConfig(config);
  return `${name}-${nLayer}x${nEmbd}-${hash}`;
}

function resolveSpec(spec: ModelPreset | SeededModelSpec): { name: string; resolved: SeededModelSpec } {
  if (typeof spec === 'string') {
    const preset = MODEL_PRESETS[spec as ModelPreset];
    if (!preset)
      throw new InvalidOptionError(
        'spec',
        spec,
        `a preset (${Object.keys(MODEL_PRESETS).join(', ')}) or a spec object`,
      );
    return { name: spec, resolved: preset };
  }
  if (
    typeof spec !== 'object' ||
    spec === null ||
    typeof spec.config !== 'object' ||
    typeof spec.weights !== 'object'
  ) {
    throw new InvalidOptionError('spec', spec, 'a preset name or { config, weights: { seed } }');
  }
  return { name: 'gpt2', resolved: spec };
}

const LOCK_POLL_MS = 100;
const LOCK_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * The folder of a seeded model, built once into a cache and reused: the folder is named by a hash of the
 * spec (and of {@link MODEL_FORMAT_VERSION}), built in a temporary folder and renamed into place, so callers in
 * several processes or test workers at once never see a half-built model; a lock file keeps them from
 * building the same model twice.
 *
 * @example
 * ```ts
 * // vitest globalSetup: every test file then finds the model in the cache
 * import { ensureModel } from '@nucleus/gpt2-onnx';
 * export default async function setup() {
 *   process.env.NUCLEUS_TINY_MODEL = await ensureModel('tiny');
 * }
 * ```
 * @returns the model folder (hub layout; the model is `<folder>/onnx/model.onnx`).
 */
export async function ensureModel(
  spec: ModelPreset | SeededModelSpec,
  options: EnsureModelOptions = {},
): Promise<string> {
  const { resolved } = resolveSpec(spec);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const dir = join(cacheDir, modelCacheKey(spec));
  if (await isBuilt(dir)) return dir;
  await mkdir(cacheDir, { recursive: true });
  const release = await acquireLock(`${dir}.lock`, dir);
  if (!release) return dir;
  try {
    if (await isBuilt(dir)) return dir;
    await rm(dir, { recursive: true, force: true });
    await buildGpt2Model({
      outDir: dir,
      config: resolved.config,
      weights: resolved.weights,
      ...(resolved.externalDataThreshold === undefined
        ? {}
        : { externalDataThreshold: resolved.externalDataThreshold }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    // Another process finished the same model first: its copy is identical.
    if (!(error instanceof OutputDirError && error.code === 'OUTPUT_EXISTS' && (await isBuilt(dir))))
      throw error;
  } finally {
    await release();
  }
  return dir;
}

async function isBuilt(dir: string): Promise<boolean> {
  return (await stat(join(dir, 'onnx', 'model.onnx')).catch(() => undefined)) !== undefined;
}

/**
 * Takes the lock file, or waits until the model is built by its holder (then returns undefined). A lock
 * whose holder died (same host, process gone) or that is older than an hour is taken over.
 */
async function acquireLock(lockPath: string, dir: string): Promise<(() => Promise<void>) | undefined> {
  const owner = `${hostname()} ${process.pid}`;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(owner);
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    if (await isBuilt(dir)) return undefined;
    if (await isStale(lockPath)) {
      await rm(lockPath, { force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > LOCK_MAX_AGE_MS) return true;
    const [host, pid] = text.split(' ');
    if (host !== hostname() || !pid) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (error) {
      return (error as { code?: string }).code === 'ESRCH';
    }
  } catch {
    return false;
  }
}
