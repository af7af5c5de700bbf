import {
  NoCandidateError,
  type OptionSpec,
  resolveOptionValues,
  type SelectContext,
  type TokenSelector,
} from '@nucleus/samplers';

/** The options of {@link mirostatV2}, as specs: the registry, the CLI and UIs read them. */
export const mirostatV2OptionSpecs = [
  {
    name: 'tau',
    type: 'number',
    min: 0,
    default: 5,
    help: 'Target surprise in bits (-log2 p) per token: lower is more focused, higher more diverse.',
  },
  {
    name: 'eta',
    type: 'number',
    min: 0,
    default: 0.1,
    help: 'Learning rate of the surprise threshold mu (0 = a fixed threshold of 2 * tau).',
  },
] as const satisfies readonly OptionSpec[];

/** Options of {@link mirostatV2} (defaults as llama.cpp: tau 5, eta 0.1). */
export interface MirostatV2Options {
  /** Target surprise in bits, >= 0. Default 5. */
  readonly tau?: number;
  /** Learning rate, >= 0. Default 0.1. */
  readonly eta?: number;
}

/**
 * Mirostat 2.0 (Basu et al., 2021; llama.cpp `llama_sampler_init_mirostat_v2`): a token selector that
 * steers the surprise of the generated text towards `tau` bits per token. At each step it keeps the
 * tokens whose surprise `-log2 p` is at most `mu` (at least the most likely one), draws one from their
 * renormalised probabilities with the generation's random source, and after `accept` updates
 * `mu -= eta * (observed surprise - tau)`, where the observed surprise is that of the chosen token under
 * the renormalised probabilities (as llama.cpp computes it). `mu` starts at `2 * tau`.
 *
 * One instance per row: `accept` must follow each `select` of that row; `reset` restores `mu = 2 * tau`;
 * `clone` copies `mu`. A token passed to `accept` other than the one just selected (the decode loop
 * forced another) leaves `mu` unchanged. Probabilities are computed in float64 (llama.cpp: float32), so a
 * token within rounding of the cut may fall either way.
 */
export class MirostatV2Selector implements TokenSelector {
  readonly name = 'mirostatV2';
  readonly tau: number;
  readonly eta: number;
  #mu: number;
  #pendingToken = -1;
  #pendingSurprise = 0;
  #weights = new Float64Array(0);

  constructor(options: MirostatV2Options = {}) {
    const resolved = resolveOptionValues('mirostatV2', mirostatV2OptionSpecs, { ...options });
    this.tau = resolved.tau;
    this.eta = resolved.eta;
    this.#mu = 2 * this.tau;
  }

  /** The current surprise threshold in bits. */
  get mu(): number {
    return this.#mu;
  }

  /** Truncates at surprise `mu`, draws from the rest with `ctx.random`, and remembers the surprise. */
  select(logits: Float32Array, ctx: SelectContext): number {
    let max = Number.NEGATIVE_INFINITY;
    let best = -1;
    for (let i = 0; i < logits.length; i++) {
      const value = logits[i]!;
      if (value > max) {
        max = value;
        best = i;
      }
    }
    if (best < 0) throw new NoCandidateError();

    if (this.#weights.length < logits.length) this.#weights = new Float64Array(logits.length);
    const weights = this.#weights;
    const infinite = max === Number.POSITIVE_INFINITY;
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      const value = logits[i]!;
      let weight = 0;
      if (infinite) weight = value === max ? 1 : 0;
      else if (value > Number.NEGATIVE_INFINITY) weight = Math.exp(value - max);
      weights[i] = weight;
      total += weight;
    }

    // -log2(weight / total) <= mu  <=>  weight >= total * 2^-mu
    const cut = total * 2 ** -this.#mu;
    let keptTotal = 0;
    for (let i = 0; i < logits.length; i++) {
      const weight = weights[i]!;
      if (weight > 0 && weight >= cut) keptTotal += weight;
    }

    let chosen = best;
    let chosenWeight = weights[best]!;
    if (keptTotal === 0) {
      keptTotal = chosenWeight; // nothing within mu: keep the most likely token alone
    } else {
      const target = ctx.random.next() * keptTotal;
      let cumulative = 0;
      for (let i = 0; i < logits.length; i++) {
        const weight = weights[i]!;
        if (weight <= 0 || weight < cut) continue;
        cumulative += weight;
        chosen = i;
        chosenWeight = weight;
        if (cumulative > target) break;
      }
    }
    this.#pendingToken = chosen;
    this.#pendingSurprise = -Math.log2(chosenWeight / keptTotal);
    return chosen;
  }

  /** Updates `mu` with the surprise of `token` if it is the token this selector just chose. */
  accept(token: number): void {
    if (token === this.#pendingToken) this.#mu -= this.eta * (this.#pendingSurprise - this.tau);
    this.#pendingToken = -1;
  }

  /** Back to `mu = 2 * tau`. */
  reset(): void {
    this.#mu = 2 * this.tau;
    this.#pendingToken = -1;
  }

  /** An independent copy in the same state (`mu` and a selection awaiting `accept`). */
  clone(): MirostatV2Selector {
    const copy = new MirostatV2Selector({ tau: this.tau, eta: this.eta });
    copy.#mu = this.#mu;
    copy.#pendingToken = this.#pendingToken;
    copy.#pendingSurprise = this.#pendingSurprise;
    return copy;
  }
}

/**
 * Creates a {@link MirostatV2Selector}. Options are validated like registry options.
 *
 * @throws {InvalidOptionError} naming `mirostatV2.<option>`, the value and the allowed range.
 * @example
 * ```ts
 * const selector = mirostatV2({ tau: 5, eta: 0.1 });
 * ```
 */
export function mirostatV2(options: MirostatV2Options = {}): MirostatV2Selector {
  return new MirostatV2Selector(options);
}
