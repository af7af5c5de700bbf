import type { LogitsProcessor, ProcessContext } from '../types.js';
import { HistoryCursor } from './history-cursor.js';
import { TokenCounter } from './token-counter.js';
import { requireNumber } from './validate.js';

/**
 * CTRL repetition penalty (HF `RepetitionPenaltyLogitsProcessor`): for every distinct token id in the
 * row's history (prompt included), a negative score is multiplied by `r`, a positive one divided by `r`
 * (float32 arithmetic, as in PyTorch), once per id whatever its count. `r > 1` discourages repetition,
 * `r < 1` encourages it, `r = 1` is neutral.
 *
 * Stateful and incremental: it keeps the set of ids seen and only reads the tokens added since its last
 * call, so a step costs O(new tokens + distinct ids), not O(history). Unlike HF in a left-padded batch,
 * the history holds only the row's real tokens (no padding id gets penalised). Ids outside the row are
 * ignored.
 *
 * @param r - a number > 0.
 * @throws {@link InvalidOptionError} if `r` is not a finite number > 0.
 *
 * @example
 * ```ts
 * const row = new Float32Array([2, -2, 1]);
 * repetitionPenalty(2).process(row, { ...ctx, tokens: Int32Array.of(0, 1, 0), length: 3 });
 * // row is now [1, -4, 1]
 * ```
 */
export function repetitionPenalty(r: number): LogitsProcessor {
  requireNumber(
    'repetitionPenalty',
    r,
    'a number > 0',
    (x) => Math.fround(x) > 0 && Math.fround(x) < Number.POSITIVE_INFINITY,
  );
  return new RepetitionPenalty(Math.fround(r));
}

class RepetitionPenalty implements LogitsProcessor {
  readonly name = 'repetitionPenalty';
  private seen = new TokenCounter();
  private cursor = new HistoryCursor();

  constructor(private readonly penalty: number) {}

  process(logits: Float32Array, ctx: ProcessContext): void {
    if (this.cursor.mustRebuild(ctx)) this.reset();
    const { tokens, length } = ctx;
    for (let i = this.cursor.consumed; i < length; i++) {
      const token = tokens[i]!;
      if (token >= 0) this.seen.add(token);
    }
    this.cursor.advance(ctx);
    const { ids, size } = this.seen;
    const penalty = this.penalty;
    for (let j = 0; j < size; j++) {
      const id = ids[j]!;
      if (id >= logits.length) continue;
      const score = logits[id]!;
      logits[id] = score < 0 ? score * penalty : score / penalty;
    }
  }

  reset(): void {
    this.seen.clear();
    this.cursor.reset();
  }

  clone(): RepetitionPenalty {
    const copy = new RepetitionPenalty(this.penalty);
    copy.seen = this.seen.clone();
    copy.cursor.copyFrom(this.cursor);
    return copy;
  }
}
