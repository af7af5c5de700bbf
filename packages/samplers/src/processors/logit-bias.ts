import { formatValue, InvalidOptionError } from '../errors.js';
import type { LogitsProcessor } from '../types.js';

const ALLOWED =
  'a record or Map from token ids (integers >= 0) to biases (finite numbers, or -Infinity to ban the token)';

/**
 * Logit bias (OpenAI `logit_bias`): `score += bias[id]` for each listed token id (the sum rounded to
 * float32). A bias of `-Infinity` bans the token. Ids outside the row are ignored. Not in Hugging Face
 * `generate()` (its `sequenceBias` with one-token sequences is the same thing).
 *
 * @param bias - `{ [tokenId]: bias }` or a `Map<tokenId, bias>`.
 * @throws {@link InvalidOptionError} for a key that is not a token id or a bias that is NaN or +Infinity.
 *
 * @example
 * ```ts
 * logitBias({ 50256: Number.NEGATIVE_INFINITY, 13: 2.5 }).process(row, ctx); // never EOS, more "."
 * ```
 */
export function logitBias(
  bias: Readonly<Record<number, number>> | ReadonlyMap<number, number>,
): LogitsProcessor {
  const entries = readBiasEntries(bias);
  const ids = Int32Array.from(entries, ([id]) => id);
  const values = Float64Array.from(entries, ([, value]) => value);
  return {
    name: 'logitBias',
    process(logits) {
      for (let j = 0; j < ids.length; j++) {
        const id = ids[j]!;
        if (id < logits.length) logits[id] = logits[id]! + values[j]!;
      }
    },
  };
}

function readBiasEntries(bias: unknown): [number, number][] {
  let raw: [unknown, unknown][];
  if (bias instanceof Map) raw = [...bias.entries()];
  else if (typeof bias === 'object' && bias !== null && !Array.isArray(bias)) {
    raw = Object.entries(bias).map(([key, value]) => [/^(0|[1-9]\d*)$/.test(key) ? Number(key) : key, value]);
  } else throw new InvalidOptionError('logitBias', bias, ALLOWED);
  return raw.map(([id, value]) => {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new InvalidOptionError('logitBias', bias, ALLOWED, `key ${JSON.stringify(id)} is not a token id`);
    }
    if (typeof value !== 'number' || Number.isNaN(value) || value === Number.POSITIVE_INFINITY) {
      throw new InvalidOptionError(
        'logitBias',
        bias,
        ALLOWED,
        `the bias of token ${id} is ${formatValue(value)}`,
      );
    }
    return [id, value];
  });
}
