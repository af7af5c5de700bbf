/**
 * One pass that both normalises and shortlists: it sums `exp(x - max)` over the row (and, on request,
 * `exp(x - max) * (x - max)` for the entropy) and collects the tokens within a window of the max. The
 * probability-mass cuts (top-p, typical-p, epsilon, eta) almost always fall inside a small window, so
 * they can finish on the shortlist: sort nothing, clear the row with `fill` and write back the kept
 * tokens. When the window holds more than the budget, it shrinks (the shortlist stays exact: every token
 * with `max - x < window`).
 *
 * @packageDocumentation
 */
import { EXP_TABLE } from './exp.js';
import { maxOf } from './reduce.js';

// Literal copies of EXP_STEPS_PER_NAT, EXP_NEG_CUTOFF and EXP_LAST_BIN (see reduce.ts for why).
const STEPS = 64;
const CUTOFF = 80;
const LAST_BIN = 5120;
const INV_STEPS = 1 / 64;

/** Tokens per bin, for narrowing an overfull window. */
const binTokens = new Int32Array(LAST_BIN + 1);

/** Default shortlist capacity. */
export const NEAR_MAX_BUDGET = 4096;

/** The shortlist of the tokens near the max and the row's softmax sums, see {@link NearMaxScan.scan}. */
export class NearMaxScan {
  /** Shortlisted indices, increasing; the first {@link NearMaxScan.count} are valid. */
  readonly indices: Int32Array;
  /** `values[j]` is the score at `indices[j]`. */
  readonly values: Float32Array;
  count = 0;
  /** The row's max (`-Infinity` if no entry is finite, `Infinity` if one is: then nothing else is valid). */
  max = Number.NEGATIVE_INFINITY;
  /** The final window in 1/64-nat bins: exactly the tokens with `floor((max - x) * 64) < windowBins`. */
  windowBins = 0;
  /** True if even a 1/64-nat window held more than the budget (the shortlist is then empty). */
  overflow = false;
  /** `sum(exp(x - max))`. */
  z = 0;
  /** `sum(exp(x - max) * (x - max))`, only when requested. */
  s = 0;

  constructor(readonly budget: number = NEAR_MAX_BUDGET) {
    this.indices = new Int32Array(budget);
    this.values = new Float32Array(budget);
  }

  /**
   * Scans the row: a 4-lane max pass, then one pass of fast `exp` that also shortlists. `windowNats` is
   * rounded up to a whole number of bins and capped at 80 nats; `withEntropySum` also computes
   * {@link NearMaxScan.s}. When the max is not finite, only {@link NearMaxScan.max} is set.
   */
  scan(scores: Float32Array, windowNats: number, withEntropySum: boolean): void {
    const max = maxOf(scores);
    this.max = max;
    this.overflow = false;
    if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return;
    const bins = Math.max(1, Math.min(Math.ceil(windowNats * STEPS), LAST_BIN));
    // Two copies of the loop: V8 compiled a loop-invariant `if (withEntropySum)` inside it poorly.
    if (withEntropySum) this.sumWithEntropy(scores, max, bins);
    else this.sum(scores, max, bins);
  }

