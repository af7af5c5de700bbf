import { nearMax } from '../kernels/near-max.js';
import { keepTopExactly } from '../kernels/select.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';
import { markTruncator, markValueOnly, type Survivors } from './value-only.js';

/**
 * Min-p filtering (HF `MinPLogitsWarper`): removes every token whose probability is below
 * `p * (probability of the best token)`, keeping at least the best `minTokensToKeep`. The comparison
 * runs in log space (`x < max + ln p`): no softmax, no sort; one pass shortlists the tokens within
 * `-ln p` of the running max, and the row is rebuilt from that shortlist. Like HF (which keeps exactly
 * `torch.topk(probs, minTokensToKeep)`), the `minTokensToKeep` rule keeps exactly that many tokens, the
 * lower ids on a tie. `p = 0` keeps everything; `p = 1` keeps the tokens tied with the best.
 *
 * @param p - a number in [0, 1].
 * @throws {@link InvalidOptionError} if `p` is outside [0, 1] or `minTokensToKeep` is not an integer >= 1.
 *
 * @example
 * ```ts
 * const row = new Float32Array([0, Math.log(0.5), Math.log(0.05)]);
 * minP(0.1).process(row, ctx); // token 2 (0.05 < 0.1 * 1) becomes -Infinity
 * ```
 */
export function minP(p: number, options?: MinTokensToKeepOptions): LogitsProcessor {
  requireNumber('minP', p, 'a number in [0, 1]', (x) => x >= 0 && x <= 1);
  const minKeep = readMinTokensToKeep(options, 'minP');
  if (p === 0) return markValueOnly({ name: 'minP', process() {} });
  const logP = Math.log(p);
  // Shortlist window in 1/64-nat bins, strictly wider than -ln p.
  const windowBins = Math.floor(-logP * 64) + 1;
  return markTruncator(
    { name: 'minP', process: (logits) => void applyMinP(logits, logP, windowBins, minKeep, undefined) },
    (logits, out) => applyMinP(logits, logP, windowBins, minKeep, out),
  );
}

/** Applies min-p; with `out`, lists the survivors there instead of rebuilding the row when it can (returns true). */
function applyMinP(
  logits: Float32Array,
  logP: number,
  windowBins: number,
  minKeep: number,
  out: Survivors | undefined,
): boolean {
  const n = logits.length;
  if (minKeep >= n) return false;
  const fits = windowBins <= 5120;
  let max: number;
  if (fits) {
    nearMax.shortlist(logits, windowBins);
    max = nearMax.max;
  } else {
    max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
  }
  if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return false;
  const threshold = max + logP;
  if (fits && !nearMax.overflow) {
    const { indices, values, count } = nearMax;
    let kept = 0;
    for (let j = 0; j < count; j++) if (values[j]! >= threshold) kept++;
    if (kept < minKeep) {
      keepTopExactly(logits, minKeep);
      return false;
    }
    if (out) {
      out.reserve(kept);
      for (let j = 0; j < count; j++) {
        if (values[j]! >= threshold) {
          out.ids[out.count] = indices[j]!;
          out.values[out.count++] = values[j]!;
        }
      }
      return true;
    }
    logits.fill(Number.NEGATIVE_INFINITY);
    for (let j = 0; j < count; j++) if (values[j]! >= threshold) logits[indices[j]!] = values[j]!;
    return false;
  }
  let kept = 0;
  for (let i = 0; i < n; i++) if (logits[i]! >= threshold) kept++;
  if (kept < minKeep) {
    keepTopExactly(logits, minKeep);
    return false;
  }
  for (let i = 0; i < n; i++) if (logits[i]! < threshold) logits[i] = Number.NEGATIVE_INFINITY;
  return false;
}
