import { argmaxOf } from '../kernels/reduce.js';
import { markValueOnly } from '../processors/value-only.js';
import type { TokenSelector } from '../types.js';

/**
 * The index of the largest entry of `scores` (the lowest index among equal maxima; NaN entries are
 * ignored). Returns 0 when no entry is greater than `-Infinity`, as `torch.argmax` does on such a row.
 */
export function argmax(scores: Float32Array): number {
  return argmaxOf(scores);
}

/**
 * Greedy decoding: picks the highest processed score, the lowest token id on ties (HF `argmax`).
 * Stateless; one instance can serve every row.
 *
 * @example
 * ```ts
 * const pick = greedy();
 * pick.select(new Float32Array([0.1, 2, 2]), ctx); // 1
 * ```
 */
export function greedy(): TokenSelector {
  const selector: TokenSelector = {
    name: 'greedy',
    select: (logits) => argmax(logits),
    clone: () => selector,
  };
  return markValueOnly(selector);
}
