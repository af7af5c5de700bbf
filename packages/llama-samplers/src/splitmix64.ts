const MASK_64 = (1n << 64n) - 1n;
const TWO_POW_53 = 9007199254740992;

/**
 * SplitMix64 (Steele, Lea and Flood) over a BigInt state: a small seeded generator whose whole state is
 * one number, so it is copied exactly when a processor is cloned. Fine for a few draws per step; not for
 * hot loops.
 */
export class SplitMix64 {
  #state: bigint;

  constructor(seed: number | bigint) {
    this.#state = BigInt(seed) & MASK_64;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    this.#state = (this.#state + 0x9e3779b97f4a7c15n) & MASK_64;
    let z = this.#state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
    z ^= z >> 31n;
    return Number(z >> 11n) / TWO_POW_53;
  }

  /** An independent generator in the same state. */
  clone(): SplitMix64 {
    const copy = new SplitMix64(0);
    copy.#state = this.#state;
    return copy;
  }
}
