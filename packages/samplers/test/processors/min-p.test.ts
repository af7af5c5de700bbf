import { describe, expect, it } from 'vitest';
import { InvalidOptionError, minP } from '../../src/index.js';
import { keptIds, NEG, run } from './helpers.js';

describe('minP', () => {
  it('removes tokens below p times the best probability', () => {
    // relative probabilities 1, 0.6, 0.4, 0.05; p = 0.5 -> 0.5 cut keeps 1 and 0.6.
    const row = [0, Math.log(0.6), Math.log(0.4), Math.log(0.05)];
    expect(keptIds(run(minP(0.5), row))).toEqual([0, 1]);
    expect(keptIds(run(minP(0.1), row))).toEqual([0, 1, 2]);
    expect(keptIds(run(minP(0.01), row))).toEqual([0, 1, 2, 3]);
  });

  it('matches HF on [3, 1, 3, 2, 3]', () => {
    // relative to e^3: token 1 -> e^-2 = 0.135, token 3 -> e^-1 = 0.368.
    expect(keptIds(run(minP(0.5), [3, 1, 3, 2, 3]))).toEqual([0, 2, 4]);
    expect(keptIds(run(minP(0.1), [3, 1, 3, 2, 3]))).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps everything at p = 0 and only the best (with ties) at p = 1', () => {
    expect(run(minP(0), [1, -50, NEG])).toEqual([1, -50, NEG]);
    expect(run(minP(1), [3, 3, 1, 2])).toEqual([3, 3, NEG, NEG]);
  });

  it('keeps exactly minTokensToKeep tokens when fewer pass, lower ids on ties', () => {
    // p = 1 keeps the two 3s; three are required: the first 1 (id 2) joins, id 3 does not.
    expect(keptIds(run(minP(1, { minTokensToKeep: 3 }), [3, 3, 1, 1]))).toEqual([0, 1, 2]);
    // enough tokens pass: minTokensToKeep changes nothing.
    expect(keptIds(run(minP(0.5, { minTokensToKeep: 2 }), [3, 1, 3, 2, 3]))).toEqual([0, 2, 4]);
  });

  it('ignores -Infinity entries and handles tiny rows', () => {
    expect(run(minP(0.5), [NEG, 0, 1, NEG, 2])).toEqual([NEG, NEG, NEG, NEG, 2]); // e^-1 = 0.37 < 0.5
    expect(run(minP(0.3), [NEG, 0, 1, NEG, 2])).toEqual([NEG, NEG, 1, NEG, 2]); // 0.37 >= 0.3, 0.135 < 0.3
    expect(run(minP(0.5), [0.5])).toEqual([0.5]);
    expect(run(minP(0.5), [NEG])).toEqual([NEG]);
  });

  it.each([-0.01, 1.5, Number.NaN, '0.1'])('rejects p = %s', (p) => {
    expect(() => minP(p as number)).toThrow(InvalidOptionError);
    expect(() => minP(p as number)).toThrow(/^minP must be a number in \[0, 1\], got /);
  });
});
