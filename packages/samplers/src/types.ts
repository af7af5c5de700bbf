/**
 * The spec surface of `@nucleus/samplers`: what a logits processor, a token selector and a model look like.
 * Built-in samplers and third-party plugins implement the same interfaces.
 *
 * @packageDocumentation
 */

/** The history of one row (one sequence) as a processor sees it at one decode step. */
export interface ProcessContext {
  /**
   * The row's real tokens so far: prompt followed by generated tokens (never padding). Only the first
   * `length` entries are valid; the array may be a reused buffer that is longer.
   */
  readonly tokens: Int32Array;
  /** Number of valid entries in `tokens`. */
  readonly length: number;
  /** Number of prompt tokens at the start of `tokens`. `length - promptLength` tokens were generated. */
  readonly promptLength: number;
  /** Index of this row in the current batch (changes as finished rows are dropped or beams reordered). */
  readonly row: number;
  /** The end-of-sequence token ids of this generation (may be empty). */
  readonly eosTokenIds: readonly number[];
  /**
   * The generation's seeded random source, for processors that draw (XTC). Always set inside `generate()`;
   * absent when a processor is called on its own.
   */
  readonly random?: RandomSource;
}

/**
 * A logits processor: it changes one row of scores in place. A removed token gets `-Infinity`.
 *
 * Processors follow llama.cpp's sampler life cycle: one instance serves one row. The decode loop
 * {@link LogitsProcessor.clone | clones} a processor for every row of a batch and for every beam that
 * branches, calls {@link LogitsProcessor.accept | accept} with the token chosen for that row, and
 * {@link LogitsProcessor.reset | reset} before reuse. A stateless processor can omit all three.
 */
export interface LogitsProcessor {
  /** A short stable name (`"topP"`, `"repetitionPenalty"`, `"myPlugin.xtc"`), shown in traces and errors. */
  readonly name: string;
  /**
   * Changes `logits` (one row, `Float32Array` of vocabulary size) in place.
   * Processors that need the history read it from `ctx`; stateful ones may keep an incremental index of it
   * (e.g. n-grams seen so far) and only look at the tokens added since their last call.
   */
  process(logits: Float32Array, ctx: ProcessContext): void;
  /** Called after a token was chosen for this processor's row. */
  accept?(token: number, ctx: ProcessContext): void;
  /** Forgets all per-row state. */
  reset?(): void;
  /** An independent copy including per-row state. A stateless processor may return itself. */
  clone?(): LogitsProcessor;
}

/** A seedable pseudo-random source owned by one generation call. */
export interface RandomSource {
  /** A float in [0, 1) with 53 random bits. */
  next(): number;
}

/** What a {@link TokenSelector} gets besides the processed scores. */
export interface SelectContext extends ProcessContext {
  /** The generation's random source (seeded by `GenerationConfig.seed`). Never use `Math.random`. */
  readonly random: RandomSource;
}

/**
 * A token selector picks the next token from one processed row of scores (greedy, multinomial sampling,
 * Mirostat, ...). It may read but should not rely on changing `logits`.
 */
export interface TokenSelector {
  readonly name: string;
  select(logits: Float32Array, ctx: SelectContext): number;
  accept?(token: number, ctx: ProcessContext): void;
  reset?(): void;
  clone?(): TokenSelector;
}

/**
 * One generation's use of a model: it owns the KV cache of every row.
 * The decode loop calls `step` once per decode step and `selectRows` whenever the set or order of rows
 * changes (beam reordering, expanding rows for `numReturnSequences`, dropping finished rows).
 */
export interface ModelSession {
  /** Vocabulary size: the length of each logits row. */
  readonly vocabSize: number;
  /**
   * Feeds new tokens to every current row and returns the logits of each row's last position,
   * row-major `[rows x vocabSize]`. On the first call `tokens[r]` is row r's whole prompt (rows may differ
   * in length; the model pads as it needs); later calls pass one token per row.
   * The returned array may be a buffer the session reuses: it is valid until the next call.
   */
  step(tokens: readonly (readonly number[])[]): Promise<Float32Array>;
  /**
   * Rearranges the cache rows: new row i becomes old row `rows[i]`. Indices may repeat (beams that branch,
   * rows expanded for several return sequences) or be left out (finished rows dropped).
   */
  selectRows(rows: readonly number[]): void | Promise<void>;
  /** Frees everything this session holds. Safe to call twice. */
  dispose(): void | Promise<void>;
}

/** A model the decode loop can run: something that opens independent sessions. */
export interface DecoderModel {
  readonly vocabSize: number;
  /** The longest sequence (prompt + new tokens) the model can attend to, if limited. */
  readonly maxPositions?: number;
  createSession(): ModelSession | Promise<ModelSession>;
}

/** Minimal abort signal shape (satisfied by the DOM and Node `AbortSignal`). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}
