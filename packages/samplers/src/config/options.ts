import type { GenerationConfig } from './types.js';
import * as v from './validators.js';

/** Where an option applies; used to reject options that cannot take effect. */
export type OptionGroup = 'length' | 'strategy' | 'sampling' | 'beam' | 'processor' | 'tokens' | 'extra';

/** How one {@link GenerationConfig} option is named in HF, defaulted and validated. */
export interface OptionDescriptor {
  /** The key in Hugging Face's `generation_config.json`, or `undefined` for Nucleus extras. */
  readonly hfName: string | undefined;
  readonly defaultValue: unknown;
  readonly validate: v.Validator;
  readonly group: OptionGroup;
}

const option = (
  hfName: string | undefined,
  defaultValue: unknown,
  validate: v.Validator,
  group: OptionGroup,
): OptionDescriptor => ({ hfName, defaultValue, validate, group });

/** Every option of {@link GenerationConfig}, with HF's defaults (transformers 5.x `GenerationConfig`). */
export const OPTIONS: { readonly [K in keyof GenerationConfig]-?: OptionDescriptor } = {
  maxLength: option('max_length', 20, v.integerAtLeast(1), 'length'),
  maxNewTokens: option('max_new_tokens', undefined, v.integerAtLeast(1), 'length'),
  minLength: option('min_length', 0, v.integerAtLeast(0), 'length'),
  minNewTokens: option('min_new_tokens', undefined, v.integerAtLeast(0), 'length'),
  earlyStopping: option('early_stopping', false, v.earlyStopping, 'beam'),
  maxTime: option('max_time', undefined, v.positiveNumber, 'length'),
  stopStrings: option('stop_strings', undefined, v.stopStrings, 'length'),
  doSample: option('do_sample', false, v.boolean, 'strategy'),
  numBeams: option('num_beams', 1, v.integerAtLeast(1), 'strategy'),
  temperature: option('temperature', 1, v.finiteNumber, 'sampling'),
  topK: option('top_k', 50, v.integerAtLeast(0), 'sampling'),
  topP: option('top_p', 1, v.numberIn(0, 1), 'sampling'),
  minP: option('min_p', undefined, v.numberIn(0, 1), 'sampling'),
  typicalP: option('typical_p', 1, v.numberIn(0, 1, { minOpen: true }), 'sampling'),
  epsilonCutoff: option('epsilon_cutoff', 0, v.numberIn(0, 1, { maxOpen: true }), 'sampling'),
  etaCutoff: option('eta_cutoff', 0, v.numberIn(0, 1, { maxOpen: true }), 'sampling'),
  repetitionPenalty: option('repetition_penalty', 1, v.positiveNumber, 'processor'),
  lengthPenalty: option('length_penalty', 1, v.finiteNumber, 'beam'),
  noRepeatNgramSize: option('no_repeat_ngram_size', 0, v.integerAtLeast(0), 'processor'),
  badWordsIds: option('bad_words_ids', undefined, v.tokenSequences, 'processor'),
  sequenceBias: option('sequence_bias', undefined, v.sequenceBias, 'processor'),
  suppressTokens: option('suppress_tokens', undefined, v.tokenIds, 'processor'),
  beginSuppressTokens: option('begin_suppress_tokens', undefined, v.tokenIds, 'processor'),
  forcedBosTokenId: option('forced_bos_token_id', undefined, v.tokenId, 'processor'),
  forcedEosTokenId: option('forced_eos_token_id', undefined, v.tokenIdOrIds, 'processor'),
  renormalizeLogits: option('renormalize_logits', false, v.boolean, 'processor'),
  numReturnSequences: option('num_return_sequences', 1, v.integerAtLeast(1), 'strategy'),
  padTokenId: option('pad_token_id', undefined, v.tokenId, 'tokens'),
  bosTokenId: option('bos_token_id', undefined, v.tokenId, 'tokens'),
  eosTokenId: option('eos_token_id', undefined, v.tokenIdOrIds, 'tokens'),
  seed: option(undefined, undefined, v.seed, 'extra'),
  frequencyPenalty: option(undefined, 0, v.finiteNumber, 'extra'),
  presencePenalty: option(undefined, 0, v.finiteNumber, 'extra'),
  logitBias: option(undefined, undefined, v.logitBias, 'extra'),
};

/** The option names of {@link GenerationConfig}, in declaration order. */
export const OPTION_NAMES = Object.keys(OPTIONS) as (keyof GenerationConfig)[];

/**
 * HF's defaults for every option (transformers 5.x), as a frozen {@link GenerationConfig}.
 * `generate()` with `doSample: true` therefore uses top-k 50 unless `topK: 0` is given, as HF does.
 */
export const HF_DEFAULTS: GenerationConfig = Object.freeze(
  Object.fromEntries(OPTION_NAMES.map((name) => [name, OPTIONS[name].defaultValue])),
) as unknown as GenerationConfig;

/**
 * Values at which a sampling option does nothing, or equals HF's default; setting such a value while
 * `doSample` is false is harmless and not reported.
 */
