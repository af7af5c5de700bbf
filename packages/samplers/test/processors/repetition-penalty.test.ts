import { describe, expect, it } from 'vitest';
import { InvalidOptionError, repetitionPenalty } from '../../src/index.js';
import { context, NEG, run } from './helpers.js';

describe('repetitionPenalty', () => {
  it('divides positive and multiplies negative scores of ids in the history, once per id', () => {
    // history 0, 1, 0: token 0 -> 2 / 2 = 1 (once, not twice), token 1 -> -2 * 2 = -4, tokens 2, 3 untouched.
    expect(run(repetitionPenalty(2), [2, -2, 1, 4], context([0, 1, 0]))).toEqual([1, -4, 1, 4]);
  });

  it('computes in float32 like PyTorch', () => {
    const r = Math.fround(1.3);
    const out = run(repetitionPenalty(1.3), [2.7, -0.3, 0, NEG], context([0, 1, 2, 3]));
    expect(out).toEqual([Math.fround(Math.fround(2.7) / r), Math.fround(Math.fround(-0.3) * r), 0, NEG]);
  });

  it('counts the prompt and rewards repetition for r < 1', () => {
    expect(run(repetitionPenalty(0.5), [2, -2], context([0, 1], { promptLength: 2 }))).toEqual([4, -1]);
  });

  it('ignores history ids outside the row', () => {
    expect(run(repetitionPenalty(2), [2, 2], context([1, 70_000]))).toEqual([2, 1]);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e39, 1e-50, '1.2'])('rejects %s', (r) => {
    expect(() => repetitionPenalty(r as number)).toThrow(InvalidOptionError);
    expect(() => repetitionPenalty(r as number)).toThrow(/^repetitionPenalty must be a number > 0, got /);
  });
});
