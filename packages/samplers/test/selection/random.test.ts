import { describe, expect, it } from 'vitest';
import { createRandom, InvalidOptionError, randomSeed } from '../../src/index.js';
import { splitmix64, xoshiro128StarStar } from '../../src/random/xoshiro.js';

describe('splitmix64', () => {
  it('matches the published outputs for seed 0', () => {
    // Reference values of Vigna's splitmix64.c started at x = 0.
    expect(splitmix64(0, 3)).toEqual([0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn]);
  });
});

describe('xoshiro128**', () => {
  it('matches the reference algorithm on a hand-stepped state', () => {
    // s = [1, 2, 3, 4]: result = rotl(s1 * 5, 7) * 9 = rotl(10, 7) * 9 = 1280 * 9 = 11520.
    // Then t = 2 << 9 = 1024; s2 = 3^1 = 2; s3 = 4^2 = 6; s1 = 2^2 = 0; s0 = 1^6 = 7; s2 = 2^1024 = 1026;
    // s3 = rotl(6, 11) = 12288. Next result = rotl(0 * 5, 7) * 9 = 0.
    // Then t = 0; s2 = 1026^7 = 1029; s3 = 12288^0 = 12288; s1 = 0^1029 = 1029; s0 = 7^12288 = 12295;
    // result = rotl(1029 * 5, 7) * 9 = 5145 * 128 * 9 = 5927040.
    const next = xoshiro128StarStar(1, 2, 3, 4);
    expect([next(), next(), next()]).toEqual([11520, 0, 5927040]);
  });
});

describe('createRandom', () => {
  it('reproduces a sequence from its seed and differs across seeds', () => {
    const a = createRandom(123);
    const b = createRandom(123);
    const c = createRandom(124);
    const seqA = Array.from({ length: 50 }, () => a.next());
    const seqB = Array.from({ length: 50 }, () => b.next());
    const seqC = Array.from({ length: 50 }, () => c.next());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
    for (const x of seqA) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('gives floats with 53 random bits and a uniform mean', () => {
    const random = createRandom(7);
    let sum = 0;
    let usesLowBits = false;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = random.next();
      sum += x;
      // A float built from 32 bits is a multiple of 2^-32; 53-bit floats almost never are.
      if ((x * 2 ** 32) % 1 !== 0) usesLowBits = true;
    }
    expect(usesLowBits).toBe(true);
    // Mean of U(0,1) is 0.5 with standard error 1/sqrt(12 n) ~ 0.002; allow 5 sigma.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.011);
  });

  it('accepts seeds up to 2^53 - 1 and rejects others', () => {
    expect(() => createRandom(Number.MAX_SAFE_INTEGER)).not.toThrow();
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, '1' as unknown as number]) {
      expect(() => createRandom(bad)).toThrow(InvalidOptionError);
    }
  });

  it('randomSeed gives valid, varying seeds', () => {
    const seeds = new Set(Array.from({ length: 10 }, () => randomSeed()));
    expect(seeds.size).toBeGreaterThan(1);
    for (const seed of seeds) expect(() => createRandom(seed)).not.toThrow();
  });
});
