import { describe, expect, it } from 'vitest';
import { epsilonCutoff, etaCutoff, InvalidOptionError } from '../../src/index.js';
import { context, keptIds, NEG, realisticRow, run } from './helpers.js';
import { refEpsilon, refEta } from './reference.js';

// [8, 0, 0, 8, 0, 0, 0, 0]: z = 2e^8 + 6 = 5967.9; p(8) = 0.49950, p(0) = 1/5967.9 = 1.6756e-4.
const twoPeaks = [8, 0, 0, 8, 0, 0, 0, 0];
// 100 tokens at 0 and one at -1: z = 100 + e^-1 = 100.3679; p(0) = 0.0099633, p(-1) = 0.0036653.
// H = ln z + e^-1 / z = 4.60884 + 0.00367 = 4.61251; e^-H = 0.0099269.
const hundredAndOne = [...Array.from({ length: 100 }, () => 0), -1];

describe('epsilonCutoff', () => {
  it('removes tokens whose probability is below epsilon', () => {
    expect(keptIds(run(epsilonCutoff(1e-4), twoPeaks))).toHaveLength(8); // 1.6756e-4 >= 1e-4
    expect(keptIds(run(epsilonCutoff(3e-4), twoPeaks))).toEqual([0, 3]); // 1.6756e-4 < 3e-4
    expect(keptIds(run(epsilonCutoff(0.005), hundredAndOne))).toHaveLength(100); // 0.00367 < 0.005
  });

  it('keeps the best minTokensToKeep and everything tied with them', () => {
    // epsilon 0.9 removes every token on probability, but the best one stays, with its tie.
    expect(keptIds(run(epsilonCutoff(0.9), twoPeaks))).toEqual([0, 3]);
    // 3 tokens kept: the 3rd best score is 0, so all the 0s stay too.
    expect(keptIds(run(epsilonCutoff(0.9, { minTokensToKeep: 3 }), twoPeaks))).toHaveLength(8);
    expect(keptIds(run(epsilonCutoff(0.5), [5, 5, 5, 5]))).toEqual([0, 1, 2, 3]); // all equal: nothing goes
  });

  it('is neutral at 0 and ignores -Infinity entries', () => {
    expect(run(epsilonCutoff(0), [1, -100])).toEqual([1, -100]);
    expect(run(epsilonCutoff(0.1), [NEG, 0, 1, NEG, 2])).toEqual([NEG, NEG, 1, NEG, 2]); // 0.090 < 0.1
    expect(run(epsilonCutoff(0.1), [NEG])).toEqual([NEG]);
  });

  it.each([-0.1, 1, Number.NaN, '0.1'])('rejects %s', (e) => {
    expect(() => epsilonCutoff(e as number)).toThrow(InvalidOptionError);
    expect(() => epsilonCutoff(e as number)).toThrow(/^epsilonCutoff must be a number in \[0, 1\), got /);
  });
});

describe('etaCutoff', () => {
  it('uses epsilon when the entropy is low', () => {
    // H(twoPeaks) = 2*0.4995*0.69415 + 6*1.6756e-4*8.6942 = 0.70220; sqrt(3e-4) e^-H = 0.00858 > 3e-4.
    expect(keptIds(run(etaCutoff(3e-4), twoPeaks))).toEqual([0, 3]);
    expect(keptIds(run(etaCutoff(1e-4), twoPeaks))).toHaveLength(8);
  });

  it('uses sqrt(epsilon) * exp(-H) when the entropy is high', () => {
    // eta = min(0.005, sqrt(0.005) * 0.0099269 = 0.000702): the -1 token (0.00367) stays, unlike epsilon.
    expect(keptIds(run(etaCutoff(0.005), hundredAndOne))).toHaveLength(101);
    // eta = min(0.5, sqrt(0.5) * 0.0099269 = 0.00702): 0.00367 < 0.00702 goes, 0.00996 stays.
    expect(keptIds(run(etaCutoff(0.5), hundredAndOne))).toHaveLength(100);
  });

  it('keeps the best minTokensToKeep with their ties, is neutral at 0', () => {
    expect(keptIds(run(etaCutoff(0.9), twoPeaks))).toEqual([0, 3]);
    expect(run(etaCutoff(0), [1, -100])).toEqual([1, -100]);
    expect(run(etaCutoff(0.1), [2.5])).toEqual([2.5]);
  });

  it.each([-0.1, 1, Number.POSITIVE_INFINITY, null])('rejects %s', (e) => {
    expect(() => etaCutoff(e as number)).toThrow(/^etaCutoff must be a number in \[0, 1\), got /);
  });
});

describe('epsilon and eta on vocabulary-sized rows', () => {
  it('match the reference', () => {
    for (const seed of [31, 32]) {
      const input = realisticRow(50_257, seed);
      for (const [name, processor, reference] of [
        ['epsilon', epsilonCutoff(3e-4), refEpsilon(input, 3e-4)],
        ['eta', etaCutoff(3e-4), refEta(input, 3e-4)],
        ['epsilon keep 100', epsilonCutoff(0.5, { minTokensToKeep: 100 }), refEpsilon(input, 0.5, 100)],
      ] as const) {
        const out = Float32Array.from(input);
        processor.process(out, context());
        expect(reference.margin, name).toBeGreaterThan(1e-7);
        expect(Array.from(out), name).toEqual(reference.row);
      }
    }
  });
});
