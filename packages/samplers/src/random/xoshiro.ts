import { InvalidOptionError } from '../errors.js';
import type { RandomSource } from '../types.js';

/** The largest seed accepted: seeds are non-negative safe integers (53 bits). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const MASK_64 = (1n << 64n) - 1n;

/**
 * A seeded random source: xoshiro128** (Blackman and Vigna) whose 128-bit state is filled by splitmix64
 * from the seed. Each {@link RandomSource.next | next()} combines two 32-bit outputs into a float in [0, 1)
 * with 53 random bits. It uses only 32-bit integer arithmetic, so the same seed gives the same numbers in
 * every JavaScript engine, in Node and in browsers.
 */
export interface SeededRandom extends RandomSource {
  /** The seed this source was created with. */
  readonly seed: number;
  /** A 32-bit unsigned integer. */
  nextUint32(): number;
}

/**
 * Creates a seeded random source (xoshiro128** seeded by splitmix64). No global state: two sources with the
 * same seed produce the same sequence independently.
 *
 * @param seed - a non-negative safe integer.
 * @throws InvalidOptionError when `seed` is not an integer in [0, 2^53 - 1].
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * random.next(); // the same float in [0, 1) on every run and platform
 * ```
 */
export function createRandom(seed: number): SeededRandom {
  validateSeed(seed);
  const words: number[] = [];
  for (const value of splitmix64(seed, 2)) words.push(Number(value & 0xffffffffn), Number(value >> 32n));
  const nextUint32 = xoshiro128StarStar(words[0]!, words[1]!, words[2]!, words[3]!);

  return {
    seed,
    nextUint32,
    next(): number {
      const high = nextUint32() >>> 5; // 27 bits
      const low = nextUint32() >>> 6; // 26 bits
      return (high * 67108864 + low) / TWO_POW_53;
    },
  };
}

/**
 * A fresh seed for a generation that was given none. It comes from `crypto.getRandomValues` when the
 * platform has it (Node 20 and browsers do), otherwise from the clock; never from `Math.random`.
 * Report it with the result so the run can be replayed.
 */
export function randomSeed(): number {
  const crypto = (globalThis as { crypto?: { getRandomValues?(array: Uint32Array): Uint32Array } }).crypto;
  if (crypto?.getRandomValues) {
    const words = crypto.getRandomValues(new Uint32Array(2));
    return (words[0]! & 0x1fffff) * TWO_POW_32 + words[1]!;
  }
  const clock = (globalThis as { performance?: { now(): number } }).performance;
  const mixed = Math.floor(Date.now() * 1000 + (clock ? (clock.now() * 1000) % 1000 : 0));
  return mixed % MAX_SEED;
}

/** Throws {@link InvalidOptionError} unless `seed` is an integer in [0, 2^53 - 1]. */
export function validateSeed(seed: unknown, option = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidOptionError(option, seed, 'an integer in [0, 2^53 - 1]');
  }
}

/**
 * The first `count` outputs of splitmix64 started at `seed` (Steele, Lea and Flood), used to fill the
 * xoshiro state. Exposed for tests against published values.
 */
export function splitmix64(seed: number | bigint, count: number): bigint[] {
  let state = BigInt(seed) & MASK_64;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b97f4a7c15n) & MASK_64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
    out.push(z ^ (z >> 31n));
  }
  return out;
}

/**
 * The xoshiro128** generator over the given 32-bit state words (not all zero); returns its `next()`
 * producing unsigned 32-bit integers. Exposed for tests against the reference implementation.
 */
export function xoshiro128StarStar(a: number, b: number, c: number, d: number): () => number {
  let s0 = a | 0;
  let s1 = b | 0;
  let s2 = c | 0;
  let s3 = d | 0;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
