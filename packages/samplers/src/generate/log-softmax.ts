import { expSum, maxOf } from '../kernels/reduce.js';
import type { LogitsProcessor } from '../types.js';

/**
 * Replaces a row by its log-softmax in place, in float32 like `torch.log_softmax`:
 * `fround(fround(x - max) - fround(log(sum(exp(x - max)))))`. `-Infinity` stays `-Infinity`. The sum uses the
 * kernels' table `exp` (relative error < 2e-9, terms 80 nats below the max dropped).
 */
export function logSoftmaxInPlace(row: Float32Array): void {
  const { max, logSum } = logSoftmaxTerms(row);
  if (!(max > Number.NEGATIVE_INFINITY) || max === Number.POSITIVE_INFINITY) return;
  for (let i = 0; i < row.length; i++) row[i] = Math.fround(Math.fround(row[i]! - max) - logSum);
}

/**
 * The two terms of a float32 log-softmax: the row's max and `fround(log(sum(exp(x - max))))`, so that
 * `logp[i] = fround(fround(x[i] - max) - logSum)`. `max` is `-Infinity` for a row without finite entries.
 */
export function logSoftmaxTerms(row: Float32Array): { max: number; logSum: number } {
  const max = maxOf(row);
  if (!(max > Number.NEGATIVE_INFINITY) || max === Number.POSITIVE_INFINITY) return { max, logSum: 0 };
  return { max, logSum: Math.fround(Math.log(expSum(row, max))) };
}

/**
 * HF's `LogitNormalization` (`renormalizeLogits: true`): log-softmax of the row after every other
 * processor. Stateless.
 */
export function renormalizeLogits(): LogitsProcessor {
  return { name: 'renormalizeLogits', process: logSoftmaxInPlace };
}
