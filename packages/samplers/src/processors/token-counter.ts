/**
 * Counts token ids in an open-addressing hash table plus a dense list of the distinct ids, so that a
 * penalty touches only the ids seen (not the vocabulary) and a clone copies O(distinct ids), not a
 * vocabulary-sized array.
 */
export class TokenCounter {
  /** Distinct ids in first-seen order; the first {@link TokenCounter.size} entries are valid. */
  ids: Int32Array = new Int32Array(16);
  /** `counts[j]` is the number of occurrences of `ids[j]`. */
  counts: Int32Array = new Int32Array(16);
  /** Number of distinct ids. */
  size = 0;
  /** Slot -> 1 + index into `ids` (0 = empty). Capacity is a power of two, at least twice `size`. */
  private slots: Int32Array = new Int32Array(32);

  /** Counts one occurrence of `id` (an integer >= 0). */
  add(id: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = hashId(id) & mask;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) break;
      if (this.ids[entry - 1] === id) {
        this.counts[entry - 1]!++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      this.ids = ids;
      const counts = new Int32Array(this.size * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.ids[this.size] = id;
    this.counts[this.size] = 1;
    slots[slot] = ++this.size;
    if (this.size * 2 > slots.length) this.rehash(slots.length * 2);
  }

  /** Forgets every id. */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  /** A deep copy. */
  clone(): TokenCounter {
    const copy = new TokenCounter();
    copy.ids = this.ids.slice();
    copy.counts = this.counts.slice();
    copy.slots = this.slots.slice();
    copy.size = this.size;
    return copy;
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let j = 0; j < this.size; j++) {
      let slot = hashId(this.ids[j]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = j + 1;
    }
    this.slots = slots;
  }
}

/** A 32-bit integer hash whose low bits depend on every bit of `id`. */
export function hashId(id: number): number {
  let h = Math.imul(id ^ (id >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}