export const SAMPLING_HARMLESS_VALUES: { readonly [name: string]: readonly unknown[] } = {
  temperature: [1],
  topK: [0, 50],
  topP: [1],
  minP: [undefined],
  typicalP: [1],
  epsilonCutoff: [0],
  etaCutoff: [0],
};

/** Values at which a beam-only option does nothing (or is HF's default) outside beam search. */
export const BEAM_HARMLESS_VALUES: { readonly [name: string]: readonly unknown[] } = {
  lengthPenalty: [1],
  earlyStopping: [false],
};

/** An HF option Nucleus does not implement: harmless at its neutral values, an error otherwise. */
export interface UnsupportedOption {
  readonly hfName: string;
  readonly isNeutral: (value: unknown) => boolean;
  readonly reason: string;
}

const isNullish = (value: unknown) => value === undefined || value === null;
const neutralAt =
  (...values: unknown[]) =>
  (value: unknown) =>
    isNullish(value) || values.includes(value);

/** HF options that were moved out of transformers core, or that Nucleus does not support. */
export const UNSUPPORTED_OPTIONS: { readonly [camelName: string]: UnsupportedOption } = {
  numBeamGroups: {
    hfName: 'num_beam_groups',
    isNeutral: neutralAt(1),
    reason: 'group (diverse) beam search is not supported (HF moved it out of transformers core)',
  },
  diversityPenalty: {
    hfName: 'diversity_penalty',
    isNeutral: neutralAt(0),
    reason: 'diversity penalties belong to group beam search, which is not supported',
  },
  penaltyAlpha: {
    hfName: 'penalty_alpha',
    isNeutral: neutralAt(0),
    reason: 'contrastive search is not supported (HF moved it out of transformers core)',
  },
  dolaLayers: { hfName: 'dola_layers', isNeutral: isNullish, reason: 'DoLa decoding is not supported' },
  guidanceScale: {
    hfName: 'guidance_scale',
    isNeutral: neutralAt(1),
    reason: 'classifier-free guidance is not supported',
  },
  constraints: {
    hfName: 'constraints',
    isNeutral: isNullish,
    reason: 'constrained beam search is not supported',
  },
  forceWordsIds: {
    hfName: 'force_words_ids',
    isNeutral: isNullish,
    reason: 'constrained beam search (force_words_ids) is not supported',
  },
  watermarkingConfig: {
    hfName: 'watermarking_config',
    isNeutral: isNullish,
    reason: 'watermarking is not supported',
  },
  assistantModel: {
    hfName: 'assistant_model',
    isNeutral: isNullish,
    reason: 'assisted (speculative) decoding is not supported',
  },
  promptLookupNumTokens: {
    hfName: 'prompt_lookup_num_tokens',
    isNeutral: isNullish,
    reason: 'prompt lookup (assisted) decoding is not supported',
  },
  lowMemory: {
    hfName: 'low_memory',
    isNeutral: neutralAt(false),
    reason: 'sequential low-memory beam search is not supported (HF removed it too)',
  },
  tokenHealing: {
    hfName: 'token_healing',
    isNeutral: neutralAt(false),
    reason: 'token healing is not supported',
  },
  removeInvalidValues: {
    hfName: 'remove_invalid_values',
    isNeutral: neutralAt(false),
    reason: 'removing NaN/inf logits is not supported',
  },
  exponentialDecayLengthPenalty: {
    hfName: 'exponential_decay_length_penalty',
    isNeutral: isNullish,
    reason: 'the exponential decay length penalty is not supported',
  },
  encoderRepetitionPenalty: {
    hfName: 'encoder_repetition_penalty',
    isNeutral: neutralAt(1),
    reason: 'encoder options apply to encoder-decoder models only',
  },
  encoderNoRepeatNgramSize: {
    hfName: 'encoder_no_repeat_ngram_size',
    isNeutral: neutralAt(0),
    reason: 'encoder options apply to encoder-decoder models only',
  },
  forcedDecoderIds: {
    hfName: 'forced_decoder_ids',
    isNeutral: isNullish,
    reason: 'forced_decoder_ids is not supported (HF removed it; use forcedBosTokenId)',
  },
  useCache: {
    hfName: 'use_cache',
    isNeutral: neutralAt(true),
    reason: 'Nucleus always decodes with a KV cache (use_cache must be true)',
  },
};

/**
 * Keys of `generation_config.json` that describe the file or HF-only outputs and performance settings:
 * accepted by {@link fromHuggingFace} and without effect.
 */
export const HF_METADATA_KEYS: ReadonlySet<string> = new Set([
  '_from_model_config',
  '_commit_hash',
  '_original_object_hash',
  'transformers_version',
  'output_attentions',
  'output_hidden_states',
  'output_scores',
  'output_logits',
  'return_dict_in_generate',
  'return_legacy_cache',
  'cache_implementation',
  'cache_config',
  'prefill_chunk_size',
  'compile_config',
  'disable_compile',
  'is_assistant',
  'num_assistant_tokens',
  'num_assistant_tokens_schedule',
  'assistant_confidence_threshold',
  'max_matching_ngram_size',
  'assistant_early_exit',
  'assistant_lookbehind',
  'target_lookbehind',
  'decoder_start_token_id',
]);
