import { EXP_LAST_BIN, EXP_NEG_CUTOFF, EXP_STEPS_PER_NAT, expNeg } from '../kernels/exp.js';
import { binCount, binMass, findCutBin, reserveCutCandidates } from '../kernels/mass-bins.js';
import { maxOf, scoreMassHistogram } from '../kernels/reduce.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';

/**
 * Nucleus (top-p) filtering (HF `TopPLogitsWarper`): keeps the smallest set of best tokens whose total
 * probability reaches `p`, and always the best `minTokensToKeep`. `p = 0` keeps only the best token;
 * `p = 1` is neutral (a no-op). When equal scores straddle the cut, the number of kept tokens is HF's and
 * the lower token ids are kept (HF's unstable sort picks arbitrarily among them).
 *
 * Cost: one max pass, one pass that sums `exp` into a histogram of 1/64-nat bins, one pass that removes
 * the bins past the cut; only the tokens of the bin holding the cut are sorted.
 *
 * @param p - a number in [0, 1].
 * @throws {@link InvalidOptionError} if `p` is outside [0, 1] or `minTokensToKeep` is not an integer >= 1.
 *
 * @example
 * ```ts
 * const row = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
 * topP(0.7).process(row, ctx); // keeps tokens 0 and 1 (0.5 + 0.3 >= 0.7), token 2 becomes -Infinity
 * ```
 */
export function topP(p: number, options?: MinTokensToKeepOptions): LogitsProcessor {
  requireNumber('topP', p, 'a number in [0, 1]', (x) => x >= 0 && x <= 1);
  const minKeep = readMinTokensToKeep(options);
  if (p === 1) return { name: 'topP', process() {} };
  return { name: 'topP', process: (logits) => applyTopP(logits, p, minKeep) };
}

function applyTopP(logits: Float32Array, p: number, minKeep: number): void {
  const n = logits.length;
  if (minKeep >= n) return;
  const max = maxOf(logits);
  if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return;
  const target = p * scoreMassHistogram(logits, max, binMass, binCount);
  const { bin, massBefore, countBefore } = findCutBin(target, minKeep);
  if (bin < 0) return;
  const candidates = reserveCutCandidates(binCount[bin]!);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const gap = max - logits[i]!;
    const k = (gap < EXP_NEG_CUTOFF ? gap * EXP_STEPS_PER_NAT : EXP_LAST_BIN) | 0;
    if (k > bin) logits[i] = Number.NEGATIVE_INFINITY;
    else if (k === bin) candidates[count++] = i;
  }
  const sorted = candidates.subarray(0, count).sort((a, b) => logits[b]! - logits[a]! || a - b);
  let mass = massBefore;
  let kept = countBefore;
  let last = count - 1;
  for (let j = 0; j < count; j++) {
    mass += expNeg(max - logits[sorted[j]!]!);
    kept++;
    if (mass >= target && kept >= minKeep) {
      last = j;
      break;
    }
  }
  for (let j = last + 1; j < count; j++) logits[sorted[j]!] = Number.NEGATIVE_INFINITY;
}
