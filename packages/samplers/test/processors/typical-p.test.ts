import { describe, expect, it } from 'vitest';
import { InvalidOptionError, typicalP } from '../../src/index.js';
import { context, keptIds, NEG, realisticRow, run } from './helpers.js';
import { refTypical } from './reference.js';

describe('typicalP', () => {
  // probabilities 0.5, 0.3, 0.2: H = 0.5*0.6931 + 0.3*1.2040 + 0.2*1.6094 = 1.0297;
  // |-log p - H| = 0.3365, 0.1743, 0.5798 -> order: token 1, token 0, token 2; cumulative 0.3, 0.8, 1.0.
  const row = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];

  it('keeps the most typical tokens until their mass reaches the target', () => {
    expect(keptIds(run(typicalP(0.2), row))).toEqual([1]); // 0.3 >= 0.2 at the first token
    expect(keptIds(run(typicalP(0.5), row))).toEqual([0, 1]); // 0.3 < 0.5 <= 0.8
    expect(keptIds(run(typicalP(0.9), row))).toEqual([0, 1, 2]); // 0.8 < 0.9
  });

  it('can remove the most probable token', () => {
    const out = run(typicalP(0.2), row);
    expect(out[0]).toBe(NEG);
    expect(out[1]).toBe(Math.fround(Math.log(0.3)));
  });

  it('keeps every token tied in typicality with the last one kept', () => {
    // [3, 1, 3, 2, 3]: the three 3s share the same shift; all stay even for a small mass.
    expect(keptIds(run(typicalP(0.2), [3, 1, 3, 2, 3]))).toEqual([0, 2, 4]);
    expect(keptIds(run(typicalP(0.2), [5, 5, 5, 5]))).toEqual([0, 1, 2, 3]);
  });

  it('prefers the less probable of a near tie when the tail raises the entropy (HF S6)', () => {
    // [10, 9.9999, 0, -1, -2]: -log p of the two leaders is about ln 2 = 0.693, but the tail lifts H
    // to about 0.6934, so the slightly less probable token 1 is closer to H; its 0.4999 >= 0.2.
    expect(keptIds(run(typicalP(0.2), [10, 9.999899864196777, 0, -1, -2]))).toEqual([1]);
  });

  it('keeps at least minTokensToKeep of the most typical tokens', () => {
    expect(keptIds(run(typicalP(0.2, { minTokensToKeep: 2 }), row))).toEqual([0, 1]);
    expect(keptIds(run(typicalP(0.2, { minTokensToKeep: 5 }), row))).toEqual([0, 1, 2]);
  });

  it('is neutral at mass = 1 and ignores -Infinity entries', () => {
    expect(run(typicalP(1), [1, -80, 3])).toEqual([1, -80, 3]);
    expect(run(typicalP(0.9), [NEG, 0, 1, NEG, 2])).toEqual([NEG, NEG, 1, NEG, 2]);
    expect(run(typicalP(0.9), [NEG, NEG])).toEqual([NEG, NEG]);
    expect(run(typicalP(0.5), [7])).toEqual([7]);
  });

  it('matches the full-sort reference on vocabulary-sized rows', () => {
    for (const [mass, seed] of [
      [0.9, 21],
      [0.5, 22],
      [0.2, 23],
    ] as const) {
      const input = realisticRow(50_257, seed);
      const out = Float32Array.from(input);
      typicalP(mass).process(out, context());
      const reference = refTypical(input, mass);
      expect(reference.margin).toBeGreaterThan(1e-9);
      expect(Array.from(out)).toEqual(reference.row);
    }
  });

  it.each([0, -0.5, 1.2, Number.NaN, '0.9'])('rejects mass = %s', (m) => {
    expect(() => typicalP(m as number)).toThrow(InvalidOptionError);
    expect(() => typicalP(m as number)).toThrow(/^typicalP must be a number in \(0, 1\], got /);
  });
});
