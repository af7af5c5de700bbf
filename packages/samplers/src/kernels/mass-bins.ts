/**
 * Shared machinery of the cumulative-mass cuts (top-p, typical-p): tokens are ordered by a key (for
 * top-p the distance below the max, for typical-p the distance from the entropy), the cut is the first
 * position where the cumulative probability reaches the target mass and at least `minKeep` tokens are
 * in. Instead of sorting, tokens go to bins of width 1/64 nat of their key; a walk over the bins finds
 * the one bin that holds the cut; only that bin's tokens get sorted.
 *
 * @packageDocumentation
 */
import { EXP_LAST_BIN } from './exp.js';
import { growInt32 } from './scratch.js';

/** Mass per bin (`EXP_LAST_BIN + 1` bins). */
export const binMass: Float64Array = new Float64Array(EXP_LAST_BIN + 1);
/** Token count per bin. */
export const binCount: Int32Array = new Int32Array(EXP_LAST_BIN + 1);

/** Clears bins `0 .. bins - 1` (all of them by default). */
export function clearBins(bins: number = EXP_LAST_BIN + 1): void {
  binMass.fill(0, 0, bins);
  binCount.fill(0, 0, bins);
}

/** Result of {@link findCutBin}: everything in bins before `bin` is kept, after it removed. */
export interface CutBin {
  /** The bin holding the cut, or -1 if the target is not reached in the bins searched. */
  bin: number;
  /** Mass of the bins before `bin`. */
  massBefore: number;
  /** Number of tokens in the bins before `bin`. */
  countBefore: number;
}

const cut: CutBin = { bin: -1, massBefore: 0, countBefore: 0 };

/**
 * The first bin among `0 .. bins - 1` at which the cumulative mass reaches `targetMass` and the
 * cumulative count reaches `minKeep`. Returns a shared object, overwritten by the next call.
 */
export function findCutBin(
  targetMass: number,
  minKeep: number,
  bins: number = EXP_LAST_BIN + 1,
): Readonly<CutBin> {
  const massOf = binMass;
  const countOf = binCount;
  let mass = 0;
  let count = 0;
  cut.bin = -1;
  for (let bin = 0; bin < bins; bin++) {
    const binTotal = mass + massOf[bin]!;
    const binTokens = count + countOf[bin]!;
    if (binTotal >= targetMass && binTokens >= minKeep) {
      cut.bin = bin;
      break;
    }
    mass = binTotal;
    count = binTokens;
  }
  cut.massBefore = mass;
  cut.countBefore = count;
  return cut;
}

let cutCandidates: Int32Array = new Int32Array(0);

/** A scratch buffer for the indices of the tokens in the cut bin, with room for `size` of them. */
export function reserveCutCandidates(size: number): Int32Array {
  cutCandidates = growInt32(cutCandidates, size);
  return cutCandidates;
}
