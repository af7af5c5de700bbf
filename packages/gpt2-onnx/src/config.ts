import { Gpt2ConfigError } from './errors.js';

/** The GPT-2 end-of-text token id, also its BOS and EOS. */
export const GPT2_EOS_TOKEN_ID = 50256;
/** Size of the GPT-2 byte-level BPE vocabulary (50,000 merges + 256 bytes + `<|endoftext|>`). */
export const GPT2_VOCAB_SIZE = 50257;

/** MLP activations of GPT-2 checkpoints that the graph supports (`gelu_new` is GPT-2's). */
export type Gpt2Activation = 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu';

const ACTIVATIONS: readonly Gpt2Activation[] = ['gelu_new', 'gelu_pytorch_tanh', 'gelu'];

/**
 * The shape and hyper-parameters of a GPT-2 model (Hugging Face `GPT2Config`, camelCased). Only the first
 * four are required; the rest default to GPT-2's values.
 */
export interface Gpt2Config {
  /** Number of transformer blocks (`n_layer`). */
  nLayer: number;
  /** Attention heads per block (`n_head`); must divide `nEmbd`. */
  nHead: number;
  /** Hidden size (`n_embd`). */
  nEmbd: number;
  /** Context length: rows of the position embedding (`n_positions`). */
  nPositions: number;
  /** Vocabulary size (`vocab_size`), default 50,257. */
  vocabSize?: number;
  /** MLP inner size (`n_inner`), default `4 * nEmbd`. */
  nInner?: number | null;
  /** LayerNorm epsilon (`layer_norm_epsilon`), default 1e-5. */
  layerNormEpsilon?: number;
  /** MLP activation (`activation_function`), default `gelu_new` (the tanh form). */
  activationFunction?: Gpt2Activation;
  /** Scale attention scores by `1 / sqrt(head_dim)` (`scale_attn_weights`), default true. */
  scaleAttnWeights?: boolean;
  /** Also divide attention scores by `layer_index + 1` (`scale_attn_by_inverse_layer_idx`), default false. */
  scaleAttnByInverseLayerIdx?: boolean;
  /** BOS token id (`bos_token_id`), default 50256. */
  bosTokenId?: number;
  /** EOS token id (`eos_token_id`), default 50256. */
  eosTokenId?: number;
}

/** A {@link Gpt2Config} with every default filled in and every field validated. */
export interface ResolvedGpt2Config extends Required<Gpt2Config> {
  nInner: number;
  /** `nEmbd / nHead`. */
  headDim: number;
}

/** Where each camelCase field lives in a Hugging Face `config.json`. */
const HF_NAMES: Record<keyof Gpt2Config, string> = {
  nLayer: 'n_layer',
  nHead: 'n_head',
  nEmbd: 'n_embd',
  nPositions: 'n_positions',
  vocabSize: 'vocab_size',
  nInner: 'n_inner',
  layerNormEpsilon: 'layer_norm_epsilon',
  activationFunction: 'activation_function',
  scaleAttnWeights: 'scale_attn_weights',
  scaleAttnByInverseLayerIdx: 'scale_attn_by_inverse_layer_idx',
  bosTokenId: 'bos_token_id',
  eosTokenId: 'eos_token_id',
};

function label(field: keyof Gpt2Config): string {
  return `${field} (${HF_NAMES[field]})`;
}

function positiveInteger(field: keyof Gpt2Config, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new Gpt2ConfigError(label(field), value, 'a positive integer');
  }
  return value;
}

function tokenId(field: keyof Gpt2Config, value: unknown, vocabSize: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value >= vocabSize) {
    throw new Gpt2ConfigError(label(field), value, `an integer in [0, vocabSize - 1 = ${vocabSize - 1}]`);
  }
  return value;
}

function flag(field: keyof Gpt2Config, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Gpt2ConfigError(label(field), value, 'true or false');
  return value;
}

/**
 * Validates a config and fills in GPT-2's defaults.
 * @throws {Gpt2ConfigError} naming the first field that is wrong (e.g. `nEmbd` not divisible by `nHead`).
 */
