import { InvalidOptionError, type ProcessContext } from '@nucleus/samplers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type XtcProcessor, xtc } from '../src/index.js';

const ctx: ProcessContext = {
  tokens: new Int32Array([1]),
  length: 1,
  promptLength: 1,
  row: 0,
  eosTokenIds: [],
};
const NINF = Number.NEGATIVE_INFINITY;

/** Logits whose softmax is `probs` (shifted by a constant, which softmax ignores). */
function logitsOf(probs: readonly number[], shift = 3): Float32Array {
  return Float32Array.from(probs, (p) => (p === 0 ? NINF : Math.log(p) + shift));
}

function finiteIds(row: Float32Array): number[] {
  return [...row.keys()].filter((i) => row[i]! > NINF);
}

describe('xtc: hand-computed rows', () => {
  // probabilities by id: 0.2, 0.1, 0.4, 0.3
  const probs = [0.2, 0.1, 0.4, 0.3];

  it('removes every token at or above the threshold except the least likely of them', () => {
    // threshold 0.15: ids 0 (0.2), 2 (0.4), 3 (0.3) are top choices; id 0 is the least likely and stays
    const row = logitsOf(probs);
    const before = Float32Array.from(row);
    xtc({ probability: 1, threshold: 0.15, seed: 1 }).process(row, ctx);
    expect([...row]).toEqual([before[0], before[1], NINF, NINF]);
  });

  it('with a higher threshold only ids 2 and 3 qualify, and id 3 (0.3) stays', () => {
    const row = logitsOf(probs);
    xtc({ probability: 1, threshold: 0.25, seed: 1 }).process(row, ctx);
    expect(finiteIds(row)).toEqual([0, 1, 3]);
  });

  it('leaves the row untouched when fewer than two tokens reach the threshold', () => {
    const row = logitsOf(probs);
    xtc({ probability: 1, threshold: 0.35, seed: 1 }).process(row, ctx);
    expect(row).toEqual(logitsOf(probs));
  });

  it('leaves the row untouched with probability 0, or a threshold above 0.5', () => {
    const row = logitsOf(probs);
    xtc({ probability: 0, threshold: 0.15, seed: 1 }).process(row, ctx);
    expect(row).toEqual(logitsOf(probs));
    const halves = logitsOf([0.55, 0.45]);
    xtc({ probability: 1, threshold: 0.51, seed: 1 }).process(halves, ctx);
    expect(halves).toEqual(logitsOf([0.55, 0.45]));
  });

  it('does not act when fewer than minKeep tokens would remain', () => {
    // threshold 0.15 removes 2 of 4 tokens, leaving 2
    const kept3 = logitsOf(probs);
    xtc({ probability: 1, threshold: 0.15, minKeep: 3, seed: 1 }).process(kept3, ctx);
    expect(finiteIds(kept3)).toEqual([0, 1, 2, 3]);
    const kept2 = logitsOf(probs);
    xtc({ probability: 1, threshold: 0.15, minKeep: 2, seed: 1 }).process(kept2, ctx);
    expect(finiteIds(kept2)).toEqual([0, 1]);
  });

  it('ignores tokens already removed and, on a tie at the bottom, keeps the lowest id', () => {
    // two live tokens of 0.5 each; the rest already -Infinity
    const row = logitsOf([0, 0.5, 0, 0.5]);
    xtc({ probability: 1, threshold: 0.5, seed: 1 }).process(row, ctx);
    expect(finiteIds(row)).toEqual([1]);
    // a single live token: nothing to do
    const single = logitsOf([0, 1, 0]);
    xtc({ probability: 1, threshold: 0.1, seed: 1 }).process(single, ctx);
    expect(finiteIds(single)).toEqual([1]);
  });

  it('treats +Infinity logits as sharing all the mass', () => {
    const row = Float32Array.from([Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY, 1]);
    xtc({ probability: 1, threshold: 0.5, seed: 1 }).process(row, ctx);
    expect([...row]).toEqual([Number.POSITIVE_INFINITY, 0, NINF, 1]);
  });
});

