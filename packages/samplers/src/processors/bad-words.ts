import { formatValue, InvalidOptionError } from '../errors.js';
import type { LogitsProcessor, ProcessContext } from '../types.js';
import { SequenceRules, SequenceState } from './sequence-rules.js';
import { isTokenId } from './validate.js';

const ALLOWED = 'a non-empty array of non-empty arrays of token ids (integers >= 0)';

/**
 * Bad words (HF `NoBadWordsLogitsProcessor`): a one-token entry is always banned (`-Infinity`); a longer
 * entry bans its last token when the row ends with the rest of it (and, as in HF, only once the row is
 * at least as long as the entry). As in HF, a one-token entry equal to an EOS id of the generation
 * (`ctx.eosTokenIds`) is ignored, so EOS can still end the text.
 *
 * Stateful and incremental: an Aho-Corasick automaton follows the row one token at a time. Ids outside
 * the row are ignored.
 *
 * @param ids - the banned sequences.
 * @throws {@link InvalidOptionError} if the list is empty or an entry is not a non-empty list of ids.
 *
 * @example
 * ```ts
 * badWordsIds([[3671], [314, 1842]]); // never token 3671; never 1842 right after 314
 * ```
 */
export function badWordsIds(ids: readonly (readonly number[])[]): LogitsProcessor {
  if (!Array.isArray(ids) || ids.length === 0) throw new InvalidOptionError('badWordsIds', ids, ALLOWED);
  ids.forEach((sequence: unknown, index) => {
    if (!Array.isArray(sequence) || sequence.length === 0 || !sequence.every(isTokenId)) {
      throw new InvalidOptionError(
        'badWordsIds',
        ids,
        ALLOWED,
        `entry [${index}] is ${formatValue(sequence)}`,
      );
    }
  });
  const rules = new SequenceRules(ids.map((sequence) => [[...sequence], Number.NEGATIVE_INFINITY] as const));
  return new BadWords(rules, new SequenceState(rules));
}

class BadWords implements LogitsProcessor {
  readonly name = 'badWordsIds';

  constructor(
    private readonly rules: SequenceRules,
    private readonly state: SequenceState,
  ) {}

  process(logits: Float32Array, ctx: ProcessContext): void {
    const rules = this.rules;
    const vocab = logits.length;
    const eos = ctx.eosTokenIds;
    for (let j = 0; j < rules.singleIds.length; j++) {
      const id = rules.singleIds[j]!;
      if (id < vocab && !eos.includes(id)) logits[id] = Number.NEGATIVE_INFINITY;
    }
    const matched = this.state.update(ctx);
    for (let j = 0; j < matched; j++) {
      const token = rules.lastToken[rules.matches[j]!]!;
      if (token < vocab) logits[token] = Number.NEGATIVE_INFINITY;
    }
  }

  reset(): void {
    this.state.reset();
  }

  clone(): BadWords {
    return new BadWords(this.rules, new SequenceState(this.rules).copyFrom(this.state));
  }
}
