import { NucleusError } from '../errors.js';
import { EXP_TABLE, expNeg } from '../kernels/exp.js';
import { maxOf } from '../kernels/reduce.js';
import { markValueOnly } from '../processors/value-only.js';
import type { RandomSource, TokenSelector } from '../types.js';

/**
 * Thrown when a row has no token left to sample: every score is `-Infinity` (or NaN), for example because
 * processors removed everything.
 */
export class NoCandidateError extends NucleusError {
  constructor() {
    super('NO_CANDIDATES', 'cannot sample: every token of the row has score -Infinity (all were removed)');
  }
}

// Literal copies of the table-exp constants (see kernels/exp.ts): imported numbers slow these loops.
const STEPS = 64;
const CUTOFF = 80;
const INV_STEPS = 1 / 64;
/** Weighted entries per block of the cumulative sums. */
const BLOCK = 64;

/**
 * Draws one token from `softmax(scores)` with one number from `random`, in two passes over the row: the
 * max, then one `exp` per entry within 80 nats of it, summed in blocks of 64 weighted entries; the draw
 * then walks the block sums and recomputes the weights of one block only. Blocks count weighted entries,
 * not positions, so a row and its compacted copy (only the finite entries, in the same order) give the
 * same sums and the same token. `-Infinity` and NaN entries are never returned, nor are entries whose
 * weight is 0 (more than 80 nats below the best, a relative probability under 2e-35, as the kernels'
 * table `exp` drops them). Scratch arrays are reused between calls.
 */
export class SoftmaxSampler {
  private blockStarts = new Int32Array(0);
  private blockSums = new Float64Array(0);

  /** Draws a token index from `softmax(scores)`. Throws {@link NoCandidateError} if none is finite. */
  draw(scores: Float32Array, random: RandomSource): number {
    const n = scores.length;
    const max = maxOf(scores);
    if (!(max > Number.NEGATIVE_INFINITY)) throw new NoCandidateError();
    if (max === Number.POSITIVE_INFINITY) return drawAmongInfinite(scores, random);
    const blockCapacity = Math.ceil(n / BLOCK) + 1;
    if (this.blockStarts.length < blockCapacity) {
      this.blockStarts = new Int32Array(blockCapacity);
      this.blockSums = new Float64Array(blockCapacity);
    }
    const starts = this.blockStarts;
    const sums = this.blockSums;
    const table = EXP_TABLE;
    let blocks = 0;
    let inBlock = 0;
    let sum = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const gap = max - scores[i]!;
      if (!(gap < CUTOFF)) continue;
      if (inBlock === 0) starts[blocks] = i;
      const scaled = gap * STEPS;
      const k = scaled | 0;
      const r = (scaled - k) * INV_STEPS;
      sum += table[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
      if (++inBlock === BLOCK) {
        sums[blocks++] = sum;
        total += sum;
        sum = 0;
        inBlock = 0;
      }
    }
    if (inBlock > 0) {
      sums[blocks++] = sum;
      total += sum;
    }
    const target = random.next() * total;
    let before = 0;
    let block = 0;
    for (; block < blocks - 1; block++) {
      const after = before + sums[block]!;
      if (after > target) break;
      before = after;
    }
    // Walk the chosen block; if rounding leaves `target` beyond its last weight, take that last entry.
    const end = block + 1 < blocks ? starts[block + 1]! : n;
    let cumulative = before;
    let last = starts[block]!;
    for (let i = starts[block]!; i < end; i++) {
      const gap = max - scores[i]!;
      if (!(gap < CUTOFF)) continue;
      cumulative += expNeg(gap);
      last = i;
      if (cumulative > target) return i;
    }
    return last;
  }
}

/** A row whose max is `+Infinity`: each `+Infinity` entry weighs 1, every other entry 0. */
function drawAmongInfinite(scores: Float32Array, random: RandomSource): number {
  let count = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] === Number.POSITIVE_INFINITY) count++;
  let pick = Math.min(Math.floor(random.next() * count), count - 1);
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] === Number.POSITIVE_INFINITY && pick-- === 0) return i;
  }
  return 0;
}

/**
 * Multinomial sampling: one draw from `softmax(processed scores)` with the generation's seeded
 * {@link RandomSource} (`ctx.random`). Never returns a token whose score is `-Infinity`. Apply temperature
 * and truncation (top-k, top-p, ...) as processors before it.
 *
 * @example
 * ```ts
 * const pick = sample();
 * pick.select(new Float32Array([0, Math.log(3)]), { ...ctx, random: createRandom(1) }); // 1 with p = 0.75
 * ```
 */
export function sample(): TokenSelector {
  const sampler = new SoftmaxSampler();
  const selector: TokenSelector = {
    name: 'sample',
    select: (logits, ctx) => sampler.draw(logits, ctx.random),
    clone: () => selector,
  };
  return markValueOnly(selector);
}
