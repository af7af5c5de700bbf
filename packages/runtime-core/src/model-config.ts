import { ModelFileError, UnsupportedModelError } from './errors.js';

/** The `model_type` values this runtime can run. */
export const SUPPORTED_MODEL_TYPES: readonly string[] = ['gpt2'];

/** The parts of a Hugging Face `config.json` (GPT2Config) that the runtime uses, in camelCase. */
export interface Gpt2Config {
  /** Always `'gpt2'`. */
  readonly modelType: string;
  /** Vocabulary size: the length of a logits row. */
  readonly vocabSize: number;
  /** Context size (`n_positions`, or `n_ctx` in old configs): the most tokens one sequence can hold. */
  readonly maxPositions: number;
  /** Number of transformer blocks (`n_layer`). */
  readonly numLayers: number;
  /** Attention heads per block (`n_head`). */
  readonly numHeads: number;
  /** Hidden size (`n_embd`). */
  readonly hiddenSize: number;
  /** `hiddenSize / numHeads`. */
  readonly headDim: number;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number | readonly number[];
  readonly padTokenId?: number;
  /** The whole `config.json` object as read. */
  readonly raw: Readonly<Record<string, unknown>>;
}

const FILE = 'config.json';

/**
 * Reads a `config.json` object into a {@link Gpt2Config}.
 *
 * @throws {@link UnsupportedModelError} when `model_type` is not `gpt2`.
 * @throws {@link ModelFileError} when a size field is missing or not a positive integer.
 */
export function parseModelConfig(json: unknown): Gpt2Config {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelFileError(
      FILE,
      `expected a JSON object, found ${Array.isArray(json) ? 'an array' : typeof json}`,
    );
  }
  const raw = json as Record<string, unknown>;
  const modelType = raw['model_type'];
  if (typeof modelType !== 'string' || !SUPPORTED_MODEL_TYPES.includes(modelType)) {
    throw new UnsupportedModelError(
      modelType,
      SUPPORTED_MODEL_TYPES,
      modelType === undefined ? 'config.json has no model_type field' : undefined,
    );
  }
  const vocabSize = positiveInteger(raw, 'vocab_size');
  const maxPositions = positiveInteger(raw, raw['n_positions'] === undefined ? 'n_ctx' : 'n_positions');
  const numLayers = positiveInteger(raw, 'n_layer');
  const numHeads = positiveInteger(raw, 'n_head');
  const hiddenSize = positiveInteger(raw, 'n_embd');
  if (hiddenSize % numHeads !== 0) {
    throw new ModelFileError(FILE, `n_embd (${hiddenSize}) is not a multiple of n_head (${numHeads})`);
  }
  return Object.freeze({
    modelType,
    vocabSize,
    maxPositions,
    numLayers,
    numHeads,
    hiddenSize,
    headDim: hiddenSize / numHeads,
    bosTokenId: optionalTokenId(raw, 'bos_token_id', vocabSize),
    eosTokenId: optionalTokenIds(raw, 'eos_token_id', vocabSize),
    padTokenId: optionalTokenId(raw, 'pad_token_id', vocabSize),
    raw: Object.freeze({ ...raw }),
  });
}

function positiveInteger(raw: Record<string, unknown>, key: string): number {
  const value = raw[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ModelFileError(
      FILE,
      `${key} must be a positive integer, found ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    );
  }
  return value;
}

function isTokenId(value: unknown, vocabSize: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < vocabSize;
}

function optionalTokenId(raw: Record<string, unknown>, key: string, vocabSize: number): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!isTokenId(value, vocabSize)) {
    throw new ModelFileError(
      FILE,
      `${key} must be a token id in [0, ${vocabSize}), found ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function optionalTokenIds(
  raw: Record<string, unknown>,
  key: string,
  vocabSize: number,
): number | readonly number[] | undefined {
  const value = raw[key];
  if (Array.isArray(value)) {
    if (!value.every((id) => isTokenId(id, vocabSize))) {
      throw new ModelFileError(
        FILE,
        `${key} must be token ids in [0, ${vocabSize}), found ${JSON.stringify(value)}`,
      );
    }
    return Object.freeze([...value]);
  }
  return optionalTokenId(raw, key, vocabSize);
}
