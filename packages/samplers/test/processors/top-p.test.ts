import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidOptionError, topP } from '../../src/index.js';
import { context, keptIds, NEG, realisticRow, run } from './helpers.js';
import { refTopP } from './reference.js';

const logs = (probs: number[]) => probs.map(Math.log);

describe('topP', () => {
  it('keeps the smallest best set whose probability reaches p', () => {
    // probabilities 0.5, 0.3, 0.2 (in shuffled order): cumulative 0.5, 0.8, 1.0.
    const row = logs([0.2, 0.5, 0.3]);
    expect(keptIds(run(topP(0.45), row))).toEqual([1]); // 0.5 >= 0.45
    expect(keptIds(run(topP(0.75), row))).toEqual([1, 2]); // 0.5 < 0.75 <= 0.8
    expect(keptIds(run(topP(0.85), row))).toEqual([0, 1, 2]); // 0.8 < 0.85
  });

  it('matches HF on softmax([1, 2, 3, 4, 5])', () => {
    // e^k / sum: 0.0117, 0.0317, 0.0861, 0.2341, 0.6364; from the top: 0.6364, 0.8705, 0.9566.
    expect(keptIds(run(topP(0.5), [1, 2, 3, 4, 5]))).toEqual([4]);
    expect(keptIds(run(topP(0.9), [1, 2, 3, 4, 5]))).toEqual([2, 3, 4]);
    expect(keptIds(run(topP(0.96), [1, 2, 3, 4, 5]))).toEqual([1, 2, 3, 4]); // 0.9566 < 0.96 <= 0.9883
  });

  it('leaves kept scores untouched', () => {
    const out = run(topP(0.9), [1, 2, 3, 4, 5]);
    expect(out).toEqual([NEG, NEG, 3, 4, 5]);
  });

  it('keeps HF’s count on a tie at the cut, taking the lower ids', () => {
    // four tokens of 0.25: 0.25 < 0.5 <= 0.5 -> 2 tokens; p = 0.6 -> 3 tokens.
    expect(keptIds(run(topP(0.5), [5, 5, 5, 5]))).toEqual([0, 1]);
    expect(keptIds(run(topP(0.6), [5, 5, 5, 5]))).toEqual([0, 1, 2]);
  });

  it('keeps only the best token at p = 0, and nothing changes at p = 1', () => {
    expect(keptIds(run(topP(0), [3, 1, 3]))).toEqual([0]);
    expect(run(topP(1), [-100, 0, 50])).toEqual([-100, 0, 50]);
  });

  it('keeps exactly minTokensToKeep when the nucleus is smaller (lower ids on ties)', () => {
    // pairs 1,1,2,2,3,3: p = 0.1 needs one 3 (0.333); three tokens are forced: 3, 3 and the first 2.
    expect(keptIds(run(topP(0.1, { minTokensToKeep: 3 }), [1, 1, 2, 2, 3, 3]))).toEqual([2, 4, 5]);
    expect(keptIds(run(topP(0.1, { minTokensToKeep: 9 }), [1, 1, 2]))).toEqual([0, 1, 2]);
  });

  it('ignores -Infinity entries', () => {
    // e^0, e^1, e^2 over 11.107: 0.0900, 0.2447, 0.6652; from the top 0.6652, 0.9100.
    expect(run(topP(0.9), [NEG, 0, 1, NEG, 2])).toEqual([NEG, NEG, 1, NEG, 2]);
    expect(run(topP(0.95), [NEG, 0, 1, NEG, 2])).toEqual([NEG, 0, 1, NEG, 2]);
    expect(run(topP(0.5), [NEG, NEG])).toEqual([NEG, NEG]);
    expect(run(topP(0.5), [0.5])).toEqual([0.5]);
  });

  it('keeps a dominant token alone', () => {
    // [20, 0 x5]: the 0s weigh e^-20 = 2e-9 each.
    expect(keptIds(run(topP(0.95), [20, 0, 0, 0, 0, 0]))).toEqual([0]);
  });

  it('matches the full-sort reference on vocabulary-sized rows', () => {
    for (const [p, seed] of [
      [0.9, 11],
      [0.5, 12],
      [0.99, 13],
      [0.9999, 14],
    ] as const) {
      const row = realisticRow(50_257, seed);
      const out = Float32Array.from(row);
      topP(p).process(out, context());
      const reference = refTopP(row, p);
      expect(reference.margin).toBeGreaterThan(1e-9);
      expect(Array.from(out)).toEqual(reference.row);
    }
  });

  it('finds the cut when the distribution is spread far below the max', () => {
    // 1000 tokens spaced 0.1 apart: the mass is spread over 100 nats (beyond the 80-nat fast-exp range).
    const row = Array.from(Float32Array.from({ length: 1000 }, (_, i) => -i / 10));
    for (const p of [0.3, 0.9, 0.9999]) expect(run(topP(p), row)).toEqual(refTopP(row, p).row);
  });

  it.each([-0.1, 1.01, Number.NaN, Number.POSITIVE_INFINITY, '0.9'])('rejects p = %s', (p) => {
    expect(() => topP(p as number)).toThrow(InvalidOptionError);
    expect(() => topP(p as number)).toThrow(/^topP must be a number in \[0, 1\], got /);
  });

  it('rejects a bad minTokensToKeep and options that are not an object', () => {
    expect(() => topP(0.9, { minTokensToKeep: 0 })).toThrow('minTokensToKeep must be an integer >= 1, got 0');
    expect(() => topP(0.9, 3 as never)).toThrow(/^options must be an object/);
    expect(() => topP(0.9, { minTokenToKeep: 2 } as never)).toThrow(ConfigError);
    expect(() => topP(0.9, { minTokenToKeep: 2 } as never)).toThrow(
      'unknown option "minTokenToKeep" of topP(); the only option is minTokensToKeep',
    );
  });
});
