/**
 * Partial selection over a row of scores, without sorting the row: the k-th largest value, the indices
 * of the top m entries, and "keep exactly the top n". O(V) per call; NaN entries are never selected.
 *
 * @packageDocumentation
 */
import { growFloat32, growFloat64, growInt32 } from './scratch.js';

/** Up to this k, {@link TopCandidates} uses a heap scan; above it, quickselect on a copy. */
export const HEAP_SELECT_LIMIT = 512;

/**
 * Finds the k-th largest score in one scan with a min-heap of the k best values so far, and remembers
 * every index whose score was at least the heap's minimum when it was scanned. That candidate list is a
 * superset of the indices whose score is >= the final k-th largest (ties included), usually about
 * `k * (1 + ln(V / k))` long, so callers can rebuild the kept part of a row without another full pass.
 * Reuse one instance: its buffers grow to the row size once.
 */
export class TopCandidates {
  /** Candidate indices, in increasing order; the first {@link TopCandidates.count} are valid. */
  indices: Int32Array = new Int32Array(0);
  /** `values[j]` is the score at `indices[j]`. */
  values: Float32Array = new Float32Array(0);
  /** Number of valid candidates after {@link TopCandidates.scan}. */
  count = 0;
  private heap: Float64Array = new Float64Array(0);

  /**
   * Scans `scores` and returns the k-th largest score (`1 <= k <= scores.length`; NaN entries skipped, so
   * the result is NaN if fewer than k entries are numbers). Then `indices[0 .. count)` holds candidates.
   */
  scan(scores: Float32Array, k: number): number {
    const n = scores.length;
    this.indices = growInt32(this.indices, n);
    this.values = growFloat32(this.values, n);
    this.heap = growFloat64(this.heap, k);
    const indices = this.indices;
    const values = this.values;
    const heap = this.heap;
    let size = 0;
    let count = 0;
    let i = 0;
    for (; i < n && size < k; i++) {
      const x = scores[i]!;
      if (Number.isNaN(x)) continue;
      indices[count] = i;
      values[count++] = x;
      let child = size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (heap[parent]! <= x) break;
        heap[child] = heap[parent]!;
        child = parent;
      }
      heap[child] = x;
    }
    if (size < k) {
      this.count = count;
      return Number.NaN;
    }
    // Screen four scores at a time: almost all are below the heap's minimum. (A chain of compares: a
    // four-argument Math.max is not inlined by V8 and made this loop three times slower.)
    let floor = heap[0]!;
    for (; i + 3 < n; i += 4) {
      if (scores[i]! < floor && scores[i + 1]! < floor && scores[i + 2]! < floor && scores[i + 3]! < floor)
        continue;
      for (let j = i; j < i + 4; j++) {
        const x = scores[j]!;
        if (!(x >= floor)) continue;
        indices[count] = j;
        values[count++] = x;
        if (x > floor) floor = replaceMin(heap, k, x);
      }
    }
    for (; i < n; i++) {
      const x = scores[i]!;
      if (!(x >= floor)) continue;
      indices[count] = i;
      values[count++] = x;
      if (x > floor) floor = replaceMin(heap, k, x);
    }
    this.count = count;
    return floor;
  }
}

/** Replaces the minimum of the min-heap `heap[0 .. k)` by `x` (larger), sifts it down, returns the new minimum. */
function replaceMin(heap: Float64Array, k: number, x: number): number {
  let parent = 0;
  for (;;) {
    let child = 2 * parent + 1;
    if (child >= k) break;
    if (child + 1 < k && heap[child + 1]! < heap[child]!) child++;
    if (heap[child]! >= x) break;
    heap[parent] = heap[child]!;
    parent = child;
  }
  heap[parent] = x;
  return heap[0]!;
}

let selectCopy: Float32Array = new Float32Array(0);

/**
 * The k-th largest score of the row (`1 <= k <= scores.length`, k = 1 is the max), counting `-Infinity`
 * entries and skipping NaN ones (NaN if fewer than k numbers). Heap scan for small k, quickselect on a
 * scratch copy for large k: O(V) either way.
 */
export function kthLargest(scores: Float32Array, k: number): number {
  if (k <= HEAP_SELECT_LIMIT) return sharedCandidates.scan(scores, k);
  const n = scores.length;
  selectCopy = growFloat32(selectCopy, n);
  const copy = selectCopy;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = scores[i]!;
    if (!Number.isNaN(x)) copy[count++] = x;
  }
  if (count < k) return Number.NaN;
  return quickselectDescending(copy, count, k - 1);
}

/**
 * Rearranges `values[0 .. length)` so that position `target` holds the value it would have if the range
 * were sorted in descending order, and returns it. Hoare partitioning with a median-of-three pivot.
 */
function quickselectDescending(values: Float32Array, length: number, target: number): number {
  let lo = 0;
  let hi = length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target]!;
  }
  return values[target]!;
}

/** The candidate collector shared by this package's processors (one synchronous user at a time). */
export const sharedCandidates: TopCandidates = new TopCandidates();

let orderBuffer: Int32Array = new Int32Array(0);

/**
 * Writes into `out` the indices of the `m` largest scores, best first, ties broken by the lower index,
 * and returns how many were written (`min(m, number of non-NaN scores)`). `-Infinity` entries count as
 * scores. `out` needs room for `m` indices.
 */
export function topIndices(scores: Float32Array, m: number, out: Int32Array): number {
  const n = scores.length;
  const wanted = Math.min(m, n);
  if (wanted <= 0) return 0;
  let kth: number;
  let count = 0;
  orderBuffer = growInt32(orderBuffer, n);
  const order = orderBuffer;
  if (wanted <= HEAP_SELECT_LIMIT) {
    kth = sharedCandidates.scan(scores, wanted);
    const { indices, values } = sharedCandidates;
    if (Number.isNaN(kth)) kth = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < sharedCandidates.count; j++) if (values[j]! >= kth) order[count++] = indices[j]!;
  } else {
    kth = kthLargest(scores, wanted);
    if (Number.isNaN(kth)) kth = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (scores[i]! >= kth) order[count++] = i;
  }
  const sorted = order.subarray(0, count).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const written = Math.min(wanted, count);
  for (let j = 0; j < written; j++) out[j] = sorted[j]!;
  return written;
}

/**
 * Keeps exactly the `n` highest scores of the row (on a tie at the boundary, the lower indices) and sets
 * every other entry to `-Infinity`. Does nothing when `n >= scores.length`.
 */
export function keepTopExactly(scores: Float32Array, n: number): void {
  if (n >= scores.length) return;
  if (n <= 0) {
    scores.fill(Number.NEGATIVE_INFINITY);
    return;
  }
  const kth = kthLargest(scores, n);
  if (Number.isNaN(kth)) return;
  let above = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > kth) above++;
  let tiesLeft = n - above;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i]!;
    if (x > kth) continue;
    if (x === kth && tiesLeft > 0) tiesLeft--;
    else scores[i] = Number.NEGATIVE_INFINITY;
  }
}
