import { EXP_LAST_BIN, EXP_NEG_CUTOFF, EXP_STEPS_PER_NAT, EXP_TABLE } from '../kernels/exp.js';
import { binCount, binMass, findCutBin, reserveCutCandidates } from '../kernels/mass-bins.js';
import { maxOf } from '../kernels/reduce.js';
import { growFloat64 } from '../kernels/scratch.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';

const INV_STEPS = 1 / EXP_STEPS_PER_NAT;
let weights: Float64Array = new Float64Array(0);

/**
 * Locally typical filtering (HF `TypicalLogitsWarper`): with entropy `H`, orders tokens by
 * `|-log p - H|` and keeps the closest ones until their total probability reaches `mass` (every token
 * tied with the last one in that order stays), and always the `minTokensToKeep` closest. `mass = 1` is
 * neutral (a no-op).
 *
 * Since `-log p - H = (E[x] - x)` for logits `x`, the order is the distance of a logit from the
 * probability-weighted mean logit: the kept set is an interval of logits around it. Cost: four passes
 * over the row (max, exp sums, a histogram of that distance in 1/64-nat bins, the cut), no sort of the
 * vocabulary.
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
  const minKeep = readMinTokensToKeep(options);
  if (mass === 1) return { name: 'typicalP', process() {} };
  return { name: 'typicalP', process: (logits) => applyTypical(logits, mass, minKeep) };
}

function applyTypical(logits: Float32Array, mass: number, minKeep: number): void {
  const n = logits.length;
  if (minKeep >= n) return;
  const max = maxOf(logits);
  if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return;
  weights = growFloat64(weights, n);
  const e = weights;
  let z = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const gap = max - logits[i]!;
    const scaled = gap < EXP_NEG_CUTOFF ? gap * EXP_STEPS_PER_NAT : EXP_LAST_BIN;
    const k = scaled | 0;
    const r = (scaled - k) * INV_STEPS;
    const w = EXP_TABLE[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
    e[i] = w;
    z += w;
    s += w * scaled;
  }
  // Probability-weighted mean distance below the max: a token's typicality is |gap - center|.
  const center = (s * INV_STEPS) / z;
  binMass.fill(0);
  binCount.fill(0);
  for (let i = 0; i < n; i++) {
    const shift = Math.abs(max - logits[i]! - center);
    const k = (shift < EXP_NEG_CUTOFF ? shift * EXP_STEPS_PER_NAT : EXP_LAST_BIN) | 0;
    binMass[k]! += e[i]!;
    binCount[k]!++;
  }
  const target = mass * z;
  const { bin, massBefore, countBefore } = findCutBin(target, minKeep);
  if (bin < 0) return;
  const candidates = reserveCutCandidates(binCount[bin]!);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const shift = Math.abs(max - logits[i]! - center);
    const k = (shift < EXP_NEG_CUTOFF ? shift * EXP_STEPS_PER_NAT : EXP_LAST_BIN) | 0;
    if (k > bin) logits[i] = Number.NEGATIVE_INFINITY;
    else if (k === bin) candidates[count++] = i;
  }
  const shiftOf = (i: number) => Math.abs(max - logits[i]! - center);
  const sorted = candidates.subarray(0, count).sort((a, b) => shiftOf(a) - shiftOf(b) || a - b);
  // HF keeps every token with shift <= the shift where the mass is reached, plus the first minKeep.
  let massPosition = -1;
  let cumulative = massBefore;
  if (massBefore < target) {
    for (let j = 0; j < count; j++) {
      cumulative += e[sorted[j]!]!;
      if (cumulative >= target) {
        massPosition = j;
        break;
      }
    }
    if (massPosition < 0) return;
  }
  const threshold = massPosition >= 0 ? shiftOf(sorted[massPosition]!) : Number.NEGATIVE_INFINITY;
  const lastByCount = minKeep - countBefore - 1;
  const last = Math.max(massPosition, lastByCount);
  for (let j = last + 1; j < count; j++) {
    const index = sorted[j]!;
    if (shiftOf(index) > threshold) logits[index] = Number.NEGATIVE_INFINITY;
  }
}