export function resolveConfig(config: Gpt2Config): ResolvedGpt2Config {
  if (typeof config !== 'object' || config === null) {
    throw new Gpt2ConfigError('config', config, 'an object with nLayer, nHead, nEmbd and nPositions');
  }
  const nLayer = positiveInteger('nLayer', config.nLayer);
  const nHead = positiveInteger('nHead', config.nHead);
  const nEmbd = positiveInteger('nEmbd', config.nEmbd);
  if (nEmbd % nHead !== 0) {
    throw new Gpt2ConfigError(label('nEmbd'), nEmbd, `divisible by nHead (n_head) = ${nHead}`);
  }
  const nPositions = positiveInteger('nPositions', config.nPositions);
  const vocabSize = positiveInteger('vocabSize', config.vocabSize ?? GPT2_VOCAB_SIZE);
  const nInner = positiveInteger('nInner', config.nInner ?? 4 * nEmbd);
  const layerNormEpsilon = config.layerNormEpsilon ?? 1e-5;
  if (typeof layerNormEpsilon !== 'number' || !(layerNormEpsilon > 0) || !Number.isFinite(layerNormEpsilon)) {
    throw new Gpt2ConfigError(label('layerNormEpsilon'), layerNormEpsilon, 'a finite number > 0');
  }
  const activationFunction = config.activationFunction ?? 'gelu_new';
  if (!ACTIVATIONS.includes(activationFunction)) {
    throw new Gpt2ConfigError(
      label('activationFunction'),
      activationFunction,
      `one of ${ACTIVATIONS.join(', ')}`,
    );
  }
  return {
    nLayer,
    nHead,
    nEmbd,
    nPositions,
    vocabSize,
    nInner,
    layerNormEpsilon,
    activationFunction,
    scaleAttnWeights: flag('scaleAttnWeights', config.scaleAttnWeights, true),
    scaleAttnByInverseLayerIdx: flag('scaleAttnByInverseLayerIdx', config.scaleAttnByInverseLayerIdx, false),
    bosTokenId: tokenId('bosTokenId', config.bosTokenId ?? GPT2_EOS_TOKEN_ID, vocabSize),
    eosTokenId: tokenId('eosTokenId', config.eosTokenId ?? GPT2_EOS_TOKEN_ID, vocabSize),
    headDim: nEmbd / nHead,
  };
}

/**
 * Reads the GPT-2 fields of a Hugging Face `config.json` object. Fields that are absent stay undefined (so
 * they can be filled from elsewhere); fields of the wrong type are reported by {@link resolveConfig}.
 * @throws {Gpt2ConfigError} when `model_type` is present and not `gpt2`, or a field has an unusable value.
 */
export function configFromHfJson(json: unknown): Partial<Gpt2Config> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Gpt2ConfigError('config.json', json, 'a JSON object');
  }
  const record = json as Record<string, unknown>;
  const modelType = record['model_type'];
  if (modelType !== undefined && modelType !== 'gpt2') {
    throw new Gpt2ConfigError('model_type', modelType, '"gpt2"');
  }
  const out: Record<string, unknown> = {};
  for (const [field, hfName] of Object.entries(HF_NAMES)) {
    const value = record[hfName];
    if (value !== undefined && value !== null) out[field] = value;
  }
  // Older checkpoints name the context length n_ctx.
  if (out['nPositions'] === undefined && typeof record['n_ctx'] === 'number')
    out['nPositions'] = record['n_ctx'];
  return out as Partial<Gpt2Config>;
}

/**
 * The `config.json` of a model built from `config`: a complete Hugging Face `GPT2Config` for
 * `GPT2LMHeadModel`. Fields of `base` (an input checkpoint's own config.json) are kept unless the model's
 * shape overrides them.
 */
export function toHfConfigJson(
  config: ResolvedGpt2Config,
  base: Record<string, unknown> = {},
  initializerRange = 0.02,
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    activation_function: config.activationFunction,
    add_cross_attention: false,
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: 0.1,
    bos_token_id: config.bosTokenId,
    dtype: 'float32',
    embd_pdrop: 0.1,
    eos_token_id: config.eosTokenId,
    initializer_range: initializerRange,
    layer_norm_epsilon: config.layerNormEpsilon,
    model_type: 'gpt2',
    n_embd: config.nEmbd,
    n_head: config.nHead,
    n_inner: config.nInner === 4 * config.nEmbd ? null : config.nInner,
    n_layer: config.nLayer,
    n_positions: config.nPositions,
    pad_token_id: null,
    reorder_and_upcast_attn: false,
    resid_pdrop: 0.1,
    scale_attn_by_inverse_layer_idx: config.scaleAttnByInverseLayerIdx,
    scale_attn_weights: config.scaleAttnWeights,
    summary_activation: null,
    summary_first_dropout: 0.1,
    summary_proj_to_labels: true,
    summary_type: 'cls_index',
    summary_use_proj: true,
    tie_word_embeddings: true,
    use_cache: true,
    vocab_size: config.vocabSize,
  };
  const merged: Record<string, unknown> = { ...json, ...base };
  for (const field of Object.keys(HF_NAMES) as (keyof Gpt2Config)[]) {
    merged[HF_NAMES[field]] = json[HF_NAMES[field]];
  }
  merged['model_type'] = 'gpt2';
  merged['architectures'] = ['GPT2LMHeadModel'];
  merged['dtype'] = 'float32';
  delete merged['torch_dtype'];
  delete merged['n_ctx'];
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
