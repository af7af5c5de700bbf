import { EXP_NEG_CUTOFF, EXP_TABLE, expNeg } from '../kernels/exp.js';
import { binCount, binMass, clearBins, findCutBin, reserveCutCandidates } from '../kernels/mass-bins.js';
import { nearMax, WindowHint } from '../kernels/near-max.js';
import { growFloat64, growUint8 } from '../kernels/scratch.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';
import { markTruncator, markValueOnly, type Survivors } from './value-only.js';

// Literal copies of EXP_STEPS_PER_NAT, EXP_NEG_CUTOFF, EXP_LAST_BIN (see kernels/reduce.ts for why).
const STEPS = 64;
const CUTOFF = 80;
const LAST_BIN = 5120;
const INV_STEPS = 1 / 64;

/**
 * Locally typical filtering (HF `TypicalLogitsWarper`): with entropy `H`, orders tokens by
 * `|-log p - H|` and keeps the closest ones until their total probability reaches `mass` (every token
 * tied with the last one in that order stays), and always the `minTokensToKeep` closest. `mass = 1` is
 * neutral (a no-op).
 *
 * Since `-log p - H = E[x] - x` for logits `x`, the order is the distance of a logit from the
 * probability-weighted mean logit, and the kept set is an interval of logits around it. Cost: one max
 * pass and one pass of fast `exp` (sums and a shortlist of the tokens near the max); the cut is found on
 * the shortlist (binned by 1/64 nat of distance, only the bin holding the cut is sorted). When the
 * interval reaches beyond the shortlist, a histogram of the whole row is used instead (three more
 * passes). Never a sort of the vocabulary.
 *
 * @param mass - a number in (0, 1].
 * @throws {@link InvalidOptionError} if `mass` is outside (0, 1] or `minTokensToKeep` is not an integer >= 1.
 *
 * @example
 * ```ts
 * const row = new Float32Array([3, 1, 3, 2, 3]);
 * typicalP(0.2).process(row, ctx); // keeps the three 3s: they tie in typicality
 * ```
 */
export function typicalP(mass: number, options?: MinTokensToKeepOptions): LogitsProcessor {
  requireNumber('typicalP', mass, 'a number in (0, 1]', (x) => x > 0 && x <= 1);
  const minKeep = readMinTokensToKeep(options, 'typicalP');
  if (mass === 1) return markValueOnly({ name: 'typicalP', process() {} });
  const hint = new WindowHint();
  return markTruncator(
    { name: 'typicalP', process: (logits) => void applyTypical(logits, mass, minKeep, hint, undefined) },
    (logits, out) => applyTypical(logits, mass, minKeep, hint, out),
  );
}

/** Applies typical-p; with `out`, lists the survivors there instead of rebuilding the row when it can (returns true). */
function applyTypical(
  logits: Float32Array,
  mass: number,
  minKeep: number,
  hint: WindowHint,
  out: Survivors | undefined,
): boolean {
  if (minKeep >= logits.length) return false;
  nearMax.scan(logits, hint.window, true);
  const max = nearMax.max;
  if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return false;
  const { z, s } = nearMax;
  // Probability-weighted mean distance below the max: a token's typicality is |gap - center|.
  const center = -s / z;
  const reach = cutOnShortlist(logits, max, center, mass * z, minKeep, out);
  if (reach >= 0) {
    hint.record(reach);
    return out !== undefined;
  }
  hint.record(cutOnHistogram(logits, max, center, mass * z, minKeep));
  return false;
}

/**
 * Which of the cut bin's tokens stay, HF's rule: every token up to the position where the mass is
 * reached, every token tied with it in typicality, and the first `minKeep` overall. `sorted` holds the
 * bin's tokens by increasing shift (lower index first on ties); returns how many of them stay, or -1 if
 * the mass is never reached (rounding: keep them all).
 */
function keptInCutBin(
  sorted: Int32Array,
  shiftOf: (token: number) => number,
  weightOf: (token: number) => number,
  massBefore: number,
  countBefore: number,
  target: number,
  minKeep: number,
): number {
  let massPosition = -1;
  if (massBefore < target) {
    let cumulative = massBefore;
    for (let j = 0; j < sorted.length; j++) {
      cumulative += weightOf(sorted[j]!);
      if (cumulative >= target) {
        massPosition = j;
        break;
      }
    }
    if (massPosition < 0) return sorted.length;
  }
  let last = Math.max(massPosition, minKeep - countBefore - 1);
  if (massPosition >= 0) {
    const threshold = shiftOf(sorted[massPosition]!);
    while (last + 1 < sorted.length && shiftOf(sorted[last + 1]!) <= threshold) last++;
  }
  return last + 1;
}

let shortlistWeights: Float64Array = new Float64Array(0);
let shortlistShifts: Float64Array = new Float64Array(0);
let shortlistKept: Uint8Array = new Uint8Array(0);

