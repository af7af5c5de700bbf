import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CheckpointWeightSource, inferConfigFromTensors, openCheckpointFiles } from './checkpoint.js';
import {
  configFromHfJson,
  type Gpt2Config,
  type ResolvedGpt2Config,
  resolveConfig,
  toHfConfigJson,
} from './config.js';
import { CheckpointError, Gpt2ConfigError } from './errors.js';
import { type BuildProgress, type BuildResult, writeModelFolder } from './model-folder.js';
import type { SafetensorsFile } from './safetensors.js';

/** Options of {@link convertCheckpoint}. */
export interface ConvertCheckpointOptions {
  /**
   * Config fields that override (or stand in for) the checkpoint's `config.json`. Without a config.json,
   * `nHead` is required; the other sizes are read from the tensors' shapes.
   */
  config?: Partial<Gpt2Config>;
  /** Replace an existing non-empty output folder. Default false. */
  overwrite?: boolean;
  /** See {@link BuildGpt2ModelOptions.externalDataThreshold}. */
  externalDataThreshold?: number;
  /** Called after each weight is written. */
  onProgress?: (progress: BuildProgress) => void;
}

/** Tokenizer files copied from the checkpoint's folder when it has a `tokenizer.json`. */
const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'merges.txt',
  'special_tokens_map.json',
];

/**
 * Converts a Hugging Face GPT-2 checkpoint (`GPT2LMHeadModel` or `GPT2Model`, safetensors with fp32, fp16 or
 * bf16 weights) into a hub-layout ONNX folder, without Python. `input` is a `.safetensors` file, a
 * `model.safetensors.index.json`, or a folder holding either. The checkpoint's `config.json` (beside it) gives
 * the model's shape; its tokenizer and generation config are copied when present, else GPT-2's are written.
 *
 * @example
 * ```ts
 * import { convertCheckpoint } from '@nucleus/gpt2-onnx';
 * await convertCheckpoint('downloads/gpt2', 'models/gpt2-onnx');
 * ```
 * @throws {CheckpointError} for a missing file or tensor, a wrong shape or an unsupported dtype;
 *   {@link Gpt2ConfigError} for an unusable config; {@link OutputDirError} for the output folder. Nothing is
 *   left in the output folder after an error.
 */
export async function convertCheckpoint(
  input: string,
  outDir: string,
  options: ConvertCheckpointOptions = {},
): Promise<BuildResult> {
  const checkpoint = await locateCheckpoint(input);
  const folder = dirname(checkpoint);
  const files = await openCheckpointFiles(checkpoint);
  try {
    const hfConfig = await readHfConfig(join(folder, 'config.json'));
    const declared = { ...configFromHfJson(hfConfig ?? {}), ...options.config };
    if (declared.nHead === undefined) {
      throw new Gpt2ConfigError(
        'nHead (n_head)',
        undefined,
        `given: ${hfConfig ? 'config.json has no n_head' : 'the checkpoint has no config.json beside it'}, so pass options.config.nHead`,
      );
    }
    const config = resolveConfig({ ...inferConfigFromTensors(files), ...declared } as Gpt2Config);
    const extraFiles: Record<string, string> = {};
    if ((await readOptional(join(folder, 'tokenizer.json'))) !== undefined) {
      for (const name of TOKENIZER_FILES) {
        const text = await readOptional(join(folder, name));
        if (text !== undefined) extraFiles[name] = text;
      }
    }
    const generation = await readOptional(join(folder, 'generation_config.json'));
    if (generation !== undefined) extraFiles['generation_config.json'] = generation;
    return await writeCheckpointModel(files, config, outDir, options, {
      hfConfig: hfConfig ?? {},
      tiedLmHead: hfConfig?.['tie_word_embeddings'] !== false,
      extraFiles,
    });
  } finally {
    await closeAll(files);
  }
}

/** @internal A checkpoint converted with a config given by the caller ({@link buildGpt2Model}). */
export async function convertWithConfig(
  path: string,
  config: ResolvedGpt2Config,
  options: ConvertCheckpointOptions & { outDir: string },
  extras: { hfConfig?: Record<string, unknown> },
): Promise<BuildResult> {
  const files = await openCheckpointFiles(await locateCheckpoint(path));
  try {
    return await writeCheckpointModel(files, config, options.outDir, options, {
      hfConfig: extras.hfConfig ?? {},
      tiedLmHead: true,
      extraFiles: {},
    });
  } finally {
    await closeAll(files);
  }
}

async function writeCheckpointModel(
  files: SafetensorsFile[],
  config: ResolvedGpt2Config,
  outDir: string,
  options: ConvertCheckpointOptions,
  extras: { hfConfig: Record<string, unknown>; tiedLmHead: boolean; extraFiles: Record<string, string> },
): Promise<BuildResult> {
  const source = CheckpointWeightSource.create(files, config, extras.tiedLmHead);
  const initializerRange =
    typeof extras.hfConfig['initializer_range'] === 'number' ? extras.hfConfig['initializer_range'] : 0.02;
  return writeModelFolder({
    outDir,
    config,
    source,
    hfConfig: toHfConfigJson(config, extras.hfConfig, initializerRange),
    metadata: { 'nucleus.source': files.map((f) => basename(f.path)).join(',') },
    extraFiles: extras.extraFiles,
    ignoredTensors: [...source.ignoredTensors],
    onProgress: options.onProgress,
    overwrite: options.overwrite,
    externalDataThreshold: options.externalDataThreshold,
  });
}

async function closeAll(files: SafetensorsFile[]): Promise<void> {
  await Promise.all(files.map((f) => f.close()));
}

/** Resolves `input` (file or folder) to the safetensors file or index to read. */
async function locateCheckpoint(input: string): Promise<string> {
  const path = resolve(input);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new CheckpointError('CHECKPOINT_NOT_FOUND', path, undefined, `no checkpoint at ${path}`);
  }
  if (!info.isDirectory()) return path;
  for (const name of ['model.safetensors', 'model.safetensors.index.json']) {
    const candidate = join(path, name);
    if (await stat(candidate).catch(() => undefined)) return candidate;
  }
  throw new CheckpointError(
    'CHECKPOINT_NOT_FOUND',
    path,
    undefined,
    `the folder ${path} has no model.safetensors or model.safetensors.index.json`,
  );
}

async function readHfConfig(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readOptional(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Gpt2ConfigError(path, text.slice(0, 40), `valid JSON (${(error as Error).message})`);
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}
