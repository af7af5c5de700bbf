import { formatValue, InvalidOptionError } from '../errors.js';
import type { LogitsProcessor, ProcessContext } from '../types.js';
import { SequenceRules, SequenceState } from './sequence-rules.js';
import { isTokenId } from './validate.js';

const ALLOWED =
  'a non-empty array of [tokenIds, bias] pairs (tokenIds a non-empty array of integers >= 0, bias a finite number or -Infinity)';

/**
 * Sequence bias (HF `SequenceBiasLogitsProcessor`): adds `bias` to the score of a sequence's last token.
 * A one-token sequence always applies; a longer one applies when the row ends with all but its last token
 * (and, as in HF, only once the row is at least as long as the whole sequence). Biases of sequences that
 * end in the same token add up; all in float32, in HF's order, so scores match HF bit for bit.
 *
 * Stateful and incremental: an Aho-Corasick automaton follows the row, one step per new token, whatever
 * the number or length of the sequences. Unlike HF, token 0 is allowed and ids outside the row are
 * ignored instead of raising.
 *
 * @param bias - `[[tokenIds, bias], ...]`.
 * @throws {@link InvalidOptionError} if the list is empty or an entry is ill-formed.
 *
 * @example
 * ```ts
 * // discourage " Trump" after " Donald", always encourage token 13
 * sequenceBias([[[3759, 1301], -10], [[13], 2]]);
 * ```
 */
export function sequenceBias(bias: ReadonlyArray<readonly [readonly number[], number]>): LogitsProcessor {
  const entries = readSequenceBias(bias);
  const rules = new SequenceRules(entries);
  return new SequenceBias(rules, new SequenceState(rules));
}

class SequenceBias implements LogitsProcessor {
  readonly name = 'sequenceBias';
  private touchedIds = new Int32Array(0);
  private touchedBias = new Float64Array(0);

  constructor(
    private readonly rules: SequenceRules,
    private readonly state: SequenceState,
  ) {}

  process(logits: Float32Array, ctx: ProcessContext): void {
    const rules = this.rules;
    const matched = this.state.update(ctx);
    const vocab = logits.length;
    let touched = 0;
    if (matched > 0) {
      if (this.touchedIds.length < matched) {
        this.touchedIds = new Int32Array(matched);
        this.touchedBias = new Float64Array(matched);
      }
      // HF: bias = one-token biases, then += each matching sequence's bias in dict order, in float32.
      for (let j = 0; j < matched; j++) {
        const sequence = rules.matches[j]!;
        const token = rules.lastToken[sequence]!;
        if (token >= vocab) continue;
        let slot = 0;
        while (slot < touched && this.touchedIds[slot] !== token) slot++;
        if (slot === touched) {
          this.touchedIds[touched] = token;
          this.touchedBias[touched++] = rules.singleBiasById.get(token) ?? 0;
        }
        this.touchedBias[slot] = Math.fround(this.touchedBias[slot]! + rules.bias[sequence]!);
      }
    }
    const { singleIds, singleBiases } = rules;
    for (let j = 0; j < singleIds.length; j++) {
      const id = singleIds[j]!;
      if (id >= vocab || isTouched(this.touchedIds, touched, id)) continue;
      logits[id] = logits[id]! + singleBiases[j]!;
    }
    for (let slot = 0; slot < touched; slot++) {
      const id = this.touchedIds[slot]!;
      logits[id] = logits[id]! + this.touchedBias[slot]!;
    }
  }

  reset(): void {
    this.state.reset();
  }

  clone(): SequenceBias {
    return new SequenceBias(this.rules, new SequenceState(this.rules).copyFrom(this.state));
  }
}

function isTouched(ids: Int32Array, count: number, id: number): boolean {
  for (let slot = 0; slot < count; slot++) if (ids[slot] === id) return true;
  return false;
}

function readSequenceBias(bias: unknown): [number[], number][] {
  if (!Array.isArray(bias) || bias.length === 0) throw new InvalidOptionError('sequenceBias', bias, ALLOWED);
  return bias.map((entry: unknown, index) => {
    const fail = (why: string) =>
      new InvalidOptionError('sequenceBias', bias, ALLOWED, `entry [${index}] ${why}`);
    if (!Array.isArray(entry) || entry.length !== 2)
      throw fail(`is ${formatValue(entry)}, not a [tokenIds, bias] pair`);
    const [ids, value] = entry as [unknown, unknown];
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every(isTokenId)) {
      throw fail(`has token ids ${formatValue(ids)}`);
    }
    if (typeof value !== 'number' || Number.isNaN(value) || value === Number.POSITIVE_INFINITY) {
      throw fail(`has bias ${formatValue(value)}`);
    }
    return [[...(ids as number[])], value];
  });
}
