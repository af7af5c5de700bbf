import { expNeg } from '../kernels/exp.js';
import type { RandomSource } from '../types.js';

const BLOCK = 1024;

/**
 * Beam sampling's candidate draw (HF `_get_top_k_continuations` with `do_sample`: `torch.multinomial` of
 * `softmax` over the flat `beams x vocab` scores, `k` draws without replacement). Candidate `b * vocab + j`
 * scores `fround(rows[b][j] + offsets[b])`. Draws use block sums (1,024 entries a block), so each of the `k`
 * draws costs a scan of the block sums plus one block instead of the whole `beams x vocab` array.
 * Scratch arrays are reused between calls.
 */
export class CandidateSampler {
  private weights = new Float64Array(0);
  private blockSums = new Float64Array(0);

  /**
   * Draws `k` distinct candidates, in draw order, into `outScores`/`outIndices`; returns how many.
   * `torch.multinomial` refuses to draw more candidates than have a non-zero probability; here the missing
   * ones are filled with the best remaining candidates by score (lower flat index on ties), so a beam step
   * always has `k` candidates while enough finite scores exist.
   */
  draw(
    rows: readonly Float32Array[],
    offsets: ArrayLike<number>,
    k: number,
    random: RandomSource,
    outScores: Float32Array,
    outIndices: Int32Array,
  ): number {
    const vocab = rows[0]?.length ?? 0;
    const total = rows.length * vocab;
    if (this.weights.length < total) {
      this.weights = new Float64Array(total);
      this.blockSums = new Float64Array(Math.ceil(total / BLOCK));
    }
    const weights = this.weights;
    const blockSums = this.blockSums;
    const blockCount = Math.ceil(total / BLOCK);

    let max = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < rows.length; b++) {
      const row = rows[b]!;
      const offset = offsets[b]!;
      for (let j = 0; j < vocab; j++) {
        const score = Math.fround(row[j]! + offset);
        if (score > max) max = score;
      }
    }
    for (let b = 0; b < rows.length; b++) {
      const row = rows[b]!;
      const offset = offsets[b]!;
      const base = b * vocab;
      for (let j = 0; j < vocab; j++) {
        const score = Math.fround(row[j]! + offset);
        weights[base + j] =
          score > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY ? expNeg(max - score) : 0;
      }
    }
    for (let block = 0; block < blockCount; block++) blockSums[block] = sumBlock(weights, block, total);

    const scoreOf = (flat: number) => {
      const b = Math.floor(flat / vocab);
      const score = Math.fround(rows[b]![flat - b * vocab]! + offsets[b]!);
      return Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score;
    };
    let drawn = 0;
    while (drawn < k) {
      let mass = 0;
      for (let block = 0; block < blockCount; block++) mass += blockSums[block]!;
      if (!(mass > 0)) break;
      const flat = pick(weights, blockSums, blockCount, total, random.next() * mass);
      if (flat < 0) break;
      outIndices[drawn] = flat;
      outScores[drawn] = scoreOf(flat);
      drawn++;
      weights[flat] = -1; // taken
      const block = Math.floor(flat / BLOCK);
      blockSums[block] = sumBlock(weights, block, total);
    }
    // Not enough candidates with a non-zero probability: complete with the best remaining by score.
    while (drawn < k) {
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let flat = 0; flat < total; flat++) {
        if (weights[flat] === -1) continue;
        const score = scoreOf(flat);
        if (best < 0 || score > bestScore) {
          best = flat;
          bestScore = score;
        }
      }
      if (best < 0) break;
      outIndices[drawn] = best;
      outScores[drawn] = bestScore;
      weights[best] = -1;
      drawn++;
    }
    return drawn;
  }
}

function sumBlock(weights: Float64Array, block: number, total: number): number {
  let sum = 0;
  const end = Math.min(total, (block + 1) * BLOCK);
  for (let i = block * BLOCK; i < end; i++) {
    const weight = weights[i]!;
    if (weight > 0) sum += weight;
  }
  return sum;
}

function pick(
  weights: Float64Array,
  blockSums: Float64Array,
  blockCount: number,
  total: number,
  target: number,
): number {
  let lastBlock = -1;
  for (let block = 0; block < blockCount; block++) {
    const sum = blockSums[block]!;
    if (sum <= 0) continue;
    lastBlock = block;
    if (target < sum) break;
    target -= sum;
  }
  if (lastBlock < 0) return -1;
  const end = Math.min(total, (lastBlock + 1) * BLOCK);
  let lastPositive = -1;
  for (let i = lastBlock * BLOCK; i < end; i++) {
    const weight = weights[i]!;
    if (weight <= 0) continue;
    lastPositive = i;
    if (target < weight) return i;
    target -= weight;
  }
  return lastPositive;
}
