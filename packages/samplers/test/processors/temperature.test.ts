import { describe, expect, it } from 'vitest';
import { InvalidOptionError, temperature } from '../../src/index.js';
import { NEG, run } from './helpers.js';

describe('temperature', () => {
  it('divides by t: [1, 2, 3] / 0.5 = [2, 4, 6]', () => {
    expect(run(temperature(0.5), [1, 2, 3])).toEqual([2, 4, 6]);
  });

  it('divides in float32 like PyTorch (HF output for [1..5] / 0.7)', () => {
    // Values printed by HF TemperatureLogitsWarper(0.7) on float32 [1, 2, 3, 4, 5].
    expect(run(temperature(0.7), [1, 2, 3, 4, 5])).toEqual([
      1.4285714626312256, 2.857142925262451, 4.285714149475098, 5.714285850524902, 7.142857074737549,
    ]);
  });

  it('equals float32 x / float32(t), which differs from x * (1 / t) for some x', () => {
    const t = Math.fround(0.7);
    const xs = Array.from({ length: 2000 }, (_, i) => Math.fround(-20 + i * 0.0173));
    const out = run(temperature(0.7), xs);
    let differsFromReciprocal = 0;
    xs.forEach((x, i) => {
      expect(out[i]).toBe(Math.fround(x / t));
      if (Math.fround(x * Math.fround(1 / t)) !== out[i]) differsFromReciprocal++;
    });
    expect(differsFromReciprocal).toBeGreaterThan(0);
  });

  it('keeps -Infinity and is the identity at t = 1', () => {
    expect(run(temperature(2), [NEG, 3])).toEqual([NEG, 1.5]);
    const xs = [0.1, -7.3, 1e-20, NEG];
    expect(run(temperature(1), xs)).toEqual(xs.map(Math.fround));
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-40, '0.5'])('rejects %s', (t) => {
    expect(() => temperature(t as number)).toThrow(InvalidOptionError);
    expect(() => temperature(t as number)).toThrow(/^temperature must be a number > 0, got /);
  });

  it('suggests greedy decoding for t = 0', () => {
    expect(() => temperature(0)).toThrow(
      'temperature must be a number > 0, got 0 (for greedy decoding set doSample: false instead)',
    );
  });
});
