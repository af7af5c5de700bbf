import { EXP_NEG_CUTOFF, expNeg } from '../kernels/exp.js';
import { binCount, binMass, clearBins, findCutBin, reserveCutCandidates } from '../kernels/mass-bins.js';
import { nearMax, WindowHint } from '../kernels/near-max.js';
import { scoreBin, scoreMassHistogram } from '../kernels/reduce.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';
import { markTruncator, markValueOnly, type Survivors } from './value-only.js';

/**
 * Nucleus (top-p) filtering (HF `TopPLogitsWarper`): keeps the smallest set of best tokens whose total
 * probability reaches `p`, and always the best `minTokensToKeep`. `p = 0` keeps only the best token;
 * `p = 1` is neutral (a no-op). When equal scores straddle the cut, the number of kept tokens is HF's and
 * the lower token ids are kept (HF's unstable sort picks arbitrarily among them).
 *
 * Cost: one max pass and one pass of fast `exp` that also shortlists the tokens near the max; the cut
 * is found on the shortlist (binned by 1/64 nat, only the bin holding the cut is sorted) and the row is
 * rebuilt from it. If the nucleus reaches beyond the shortlist, a histogram of the whole row locates the
 * cut instead (two more passes). Never a sort of the vocabulary.
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
  const minKeep = readMinTokensToKeep(options, 'topP');
  if (p === 1) return markValueOnly({ name: 'topP', process() {} });
  const hint = new WindowHint();
  return markTruncator(
    { name: 'topP', process: (logits) => void applyTopP(logits, p, minKeep, hint, undefined) },
    (logits, out) => applyTopP(logits, p, minKeep, hint, out),
  );
}

/** Applies top-p; with `out`, lists the survivors there instead of rebuilding the row when it can (returns true). */
function applyTopP(
  logits: Float32Array,
  p: number,
  minKeep: number,
  hint: WindowHint,
  out: Survivors | undefined,
): boolean {
  const n = logits.length;
  if (minKeep >= n) return false;
  nearMax.scan(logits, hint.window, false);
  const max = nearMax.max;
  if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return false;
  const target = p * nearMax.z;
  const cutGap = cutOnShortlist(logits, max, target, minKeep, out);
  if (cutGap >= 0) {
    hint.record(cutGap);
    return out !== undefined;
  }
  hint.record(cutOnHistogram(logits, max, minKeep, p));
  return false;
}

let weights: Float64Array = new Float64Array(0);

/**
 * Finds the cut among the shortlisted tokens and rebuilds the row from them (or lists them in `out`).
 * Returns the gap below the max of the last kept token, or -1 if the cut lies beyond the shortlist
 * (nothing changed).
 */
function cutOnShortlist(
  logits: Float32Array,
  max: number,
  target: number,
  minKeep: number,
  out: Survivors | undefined,
): number {
  const { indices, values, count, windowBins, overflow } = nearMax;
  if (overflow || count < minKeep) return -1;
  if (weights.length < count) weights = new Float64Array(nearMax.budget);
  const weight = weights;
  const massOf = binMass;
  const countOf = binCount;
  clearBins(windowBins);
  for (let j = 0; j < count; j++) {
    const gap = max - values[j]!;
    const w = expNeg(gap);
    const k = scoreBin(max, values[j]!);
    weight[j] = w;
    massOf[k]! += w;
    countOf[k]!++;
  }
  const { bin, massBefore, countBefore } = findCutBin(target, minKeep, windowBins);
  if (bin < 0) return -1;
  // The cut bin's members, best first (lower index on ties), and how many of them stay.
  const members = reserveCutCandidates(countOf[bin]!);
  let size = 0;
  for (let j = 0; j < count; j++) if (scoreBin(max, values[j]!) === bin) members[size++] = j;
  const sorted = members.subarray(0, size).sort((a, b) => values[b]! - values[a]! || a - b);
  let mass = massBefore;
  let kept = countBefore;
  let keepMembers = size;
  for (let m = 0; m < size; m++) {
    mass += weight[sorted[m]!]!;
    kept++;
    if (mass >= target && kept >= minKeep) {
      keepMembers = m + 1;
      break;
    }
  }
  // Kept: every shortlisted token ranked (score desc, id asc) at or before the last kept member.
  const lastValue = values[sorted[keepMembers - 1]!]!;
  const lastId = indices[sorted[keepMembers - 1]!]!;
  if (out) {
    out.reserve(count);
    let size = 0;
    for (let j = 0; j < count; j++) {
      const x = values[j]!;
      if (x > lastValue || (x === lastValue && indices[j]! <= lastId)) {
        out.ids[size] = indices[j]!;
        out.values[size++] = x;
      }
    }
    out.count = size;
  } else {
    logits.fill(Number.NEGATIVE_INFINITY);
    for (let j = 0; j < count; j++) {
      const x = values[j]!;
      if (x > lastValue || (x === lastValue && indices[j]! <= lastId)) logits[indices[j]!] = x;
    }
  }
  return max - lastValue;
}

/**
 * The whole-row path: a mass histogram of every token, then one pass that removes past the cut. Returns
 * how deep below the max the cut went (nats).
 */
function cutOnHistogram(logits: Float32Array, max: number, minKeep: number, p: number): number {
  const n = logits.length;
  const target = p * scoreMassHistogram(logits, max, binMass, binCount);
  const { bin, massBefore, countBefore } = findCutBin(target, minKeep);
  if (bin < 0) return EXP_NEG_CUTOFF;
  const candidates = reserveCutCandidates(binCount[bin]!);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const k = scoreBin(max, logits[i]!);
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
  return (bin + 1) / 64;
}
