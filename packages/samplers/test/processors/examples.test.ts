import { describe, expect, it } from 'vitest';

describe('the README processors example', () => {
  it('computes what its comments say', async () => {
    const example = await import('./examples/pipeline.js');
    expect(example.processed).toEqual([Math.fround(2 / Math.fround(1.5)) / 0.5, NEG, NEG, 4, NEG, NEG]);
    expect(example.processed[0]).toBeCloseTo(2.6666667, 6);
    expect(example.banned).toEqual([false, false, true, false, false, false]);
    expect(example.branchIsIndependent).toBe(true);
    expect(example.message).toBe('topP must be a number in [0, 1], got 1.5');
  });
});

const NEG = Number.NEGATIVE_INFINITY;
