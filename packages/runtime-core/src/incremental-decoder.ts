/** Turns a token-id list into text. */
export type DecodeFunction = (ids: readonly number[]) => string;

const REPLACEMENT = '\uFFFD';

/**
 * Decodes a growing token sequence into text deltas, UTF-8 correct: a character whose bytes are split
 * across tokens (emoji, CJK) is held back until its last byte arrives, so U+FFFD never shows mid-stream.
 *
 * It decodes only a short window: the tokens since the last emitted delta plus the ones before them that
 * produced the previous delta (the prefix gives tokenizers that change a token's text by its left
 * neighbour the context they need). A delta is emitted once the window's text grew and does not end in
 * U+FFFD. {@link flush} emits whatever is held at the end, so the concatenated deltas always equal
 * `decode(allTokens)` for byte-level BPE.
 */
export class IncrementalDecoder {
  readonly #decode: DecodeFunction;
  readonly #tokens: number[] = [];
  #prefixStart = 0;
  #readStart = 0;
  #text = '';

  constructor(decode: DecodeFunction) {
    this.#decode = decode;
  }

  /** All text emitted so far. */
  get text(): string {
    return this.#text;
  }

  /** Number of tokens pushed. */
  get length(): number {
    return this.#tokens.length;
  }

  /** Adds one token; returns the new text it completes (often `""` while a character is incomplete). */
  push(token: number): string {
    this.#tokens.push(token);
    const prefix = this.#decodeRange(this.#prefixStart, this.#readStart);
    const full = this.#decodeRange(this.#prefixStart, this.#tokens.length);
    if (full.length <= prefix.length || full.endsWith(REPLACEMENT) || !full.startsWith(prefix)) return '';
    const delta = full.slice(prefix.length);
    this.#prefixStart = this.#readStart;
    this.#readStart = this.#tokens.length;
    this.#text += delta;
    return delta;
  }

  /** Emits the text still held back (an incomplete character becomes U+FFFD, as `decode` shows it). */
  flush(): string {
    if (this.#readStart === this.#tokens.length) return '';
    const prefix = this.#decodeRange(this.#prefixStart, this.#readStart);
    const full = this.#decodeRange(this.#prefixStart, this.#tokens.length);
    const delta = full.startsWith(prefix) ? full.slice(prefix.length) : full;
    this.#prefixStart = this.#readStart;
    this.#readStart = this.#tokens.length;
    this.#text += delta;
    return delta;
  }

  #decodeRange(start: number, end: number): string {
    return start === end ? '' : this.#decode(this.#tokens.slice(start, end));
  }
}
