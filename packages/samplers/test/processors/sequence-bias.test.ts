import { describe, expect, it } from 'vitest';
import { badWordsIds, InvalidOptionError, sequenceBias } from '../../src/index.js';
import { context, NEG, run } from './helpers.js';

const zeros = (n = 6) => Array.from({ length: n }, () => 0);

describe('sequenceBias', () => {
  it('always applies one-token biases, and longer ones when the row ends with their prefix', () => {
    const processor = () =>
      sequenceBias([
        [[3], 1.5],
        [[1, 3], 2],
        [[2, 4], -0.5],
      ]);
    // row ends with 1: token 3 gets 1.5 + 2; [2, 4] does not match.
    expect(run(processor(), zeros(), context([0, 1]))).toEqual([0, 0, 0, 3.5, 0, 0]);
    // row ends with 2: token 3 gets 1.5, token 4 gets -0.5.
    expect(run(processor(), zeros(), context([0, 2]))).toEqual([0, 0, 0, 1.5, -0.5, 0]);
  });

  it('matches multi-token prefixes anywhere the row ends with them', () => {
    const processor = sequenceBias([[[5, 1, 2, 3], -4]]);
    expect(run(processor, zeros(), context([9, 5, 1, 2]))).toEqual([0, 0, 0, -4, 0, 0]);
    expect(run(sequenceBias([[[5, 1, 2, 3], -4]]), zeros(), context([5, 1, 9, 2]))).toEqual(zeros());
  });

  it('like HF, applies a sequence only once the row is as long as the whole sequence', () => {
    // HF skips a sequence longer than input_ids even if the row is exactly its prefix.
    expect(run(sequenceBias([[[1, 3], 2]]), zeros(), context([1]))).toEqual(zeros());
    expect(run(sequenceBias([[[1, 3], 2]]), zeros(), context([0, 1]))).toEqual([0, 0, 0, 2, 0, 0]);
  });

  it('adds the biases in float32 in HF’s order', () => {
    // HF: bias = 1e8 (one-token) + 1 (matched) in float32 = 1e8 (float32 spacing there is 8);
    // then 4 + 1e8 = 100000004 rounds (half to even) to 1e8. Summing in float64 would give 100000008.
    expect(Math.fround(4 + 100_000_001)).toBe(100_000_008);
    const processor = sequenceBias([
      [[3], 1e8],
      [[1, 3], 1],
    ]);
    expect(run(processor, [0, 0, 0, 4], context([0, 1]))[3]).toBe(100_000_000);
  });

  it('keeps the last bias of a repeated sequence', () => {
    expect(
      run(
        sequenceBias([
          [[2], 1],
          [[2], 5],
        ]),
        zeros(3),
      ),
    ).toEqual([0, 0, 5]);
  });

  it('ignores ids outside the row and leaves -Infinity alone', () => {
    expect(
      run(
        sequenceBias([
          [[70_000], 1],
          [[1], 2],
        ]),
        [0, NEG],
        context([0]),
      ),
    ).toEqual([0, NEG]);
  });

  it.each([
    [[], 'an empty list'],
    ['x', 'a string'],
    [[[[1], Number.NaN]], 'a NaN bias'],
    [[[[1], Number.POSITIVE_INFINITY]], 'an infinite bias'],
    [[[[], 1]], 'an empty sequence'],
    [[[[1, -2], 1]], 'a negative id'],
    [[[[1.5], 1]], 'a fractional id'],
    [[[[1], 1, 2]], 'a triple'],
  ] as [unknown, string][])('rejects %j (%s)', (bias) => {
    expect(() => sequenceBias(bias as never)).toThrow(InvalidOptionError);
    expect(() => sequenceBias(bias as never)).toThrow(
      /^sequenceBias must be a non-empty array of \[tokenIds, bias\] pairs/,
    );
  });
});

describe('badWordsIds', () => {
  it('bans one-token entries always and longer entries after their prefix', () => {
    const processor = () => badWordsIds([[5], [1, 2]]);
    expect(run(processor(), zeros(), context([0, 1]))).toEqual([0, 0, NEG, 0, 0, NEG]);
    expect(run(processor(), zeros(), context([1, 0]))).toEqual([0, 0, 0, 0, 0, NEG]);
  });

  it('does not ban a one-token entry that is an EOS id (HF)', () => {
    const out = run(badWordsIds([[5], [4]]), zeros(), context([0], { eosTokenIds: [5] }));
    expect(out).toEqual([0, 0, 0, 0, NEG, 0]);
    // a longer entry ending in EOS still applies.
    expect(run(badWordsIds([[1, 5]]), zeros(), context([0, 1], { eosTokenIds: [5] }))[5]).toBe(NEG);
  });

  it('like HF, needs the row to be at least as long as the entry', () => {
    expect(run(badWordsIds([[1, 2]]), zeros(), context([1]))).toEqual(zeros());
  });

  it.each([[[]], [[[]]], [[[1, -1]]], [[1, 2]], ['1,2']])('rejects %j', (ids) => {
    expect(() => badWordsIds(ids as never)).toThrow(InvalidOptionError);
    expect(() => badWordsIds(ids as never)).toThrow(
      /^badWordsIds must be a non-empty array of non-empty arrays of token ids/,
    );
  });
});
