export { fromHuggingFace, toHuggingFace } from './huggingface.js';
export { HF_DEFAULTS } from './options.js';
export { eosTokenIdsOf, resolveGenerationConfig } from './resolve.js';
export { type NamedGenerationConfig, SEED_NOTEBOOK_CONFIGS } from './seed-notebook.js';
export type { EarlyStopping, GenerationConfig, GenerationConfigInput, SequenceBiasEntry } from './types.js';
