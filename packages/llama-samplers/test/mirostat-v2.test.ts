import {
  createRandom,
  InvalidOptionError,
  NucleusError,
  type RandomSource,
  type SelectContext,
} from '@nucleus/samplers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mirostatV2 } from '../src/index.js';

const NINF = Number.NEGATIVE_INFINITY;

function contextWith(random: RandomSource): SelectContext {
  return { tokens: new Int32Array([1]), length: 1, promptLength: 1, row: 0, eosTokenIds: [], random };
}

/** A random source that returns the given numbers in turn. */
function scripted(...values: number[]): RandomSource {
  let i = 0;
  return { next: () => values[i++ % values.length]! };
}

function logitsOf(probs: readonly number[], shift = -2): Float32Array {
  return Float32Array.from(probs, (p) => (p === 0 ? NINF : Math.log(p) + shift));
}

// probabilities by id: 0.125, 0.5, 0.125, 0.25 -> surprises 3, 1, 3, 2 bits
const row = () => logitsOf([0.125, 0.5, 0.125, 0.25]);

describe('mirostatV2: hand-worked steps', () => {
  it('starts with mu = 2 * tau', () => {
    expect(mirostatV2({ tau: 1.25 }).mu).toBe(2.5);
    expect(mirostatV2().mu).toBe(10); // llama.cpp defaults: tau 5, eta 0.1
  });

  it('keeps tokens with surprise <= mu, samples from them renormalised, and moves mu towards tau', () => {
    // tau 1.25 -> mu 2.5: ids 1 (1 bit) and 3 (2 bits) are kept; renormalised 2/3 and 1/3
    const low = mirostatV2({ tau: 1.25, eta: 0.1 });
    expect(low.select(row(), contextWith(scripted(0.5)))).toBe(1); // 0.5 < 2/3
    low.accept(1);
    // observed surprise -log2(2/3) = 0.5849625; mu = 2.5 - 0.1 * (0.5849625 - 1.25) = 2.56650375
    expect(low.mu).toBeCloseTo(2.56650375, 7);

    const high = mirostatV2({ tau: 1.25, eta: 0.1 });
    expect(high.select(row(), contextWith(scripted(0.9)))).toBe(3); // 0.9 > 2/3
    high.accept(3);
    // observed surprise -log2(1/3) = 1.5849625; mu = 2.5 - 0.1 * (1.5849625 - 1.25) = 2.46650375
    expect(high.mu).toBeCloseTo(2.46650375, 7);
  });

  it('never picks a truncated token, whatever the draw', () => {
    for (const u of [0, 0.3, 0.6666, 0.6667, 0.999999]) {
      const selector = mirostatV2({ tau: 1.25, eta: 0.1 });
      expect([1, 3]).toContain(selector.select(row(), contextWith(scripted(u))));
    }
  });

  it('keeps only the most likely token when even it is more surprising than mu', () => {
    // tau 0.25 -> mu 0.5 < 1 bit: only id 1 remains, with renormalised probability 1 (surprise 0)
    const selector = mirostatV2({ tau: 0.25, eta: 0.1 });
    expect(selector.select(row(), contextWith(scripted(0.99)))).toBe(1);
    selector.accept(1);
    expect(selector.mu).toBeCloseTo(0.5 - 0.1 * (0 - 0.25), 12); // 0.525
  });

  it('updates mu only for the token it selected, and only once', () => {
    const selector = mirostatV2({ tau: 1.25, eta: 0.1 });
    selector.select(row(), contextWith(scripted(0.5)));
    selector.accept(3); // the loop forced another token
    expect(selector.mu).toBe(2.5);
    selector.accept(1); // nothing pending any more
    expect(selector.mu).toBe(2.5);
  });

  it('reset restores mu = 2 * tau; clone copies mu and is independent', () => {
    const selector = mirostatV2({ tau: 1.25, eta: 0.1 });
    selector.select(row(), contextWith(scripted(0.5)));
    selector.accept(1);
    const copy = selector.clone();
    expect(copy.mu).toBe(selector.mu);
    copy.select(row(), contextWith(scripted(0.9)));
    copy.accept(3);
    expect(copy.mu).not.toBe(selector.mu);
    expect(selector.mu).toBeCloseTo(2.56650375, 7);
    selector.reset();
    expect(selector.mu).toBe(2.5);
  });

  it('throws a NucleusError when every token was removed', () => {
    const selector = mirostatV2();
    expect(() => selector.select(Float32Array.from([NINF, NINF]), contextWith(scripted(0.5)))).toThrow(
      NucleusError,
    );
  });

  it('rejects bad options with mirostatV2.<option>, the value and the range', () => {
    expect(() => mirostatV2({ tau: -1 })).toThrow(
      new InvalidOptionError('mirostatV2.tau', -1, 'a number >= 0'),
    );
    expect(() => mirostatV2({ eta: Number.POSITIVE_INFINITY })).toThrow(
      'mirostatV2.eta must be a number >= 0, got Infinity',
    );
  });
});

describe('mirostatV2: distribution', () => {
  it('draws the kept tokens in proportion to their renormalised probabilities (eta 0 keeps mu fixed)', () => {
    const selector = mirostatV2({ tau: 1.25, eta: 0 });
    const ctx = contextWith(createRandom(11));
    const counts = [0, 0, 0, 0];
    const draws = 30000;
    for (let i = 0; i < draws; i++) {
      const token = selector.select(row(), ctx);
      selector.accept(token);
      counts[token]!++;
    }
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    // expected 2/3; standard deviation sqrt(2/9 / 30000) = 0.0027
    expect(counts[1]! / draws).toBeGreaterThan(2 / 3 - 0.015);
    expect(counts[1]! / draws).toBeLessThan(2 / 3 + 0.015);
  });

  it('a lower target surprise gives more focused choices', () => {
    const geometric = logitsOf(Array.from({ length: 64 }, (_, i) => 0.8 ** i * 0.2));
    const topShare = (tau: number) => {
      const selector = mirostatV2({ tau, eta: 0.1 });
      const ctx = contextWith(createRandom(3));
      let top = 0;
      for (let i = 0; i < 5000; i++) {
        const token = selector.select(geometric, ctx);
        selector.accept(token);
        if (token === 0) top++;
      }
      return top / 5000;
    };
    const focused = topShare(1);
    const diverse = topShare(4);
    expect(focused).toBeGreaterThan(diverse + 0.2);
  });
});

describe('mirostatV2: properties', () => {
  const rowArbitrary = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
      { weight: 1, arbitrary: fc.constant(NINF) },
    ),
    { minLength: 1, maxLength: 40 },
  );

  it('never selects a removed token, and mu stays finite over many steps', () => {
    fc.assert(
      fc.property(
        fc.array(rowArbitrary, { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (rows, tau, eta, seed) => {
          const live = rows.filter((values) => values.some((value) => value > NINF));
          fc.pre(live.length > 0);
          const selector = mirostatV2({ tau, eta });
          const ctx = contextWith(createRandom(seed));
          for (let step = 0; step < 60; step++) {
            const logits = Float32Array.from(live[step % live.length]!);
            const token = selector.select(logits, ctx);
            expect(logits[token]).toBeGreaterThan(NINF);
            selector.accept(token);
            expect(Number.isFinite(selector.mu)).toBe(true);
          }
        },
      ),
    );
  });
});
