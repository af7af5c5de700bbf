import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncrementalDecoder } from '../../src/index.js';

/**
 * A toy byte-level tokenizer: token i stands for a fixed byte string and decoding is UTF-8 with
 * replacement over the concatenated bytes, which is exactly what GPT-2's ByteLevel decoder does.
 */
function byteTokenizer(vocabulary: readonly Uint8Array[]) {
  const decoder = new TextDecoder('utf-8');
  return (ids: readonly number[]) => {
    const parts = ids.map((id) => vocabulary[id]!);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return decoder.decode(bytes);
  };
}

const utf8 = (text: string) => new TextEncoder().encode(text);
// "🤗" is F0 9F A4 97; "é" is C3 A9; "中" is E4 B8 AD.
const vocabulary = [
  utf8('Hello'),
  utf8(' world'),
  Uint8Array.of(0xf0, 0x9f), // first half of 🤗
  Uint8Array.of(0xa4, 0x97), // second half of 🤗
  Uint8Array.of(0xc3), // first byte of é
  Uint8Array.of(0xa9, 0x21), // rest of é, then "!"
  Uint8Array.of(0xe4), // 中, one byte per token
  Uint8Array.of(0xb8),
  Uint8Array.of(0xad),
  Uint8Array.of(0xff), // never valid UTF-8
  Uint8Array.of(0x80), // a lone continuation byte
];
const decode = byteTokenizer(vocabulary);

function stream(ids: readonly number[]): { deltas: string[]; flushed: string } {
  const incremental = new IncrementalDecoder(decode);
  const deltas = ids.map((id) => incremental.push(id));
  return { deltas, flushed: incremental.flush() };
}

describe('IncrementalDecoder', () => {
  it('holds a character split across tokens until its last byte arrives', () => {
    const { deltas, flushed } = stream([0, 2, 3, 1]);
    expect(deltas).toEqual(['Hello', '', '🤗', ' world']);
    expect(flushed).toBe('');
  });

  it('handles a three-byte character fed one byte per token', () => {
    expect(stream([6, 7, 8]).deltas).toEqual(['', '', '中']);
  });

  it('emits a character and the text after it in one delta when they share a token', () => {
    expect(stream([0, 4, 5]).deltas).toEqual(['Hello', '', 'é!']);
  });

  it('shows invalid bytes as U+FFFD once the text goes on, like decode does', () => {
    const { deltas, flushed } = stream([0, 9, 1]);
    expect(deltas.join('') + flushed).toBe('Hello\uFFFD world');
    expect(deltas[1]).toBe('');
  });

  it('flush emits a trailing incomplete character as U+FFFD', () => {
    const { deltas, flushed } = stream([0, 2]);
    expect(deltas).toEqual(['Hello', '']);
    expect(flushed).toBe('\uFFFD');
  });

  it('property: deltas + flush concatenate to decode(all tokens), and never contain U+FFFD when the bytes are valid UTF-8', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: vocabulary.length - 1 }), { maxLength: 40 }), (ids) => {
        const incremental = new IncrementalDecoder(decode);
        const deltas = ids.map((id) => incremental.push(id));
        const text = deltas.join('') + incremental.flush();
        expect(text).toBe(decode(ids));
        expect(incremental.text).toBe(text);
        if (!decode(ids).includes('\uFFFD')) {
          for (const delta of deltas) expect(delta).not.toContain('\uFFFD');
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
