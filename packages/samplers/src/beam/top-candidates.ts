/**
 * The best `k` beam-search candidates over `rows.length x vocab` scores, where candidate `b * vocab + j`
 * scores `fround(rows[b][j] + offsets[b])` (a beam's log-probabilities plus its running score, in float32
 * like HF). A bounded min-heap over one pass: O(n log k) worst case, never a sort of all candidates.
 * Results are written best first (equal scores: lower flat index first) into `outScores`/`outIndices`;
 * returns how many were written (`min(k, candidates)`). NaN scores count as `-Infinity`.
 */
export function topCandidates(
  rows: readonly Float32Array[],
  offsets: ArrayLike<number>,
  k: number,
  outScores: Float32Array,
  outIndices: Int32Array,
): number {
  // With max 0 and logSum 0 the fused score is fround(x + offset) bit for bit: one scan serves both.
  if (noTerms.length < rows.length) noTerms = new Float64Array(rows.length);
  return topLogSoftmaxCandidates(rows, noTerms, noTerms, offsets, k, outScores, outIndices);
}

let noTerms = new Float64Array(8);

/**
 * {@link topCandidates} over raw logits, fusing `log_softmax` into the scan: candidate `b * vocab + j` scores
 * `fround(fround(fround(rows[b][j] - maxes[b]) - logSums[b]) + offsets[b])`, bit for bit what
 * `logSoftmaxInPlace` followed by {@link topCandidates} computes, without writing the log-probabilities
 * (beam search without processors).
 */
export function topLogSoftmaxCandidates(
  rows: readonly Float32Array[],
  maxes: ArrayLike<number>,
  logSums: ArrayLike<number>,
  offsets: ArrayLike<number>,
  k: number,
  outScores: Float32Array,
  outIndices: Int32Array,
): number {
  let size = 0;
  let base = 0;
  for (let b = 0; b < rows.length; b++) {
    const row = rows[b]!;
    const max = maxes[b]!;
    const logSum = logSums[b]!;
    const offset = offsets[b]!;
    const vocab = row.length;
    // Once the heap is full, a logit below `floor` cannot beat its worst score: the score is monotone in
    // the logit, and `slack` covers the three float32 roundings. Most of the row is skipped by this test.
    const slack = 2 ** -12 * (Math.abs(max) + Math.abs(logSum) + Math.abs(offset) + 1);
    let floor = size === k ? logitFloor(outScores[0]!, max, logSum, offset, slack) : Number.NEGATIVE_INFINITY;
    for (let j = 0; j < vocab; j++) {
      // Four logits at a time while all are below the floor (a chain of compares, as in TopCandidates).
      while (
        j + 3 < vocab &&
        row[j]! < floor &&
        row[j + 1]! < floor &&
        row[j + 2]! < floor &&
        row[j + 3]! < floor
      ) {
        j += 4;
      }
      if (j >= vocab) break;
      const x = row[j]!;
      if (x < floor) continue;
      let score = Math.fround(Math.fround(Math.fround(x - max) - logSum) + offset);
      if (Number.isNaN(score)) score = Number.NEGATIVE_INFINITY;
      if (size === k) {
        // Scanning in increasing flat index, an equal score never beats the heap's worst.
        if (!(score > outScores[0]!)) continue;
        outScores[0] = score;
        outIndices[0] = base + j;
        siftDown(outScores, outIndices, size, 0);
        floor = logitFloor(outScores[0]!, max, logSum, offset, slack);
      } else {
        outScores[size] = score;
        outIndices[size] = base + j;
        siftUp(outScores, outIndices, size);
        size++;
        if (size === k) floor = logitFloor(outScores[0]!, max, logSum, offset, slack);
      }
    }
    base += vocab;
  }
  sortBestFirst(outScores, outIndices, size);
  return size;
}

/** The logit below which a candidate's score is certainly below `worst` (-Infinity when nothing can be skipped). */
function logitFloor(worst: number, max: number, logSum: number, offset: number, slack: number): number {
  const floor = worst - offset + logSum + max - slack * (1 + Math.abs(worst));
  return Number.isFinite(floor) ? floor : Number.NEGATIVE_INFINITY;
}

/** True when (scoreA, indexA) is worse than (scoreB, indexB): lower score, or equal score and higher index. */
function worse(scoreA: number, indexA: number, scoreB: number, indexB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && indexA > indexB);
}

function siftUp(scores: Float32Array, indices: Int32Array, position: number): void {
  while (position > 0) {
    const parent = (position - 1) >> 1;
    if (!worse(scores[position]!, indices[position]!, scores[parent]!, indices[parent]!)) break;
    swap(scores, indices, position, parent);
    position = parent;
  }
}

function siftDown(scores: Float32Array, indices: Int32Array, size: number, position: number): void {
  for (;;) {
    const left = 2 * position + 1;
    if (left >= size) return;
    let child = left;
    const right = left + 1;
    if (right < size && worse(scores[right]!, indices[right]!, scores[left]!, indices[left]!)) child = right;
    if (!worse(scores[child]!, indices[child]!, scores[position]!, indices[position]!)) return;
    swap(scores, indices, position, child);
    position = child;
  }
}

function swap(scores: Float32Array, indices: Int32Array, a: number, b: number): void {
  const score = scores[a]!;
  scores[a] = scores[b]!;
  scores[b] = score;
  const index = indices[a]!;
  indices[a] = indices[b]!;
  indices[b] = index;
}

/** Insertion sort of the k (small) selected entries, best first. */
function sortBestFirst(scores: Float32Array, indices: Int32Array, size: number): void {
  for (let i = 1; i < size; i++) {
    const score = scores[i]!;
    const index = indices[i]!;
    let j = i - 1;
    while (j >= 0 && worse(scores[j]!, indices[j]!, score, index)) {
      scores[j + 1] = scores[j]!;
      indices[j + 1] = indices[j]!;
      j--;
    }
    scores[j + 1] = score;
    indices[j + 1] = index;
  }
}
