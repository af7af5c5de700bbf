import { nearMax, WindowHint } from '../kernels/near-max.js';
import { kthLargest } from '../kernels/select.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';
import { markValueOnly } from './value-only.js';

/**
 * Epsilon sampling (HF `EpsilonLogitsWarper`): removes every token whose probability is below `e`,
 * except the best `minTokensToKeep` (with every token tied with the last of them: on an all-equal row
 * nothing is removed). `e = 0` is neutral. Computed in log space (`x < max + ln(e * z)`): one max pass,
 * one pass of fast `exp` sums that also shortlists the tokens near the max, then the row is rebuilt from
 * the shortlist (or, if the cut reaches beyond it, one removal pass).
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
  const minKeep = readMinTokensToKeep(options, 'epsilonCutoff');
  if (e === 0) return markValueOnly({ name: 'epsilonCutoff', process() {} });
  const hint = new WindowHint();
  return markValueOnly({
    name: 'epsilonCutoff',
    process(logits) {
      nearMax.scan(logits, hint.window, false);
      const max = nearMax.max;
      if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return;
      removeBelowProbability(logits, max, nearMax.z, e, minKeep, hint);
    },
  });
}

/**
 * Removes the tokens with `probability < cutoff` (`probability = exp(x - max) / z`) unless they score at
 * least the `minKeep`-th largest score. Uses the shortlist of the `nearMax` scan that computed `z` when the
 * threshold falls inside it. Shared by epsilon and eta sampling.
 */
export function removeBelowProbability(
  logits: Float32Array,
  max: number,
  z: number,
  cutoff: number,
  minKeep: number,
  hint: WindowHint,
): void {
  let threshold = max + Math.log(z * cutoff);
  const kth = minKeep === 1 ? max : kthLargest(logits, Math.min(minKeep, logits.length));
  if (kth < threshold) threshold = kth;
  const depth = max - threshold;
  const { indices, values, count, windowBins, overflow } = nearMax;
  if (!overflow && depth < windowBins / 64) {
    // Every kept token is shortlisted: clear the row and write them back.
    logits.fill(Number.NEGATIVE_INFINITY);
    for (let j = 0; j < count; j++) if (values[j]! >= threshold) logits[indices[j]!] = values[j]!;
  } else {
    for (let i = 0; i < logits.length; i++) if (logits[i]! < threshold) logits[i] = Number.NEGATIVE_INFINITY;
  }
  hint.record(depth);
}
