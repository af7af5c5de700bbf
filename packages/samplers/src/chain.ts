/**
 * Processor chains: several logits processors run in order, packaged as one processor (llama.cpp's
 * sampler chain). A chain is itself a {@link LogitsProcessor}, so chains nest.
 *
 * @packageDocumentation
 */
import { ConfigError, InvalidOptionError } from './errors.js';
import type { LogitsProcessor, ProcessContext } from './types.js';

/**
 * Called by a traced chain after each member has processed the row: `logits` is the row as that member
 * left it (the live buffer: read it, don't keep or change it).
 */
export type ChainStageObserver = (
  member: LogitsProcessor,
  index: number,
  logits: Float32Array,
  ctx: ProcessContext,
) => void;

/** Options of {@link ProcessorChain}. */
export interface ProcessorChainOptions {
  /** A fixed name. Without it the name is `chain(a,b,c)` from the members' names, kept up to date. */
  readonly name?: string;
  /**
   * Observes the row after every member (tracing). Shared by the chain's clones; `ctx.row` tells rows
   * apart. When absent the chain pays nothing for it.
   */
  readonly onStage?: ChainStageObserver;
}

/**
 * Runs its member processors in order on one row. `accept` and `reset` are forwarded to every member
 * that has them; `clone` clones every member that has `clone` and shares the others (a processor without
 * `clone` is stateless by contract).
 *
 * @example
 * ```ts
 * const warpers = new ProcessorChain([temperature(0.7), topP(0.9)], { name: 'warpers' });
 * warpers.add(minP(0.05));
 * ```
 */
export class ProcessorChain implements LogitsProcessor {
  readonly #members: LogitsProcessor[] = [];
  #view: readonly LogitsProcessor[] = Object.freeze([]);
  readonly #fixedName: string | undefined;
  readonly #onStage: ChainStageObserver | undefined;

  constructor(members: readonly LogitsProcessor[] = [], options: ProcessorChainOptions = {}) {
    if (!Array.isArray(members)) {
      throw new InvalidOptionError('chain.members', members, 'an array of logits processors');
    }
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new InvalidOptionError('chain.name', options.name, 'a non-empty string');
    }
    if (options.onStage !== undefined && typeof options.onStage !== 'function') {
      throw new InvalidOptionError('chain.onStage', options.onStage, 'a function');
    }
    this.#fixedName = options.name;
    this.#onStage = options.onStage;
    for (const member of members) this.add(member);
  }

  /** The given name, or `chain(a,b,c)` from the members' names. */
  get name(): string {
    return this.#fixedName ?? `chain(${this.#members.map((member) => member.name).join(',')})`;
  }

  /** The members in the order they run (a frozen snapshot; change the chain with `add` / `remove`). */
  get members(): readonly LogitsProcessor[] {
    return this.#view;
  }

  /** Number of members. */
  get size(): number {
    return this.#members.length;
  }

  /** The member at `index`, or `undefined` when out of range. */
  get(index: number): LogitsProcessor | undefined {
    return Number.isInteger(index) && index >= 0 ? this.#members[index] : undefined;
  }

  /**
   * Appends a processor (it runs after the current members) and returns the chain.
   * @throws {InvalidOptionError} when `processor` is not a logits processor.
   * @throws {ConfigError} when adding it would make the chain contain itself.
   */
  add(processor: LogitsProcessor): this {
    assertProcessor(processor, `chain.members[${this.#members.length}]`);
    if (processor === this || (processor instanceof ProcessorChain && processor.#contains(this))) {
      throw new ConfigError(`cannot add ${processor.name} to ${this.name}: a chain cannot contain itself`);
    }
    this.#members.push(processor);
    this.#view = Object.freeze([...this.#members]);
    return this;
  }

  /**
   * Removes a member, given by index or by identity, and returns it (`undefined` when there is no such
   * member), like `llama_sampler_chain_remove`.
   */
  remove(member: number | LogitsProcessor): LogitsProcessor | undefined {
    const index = typeof member === 'number' ? member : this.#members.indexOf(member);
    if (!Number.isInteger(index) || index < 0 || index >= this.#members.length) return undefined;
    const [removed] = this.#members.splice(index, 1);
    this.#view = Object.freeze([...this.#members]);
    return removed;
  }

  /** Runs every member on the row, in order (and the `onStage` observer after each, if any). */
  process(logits: Float32Array, ctx: ProcessContext): void {
    const members = this.#members;
    const onStage = this.#onStage;
    if (onStage === undefined) {
      for (let i = 0; i < members.length; i++) members[i]!.process(logits, ctx);
      return;
    }
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      member.process(logits, ctx);
      onStage(member, i, logits, ctx);
    }
  }

  /** Forwards the chosen token to every member that has `accept`. */
  accept(token: number, ctx: ProcessContext): void {
    for (const member of this.#members) member.accept?.(token, ctx);
  }

  /** Resets every member that has `reset`. */
  reset(): void {
    for (const member of this.#members) member.reset?.();
  }

  /** A new chain with the same name and observer, whose stateful members are independent copies. */
  clone(): ProcessorChain {
    const options: { name?: string; onStage?: ChainStageObserver } = {};
    if (this.#fixedName !== undefined) options.name = this.#fixedName;
    if (this.#onStage !== undefined) options.onStage = this.#onStage;
    return new ProcessorChain(
      this.#members.map((member) => (member.clone ? member.clone() : member)),
      options,
    );
  }

  #contains(target: ProcessorChain): boolean {
    for (const member of this.#members) {
      if (member === target) return true;
      if (member instanceof ProcessorChain && member.#contains(target)) return true;
    }
    return false;
  }
}

/**
 * A {@link ProcessorChain} of the given processors, named `chain(a,b,c)`.
 *
 * @example
 * ```ts
 * const history = chain(repetitionPenalty(1.2), noRepeatNgramSize(3));
 * ```
 */
export function chain(...processors: LogitsProcessor[]): ProcessorChain {
  return new ProcessorChain(processors);
}

function assertProcessor(value: unknown, option: string): asserts value is LogitsProcessor {
  const candidate = value as Partial<LogitsProcessor> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.process !== 'function' ||
    typeof candidate.name !== 'string'
  ) {
    throw new InvalidOptionError(
      option,
      value,
      'a logits processor (an object with a string `name` and a `process` function)',
    );
  }
}
