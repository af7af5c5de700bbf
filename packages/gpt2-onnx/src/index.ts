export { type BuildGpt2ModelOptions, buildGpt2Model, type SafetensorsWeights } from './build.js';
export {
  defaultCacheDir,
  type EnsureModelOptions,
  ensureModel,
  MODEL_FORMAT_VERSION,
  MODEL_PRESETS,
  type ModelPreset,
  modelCacheKey,
  type SeededModelSpec,
} from './cache.js';
export {
  configFromHfJson,
  GPT2_EOS_TOKEN_ID,
  GPT2_VOCAB_SIZE,
  type Gpt2Activation,
  type Gpt2Config,
  type ResolvedGpt2Config,
  resolveConfig,
  toHfConfigJson,
} from './config.js';
export { type ConvertCheckpointOptions, convertCheckpoint } from './convert.js';
export {
  CheckpointError,
  type CheckpointErrorCode,
  Gpt2ConfigError,
  OutputDirError,
  type OutputErrorCode,
} from './errors.js';
export { buildGpt2Graph, type Gpt2Graph, IR_VERSION, OPSET_VERSION } from './gpt2-graph.js';
export { gpt2WeightLayout, type WeightRole, type WeightSpec } from './layout.js';
export type { BuildProgress, BuildResult } from './model-folder.js';
export { DEFAULT_EXTERNAL_DATA_THRESHOLD, EXTERNAL_DATA_FILE } from './onnx-writer.js';
export { SafetensorsFile, type SafetensorsTensorInfo } from './safetensors.js';
export {
  type ResolvedSeededWeights,
  resolveSeededWeights,
  SeededWeightSource,
  type SeededWeights,
} from './seeded.js';
export { type Gpt2Vocabulary, gpt2TokenizerFiles, loadGpt2Vocabulary } from './tokenizer.js';
export type { WeightSource } from './weight-source.js';
