import { describe, expect, it } from 'vitest';
import {
  beginSuppressTokens,
  forcedBosTokenId,
  forcedEosTokenId,
  InvalidOptionError,
  logitBias,
  minLength,
  minNewTokens,
  suppressTokens,
} from '../../src/index.js';
import { context, NEG, run } from './helpers.js';

const row = () => [1, 2, 3, 4];

describe('minLength / minNewTokens', () => {
  it('ban every EOS id while the row is shorter than the minimum length', () => {
    const eos = { eosTokenIds: [1, 3] };
    expect(run(minLength(3), row(), context([0, 0], eos))).toEqual([1, NEG, 3, NEG]); // length 2 < 3
    expect(run(minLength(3), row(), context([0, 0, 0], eos))).toEqual(row()); // 3 is enough
    expect(run(minLength(3), row(), context([0], { eosTokenIds: [] }))).toEqual(row());
  });

  it('count only generated tokens for minNewTokens', () => {
    const eos = { eosTokenIds: [2], promptLength: 3 };
    expect(run(minNewTokens(2), row(), context([0, 0, 0, 0], eos))).toEqual([1, 2, NEG, 4]); // 1 new < 2
    expect(run(minNewTokens(2), row(), context([0, 0, 0, 0, 0], eos))).toEqual(row()); // 2 new
  });

  it('ignore EOS ids outside the row', () => {
    expect(run(minLength(9), row(), context([], { eosTokenIds: [50_256] }))).toEqual(row());
  });

  it.each([-1, 1.5, Number.NaN, '2'])('reject %s', (n) => {
    expect(() => minLength(n as number)).toThrow(/^minLength must be an integer >= 0, got /);
    expect(() => minNewTokens(n as number)).toThrow(/^minNewTokens must be an integer >= 0, got /);
  });
});

describe('suppressTokens / beginSuppressTokens', () => {
  it('suppress always, or only at the first generated position', () => {
    expect(run(suppressTokens([0, 2, 99]), row())).toEqual([NEG, 2, NEG, 4]);
    const begin = beginSuppressTokens([3]);
    expect(run(begin, row(), context([7, 7], { promptLength: 2 }))).toEqual([1, 2, 3, NEG]);
    expect(run(begin, row(), context([7, 7, 1], { promptLength: 2 }))).toEqual(row());
  });

  it.each([[[]], [[-1]], [[0.5]], ['1'], [null]])('reject %j', (ids) => {
    expect(() => suppressTokens(ids as never)).toThrow(InvalidOptionError);
    expect(() => suppressTokens(ids as never)).toThrow(
      /^suppressTokens must be a non-empty array of token ids/,
    );
    expect(() => beginSuppressTokens(ids as never)).toThrow(/^beginSuppressTokens must be a non-empty array/);
  });
});

describe('forcedBosTokenId / forcedEosTokenId', () => {
  it('force BOS when the row holds one token', () => {
    expect(run(forcedBosTokenId(2), row(), context([5]))).toEqual([NEG, NEG, 0, NEG]);
    expect(run(forcedBosTokenId(2), row(), context([5, 6]))).toEqual(row());
    expect(run(forcedBosTokenId(9), row(), context([5]))).toEqual(row()); // outside the row: left alone
  });

  it('force the EOS ids at the last position before maxLength', () => {
    expect(run(forcedEosTokenId([1, 3], 4), row(), context([0, 0, 0]))).toEqual([NEG, 0, NEG, 0]);
    expect(run(forcedEosTokenId(3, 4), row(), context([0, 0]))).toEqual(row());
    expect(run(forcedEosTokenId([3, 50_256], 2), row(), context([0]))).toEqual([NEG, NEG, NEG, 0]);
  });

  it('reject bad ids and lengths', () => {
    expect(() => forcedBosTokenId(-1)).toThrow(
      'forcedBosTokenId must be a token id (an integer >= 0), got -1',
    );
    expect(() => forcedEosTokenId([], 5)).toThrow(
      /^forcedEosTokenId must be a token id or a non-empty array/,
    );
    expect(() => forcedEosTokenId([1, 2.5], 5)).toThrow(InvalidOptionError);
    expect(() => forcedEosTokenId(1, 0)).toThrow('maxLength must be an integer >= 1, got 0');
  });
});

describe('logitBias', () => {
  it('adds biases from a record or a Map, -Infinity bans', () => {
    expect(run(logitBias({ 0: 0.5, 3: Number.NEGATIVE_INFINITY }), row())).toEqual([1.5, 2, 3, NEG]);
    expect(run(logitBias(new Map([[1, -2]])), row())).toEqual([1, 0, 3, 4]);
    expect(run(logitBias({ 7: 1 }), row())).toEqual(row()); // outside the row
    expect(run(logitBias({}), row())).toEqual(row());
  });

  it('rounds the sum to float32', () => {
    expect(run(logitBias({ 0: 0.1 }), [0.2])).toEqual([Math.fround(Math.fround(0.2) + 0.1)]);
  });

  it.each([
    [{ '-1': 1 }, /key "-1" is not a token id/],
    [{ '1.5': 1 }, /key "1.5" is not a token id/],
    [{ abc: 1 }, /key "abc" is not a token id/],
    [{ 1: Number.NaN }, /the bias of token 1 is NaN/],
    [{ 1: Number.POSITIVE_INFINITY }, /the bias of token 1 is Infinity/],
    [new Map([[-3, 1]]), /key -3 is not a token id/],
    [[1, 2], /^logitBias must be a record or Map/],
  ])('rejects %j', (bias, message) => {
    expect(() => logitBias(bias as never)).toThrow(InvalidOptionError);
    expect(() => logitBias(bias as never)).toThrow(message);
  });
});
