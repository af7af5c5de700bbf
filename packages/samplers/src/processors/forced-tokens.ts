import { InvalidOptionError } from '../errors.js';
import type { LogitsProcessor } from '../types.js';
import { isTokenId, requireInteger, requireTokenId } from './validate.js';

/**
 * Forced BOS (HF `ForcedBOSTokenLogitsProcessor`): when the row holds exactly one token
 * (`ctx.length === 1`, HF's `cur_len == 1`, in practice encoder-decoder style starts), every score
 * becomes `-Infinity` except `id`, which becomes 0. If `id` is outside the row, the row is left as is.
 *
 * @param id - a token id.
 * @throws {@link InvalidOptionError} if `id` is not an integer >= 0.
 *
 * @example
 * ```ts
 * forcedBosTokenId(50256).process(row, { ...ctx, length: 1 }); // only 50256 can follow
 * ```
 */
export function forcedBosTokenId(id: number): LogitsProcessor {
  requireTokenId('forcedBosTokenId', id);
  const forced = Int32Array.of(id);
  return {
    name: 'forcedBosTokenId',
    process(logits, ctx) {
      if (ctx.length === 1) force(logits, forced);
    },
  };
}

/**
 * Forced EOS (HF `ForcedEOSTokenLogitsProcessor`): at the last position allowed by `maxLength` (when
 * `ctx.length === maxLength - 1`), every score becomes `-Infinity` except the EOS ids, which become 0.
 * Ids outside the row are ignored (the row is left as is if none is inside).
 *
 * @param ids - one EOS id or a non-empty array of them.
 * @param maxLength - the generation's maximum total length (prompt included), an integer >= 1.
 * @throws {@link InvalidOptionError} if an id is not an integer >= 0 or `maxLength` is not an integer >= 1.
 *
 * @example
 * ```ts
 * forcedEosTokenId(50256, 20).process(row, { ...ctx, length: 19 }); // the 20th token is EOS
 * ```
 */
export function forcedEosTokenId(ids: number | readonly number[], maxLength: number): LogitsProcessor {
  const list = typeof ids === 'number' || !Array.isArray(ids) ? [ids] : ids;
  if (list.length === 0 || !list.every(isTokenId)) {
    throw new InvalidOptionError(
      'forcedEosTokenId',
      ids,
      'a token id or a non-empty array of token ids (integers >= 0)',
    );
  }
  requireInteger('maxLength', maxLength, 1);
  const forced = Int32Array.from(list as number[]);
  return {
    name: 'forcedEosTokenId',
    process(logits, ctx) {
      if (ctx.length === maxLength - 1) force(logits, forced);
    },
  };
}

function force(logits: Float32Array, ids: Int32Array): void {
  let inRow = false;
  for (let j = 0; j < ids.length; j++) if (ids[j]! < logits.length) inRow = true;
  if (!inRow) return;
  logits.fill(Number.NEGATIVE_INFINITY);
  for (let j = 0; j < ids.length; j++) if (ids[j]! < logits.length) logits[ids[j]!] = 0;
}
