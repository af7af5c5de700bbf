import type { LogitsProcessor } from '../types.js';
import { requireNumber } from './validate.js';
import { markTemperature, markValueOnly } from './value-only.js';

/**
 * Temperature scaling (HF `TemperatureLogitsWarper`): every score becomes `x / t`, divided in float32
 * exactly as PyTorch does (`t` rounded to float32 first, the quotient rounded to float32), so the output
 * is bit-identical to Hugging Face's. `t < 1` sharpens the distribution, `t > 1` flattens it; `t = 1` is
 * neutral. `-Infinity` stays `-Infinity`.
 *
 * @param t - the temperature, a number > 0. For greedy decoding do not use `t = 0`: turn sampling off.
 * @throws {@link InvalidOptionError} if `t` is not a finite number > 0.
 *
 * @example
 * ```ts
 * const row = new Float32Array([1, 2, 3]);
 * temperature(0.5).process(row, ctx); // row is now [2, 4, 6]
 * ```
 */
export function temperature(t: number): LogitsProcessor {
  const hint =
    t === 0
      ? 'for greedy decoding set doSample: false instead'
      : typeof t === 'number' && t > 0 && t < 1e-37
        ? 'float32 cannot divide by it'
        : undefined;
  const divisor = Math.fround(
    requireNumber('temperature', t, 'a number > 0', (x) => x >= 1e-37 && x <= 3e38, hint),
  );
  if (divisor === 1) return markValueOnly({ name: 'temperature', process() {} });
  const processor: LogitsProcessor = {
    name: 'temperature',
    process(logits) {
      // The double quotient of two float32 values rounds to the correctly rounded float32 quotient
      // when stored (53 >= 2 * 24 + 2 bits), i.e. this is float32 division.
      for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! / divisor;
    },
  };
  return markTemperature(processor, divisor);
}
