import { expSums, maxOf } from '../kernels/reduce.js';
import { kthLargest } from '../kernels/select.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';

/**
 * Epsilon sampling (HF `EpsilonLogitsWarper`): removes every token whose probability is below `e`,
 * except the best `minTokensToKeep` (with every token tied with the last of them: on an all-equal row
 * nothing is removed). `e = 0` is neutral. Computed in log space: one max pass, one pass of fast `exp`
 * sums, one removal pass.
 *
 * @param e - a number in [0, 1).
 * @throws {@link InvalidOptionError} if `e` is outside [0, 1) or `minTokensToKeep` is not an integer >= 1.
 *
 * @example
 * ```ts
 * const row = new Float32Array([Math.log(0.6), Math.log(0.3999), Math.log(0.0001)]);
 * epsilonCutoff(0.001).process(row, ctx); // token 2 becomes -Infinity
 * ```
 */
export function epsilonCutoff(e: number, options?: MinTokensToKeepOptions): LogitsProcessor {
  requireNumber('epsilonCutoff', e, 'a number in [0, 1)', (x) => x >= 0 && x < 1);
  const minKeep = readMinTokensToKeep(options);
  if (e === 0) return { name: 'epsilonCutoff', process() {} };
  return {
    name: 'epsilonCutoff',
    process(logits) {
      const max = maxOf(logits);
      if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return;
      removeBelowProbability(logits, max, expSums(logits, max).z, e, minKeep);
    },
  };
}

/**
 * Removes the tokens with `probability < cutoff` (`probability = exp(x - max) / z`) unless they score at
 * least the `minKeep`-th largest score. Shared by epsilon and eta sampling.
 */
export function removeBelowProbability(
  logits: Float32Array,
  max: number,
  z: number,
  cutoff: number,
  minKeep: number,
): void {
  let threshold = max + Math.log(z * cutoff);
  const kth = minKeep === 1 ? max : kthLargest(logits, Math.min(minKeep, logits.length));
  if (kth < threshold) threshold = kth;
  for (let i = 0; i < logits.length; i++) if (logits[i]! < threshold) logits[i] = Number.NEGATIVE_INFINITY;
}
