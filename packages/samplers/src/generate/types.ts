import type { FinishReason } from '../beam/beam-search.js';
import type { GenerationConfig, GenerationConfigInput } from '../config/types.js';
import type { DecodeFn } from '../stopping/stop-strings.js';
import type { AbortSignalLike, LogitsProcessor, TokenSelector } from '../types.js';

export type { FinishReason } from '../beam/beam-search.js';

/** What to record in a generation trace (see {@link TraceRecord}). */
export interface TraceOptions {
  /** Candidates listed per stage. Default 10. */
  readonly topN?: number;
  /**
   * Which rows to record: `'all'` (default) or a list of row numbers: sequence indices of the result for
   * greedy and sampling, `promptIndex * numBeams + beam` for beam search.
   */
  readonly rows?: 'all' | readonly number[];
}

/** Options of {@link generate} and {@link streamGeneration} besides the generation config. */
export interface GenerateOptions {
  /** Stops the generation cleanly: the result keeps what was generated, with finish reason `'aborted'`. */
  readonly signal?: AbortSignalLike;
  /** Token ids to text: needed for `stopStrings`, and fills `text` in the result. */
  readonly decode?: DecodeFn;
  /** The model's defaults (e.g. `fromHuggingFace(generation_config.json)`); the user config wins. */
  readonly modelDefaults?: GenerationConfigInput;
  /**
   * Extra processors, run after the history processors and before the sampling warpers (as HF does).
   * Each row gets its own `clone()` (a processor without `clone` is shared); in beam search a beam's
   * instance moves to its only child and is cloned for extra children. `accept(token, ctx)` is called after
   * the token was appended: `ctx.tokens[ctx.length - 1] === token`.
   */
  readonly processors?: readonly LogitsProcessor[];
  /**
   * Extra warpers, run after the built-in warpers (temperature ... etaCutoff), as llama.cpp runs XTC after
   * top-k / top-p / min-p. Plugin samplers registered with `stage: 'warper'` belong here; they run whether or
   * not `doSample` is set.
   */
  readonly warpers?: readonly LogitsProcessor[];
  /** A custom token selector replacing greedy / sampling (not with beam search). */
  readonly selector?: TokenSelector;
  /** Record a per-step trace of what every processor did (off by default, and free when off). */
  readonly trace?: TraceOptions | boolean;
  /** Clock in milliseconds (default `performance.now`), e.g. to test `maxTime`. */
  readonly now?: () => number;
}

/** One generated sequence. */
export interface GeneratedSequence {
  /** Index of the prompt it continues. */
  readonly promptIndex: number;
  /** Prompt followed by the new tokens (no padding). */
  readonly tokens: readonly number[];
  /** The new tokens, ending with the EOS token when it ended on one. */
  readonly newTokens: readonly number[];
  /** Beam search: the final hypothesis score (HF `sequences_scores`); otherwise `null`. */
  readonly score: number | null;
  readonly finishReason: FinishReason;
  /** The stop string that ended it (finish reason `'stop'`). */
  readonly stopString?: string;
  /**
   * The generated text when a `decode` callback was given: `decode(newTokens)` without a final EOS token,
   * cut BEFORE the stop string that ended it (the OpenAI / vLLM convention). The tokens are not cut.
   */
  readonly text?: string;
}

/** Wall-clock figures of one generation (milliseconds, from the `now` clock). */
export interface GenerationTimings {
  /** Opening the session and the first forward call (the prompts). */
  readonly prefillMs: number;
  /** Every later step. */
  readonly decodeMs: number;
  /** New tokens over all returned sequences. */
  readonly newTokens: number;
  /** `newTokens / (prefillMs + decodeMs)` per second. */
  readonly tokensPerSecond: number;
}

/** A candidate in a trace. */
export interface TraceCandidate {
  readonly id: number;
  readonly score: number;
  /** Softmax probability of the token at that stage. */
  readonly probability: number;
}

/** The row after one processor. */
export interface TraceStage {
  /** The processor's name (`'logSoftmax'` is beam search's normalisation). */
  readonly name: string;
  readonly top: readonly TraceCandidate[];
  /** Entropy of the row's softmax, in nats. */
  readonly entropy: number;
  /** How many tokens this processor removed (finite before, `-Infinity` after). */
  readonly removedCount: number;
  /** The removed tokens that were in the top N of this processor's input. */
  readonly removedFromTop: readonly number[];
}

/** What happened to one row at one step. */
export interface TraceRecord {
  readonly step: number;
  /** Sequence index (greedy, sampling) or `promptIndex * numBeams + beam` (beam search). */
  readonly row: number;
  readonly promptIndex: number;
  /** The raw logits: top N and entropy before any processor. */
  readonly before: { readonly top: readonly TraceCandidate[]; readonly entropy: number };
  readonly stages: readonly TraceStage[];
  /** Entropy after every processor. */
  readonly entropyAfter: number;
  /** The token chosen for the row; `null` in beam search, where candidates are chosen across beams. */
  readonly chosen: number | null;
}

/** The outcome of {@link generate}. */
export interface GenerationResult {
  /**
   * `numReturnSequences` sequences per prompt, prompt-major: sequence `i` continues prompt
   * `Math.floor(i / numReturnSequences)`. Beam search returns them best first.
   */
  readonly sequences: readonly GeneratedSequence[];
  readonly numReturnSequences: number;
  /** The prompts as given. */
  readonly prompts: readonly (readonly number[])[];
  /** The seed of the generation's random source (replay a sampled run with `seed`). */
  readonly seed: number;
  /** The resolved configuration used. */
  readonly config: GenerationConfig;
  readonly timings: GenerationTimings;
  /** Present when `trace` was requested. */
  readonly trace?: readonly TraceRecord[];
}

/**
 * One generated token. Greedy and sampling emit them as they are chosen. Beam search emits them once the
 * search has ended, for the returned hypotheses only, since running beams are reordered and replaced until
 * then. A sequence ended by an abort noticed between two steps has no further event: its last event is
 * not marked `finished`, and `result` holds its finish reason (`'aborted'`).
 */
export interface TokenEvent {
  /** Index in `result.sequences`. */
  readonly sequence: number;
  readonly promptIndex: number;
  readonly token: number;
  /** 0 for the first new token. */
  readonly step: number;
  /** True on the sequence's last token. */
  readonly finished: boolean;
  readonly finishReason?: FinishReason;
  /** This row's trace record for the step, when tracing (greedy and sampling only). */
  readonly trace?: TraceRecord;
}

/** The stream of {@link streamGeneration}: token events as they come, and the final result. */
export interface GenerationStream extends AsyncIterable<TokenEvent> {
  readonly result: Promise<GenerationResult>;
}
