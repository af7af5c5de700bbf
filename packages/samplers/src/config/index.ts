export { fromHuggingFace, toHuggingFace } from './huggingface.js';
export { HF_DEFAULTS } from './options.js';
export { eosTokenIdsOf, resolveGenerationConfig } from './resolve.js';
export type { EarlyStopping, GenerationConfig, GenerationConfigInput, SequenceBiasEntry } from './types.js';
