import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  badWordsIds,
  frequencyPenalty,
  type LogitsProcessor,
  noRepeatNgramSize,
  type ProcessContext,
  presencePenalty,
  repetitionPenalty,
  sequenceBias,
} from '../../src/index.js';

/**
 * Every stateful processor against a from-scratch oracle written from HF's definition: fed step by step
 * (one token at a time, in a reused and longer token buffer), after a clone, after a reset and when the
 * history shrinks or changes, its output equals the oracle's on the full history.
 */

const VOCAB = 8;
const NEG = Number.NEGATIVE_INFINITY;
type Oracle = (row: number[], tokens: number[], promptLength: number) => void;

const BAD_WORDS = [[5], [1, 2], [2, 2, 3], [0, 1, 2, 4], [7, 9]];
const BIASES: [number[], number][] = [
  [[3], 0.5],
  [[1, 3], 2],
  [[2, 1, 3], -1.25],
  [[4, 4], 3],
  [[6, 6, 6, 6], -2],
];

function endsWith(tokens: number[], suffix: number[]): boolean {
  if (suffix.length > tokens.length) return false;
  return suffix.every((t, i) => tokens[tokens.length - suffix.length + i] === t);
}

const cases: [string, () => LogitsProcessor, Oracle][] = [
  [
    'repetitionPenalty',
    () => repetitionPenalty(1.5),
    (row, tokens) => {
      for (const id of new Set(tokens)) {
        const x = row[id]!;
        row[id] = Math.fround(x < 0 ? x * 1.5 : x / 1.5);
      }
    },
  ],
  ...[1, 2, 3, 4].map((n): [string, () => LogitsProcessor, Oracle] => [
    `noRepeatNgramSize(${n})`,
    () => noRepeatNgramSize(n),
    (row, tokens) => {
      if (tokens.length < n) return;
      const prefix = tokens.slice(tokens.length - n + 1);
      for (let start = 0; start + n <= tokens.length; start++) {
        if (prefix.every((t, i) => tokens[start + i] === t)) row[tokens[start + n - 1]!] = NEG;
      }
    },
  ]),
  [
    'badWordsIds',
    () => badWordsIds(BAD_WORDS),
    (row, tokens) => {
      for (const word of BAD_WORDS) {
        const last = word[word.length - 1]!;
        if (last >= VOCAB) continue;
        if (word.length === 1 || (word.length <= tokens.length && endsWith(tokens, word.slice(0, -1)))) {
          row[last] = NEG;
        }
      }
    },
  ],
  [
    'sequenceBias',
    () => sequenceBias(BIASES),
    (row, tokens) => {
      const bias = new Map<number, number>();
      for (const [ids, b] of BIASES) if (ids.length === 1) bias.set(ids[0]!, Math.fround(b));
      for (const [ids, b] of BIASES) {
        if (ids.length > 1 && ids.length <= tokens.length && endsWith(tokens, ids.slice(0, -1))) {
          const last = ids[ids.length - 1]!;
          bias.set(last, Math.fround((bias.get(last) ?? 0) + Math.fround(b)));
        }
      }
      for (const [id, b] of bias) row[id] = Math.fround(row[id]! + b);
    },
  ],
  [
    'frequencyPenalty',
    () => frequencyPenalty(0.25),
    (row, tokens, promptLength) => {
      for (const id of tokens.slice(promptLength)) row[id] = row[id]! - 0.25;
    },
  ],
  [
    'presencePenalty',
    () => presencePenalty(0.75),
    (row, tokens, promptLength) => {
      for (const id of new Set(tokens.slice(promptLength))) row[id] = Math.fround(row[id]! - 0.75);
    },
  ],
];

const scores = Array.from({ length: VOCAB }, (_, i) => Math.fround(Math.sin(i + 1) * 3));

/** A context whose token buffer is longer than the history and filled with junk past `length`. */
function contextOf(tokens: number[], promptLength: number): ProcessContext {
  const buffer = new Int32Array(tokens.length + 5).fill(3);
  buffer.set(tokens);
  return { tokens: buffer, length: tokens.length, promptLength, row: 0, eosTokenIds: [] };
}

function apply(processor: LogitsProcessor, tokens: number[], promptLength: number): number[] {
  const row = Float32Array.from(scores);
  processor.process(row, contextOf(tokens, Math.min(promptLength, tokens.length)));
  return Array.from(row);
}

function expected(oracle: Oracle, tokens: number[], promptLength: number): number[] {
  const row = [...scores];
  oracle(row, tokens, Math.min(promptLength, tokens.length));
  return Array.from(Float32Array.from(row));
}

const history = fc.array(fc.integer({ min: 0, max: VOCAB - 1 }), { minLength: 0, maxLength: 40 });

describe.each(cases)('%s keeps incremental state', (_, make, oracle) => {
  it('step by step equals the oracle on the whole history', () => {
    fc.assert(
      fc.property(history, fc.nat(10), (tokens, promptLength) => {
        const processor = make();
        for (let length = Math.min(promptLength, tokens.length); length <= tokens.length; length++) {
          const prefix = tokens.slice(0, length);
          expect(apply(processor, prefix, promptLength)).toEqual(expected(oracle, prefix, promptLength));
        }
      }),
    );
  });

  it('clones are independent deep copies', () => {
    fc.assert(
      fc.property(history, history, history, (common, left, right) => {
        const parent = make();
        apply(parent, common, 0);
        const child = parent.clone!();
        for (let i = 1; i <= Math.max(left.length, right.length); i++) {
          const a = [...common, ...left.slice(0, i)];
          const b = [...common, ...right.slice(0, i)];
          expect(apply(parent, a, 0)).toEqual(expected(oracle, a, 0));
          expect(apply(child, b, 0)).toEqual(expected(oracle, b, 0));
        }
      }),
    );
  });

  it('rebuilds when the history shrinks or its ingested first or last token changed, and after reset', () => {
    // A history replaced by another one of at least the same length with the same first and last
    // ingested tokens is not detected (that would need a rescan): the decode loop calls reset() first.
    fc.assert(
      fc.property(history, history, fc.nat(40), (first, second, cut) => {
        const processor = make();
        apply(processor, first, 0);
        const shorter = first.slice(0, Math.min(cut, first.length));
        expect(apply(processor, shorter, 0)).toEqual(expected(oracle, shorter, 0));
        apply(processor, first, 0);
        const lastChanged =
          first.length > 0 ? [...first.slice(0, -1), (first.at(-1)! + 1) % VOCAB, ...second] : second;
        expect(apply(processor, lastChanged, 0)).toEqual(expected(oracle, lastChanged, 0));
        const firstChanged =
          first.length > 1 ? [(first[0]! + 1) % VOCAB, ...first.slice(1), ...second] : second;
        apply(processor, first, 0);
        expect(apply(processor, firstChanged, 0)).toEqual(expected(oracle, firstChanged, 0));
        processor.reset!();
        expect(apply(processor, second, 0)).toEqual(expected(oracle, second, 0));
      }),
    );
  });
});