  private sum(scores: Float32Array, max: number, bins: number): void {
    const table = EXP_TABLE;
    const indices = this.indices;
    const values = this.values;
    const budget = this.budget;
    const window = bins * INV_STEPS;
    let inWindow = 0;
    let z = 0;
    for (let i = 0; i < scores.length; i++) {
      const x = scores[i]!;
      const gap = max - x;
      // Tokens 80 nats or more below the max (and -Infinity, NaN) weigh 0: no work for them.
      if (!(gap < CUTOFF)) continue;
      const scaled = gap * STEPS;
      const k = scaled | 0;
      const r = (scaled - k) * INV_STEPS;
      z += table[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
      if (gap < window) {
        if (inWindow < budget) {
          indices[inWindow] = i;
          values[inWindow] = x;
        }
        inWindow++;
      }
    }
    this.z = z;
    this.s = Number.NaN;
    this.finishShortlist(scores, max, bins, inWindow);
  }

  private sumWithEntropy(scores: Float32Array, max: number, bins: number): void {
    const table = EXP_TABLE;
    const indices = this.indices;
    const values = this.values;
    const budget = this.budget;
    const window = bins * INV_STEPS;
    let inWindow = 0;
    let z = 0;
    let s = 0;
    for (let i = 0; i < scores.length; i++) {
      const x = scores[i]!;
      const gap = max - x;
      if (!(gap < CUTOFF)) continue;
      const scaled = gap * STEPS;
      const k = scaled | 0;
      const r = (scaled - k) * INV_STEPS;
      const e = table[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
      z += e;
      s -= e * scaled;
      if (gap < window) {
        if (inWindow < budget) {
          indices[inWindow] = i;
          values[inWindow] = x;
        }
        inWindow++;
      }
    }
    this.z = z;
    this.s = s * INV_STEPS;
    this.finishShortlist(scores, max, bins, inWindow);
  }

  /**
   * Sets the shortlist's size; when more than the budget fell in the window (rare), narrows the window to
   * the most bins whose tokens fit and collects again.
   */
  private finishShortlist(scores: Float32Array, max: number, bins: number, inWindow: number): void {
    if (inWindow <= this.budget) {
      this.count = inWindow;
      this.windowBins = bins;
      return;
    }
    const perBin = binTokens;
    perBin.fill(0, 0, bins);
    const window = bins * INV_STEPS;
    for (let i = 0; i < scores.length; i++) {
      const gap = max - scores[i]!;
      if (gap < window) perBin[(gap * STEPS) | 0]!++;
    }
    let fitting = 0;
    let total = 0;
    while (fitting < bins && total + perBin[fitting]! <= this.budget) total += perBin[fitting++]!;
    const narrowed = fitting * INV_STEPS;
    let count = 0;
    for (let i = 0; i < scores.length && fitting > 0; i++) {
      const x = scores[i]!;
      if (max - x < narrowed) {
        this.indices[count] = i;
        this.values[count++] = x;
      }
    }
    this.count = count;
    this.windowBins = fitting;
    this.overflow = fitting === 0;
  }

  /**
   * Like {@link NearMaxScan.scan} without the sums: only the max and the tokens with
   * `max - x < windowBins / 64`. If more than the budget fall in the window, sets `overflow` (no shrinking).
   */
  shortlist(scores: Float32Array, windowBins: number): void {
    const indices = this.indices;
    const values = this.values;
    const budget = this.budget;
    const window = windowBins * INV_STEPS;
    let count = 0;
    let max = Number.NEGATIVE_INFINITY;
    let overflow = false;
    for (let i = 0; i < scores.length; i++) {
      const x = scores[i]!;
      if (x > max) {
        max = x;
        let kept = 0;
        for (let j = 0; j < count; j++) {
          if (max - values[j]! < window) {
            indices[kept] = indices[j]!;
            values[kept++] = values[j]!;
          }
        }
        count = kept;
      }
      if (max - x < window) {
        if (count === budget) {
          overflow = true;
          count = 0;
        }
        indices[count] = i;
        values[count++] = x;
      }
    }
    this.max = max;
    this.count = overflow ? 0 : count;
    this.overflow = overflow;
    this.windowBins = windowBins;
    this.z = Number.NaN;
    this.s = Number.NaN;
  }
}

/**
 * The shortlist window a processor asks for, learnt from its previous cuts: it jumps up at once when a cut
 * needed more (a cut beyond the shortlist costs a slower whole-row pass) and decays slowly otherwise (a
 * wider window costs little while few tokens fall in it). Affects speed only, never results.
 */
export class WindowHint {
  /** Nats below the max. */
  window = 8;

  /** Records that the last cut reached `depth` nats below the max. */
  record(depth: number): void {
    this.window = Math.min(CUTOFF, Math.max(1.25 * depth + 2, 0.98 * this.window));
  }
}

/** The shortlist shared by this package's processors (one synchronous user at a time). */
export const nearMax: NearMaxScan = new NearMaxScan();
