import type { LogitsProcessor, ProcessContext } from '../types.js';
import { HistoryCursor } from './history-cursor.js';
import { TokenCounter } from './token-counter.js';
import { requireNumber } from './validate.js';

/**
 * Frequency penalty (OpenAI, llama.cpp): `score -= count * f` for every token generated so far, `count`
 * its number of occurrences among the generated tokens (the prompt does not count). Positive `f`
 * discourages repetition in proportion to it, negative `f` encourages it; `f = 0` is neutral. Not in
 * Hugging Face `generate()`. Stateful and incremental (O(new tokens + distinct generated ids) a step).
 *
 * @param f - a finite number.
 * @throws {@link InvalidOptionError} if `f` is not a finite number.
 *
 * @example
 * ```ts
 * // prompt [7], generated [3, 3]: token 3 loses 2 * 0.5
 * frequencyPenalty(0.5).process(row, { ...ctx, tokens: Int32Array.of(7, 3, 3), length: 3, promptLength: 1 });
 * ```
 */
export function frequencyPenalty(f: number): LogitsProcessor {
  requireNumber('frequencyPenalty', f, 'a finite number');
  return new GeneratedTokenPenalty('frequencyPenalty', f, 0);
}

/**
 * Presence penalty (OpenAI, llama.cpp): `score -= p` once for every distinct token generated so far
 * (the prompt does not count). `p = 0` is neutral. Not in Hugging Face `generate()`. Stateful and
 * incremental.
 *
 * @param p - a finite number.
 * @throws {@link InvalidOptionError} if `p` is not a finite number.
 *
 * @example
 * ```ts
 * presencePenalty(1).process(row, { ...ctx, tokens: Int32Array.of(7, 3, 3), length: 3, promptLength: 1 });
 * // row[3] decreased by 1, row[7] unchanged (prompt)
 * ```
 */
export function presencePenalty(p: number): LogitsProcessor {
  requireNumber('presencePenalty', p, 'a finite number');
  return new GeneratedTokenPenalty('presencePenalty', 0, p);
}

/** `score -= count * perOccurrence + perToken` over the generated tokens (result rounded to float32). */
class GeneratedTokenPenalty implements LogitsProcessor {
  private counts = new TokenCounter();
  private cursor = new HistoryCursor();

  constructor(
    readonly name: string,
    private readonly perOccurrence: number,
    private readonly perToken: number,
  ) {}

  process(logits: Float32Array, ctx: ProcessContext): void {
    if (this.cursor.mustRebuild(ctx, true)) this.reset();
    const { tokens, length, promptLength } = ctx;
    for (let i = Math.max(this.cursor.consumed, promptLength); i < length; i++) {
      const token = tokens[i]!;
      if (token >= 0) this.counts.add(token);
    }
    this.cursor.advance(ctx);
    const { ids, counts, size } = this.counts;
    for (let j = 0; j < size; j++) {
      const id = ids[j]!;
      if (id < logits.length) logits[id] = logits[id]! - (counts[j]! * this.perOccurrence + this.perToken);
    }
  }

  reset(): void {
    this.counts.clear();
    this.cursor.reset();
  }

  clone(): GeneratedTokenPenalty {
    const copy = new GeneratedTokenPenalty(this.name, this.perOccurrence, this.perToken);
    copy.counts = this.counts.clone();
    copy.cursor.copyFrom(this.cursor);
    return copy;
  }
}