/**
 * Finds the cut among the shortlisted tokens (valid when every token closer to the center than the cut
 * is shortlisted) and rebuilds the row from them. Returns the gap below the max of the kept token
 * farthest from it, or -1 when the shortlist cannot decide (nothing changed).
 */
function cutOnShortlist(
  logits: Float32Array,
  max: number,
  center: number,
  target: number,
  minKeep: number,
  out: Survivors | undefined,
): number {
  const { indices, values, count, windowBins, overflow } = nearMax;
  // A token outside the window is at least `window - center` from the center: bins below that are complete.
  const completeBins = Math.floor((windowBins * INV_STEPS - center) * STEPS);
  if (overflow || completeBins <= 0 || count < minKeep) return -1;
  shortlistWeights = growFloat64(shortlistWeights, count);
  shortlistShifts = growFloat64(shortlistShifts, count);
  const weight = shortlistWeights;
  const shift = shortlistShifts;
  const massOf = binMass;
  const countOf = binCount;
  clearBins(completeBins);
  for (let j = 0; j < count; j++) {
    const gap = max - values[j]!;
    const distance = Math.abs(gap - center);
    weight[j] = expNeg(gap);
    shift[j] = distance;
    const k = (distance * STEPS) | 0;
    if (k < completeBins) {
      massOf[k]! += weight[j]!;
      countOf[k]!++;
    }
  }
  const { bin, massBefore, countBefore } = findCutBin(target, minKeep, completeBins);
  if (bin < 0) return -1;
  const members = reserveCutCandidates(countOf[bin]!);
  let size = 0;
  for (let j = 0; j < count; j++) if (((shift[j]! * STEPS) | 0) === bin) members[size++] = j;
  const sorted = members.subarray(0, size).sort((a, b) => shift[a]! - shift[b]! || a - b);
  const keep = keptInCutBin(
    sorted,
    (j) => shift[j]!,
    (j) => weight[j]!,
    massBefore,
    countBefore,
    target,
    minKeep,
  );
  // Kept: the bins closer to the center than the cut bin, and the first `keep` of the cut bin.
  shortlistKept = growUint8(shortlistKept, count);
  const kept = shortlistKept;
  for (let j = 0; j < count; j++) kept[j] = ((shift[j]! * STEPS) | 0) < bin ? 1 : 0;
  for (let m = 0; m < keep; m++) kept[sorted[m]!] = 1;
  let reach = 0;
  if (out) out.reserve(count);
  else logits.fill(Number.NEGATIVE_INFINITY);
  for (let j = 0; j < count; j++) {
    if (kept[j] === 0) continue;
    if (out) {
      out.ids[out.count] = indices[j]!;
      out.values[out.count++] = values[j]!;
    } else {
      logits[indices[j]!] = values[j]!;
    }
    reach = Math.max(reach, max - values[j]!);
  }
  return reach;
}

let rowWeights: Float64Array = new Float64Array(0);

/**
 * The whole-row path: a histogram of the distance to the center, then one pass that removes past the cut.
 * Returns how deep below the max the kept interval reaches (nats, an upper bound).
 */
function cutOnHistogram(
  logits: Float32Array,
  max: number,
  center: number,
  target: number,
  minKeep: number,
): number {
  const n = logits.length;
  rowWeights = growFloat64(rowWeights, n);
  const e = rowWeights;
  const table = EXP_TABLE;
  const massOf = binMass;
  const countOf = binCount;
  clearBins();
  for (let i = 0; i < n; i++) {
    const gap = max - logits[i]!;
    const scaled = gap < CUTOFF ? gap * STEPS : LAST_BIN;
    const k = scaled | 0;
    const r = (scaled - k) * INV_STEPS;
    const w = table[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
    e[i] = w;
    const shift = Math.abs(gap - center);
    const bin = (shift < CUTOFF ? shift * STEPS : LAST_BIN) | 0;
    massOf[bin]! += w;
    countOf[bin]!++;
  }
  const { bin, massBefore, countBefore } = findCutBin(target, minKeep);
  if (bin < 0) return EXP_NEG_CUTOFF;
  const candidates = reserveCutCandidates(countOf[bin]!);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const shift = Math.abs(max - logits[i]! - center);
    const k = (shift < CUTOFF ? shift * STEPS : LAST_BIN) | 0;
    if (k > bin) logits[i] = Number.NEGATIVE_INFINITY;
    else if (k === bin) candidates[count++] = i;
  }
  const shiftOf = (i: number) => Math.abs(max - logits[i]! - center);
  const sorted = candidates.subarray(0, count).sort((a, b) => shiftOf(a) - shiftOf(b) || a - b);
  const keep = keptInCutBin(sorted, shiftOf, (i) => e[i]!, massBefore, countBefore, target, minKeep);
  for (let j = keep; j < count; j++) logits[sorted[j]!] = Number.NEGATIVE_INFINITY;
  return center + (bin + 1) / 64;
}
