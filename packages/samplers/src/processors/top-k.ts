import { HEAP_SELECT_LIMIT, kthLargest, sharedCandidates } from '../kernels/select.js';
import type { LogitsProcessor } from '../types.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireInteger } from './validate.js';
import { markTopK, markValueOnly } from './value-only.js';

/**
 * Top-k filtering (HF `TopKLogitsWarper`): with `k' = min(max(k, minTokensToKeep), vocab)`, removes every
 * score strictly below the k'-th largest. Ties with the k'-th largest all stay, so more than k tokens may
 * survive. `k = 0` turns the filter off.
 *
 * Cost: one scan with a heap of the k best scores (k <= 512) or a quickselect (larger k); never a sort.
 *
 * @param k - an integer >= 0.
 * @throws {@link InvalidOptionError} if `k` or `minTokensToKeep` is not an allowed integer.
 *
 * @example
 * ```ts
 * const row = new Float32Array([3, 1, 3, 2]);
 * topK(1).process(row, ctx); // [3, -Infinity, 3, -Infinity]: both 3s tie for first place
 * ```
 */
export function topK(k: number, options?: MinTokensToKeepOptions): LogitsProcessor {
  requireInteger('topK', k, 0);
  const minTokensToKeep = readMinTokensToKeep(options, 'topK');
  if (k === 0) return markValueOnly({ name: 'topK', process() {} });
  const keep = Math.max(k, minTokensToKeep);
  const processor: LogitsProcessor = {
    name: 'topK',
    process(logits) {
      if (keep >= logits.length) return;
      if (keep <= HEAP_SELECT_LIMIT) keepTopFromCandidates(logits, keep);
      else removeBelow(logits, kthLargest(logits, keep));
    },
  };
  return keep <= HEAP_SELECT_LIMIT ? markTopK(processor, keep) : markValueOnly(processor);
}

/** Keeps the scores >= the keep-th largest: clears the row and writes back the heap scan's candidates. */
function keepTopFromCandidates(logits: Float32Array, keep: number): void {
  const kth = sharedCandidates.scan(logits, keep);
  if (!(kth > Number.NEGATIVE_INFINITY)) return;
  const { indices, values, count } = sharedCandidates;
  logits.fill(Number.NEGATIVE_INFINITY);
  for (let j = 0; j < count; j++) {
    const x = values[j]!;
    if (x >= kth) logits[indices[j]!] = x;
  }
}

function removeBelow(logits: Float32Array, threshold: number): void {
  if (!(threshold > Number.NEGATIVE_INFINITY)) return;
  for (let i = 0; i < logits.length; i++) if (logits[i]! < threshold) logits[i] = Number.NEGATIVE_INFINITY;
}
