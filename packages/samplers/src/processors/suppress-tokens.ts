import type { LogitsProcessor } from '../types.js';
import { requireTokenIdList } from './validate.js';

/**
 * Suppress tokens (HF `SuppressTokensLogitsProcessor`): the listed ids always get `-Infinity`. Ids
 * outside the row are ignored.
 *
 * @param ids - a non-empty array of token ids.
 * @throws {@link InvalidOptionError} if `ids` is empty or holds something other than integers >= 0.
 *
 * @example
 * ```ts
 * suppressTokens([198, 628]).process(row, ctx); // never a newline
 * ```
 */
export function suppressTokens(ids: readonly number[]): LogitsProcessor {
  const banned = Int32Array.from(requireTokenIdList('suppressTokens', ids));
  return { name: 'suppressTokens', process: (logits) => ban(logits, banned) };
}

/**
 * Suppress tokens at the beginning (HF `SuppressTokensAtBeginLogitsProcessor`): the listed ids get
 * `-Infinity` at the first generated position only, i.e. when `ctx.length === ctx.promptLength`. (HF
 * shifts that position by one when the prompt is a single token and a forced BOS token is set; compose
 * with `forcedBosTokenId` accordingly.) Ids outside the row are ignored.
 *
 * @param ids - a non-empty array of token ids.
 * @throws {@link InvalidOptionError} if `ids` is empty or holds something other than integers >= 0.
 *
 * @example
 * ```ts
 * beginSuppressTokens([50256]).process(row, { ...ctx, length: 4, promptLength: 4 }); // no empty output
 * ```
 */
export function beginSuppressTokens(ids: readonly number[]): LogitsProcessor {
  const banned = Int32Array.from(requireTokenIdList('beginSuppressTokens', ids));
  return {
    name: 'beginSuppressTokens',
    process(logits, ctx) {
      if (ctx.length === ctx.promptLength) ban(logits, banned);
    },
  };
}

function ban(logits: Float32Array, ids: Int32Array): void {
  for (let j = 0; j < ids.length; j++) {
    const id = ids[j]!;
    if (id < logits.length) logits[id] = Number.NEGATIVE_INFINITY;
  }
}
