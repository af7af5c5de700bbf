/** How beam search decides it is done (HF `early_stopping`). */
export type EarlyStopping = boolean | 'never';

/** A bias added to the score of the last token of a token sequence once the rest of it was generated. */
export type SequenceBiasEntry = readonly [tokens: readonly number[], bias: number];

/**
 * A fully resolved generation configuration: Hugging Face `GenerationConfig` (transformers 5.x) options in
 * camelCase with HF's defaults, plus the Nucleus extras `seed`, `frequencyPenalty`, `presencePenalty` and
 * `logitBias`. Produced by {@link resolveGenerationConfig}; frozen.
 */
export interface GenerationConfig {
  /** Longest total length (prompt + new tokens). HF default 20. Overridden by `maxNewTokens`. */
  readonly maxLength: number;
  /** Most new tokens per sequence. Wins over `maxLength` when set. */
  readonly maxNewTokens: number | undefined;
  /** End-of-sequence tokens are banned while the total length is below this. Default 0. */
  readonly minLength: number;
  /** End-of-sequence tokens are banned until this many tokens were generated. */
  readonly minNewTokens: number | undefined;
  /** Beam search stopping rule: `true`, `false` (default, HF's heuristic) or `'never'` (canonical). */
  readonly earlyStopping: EarlyStopping;
  /** Time limit in seconds; a generation past it stops with finish reason `'time'`. */
  readonly maxTime: number | undefined;
  /** Strings that end a sequence when they appear in its generated text (needs a `decode` callback). */
  readonly stopStrings: readonly string[] | undefined;
  /** Sample from the processed distribution instead of taking the best token. Default false. */
  readonly doSample: boolean;
  /** Number of beams; 1 means no beam search. Default 1. */
  readonly numBeams: number;
  /** Softmax temperature (sampling only). Default 1. */
  readonly temperature: number;
  /** Keep the k best tokens (sampling only); 0 turns it off. HF default 50. */
  readonly topK: number;
  /** Nucleus sampling mass (sampling only). Default 1 (off). */
  readonly topP: number;
  /** Min-p: drop tokens less likely than `minP` times the best one (sampling only). */
  readonly minP: number | undefined;
  /** Locally typical sampling mass (sampling only). Default 1 (off). */
  readonly typicalP: number;
  /** Epsilon sampling cutoff (sampling only). Default 0 (off). */
  readonly epsilonCutoff: number;
  /** Eta sampling cutoff (sampling only). Default 0 (off). */
  readonly etaCutoff: number;
  /** CTRL repetition penalty over the whole sequence. Default 1 (off). */
  readonly repetitionPenalty: number;
  /** Beam search length normalisation exponent. Default 1. */
  readonly lengthPenalty: number;
  /** Ban repeating any n-gram of this size. Default 0 (off). */
  readonly noRepeatNgramSize: number;
  /** Token sequences that must not be generated. */
  readonly badWordsIds: readonly (readonly number[])[] | undefined;
  /** Biases added to token sequences. */
  readonly sequenceBias: readonly SequenceBiasEntry[] | undefined;
  /** Tokens that are never generated. */
  readonly suppressTokens: readonly number[] | undefined;
  /** Tokens that are not generated as the first new token. */
  readonly beginSuppressTokens: readonly number[] | undefined;
  /** Token forced as the first token of the sequence (HF `ForcedBOSTokenLogitsProcessor`). */
  readonly forcedBosTokenId: number | undefined;
  /** Token(s) forced when the maximum length is about to be reached. */
  readonly forcedEosTokenId: number | readonly number[] | undefined;
  /** Log-softmax the scores after every processor. Default false. */
  readonly renormalizeLogits: boolean;
  /** Sequences returned per prompt. Default 1. */
  readonly numReturnSequences: number;
  /** Token used to pad finished rows in the HF-shaped view ({@link toPaddedSequences}). */
  readonly padTokenId: number | undefined;
  /** Beginning-of-sequence token. Informational. */
  readonly bosTokenId: number | undefined;
  /** End-of-sequence token(s); generating one finishes a sequence. */
  readonly eosTokenId: number | readonly number[] | undefined;
  /** Nucleus extra: seed of the generation's random source; random when unset (reported in the result). */
  readonly seed: number | undefined;
  /** Nucleus extra (OpenAI): subtract `count * frequencyPenalty` from generated tokens. Default 0. */
  readonly frequencyPenalty: number;
  /** Nucleus extra (OpenAI): subtract `presencePenalty` from every generated token. Default 0. */
  readonly presencePenalty: number;
  /** Nucleus extra (OpenAI): added to the score of the given token ids. */
  readonly logitBias: Readonly<Record<number, number>> | ReadonlyMap<number, number> | undefined;
}

/**
 * What a caller passes: any subset of {@link GenerationConfig}. Unknown keys are rejected at run time with a
 * {@link ConfigError} that suggests the closest known key; `undefined` means "not set".
 */
export type GenerationConfigInput = {
  readonly [K in Exclude<keyof GenerationConfig, 'stopStrings'>]?: GenerationConfig[K] | undefined;
} & {
  /** A single stop string is accepted as well as a list. */
  readonly stopStrings?: string | readonly string[] | undefined;
};
