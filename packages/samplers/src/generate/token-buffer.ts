/**
 * One row's token history: prompt followed by generated tokens, in a growable `Int32Array` (capacity
 * doubles when full, so appending is amortised O(1) and nothing is re-copied per step). Only the first
 * `length` entries of `data` are valid; `data` itself is what processors see as `ctx.tokens`.
 */
export class TokenBuffer {
  /** Backing storage; may be replaced when it grows. */
  data: Int32Array;
  /** Number of valid tokens. */
  length: number;
  /** Number of prompt tokens at the start. */
  readonly promptLength: number;

  constructor(prompt: ArrayLike<number>, capacity = prompt.length + 16) {
    this.data = new Int32Array(Math.max(capacity, prompt.length, 1));
    for (let i = 0; i < prompt.length; i++) this.data[i] = prompt[i]!;
    this.length = prompt.length;
    this.promptLength = prompt.length;
  }

  /** Appends one token, doubling the capacity when full. */
  push(token: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = token;
  }

  /** Number of generated tokens. */
  get generatedLength(): number {
    return this.length - this.promptLength;
  }

  /** An independent copy with the same capacity. */
  clone(): TokenBuffer {
    const copy = Object.create(TokenBuffer.prototype) as TokenBuffer;
    copy.data = this.data.slice();
    copy.length = this.length;
    (copy as { promptLength: number }).promptLength = this.promptLength;
    return copy;
  }

  /** The generated tokens as a fresh array. */
  generated(): number[] {
    return Array.from(this.data.subarray(this.promptLength, this.length));
  }

  /** All valid tokens as a fresh array. */
  toArray(): number[] {
    return Array.from(this.data.subarray(0, this.length));
  }
}
