import { NucleusError } from '../errors.js';
import { expNeg } from '../kernels/exp.js';
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

/**
 * Draws one token from `softmax(scores)` with one number from `random`, in three passes: a max pass that
 * also collects the finite entries, one `exp` per finite entry, then one draw and a cumulative scan.
 * `-Infinity` and NaN entries are never returned, nor are entries whose weight is 0 (more than 80 nats
 * below the best, a relative probability under 2e-35, as the kernels' table `exp` drops them).
 * Scratch arrays are reused between calls.
 */
export class SoftmaxSampler {
  private indices = new Int32Array(0);
  private weights = new Float64Array(0);

  /** Draws a token index from `softmax(scores)`. Throws {@link NoCandidateError} if none is finite. */
  draw(scores: Float32Array, random: RandomSource): number {
    if (this.indices.length < scores.length) {
      this.indices = new Int32Array(scores.length);
      this.weights = new Float64Array(scores.length);
    }
    const indices = this.indices;
    const weights = this.weights;
    let max = Number.NEGATIVE_INFINITY;
    let count = 0;
    for (let i = 0; i < scores.length; i++) {
      const value = scores[i]!;
      if (value > Number.NEGATIVE_INFINITY) {
        indices[count++] = i;
        if (value > max) max = value;
      }
    }
    if (count === 0) throw new NoCandidateError();
    let total = 0;
    if (max === Number.POSITIVE_INFINITY) {
      for (let j = 0; j < count; j++) {
        const weight = scores[indices[j]!] === max ? 1 : 0;
        weights[j] = weight;
        total += weight;
      }
    } else {
      for (let j = 0; j < count; j++) {
        const weight = expNeg(max - scores[indices[j]!]!);
        weights[j] = weight;
        total += weight;
      }
    }
    const target = random.next() * total;
    let cumulative = 0;
    let lastPositive = -1;
    for (let j = 0; j < count; j++) {
      const weight = weights[j]!;
      if (weight <= 0) continue;
      cumulative += weight;
      lastPositive = j;
      if (cumulative > target) return indices[j]!;
    }
    // Rounding left `target` at or above the running sum: take the last token that has any weight.
    return indices[lastPositive]!;
  }
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
  return selector;
}
