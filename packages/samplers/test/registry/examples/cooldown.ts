import type { LogitsProcessor } from '../../../src/index.js';

/** Bans each of the last `steps` generated tokens: per-row state kept through `accept`. */
export class Cooldown implements LogitsProcessor {
  readonly name = 'cooldown';
  readonly steps: number;
  #recent: number[] = [];

  constructor(steps: number) {
    this.steps = steps;
  }

  process(logits: Float32Array): void {
    for (const token of this.#recent) logits[token] = Number.NEGATIVE_INFINITY;
  }

  accept(token: number): void {
    this.#recent.push(token);
    if (this.#recent.length > this.steps) this.#recent.shift();
  }

  reset(): void {
    this.#recent = [];
  }

  clone(): Cooldown {
    const copy = new Cooldown(this.steps);
    copy.#recent = [...this.#recent];
    return copy;
  }
}
