/**
 * One-pass reductions over a row of scores: the max, softmax normalisers and a probability-mass
 * histogram. `-Infinity` entries weigh 0; NaN entries are ignored by {@link maxOf} and weigh 0 in the sums.
 *
 * @packageDocumentation
 */
import { EXP_TABLE } from './exp.js';

// Literal copies of EXP_STEPS_PER_NAT, EXP_NEG_CUTOFF and EXP_LAST_BIN: V8 treats numbers imported from
// another module as tagged values in these loops, which made them twice as slow.
const STEPS = 64;
const CUTOFF = 80;
const LAST_BIN = 5120;
const INV_STEPS = 1 / 64;

/** The largest entry of `scores` (`-Infinity` for an empty row or a row without finite entries). */
export function maxOf(scores: Float32Array): number {
  const n = scores.length;
  let m0 = Number.NEGATIVE_INFINITY;
  let m1 = Number.NEGATIVE_INFINITY;
  let m2 = Number.NEGATIVE_INFINITY;
  let m3 = Number.NEGATIVE_INFINITY;
  let i = 0;
  // Four independent maxima let the CPU overlap the compares (about 1.5x faster than one chain).
  for (const end = n - 3; i < end; i += 4) {
    const a = scores[i]!;
    const b = scores[i + 1]!;
    const c = scores[i + 2]!;
    const d = scores[i + 3]!;
    if (a > m0) m0 = a;
    if (b > m1) m1 = b;
    if (c > m2) m2 = c;
    if (d > m3) m3 = d;
  }
  for (; i < n; i++) {
    const a = scores[i]!;
    if (a > m0) m0 = a;
  }
  return Math.max(m0, m1, m2, m3);
}

/**
 * The index of the largest entry (the lowest index among equal maxima; NaN ignored), or 0 when no entry
 * is greater than `-Infinity` (as `torch.argmax`). Four independent lanes, like {@link maxOf}: about 1.5x
 * faster than a single compare chain.
 */
export function argmaxOf(scores: Float32Array): number {
  const n = scores.length;
  let m0 = Number.NEGATIVE_INFINITY;
  let m1 = Number.NEGATIVE_INFINITY;
  let m2 = Number.NEGATIVE_INFINITY;
  let m3 = Number.NEGATIVE_INFINITY;
  let i0 = 0;
  let i1 = 0;
  let i2 = 0;
  let i3 = 0;
  let i = 0;
  for (const end = n - 3; i < end; i += 4) {
    const a = scores[i]!;
    const b = scores[i + 1]!;
    const c = scores[i + 2]!;
    const d = scores[i + 3]!;
    if (a > m0) {
      m0 = a;
      i0 = i;
    }
    if (b > m1) {
      m1 = b;
      i1 = i + 1;
    }
    if (c > m2) {
      m2 = c;
      i2 = i + 2;
    }
    if (d > m3) {
      m3 = d;
      i3 = i + 3;
    }
  }
  for (; i < n; i++) {
    const a = scores[i]!;
    if (a > m0) {
      m0 = a;
      i0 = i;
    }
  }
  // Each lane holds its first maximum; among lanes, the larger value, then the lower index.
  let best = m0;
  let index = m0 > Number.NEGATIVE_INFINITY ? i0 : n;
  if (m1 > best || (m1 === best && m1 > Number.NEGATIVE_INFINITY && i1 < index)) [best, index] = [m1, i1];
  if (m2 > best || (m2 === best && m2 > Number.NEGATIVE_INFINITY && i2 < index)) [best, index] = [m2, i2];
  if (m3 > best || (m3 === best && m3 > Number.NEGATIVE_INFINITY && i3 < index)) [best, index] = [m3, i3];
  return best > Number.NEGATIVE_INFINITY ? index : 0;
}

/**
 * `sum(exp(x - max))` with the fast table exp; entries more than 80 nats below `max` (and `-Infinity`)
 * count 0. `max` must be the row's finite max.
 */
export function expSum(scores: Float32Array, max: number): number {
  const table = EXP_TABLE;
  let z = 0;
  for (let i = 0; i < scores.length; i++) {
    const gap = max - scores[i]!;
    // 80 nats or more below the max (and -Infinity, NaN): weight 0, no work.
    if (!(gap < CUTOFF)) continue;
    const scaled = gap * STEPS;
    const k = scaled | 0;
    const r = (scaled - k) * INV_STEPS;
    z += table[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
  }
  return z;
}

/** Softmax normalisers of a row relative to its max, see {@link expSums}. */
export interface ExpSums {
  /** `sum(exp(x - max))`. */
  z: number;
  /** `sum(exp(x - max) * (x - max))` (<= 0); the entropy is `ln(z) - s / z`. */
  s: number;
}

const sums: ExpSums = { z: 0, s: 0 };

/**
 * {@link expSum} and `s = sum(exp(x - max) * (x - max))` in one pass. Returns a shared object,
 * overwritten by the next call.
 */
export function expSums(scores: Float32Array, max: number): Readonly<ExpSums> {
  const table = EXP_TABLE;
  let z = 0;
  let s = 0;
  for (let i = 0; i < scores.length; i++) {
    const gap = max - scores[i]!;
    // 80 nats or more below the max (and -Infinity, NaN): weight 0, no work.
    if (!(gap < CUTOFF)) continue;
    const scaled = gap * STEPS;
    const k = scaled | 0;
    const r = (scaled - k) * INV_STEPS;
    const e = table[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
    z += e;
    s -= e * scaled;
  }
  sums.z = z;
  sums.s = s * INV_STEPS;
  return sums;
}

/**
 * The row's bin of width 1/64 nat below `max`: `floor((max - x) * 64)`, or {@link EXP_LAST_BIN} for
 * entries 80 nats or more below (and `-Infinity`, NaN). Non-decreasing as `x` decreases, so bins order
 * tokens by score; equal scores share a bin.
 */
export function scoreBin(max: number, x: number): number {
  const gap = max - x;
  return (gap < CUTOFF ? gap * STEPS : LAST_BIN) | 0;
}

/**
 * Fills `binMass[k]` with the summed `exp(x - max)` and `binCount[k]` with the number of tokens whose
 * {@link scoreBin} is `k` (both need `EXP_LAST_BIN + 1` entries; they are cleared first) and returns
 * `z = sum(exp(x - max))`.
 */
export function scoreMassHistogram(
  scores: Float32Array,
  max: number,
  binMass: Float64Array,
  binCount: Int32Array,
): number {
  const table = EXP_TABLE;
  binMass.fill(0, 0, LAST_BIN + 1);
  binCount.fill(0, 0, LAST_BIN + 1);
  let z = 0;
  for (let i = 0; i < scores.length; i++) {
    const gap = max - scores[i]!;
    if (!(gap < CUTOFF)) {
      binCount[LAST_BIN]!++;
      continue;
    }
    const scaled = gap * STEPS;
    const k = scaled | 0;
    const r = (scaled - k) * INV_STEPS;
    const e = table[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
    z += e;
    binMass[k]! += e;
    binCount[k]!++;
  }
  return z;
}
