import { describe, expect, it } from 'vitest';
import { InvalidOptionError, noRepeatNgramSize } from '../../src/index.js';
import { context, keptIds, run } from './helpers.js';

const row = () => Array.from({ length: 8 }, () => 0);
const banned = (n: number, history: number[]) =>
  [0, 1, 2, 3, 4, 5, 6, 7].filter(
    (id) => !keptIds(run(noRepeatNgramSize(n), row(), context(history))).includes(id),
  );

describe('noRepeatNgramSize', () => {
  it('bans the tokens that would repeat an n-gram', () => {
    // history 1 2 3 1 2: 3-grams (1,2,3) (2,3,1) (3,1,2); the last 2 tokens are (1,2) -> 3 is banned.
    expect(banned(3, [1, 2, 3, 1, 2])).toEqual([3]);
    // 2-grams ending the prefix (2): (2,3) -> 3 is banned.
    expect(banned(2, [1, 2, 3, 1, 2])).toEqual([3]);
    // 4-grams: prefix (3,1,2) never occurred before -> nothing.
    expect(banned(4, [1, 2, 3, 1, 2])).toEqual([]);
  });

  it('bans every follower of every earlier occurrence of the prefix', () => {
    // (1,2) was followed by 3 and by 4.
    expect(banned(3, [1, 2, 3, 1, 2, 4, 1, 2])).toEqual([3, 4]);
  });

  it('bans every token already present for n = 1', () => {
    expect(banned(1, [5, 1, 5])).toEqual([1, 5]);
  });

  it('does nothing while the row is shorter than n', () => {
    expect(banned(3, [1, 1])).toEqual([]);
    expect(banned(2, [])).toEqual([]);
    // exactly n tokens: the 3-gram (1,1,1) exists, so after the prefix (1,1) token 1 is banned.
    expect(banned(3, [1, 1, 1])).toEqual([1]);
  });

  it('ignores banned ids outside the row', () => {
    expect(banned(2, [9, 100, 9])).toEqual([]);
  });

  it.each([0, -1, 2.5, Number.NaN, '3'])('rejects %s', (n) => {
    expect(() => noRepeatNgramSize(n as number)).toThrow(InvalidOptionError);
    expect(() => noRepeatNgramSize(n as number)).toThrow(/^noRepeatNgramSize must be an integer >= 1, got /);
  });
});