describe('xtc: the coin', () => {
  const probs = [0.2, 0.1, 0.4, 0.3];
  const acts = (processor: XtcProcessor) => {
    const row = logitsOf(probs);
    processor.process(row, ctx);
    return finiteIds(row).length < 4;
  };

  it('acts at about `probability` of the steps, and the same seed gives the same steps', () => {
    const first = xtc({ probability: 0.3, threshold: 0.15, seed: 7 });
    const again = xtc({ probability: 0.3, threshold: 0.15, seed: 7 });
    const pattern = Array.from({ length: 4000 }, () => acts(first));
    expect(Array.from({ length: 4000 }, () => acts(again))).toEqual(pattern);
    const rate = pattern.filter(Boolean).length / pattern.length;
    expect(rate).toBeGreaterThan(0.26); // 0.3 +- 5.5 standard deviations
    expect(rate).toBeLessThan(0.34);
    const other = xtc({ probability: 0.3, threshold: 0.15, seed: 8 });
    expect(Array.from({ length: 4000 }, () => acts(other))).not.toEqual(pattern);
  });

  it('clone continues the same coin sequence independently; reset restarts it', () => {
    const original = xtc({ probability: 0.5, threshold: 0.15, seed: 3 });
    const fresh = Array.from({ length: 64 }, () => acts(original));
    const copy = original.clone();
    expect(copy).not.toBe(original);
    expect(Array.from({ length: 64 }, () => acts(copy))).toEqual(
      Array.from({ length: 64 }, () => acts(original)),
    );
    original.reset();
    expect(Array.from({ length: 64 }, () => acts(original))).toEqual(fresh);
  });

  it('draws a seed when none is given and reports it', () => {
    const processor = xtc({ probability: 1 });
    expect(Number.isSafeInteger(processor.seed)).toBe(true);
    expect(processor.threshold).toBe(0.1);
    expect(processor.minKeep).toBe(1);
  });
});

describe('xtc: options', () => {
  it('rejects bad options with xtc.<option>, the value and the range', () => {
    expect(() => xtc({ probability: 1.5 })).toThrow(
      new InvalidOptionError('xtc.probability', 1.5, 'a number in [0, 1]'),
    );
    expect(() => xtc({ threshold: 0 })).toThrow('xtc.threshold must be a number in (0, 1], got 0');
    expect(() => xtc({ minKeep: 0 })).toThrow('xtc.minKeep must be an integer >= 1, got 0');
    expect(() => xtc({ seed: -1 })).toThrow(/xtc\.seed must be an integer in \[0, 9007199254740991\]/);
    expect(() => xtc({ probability: Number.NaN })).toThrow(InvalidOptionError);
    expect(() => xtc({ treshold: 0.1 } as never)).toThrow(/unknown option "treshold" for sampler xtc/);
  });
});

describe('xtc: properties', () => {
  const rowArbitrary = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.double({ min: -8, max: 8, noNaN: true }) },
      { weight: 1, arbitrary: fc.constant(NINF) },
    ),
    { minLength: 1, maxLength: 24 },
  );

  it('removes exactly the top choices but the least likely one, or nothing; never revives a token', () => {
    fc.assert(
      fc.property(
        rowArbitrary,
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (values, threshold, minKeep) => {
          const row = Float32Array.from(values);
          const live = finiteIds(row);
          const max = Math.max(...live.map((i) => row[i]!));
          const total = live.reduce((sum, i) => sum + Math.exp(row[i]! - max), 0);
          const prob = (i: number) => Math.exp(row[i]! - max) / total;
          // stay away from the threshold, where float rounding may fall either way
          fc.pre(live.every((i) => Math.abs(prob(i) - threshold) > 1e-9));
          const top = live.filter((i) => prob(i) >= threshold);
          const before = Float32Array.from(row);
          xtc({ probability: 1, threshold, minKeep, seed: 5 }).process(row, ctx);

          const removed = live.filter((i) => row[i] === NINF);
          const shouldAct = top.length >= 2 && live.length - (top.length - 1) >= minKeep;
          if (!shouldAct) {
            expect(removed).toEqual([]);
          } else {
            const leastLikely = Math.min(...top.map((i) => before[i]!));
            const survivor = top.find((i) => before[i] === leastLikely)!;
            expect(removed).toEqual(top.filter((i) => i !== survivor));
          }
          for (let i = 0; i < row.length; i++) {
            if (before[i] === NINF) expect(row[i]).toBe(NINF);
            if (row[i] !== NINF) expect(row[i]).toBe(before[i]);
          }
        },
      ),
    );
  });
});
