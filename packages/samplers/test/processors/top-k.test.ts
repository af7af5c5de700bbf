import { describe, expect, it } from 'vitest';
import { InvalidOptionError, topK } from '../../src/index.js';
import { keptIds, NEG, realisticRow, run, seeded } from './helpers.js';
import { refTopK } from './reference.js';

describe('topK', () => {
  it('keeps the k best scores and every score tied with the k-th', () => {
    const row = [3, 1, 3, 2];
    // sorted: 3, 3, 2, 1. k=1: 1st = 3 -> both 3s. k=2: 2nd = 3 -> both 3s. k=3: 3rd = 2 -> 3, 3, 2.
    expect(run(topK(1), row)).toEqual([3, NEG, 3, NEG]);
    expect(run(topK(2), row)).toEqual([3, NEG, 3, NEG]);
    expect(run(topK(3), row)).toEqual([3, NEG, 3, 2]);
    expect(run(topK(4), row)).toEqual(row);
  });

  it('is neutral at k = 0 and for k >= the row size', () => {
    expect(run(topK(0), [1, 2, 3])).toEqual([1, 2, 3]);
    expect(run(topK(50257), [1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('raises k to minTokensToKeep', () => {
    // k' = max(1, 3) = 3; sorted 5, 4, 3, 2 -> keeps 5, 4, 3.
    expect(run(topK(1, { minTokensToKeep: 3 }), [2, 5, 3, 4])).toEqual([NEG, 5, 3, 4]);
  });

  it('counts -Infinity entries as scores, like torch.topk', () => {
    const row = [NEG, 0, 1, NEG, 2];
    // sorted: 2, 1, 0, -inf, -inf. k=2 -> 2nd is 1; k=5 -> 5th is -inf, nothing removed.
    expect(run(topK(2), row)).toEqual([NEG, NEG, 1, NEG, 2]);
    expect(run(topK(5), row)).toEqual(row);
    expect(run(topK(1), [NEG, NEG])).toEqual([NEG, NEG]);
  });

  it('handles all-equal and single-element rows', () => {
    expect(run(topK(1), [5, 5, 5, 5])).toEqual([5, 5, 5, 5]);
    expect(run(topK(1), [0.5])).toEqual([0.5]);
  });

  it('matches a full sort on large rows, with the heap (k <= 512) and the quickselect (k > 512)', () => {
    for (const [k, seed] of [
      [50, 1],
      [512, 2],
      [513, 3],
      [4000, 4],
    ] as const) {
      const row = realisticRow(10_000, seed);
      const out = Float32Array.from(row);
      topK(k).process(out, {
        tokens: new Int32Array(0),
        length: 0,
        promptLength: 0,
        row: 0,
        eosTokenIds: [],
      });
      expect(Array.from(out)).toEqual(refTopK(row, k));
    }
  });

  it('keeps ties on a row made of few distinct values', () => {
    const random = seeded(7);
    const row = Array.from({ length: 3000 }, () => Math.floor(random() * 20));
    const out = run(topK(700), row);
    expect(out).toEqual(refTopK(row, 700));
    expect(keptIds(out).length).toBeGreaterThanOrEqual(700);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null])('rejects k = %s', (k) => {
    expect(() => topK(k as number)).toThrow(InvalidOptionError);
    expect(() => topK(k as number)).toThrow(/^topK must be an integer >= 0, got /);
  });

  it.each([0, -2, 2.5, Number.NaN])('rejects minTokensToKeep = %s', (m) => {
    expect(() => topK(5, { minTokensToKeep: m })).toThrow(/^minTokensToKeep must be an integer >= 1, got /);
  });
});
