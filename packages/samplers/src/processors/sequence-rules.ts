import type { ProcessContext } from '../types.js';
import { HistoryCursor } from './history-cursor.js';
import { SequenceMatcher } from './sequence-matcher.js';

/**
 * Token sequences with a bias on their last token, split as HF's `SequenceBiasLogitsProcessor` does:
 * one-token sequences always apply; a longer sequence applies to its last token when the row ends with
 * the rest of it (and, as in HF, only when the whole sequence is no longer than the row).
 * Biases are float32, as HF's bias tensor; duplicate sequences keep their first position and last bias
 * (a Python dict built from the list).
 */
export class SequenceRules {
  readonly singleIds: Int32Array;
  readonly singleBiases: Float64Array;
  readonly singleBiasById: ReadonlyMap<number, number>;
  readonly matcher: SequenceMatcher;
  /** For multi-token sequence j (in dict order): last token, bias, full length. */
  readonly lastToken: Int32Array;
  readonly bias: Float64Array;
  readonly length: Int32Array;
  /** Scratch for the matches of one step. */
  readonly matches: Int32Array;

  constructor(entries: readonly (readonly [readonly number[], number])[]) {
    const byKey = new Map<string, { ids: readonly number[]; bias: number }>();
    for (const [ids, bias] of entries) {
      const key = ids.join(',');
      const existing = byKey.get(key);
      if (existing) existing.bias = bias;
      else byKey.set(key, { ids, bias });
    }
    const singles = [...byKey.values()].filter((entry) => entry.ids.length === 1);
    const multis = [...byKey.values()].filter((entry) => entry.ids.length > 1);
    this.singleIds = Int32Array.from(singles, (entry) => entry.ids[0]!);
    this.singleBiases = Float64Array.from(singles, (entry) => Math.fround(entry.bias));
    this.singleBiasById = new Map(singles.map((entry) => [entry.ids[0]!, Math.fround(entry.bias)]));
    this.matcher = new SequenceMatcher(multis.map((entry) => entry.ids.slice(0, -1)));
    this.lastToken = Int32Array.from(multis, (entry) => entry.ids[entry.ids.length - 1]!);
    this.bias = Float64Array.from(multis, (entry) => Math.fround(entry.bias));
    this.length = Int32Array.from(multis, (entry) => entry.ids.length);
    this.matches = new Int32Array(multis.length);
  }

  /** True if some sequence has more than one token (so a row's history matters). */
  get hasMultiTokenSequences(): boolean {
    return this.lastToken.length > 0;
  }
}

/** One row's matching state over a {@link SequenceRules}: the automaton node after its history. */
export class SequenceState {
  node = SequenceMatcher.ROOT;
  readonly cursor = new HistoryCursor();

  constructor(private readonly rules: SequenceRules) {}

  /**
   * Reads the tokens added since the last call and returns how many multi-token sequences end-match the
   * row now, written in increasing (dict) order to `rules.matches`.
   */
  update(ctx: ProcessContext): number {
    const { rules } = this;
    if (!rules.hasMultiTokenSequences) return 0;
    if (this.cursor.mustRebuild(ctx)) this.reset();
    const { tokens, length } = ctx;
    let node = this.node;
    for (let i = this.cursor.consumed; i < length; i++) node = rules.matcher.next(node, tokens[i]!);
    this.node = node;
    this.cursor.advance(ctx);
    const matches = rules.matches;
    const found = rules.matcher.collectMatches(node, matches);
    let count = 0;
    for (let j = 0; j < found; j++) {
      const sequence = matches[j]!;
      if (rules.length[sequence]! <= length) matches[count++] = sequence;
    }
    // Insertion sort: a handful of matches at most.
    for (let j = 1; j < count; j++) {
      const value = matches[j]!;
      let at = j - 1;
      for (; at >= 0 && matches[at]! > value; at--) matches[at + 1] = matches[at]!;
      matches[at + 1] = value;
    }
    return count;
  }

  reset(): void {
    this.node = SequenceMatcher.ROOT;
    this.cursor.reset();
  }

  copyFrom(other: SequenceState): this {
    this.node = other.node;
    this.cursor.copyFrom(other.cursor);
    return this;
  }
}
