import type { LogitsProcessor, ProcessContext } from '../types.js';
import { requireInteger } from './validate.js';

/**
 * Minimum total length (HF `MinLengthLogitsProcessor`): while the row (prompt included) is shorter than
 * `length` tokens, every EOS id of the generation (`ctx.eosTokenIds`) gets `-Infinity`. The row's length
 * counts only its real tokens (no left padding, unlike HF in a padded batch).
 *
 * @param length - an integer >= 0 (0 is neutral).
 * @throws {@link InvalidOptionError} if `length` is not an integer >= 0.
 *
 * @example
 * ```ts
 * minLength(10).process(row, { ...ctx, length: 4, eosTokenIds: [50256] }); // row[50256] = -Infinity
 * ```
 */
export function minLength(length: number): LogitsProcessor {
  requireInteger('minLength', length, 0);
  return {
    name: 'minLength',
    process(logits, ctx) {
      if (ctx.length < length) banEos(logits, ctx);
    },
  };
}

/**
 * Minimum number of new tokens (HF `MinNewTokensLengthLogitsProcessor`): while fewer than `n` tokens have
 * been generated (`ctx.length - ctx.promptLength`), every EOS id gets `-Infinity`.
 *
 * @param n - an integer >= 0 (0 is neutral).
 * @throws {@link InvalidOptionError} if `n` is not an integer >= 0.
 *
 * @example
 * ```ts
 * minNewTokens(2).process(row, { ...ctx, length: 5, promptLength: 4, eosTokenIds: [50256] }); // EOS banned
 * ```
 */
export function minNewTokens(n: number): LogitsProcessor {
  requireInteger('minNewTokens', n, 0);
  return {
    name: 'minNewTokens',
    process(logits, ctx) {
      if (ctx.length - ctx.promptLength < n) banEos(logits, ctx);
    },
  };
}

function banEos(logits: Float32Array, ctx: ProcessContext): void {
  for (const id of ctx.eosTokenIds) {
    if (id >= 0 && id < logits.length) logits[id] = Number.NEGATIVE_INFINITY;
  }
}
