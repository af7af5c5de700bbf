import { nearMax, WindowHint } from '../kernels/near-max.js';
import type { LogitsProcessor } from '../types.js';
import { removeBelowProbability } from './epsilon-cutoff.js';
import { type MinTokensToKeepOptions, readMinTokensToKeep, requireNumber } from './validate.js';
import { markValueOnly } from './value-only.js';

/**
 * Eta sampling (HF `EtaLogitsWarper`): removes every token whose probability is below
 * `eta = min(e, sqrt(e) * exp(-H))`, `H` the entropy of the row, except the best `minTokensToKeep` (and
 * the tokens tied with the last of them). `e = 0` is neutral. One max pass, one pass of fast `exp` sums
 * (which also yield the entropy and a shortlist of the tokens near the max), then the row is rebuilt from
 * the shortlist (or one removal pass).
 *
 * @param e - a number in [0, 1).
 * @throws {@link InvalidOptionError} if `e` is outside [0, 1) or `minTokensToKeep` is not an integer >= 1.
 *
 * @example
 * ```ts
 * const row = new Float32Array([8, 0, 0, 8, 0, 0, 0, 0]);
 * etaCutoff(0.0003).process(row, ctx); // keeps tokens 0 and 3
 * ```
 */
export function etaCutoff(e: number, options?: MinTokensToKeepOptions): LogitsProcessor {
  requireNumber('etaCutoff', e, 'a number in [0, 1)', (x) => x >= 0 && x < 1);
  const minKeep = readMinTokensToKeep(options, 'etaCutoff');
  if (e === 0) return markValueOnly({ name: 'etaCutoff', process() {} });
  const sqrtE = Math.sqrt(e);
  const hint = new WindowHint();
  return markValueOnly({
    name: 'etaCutoff',
    process(logits) {
      nearMax.scan(logits, hint.window, true);
      const max = nearMax.max;
      if (!(max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY)) return;
      const { z, s } = nearMax;
      const entropy = Math.log(z) - s / z;
      const eta = Math.min(e, sqrtE * Math.exp(-entropy));
      removeBelowProbability(logits, max, z, eta, minKeep, hint);
    },
  });
}
