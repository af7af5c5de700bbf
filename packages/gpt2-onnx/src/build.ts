import { InvalidOptionError } from '@nucleus/samplers';
import { type Gpt2Config, resolveConfig, toHfConfigJson } from './config.js';
import { convertWithConfig } from './convert.js';
import { type BuildProgress, type BuildResult, writeModelFolder } from './model-folder.js';
import { resolveSeededWeights, SeededWeightSource, type SeededWeights } from './seeded.js';

/** Weights read from a Hugging Face safetensors checkpoint whose shape matches `config`. */
export interface SafetensorsWeights {
  /** Path of `model.safetensors` (or of a `model.safetensors.index.json` of shards). */
  safetensors: string;
}

/** Options of {@link buildGpt2Model}. */
export interface BuildGpt2ModelOptions {
  /** Folder to create (hub layout). It must not exist or be empty, unless `overwrite`. */
  outDir: string;
  /** The model's shape. */
  config: Gpt2Config;
  /** Seeded random weights, or a checkpoint (see also {@link convertCheckpoint}, which reads its config). */
  weights: SeededWeights | SafetensorsWeights;
  /** Called after each weight is written. */
  onProgress?: (progress: BuildProgress) => void;
  /** Replace an existing non-empty `outDir`. Default false. */
  overwrite?: boolean;
  /**
   * Total weight bytes above which the weights are written to `onnx/model.onnx_data` (ONNX external data)
   * instead of inside `model.onnx`. Default just under 2 GiB, the protobuf limit, so only models of gpt2-xl's
   * size use it. Tensors under 1 KiB always stay inline.
   */
  externalDataThreshold?: number;
}

/**
 * Builds a GPT-2 ONNX model with KV cache into a hub-layout folder: `config.json`,
 * `generation_config.json`, `tokenizer.json`, `tokenizer_config.json`, `vocab.json`, `merges.txt` and
 * `onnx/model.onnx`. Weights are streamed to disk, so memory stays far below the model's size.
 *
 * @example
 * ```ts
 * import { buildGpt2Model } from '@nucleus/gpt2-onnx';
 * const { dir } = await buildGpt2Model({
 *   outDir: 'models/tiny',
 *   config: { nLayer: 2, nHead: 4, nEmbd: 32, nPositions: 128 },
 *   weights: { seed: 1, initializerRange: 0.3 },
 * });
 * ```
 * @throws {Gpt2ConfigError} for an invalid config; {@link CheckpointError} for a checkpoint that does not
 *   match it; {@link OutputDirError} when `outDir` cannot be written or is not empty.
 */
export async function buildGpt2Model(options: BuildGpt2ModelOptions): Promise<BuildResult> {
  const config = resolveConfig(options.config);
  const weights = options.weights as Partial<SeededWeights & SafetensorsWeights>;
  if (typeof weights?.safetensors === 'string') {
    return convertWithConfig(weights.safetensors, config, options, {});
  }
  if (typeof weights?.seed !== 'number') {
    throw new InvalidOptionError('weights', weights, '{ seed: number } or { safetensors: path }');
  }
  const seeded = resolveSeededWeights(weights as SeededWeights);
  return writeModelFolder({
    ...options,
    config,
    source: new SeededWeightSource(config, seeded),
    hfConfig: toHfConfigJson(config, {}, seeded.initializerRange),
    metadata: { 'nucleus.weights': JSON.stringify(seeded) },
  });
}
