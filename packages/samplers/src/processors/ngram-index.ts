import { growInt32Keep } from '../kernels/scratch.js';

/**
 * An incremental index of the n-grams of one row's history (n >= 2), for no-repeat-n-gram: it maps each
 * (n-1)-token prefix to the positions of the tokens that followed it. Adding a position costs O(n);
 * looking up the current prefix costs O(n * matches). Entries are keyed by position in the history, so
 * the index reads prefixes back from the history itself instead of storing them.
 */
export class NgramIndex {
  /** Bucket -> last position added to it (-1 = empty). Power-of-two length. */
  private heads: Int32Array = new Int32Array(64).fill(-1);
  /** Position -> previous position in the same bucket (-1 = none). */
  private next: Int32Array = new Int32Array(64);
  /** Position -> hash of the prefix that precedes it. */
  private hashes: Int32Array = new Int32Array(64);
  private entries = 0;

  constructor(readonly n: number) {}

  /**
   * Indexes the n-gram that ends at `position` (`position >= n - 1`): the prefix
   * `tokens[position - n + 1 .. position)` followed by `tokens[position]`.
   */
  add(tokens: Int32Array, position: number): void {
    const hash = hashWindow(tokens, position - this.n + 1, this.n - 1);
    this.next = growInt32Keep(this.next, position + 1, this.next.length);
    this.hashes = growInt32Keep(this.hashes, position + 1, this.hashes.length);
    this.hashes[position] = hash;
    if (++this.entries * 2 > this.heads.length) this.rehash(position);
    const bucket = hash & (this.heads.length - 1);
    this.next[position] = this.heads[bucket]!;
    this.heads[bucket] = position;
  }

  /**
   * Sets to `-Infinity` the score of every token that followed the history's last n-1 tokens somewhere
   * earlier in `tokens[0 .. length)`; ids outside the row are skipped. All n-grams ending before `length`
   * must have been added.
   */
  banRepeats(tokens: Int32Array, length: number, logits: Float32Array): void {
    const width = this.n - 1;
    const start = length - width;
    if (start < 0) return;
    const hash = hashWindow(tokens, start, width);
    for (let position = this.heads[hash & (this.heads.length - 1)]!; position >= 0; ) {
      if (this.hashes[position] === hash && sameWindow(tokens, position - width, start, width)) {
        const token = tokens[position]!;
        if (token >= 0 && token < logits.length) logits[token] = Number.NEGATIVE_INFINITY;
      }
      position = this.next[position]!;
    }
  }

  /** Forgets every n-gram. */
  clear(): void {
    this.heads.fill(-1);
    this.entries = 0;
  }

  /** A deep copy. */
  clone(): NgramIndex {
    const copy = new NgramIndex(this.n);
    copy.heads = this.heads.slice();
    copy.next = this.next.slice();
    copy.hashes = this.hashes.slice();
    copy.entries = this.entries;
    return copy;
  }

  /** Doubles the bucket count and re-links positions n-1 .. last (all added so far, in order). */
  private rehash(last: number): void {
    const heads = new Int32Array(this.heads.length * 2).fill(-1);
    const mask = heads.length - 1;
    for (let position = this.n - 1; position < last; position++) {
      const bucket = this.hashes[position]! & mask;
      this.next[position] = heads[bucket]!;
      heads[bucket] = position;
    }
    this.heads = heads;
  }
}

function hashWindow(tokens: Int32Array, start: number, width: number): number {
  let h = 0x811c9dc5 ^ width;
  for (let i = start; i < start + width; i++) {
    h = Math.imul(h ^ tokens[i]!, 0x01000193);
    h ^= h >>> 15;
  }
  return h;
}

function sameWindow(tokens: Int32Array, a: number, b: number, width: number): boolean {
  for (let i = 0; i < width; i++) if (tokens[a + i] !== tokens[b + i]) return false;
  return true;
}
