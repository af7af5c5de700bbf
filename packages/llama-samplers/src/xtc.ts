import {
  type LogitsProcessor,
  type OptionSpec,
  type ProcessContext,
  randomSeed,
  resolveOptionValues,
} from '@nucleus/samplers';
import { SplitMix64 } from './splitmix64.js';

/** The options of {@link xtc}, as specs: the registry, the CLI and UIs read them. */
export const xtcOptionSpecs = [
  {
    name: 'probability',
    type: 'number',
    min: 0,
    max: 1,
    default: 0,
    neutral: 0,
    help: 'Chance, drawn at each step, that XTC acts (0 = never, 1 = at every step).',
  },
  {
    name: 'threshold',
    type: 'number',
    min: 0,
    max: 1,
    minExclusive: true,
    default: 0.1,
    help: 'Tokens with at least this probability are top choices; all but the least likely of them are removed. Above 0.5 XTC never acts.',
  },
  {
    name: 'minKeep',
    type: 'integer',
    min: 1,
    default: 1,
    help: 'XTC does not act when fewer than this many tokens would remain.',
  },
  {
    name: 'seed',
    type: 'integer',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    help: "Seed of XTC's own coin; omitted: the generation's seeded random source (a fresh seed when called alone).",
  },
] as const satisfies readonly OptionSpec[];

/** Options of {@link xtc}; every one is optional (defaults: probability 0, threshold 0.1, minKeep 1). */
export interface XtcOptions {
  /** Chance in [0, 1] that XTC acts at a step. Default 0 (off), as in llama.cpp. */
  readonly probability?: number;
  /** Probability in (0, 1] from which a token is a "top choice". Default 0.1. Above 0.5 XTC never acts. */
  readonly threshold?: number;
  /** Act only if at least this many tokens remain. Default 1. */
  readonly minKeep?: number;
  /**
   * Seed of XTC's own coin. Default: the coin is drawn from the generation's random source (`ctx.random`,
   * seeded by `GenerationConfig.seed`), or, called outside `generate()`, from a fresh seed (see
   * {@link XtcProcessor.seed}).
   */
  readonly seed?: number;
}

/**
 * XTC, "exclude top choices" (llama.cpp `llama_sampler_init_xtc`): with chance `probability` per step it
 * removes every token whose probability is at least `threshold` except the least likely of them, so the
 * model avoids its most predictable continuations while staying coherent. It only acts when at least two
 * tokens reach the threshold and at least `minKeep` tokens remain.
 *
 * The coin comes from the generation's random source (`ctx.random`), so `GenerationConfig.seed` replays a
 * run. With an explicit `seed` option, or when called outside `generate()`, XTC flips its own seeded
 * generator instead; clones copy that generator's state (like llama.cpp) and `reset()` restarts it.
 */
export class XtcProcessor implements LogitsProcessor {
  readonly name = 'xtc';
  readonly probability: number;
  readonly threshold: number;
  readonly minKeep: number;
  /** The seed of the coin flips (given or drawn), to replay a run. */
  readonly seed: number;
  #random: SplitMix64;
  #ownCoin: boolean;
  readonly #topChoices: number[] = [];

  constructor(options: XtcOptions = {}) {
    const resolved = resolveOptionValues('xtc', xtcOptionSpecs, { ...options });
    this.probability = resolved.probability;
    this.threshold = resolved.threshold;
    this.minKeep = resolved.minKeep;
    this.#ownCoin = resolved.seed !== undefined;
    this.seed = resolved.seed ?? randomSeed();
    this.#random = new SplitMix64(this.seed);
  }

  /** Flips the coin and, if it says so, removes the top choices but the least likely one, in place. */
  process(logits: Float32Array, ctx?: ProcessContext): void {
    if (this.probability <= 0 || this.threshold > 0.5) return;
    let max = Number.NEGATIVE_INFINITY;
    let candidates = 0;
    for (let i = 0; i < logits.length; i++) {
      const value = logits[i]!;
      if (value > Number.NEGATIVE_INFINITY) {
        candidates++;
        if (value > max) max = value;
      }
    }
    if (candidates < 2) return;
    const coin = this.#ownCoin ? this.#random : (ctx?.random ?? this.#random);
    if (coin.next() > this.probability) return;

    const top = this.#topChoices;
    top.length = 0;
    if (max === Number.POSITIVE_INFINITY) {
      // The +Infinity tokens share all the mass equally.
      for (let i = 0; i < logits.length; i++) if (logits[i] === max) top.push(i);
      if (1 / top.length < this.threshold) top.length = 0;
    } else {
      let total = 0;
      for (let i = 0; i < logits.length; i++) {
        const value = logits[i]!;
        if (value > Number.NEGATIVE_INFINITY) total += Math.exp(value - max);
      }
      // p >= threshold  <=>  logit >= max + log(threshold * total)
      const cut = max + Math.log(this.threshold * total);
      for (let i = 0; i < logits.length; i++) if (logits[i]! >= cut) top.push(i);
    }
    if (top.length < 2 || candidates - (top.length - 1) < this.minKeep) return;

    let kept = top[0]!;
    for (const index of top) if (logits[index]! < logits[kept]!) kept = index;
    for (const index of top) if (index !== kept) logits[index] = Number.NEGATIVE_INFINITY;
  }

  /** Restarts the coin flips from the seed. */
  reset(): void {
    this.#random = new SplitMix64(this.seed);
  }

  /** A copy with the same options and the coin generator in the same state. */
  clone(): XtcProcessor {
    const copy = new XtcProcessor({
      probability: this.probability,
      threshold: this.threshold,
      minKeep: this.minKeep,
      seed: this.seed,
    });
    copy.#random = this.#random.clone();
    copy.#ownCoin = this.#ownCoin;
    return copy;
  }
}

/**
 * Creates an {@link XtcProcessor}. Options are validated like registry options.
 *
 * @throws {InvalidOptionError} naming `xtc.<option>`, the value and the allowed range.
 * @example
 * ```ts
 * const exclude = xtc({ probability: 0.5, threshold: 0.1, seed: 42 });
 * ```
 */
export function xtc(options: XtcOptions = {}): XtcProcessor {
  return new XtcProcessor(options);
}
