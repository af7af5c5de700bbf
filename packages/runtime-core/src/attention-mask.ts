/**
 * The attention mask of a KV-cached batch, `[rows x width]` int64, grown by a few columns per step.
 *
 * While no row has a masked position (one prompt, beams of one prompt, equal-length prompts) the mask is a
 * view of a buffer of ones: nothing is written per step. Once a row has padding, the mask lives in a
 * double buffer and each step copies the rows into the wider layout with native `set` (O(rows x width)
 * bytes, tiny next to the KV cache the model reads in the same step).
 */
export class AttentionMask {
  #rows = 0;
  #width = 0;
  #allOnes = true;
  #ones = new BigInt64Array(0);
  #data = new BigInt64Array(0);
  #spare = new BigInt64Array(0);

  /** Number of rows. */
  get rows(): number {
    return this.#rows;
  }

  /** Number of columns (past + current positions). */
  get width(): number {
    return this.#width;
  }

  /** Whether every entry is 1. */
  get allOnes(): boolean {
    return this.#allOnes;
  }

  /**
   * Appends `columns` columns. Row r gets `columns - lengths[r]` zeros (left padding inside the chunk)
   * followed by `lengths[r]` ones. On an empty mask this also sets the number of rows.
   */
  append(lengths: ArrayLike<number>, columns: number): void {
    const rows = lengths.length;
    if (this.#width === 0) this.#rows = rows;
    let padded = false;
    for (let r = 0; r < rows; r++) if (lengths[r]! < columns) padded = true;
    const width = this.#width;
    const next = width + columns;
    const size = rows * next;
    if (this.#allOnes && !padded) {
      this.#width = next;
      this.#ensureOnes(size);
      return;
    }
    const target = this.#ensureSpare(size);
    for (let r = 0; r < rows; r++) {
      const row = r * next;
      if (this.#allOnes) target.fill(1n, row, row + width);
      else target.set(this.#data.subarray(r * width, (r + 1) * width), row);
      const pad = columns - lengths[r]!;
      target.fill(0n, row + width, row + width + pad);
      target.fill(1n, row + width + pad, row + next);
    }
    this.#swap();
    this.#width = next;
    this.#allOnes = false;
  }

  /** The current mask, row-major `[rows x width]`; valid until the next change. */
  view(): BigInt64Array {
    const size = this.#rows * this.#width;
    return (this.#allOnes ? this.#ones : this.#data).subarray(0, size);
  }

  /** Whether position `column` of `row` is attended to. */
  isAttended(row: number, column: number): boolean {
    return this.#allOnes || this.#data[row * this.#width + column] === 1n;
  }

  /** New row i becomes old row `rows[i]`. */
  selectRows(rows: readonly number[]): void {
    const width = this.#width;
    if (!this.#allOnes) {
      const size = rows.length * width;
      const target = this.#ensureSpare(size);
      for (let i = 0; i < rows.length; i++) {
        const source = rows[i]! * width;
        target.set(this.#data.subarray(source, source + width), i * width);
      }
      this.#swap();
      this.#allOnes = !this.#data.subarray(0, size).includes(0n);
    }
    if (this.#allOnes) this.#ensureOnes(rows.length * width);
    this.#rows = rows.length;
  }

  #ensureOnes(size: number): void {
    if (this.#ones.length < size) this.#ones = new BigInt64Array(grow(this.#ones.length, size)).fill(1n);
  }

  #ensureSpare(size: number): BigInt64Array {
    if (this.#spare.length < size) this.#spare = new BigInt64Array(grow(this.#spare.length, size));
    return this.#spare;
  }

  #swap(): void {
    const data = this.#data;
    this.#data = this.#spare;
    this.#spare = data;
  }
}

function grow(current: number, needed: number): number {
  return Math.max(needed, current * 2, 64);
}
