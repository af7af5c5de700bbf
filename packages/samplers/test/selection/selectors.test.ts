import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, createRandom, greedy, NoCandidateError, sample } from '../../src/index.js';
import { selectContext } from '../support/contexts.js';

const NEG = Number.NEGATIVE_INFINITY;

describe('greedy', () => {
  it('takes the maximum, the lowest index on ties, ignoring NaN', () => {
    const ctx = selectContext(createRandom(0));
    expect(greedy().select(new Float32Array([0.5, 2, -1, 2]), ctx)).toBe(1);
    expect(greedy().select(new Float32Array([Number.NaN, -3, NEG]), ctx)).toBe(1);
    expect(argmax(new Float32Array([NEG, NEG]))).toBe(0);
    expect(argmax(new Float32Array([NEG, 1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]))).toBe(2);
  });
});

describe('sample', () => {
  it('never selects a removed (-Infinity) token', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(NEG), fc.float({ min: -20, max: 20, noNaN: true })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.nat(),
        (values, seed) => {
          fc.pre(values.some((x) => x > NEG));
          const row = new Float32Array(values);
          const ctx = selectContext(createRandom(seed));
          const selector = sample();
          for (let i = 0; i < 20; i++) expect(row[selector.select(row, ctx)]).toBeGreaterThan(NEG);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never selects a token whose probability underflows to zero', () => {
    const row = new Float32Array([0, -1000, -2000, 5]);
    const ctx = selectContext(createRandom(3));
    for (let i = 0; i < 500; i++) expect([0, 3]).toContain(sample().select(row, ctx));
  });

  it('throws a typed error when every token was removed', () => {
    const ctx = selectContext(createRandom(1));
    expect(() => sample().select(new Float32Array([NEG, NEG]), ctx)).toThrow(NoCandidateError);
  });

  it('reproduces draws from the same seed', () => {
    const row = new Float32Array(Array.from({ length: 100 }, (_, i) => Math.sin(i) * 3));
    const draw = (seed: number) => {
      const ctx = selectContext(createRandom(seed));
      return Array.from({ length: 200 }, () => sample().select(row, ctx));
    };
    expect(draw(11)).toEqual(draw(11));
    expect(draw(11)).not.toEqual(draw(12));
  });

  it('follows softmax: chi-square test over 5 tokens', () => {
    // logits [0, 1, 2, ln 0.5, -inf]: weights 1, e, e^2, 0.5, 0; total = 1 + 2.71828 + 7.38906 + 0.5 = 11.60734.
    const logits = new Float32Array([0, 1, 2, Math.log(0.5), NEG]);
    const total = 1 + Math.E + Math.E ** 2 + 0.5;
    const expected = [1 / total, Math.E / total, Math.E ** 2 / total, 0.5 / total, 0];
    const n = 40000;
    const counts = [0, 0, 0, 0, 0];
    const ctx = selectContext(createRandom(2024));
    const selector = sample();
    for (let i = 0; i < n; i++) counts[selector.select(logits, ctx)]!++;
    expect(counts[4]).toBe(0);
    let chi2 = 0;
    for (let k = 0; k < 4; k++) chi2 += (counts[k]! - n * expected[k]!) ** 2 / (n * expected[k]!);
    // 3 degrees of freedom: P(chi2 > 16.27) = 0.001.
    expect(chi2).toBeLessThan(16.27);
  });

  it('samples uniformly among +Infinity entries', () => {
    const row = new Float32Array([Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY]);
    const ctx = selectContext(createRandom(5));
    const seen = new Set(Array.from({ length: 100 }, () => sample().select(row, ctx)));
    expect([...seen].sort()).toEqual([0, 2]);
  });
});
