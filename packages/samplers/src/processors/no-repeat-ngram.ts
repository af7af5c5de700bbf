import type { LogitsProcessor, ProcessContext } from '../types.js';
import { HistoryCursor } from './history-cursor.js';
import { NgramIndex } from './ngram-index.js';
import { TokenCounter } from './token-counter.js';
import { requireInteger } from './validate.js';

/**
 * No-repeat-n-gram (HF `NoRepeatNGramLogitsProcessor`): once the row has at least `n` tokens, every
 * token that followed the row's last `n - 1` tokens anywhere earlier in the row (prompt included) gets
 * `-Infinity`, so no n-gram occurs twice. `n = 1` bans every token already present.
 *
 * Stateful and incremental: an index of the n-grams seen so far is extended with the new tokens only
 * (O(n) per token) and looked up once per step, instead of rescanning the history. The history holds
 * only the row's real tokens (no padding). Ids outside the row are ignored.
 *
 * @param n - an integer >= 1.
 * @throws {@link InvalidOptionError} if `n` is not an integer >= 1.
 *
 * @example
 * ```ts
 * // history "a b c a b": the 3-gram "a b c" exists, so after "a b" token c is banned
 * noRepeatNgramSize(3).process(row, { ...ctx, tokens: Int32Array.of(1, 2, 3, 1, 2), length: 5 });
 * // row[3] is now -Infinity
 * ```
 */
export function noRepeatNgramSize(n: number): LogitsProcessor {
  requireInteger('noRepeatNgramSize', n, 1);
  return n === 1 ? new NoRepeatUnigram() : new NoRepeatNgram(new NgramIndex(n));
}

class NoRepeatNgram implements LogitsProcessor {
  readonly name = 'noRepeatNgramSize';
  private cursor = new HistoryCursor();

  constructor(private index: NgramIndex) {}

  process(logits: Float32Array, ctx: ProcessContext): void {
    if (this.cursor.mustRebuild(ctx)) this.reset();
    const { tokens, length } = ctx;
    const n = this.index.n;
    for (let position = Math.max(this.cursor.consumed, n - 1); position < length; position++) {
      this.index.add(tokens, position);
    }
    this.cursor.advance(ctx);
    if (length >= n) this.index.banRepeats(tokens, length, logits);
  }

  reset(): void {
    this.index.clear();
    this.cursor.reset();
  }

  clone(): NoRepeatNgram {
    const copy = new NoRepeatNgram(this.index.clone());
    copy.cursor.copyFrom(this.cursor);
    return copy;
  }
}

/** n = 1: every token already in the row is banned. */
class NoRepeatUnigram implements LogitsProcessor {
  readonly name = 'noRepeatNgramSize';
  private seen = new TokenCounter();
  private cursor = new HistoryCursor();

  process(logits: Float32Array, ctx: ProcessContext): void {
    if (this.cursor.mustRebuild(ctx)) this.reset();
    const { tokens, length } = ctx;
    for (let i = this.cursor.consumed; i < length; i++) {
      const token = tokens[i]!;
      if (token >= 0) this.seen.add(token);
    }
    this.cursor.advance(ctx);
    const { ids, size } = this.seen;
    for (let j = 0; j < size; j++) {
      const id = ids[j]!;
      if (id < logits.length) logits[id] = Number.NEGATIVE_INFINITY;
    }
  }

  reset(): void {
    this.seen.clear();
    this.cursor.reset();
  }

  clone(): NoRepeatUnigram {
    const copy = new NoRepeatUnigram();
    copy.seen = this.seen.clone();
    copy.cursor.copyFrom(this.cursor);
    return copy;
  }
}
