import type { LogitsProcessor, TokenSelector } from '../types.js';

/**
 * What the decode loop may know about built-in processors and selectors so that it can run them on a
 * compacted row (only the surviving tokens, in token-id order) instead of the full vocabulary. A
 * "value-only" processor or selector depends on nothing but the finite scores and their order: not on
 * token ids, the row length or the history. Plugins are never in these sets.
 */
const valueOnly = new WeakSet<LogitsProcessor | TokenSelector>();
const topKSizes = new WeakMap<LogitsProcessor, number>();
const temperatureDivisors = new WeakMap<LogitsProcessor, number>();

/** Marks a built-in processor or selector as value-only and returns it. */
export function markValueOnly<T extends LogitsProcessor | TokenSelector>(item: T): T {
  valueOnly.add(item);
  return item;
}

/** Whether `item` is a built-in value-only processor or selector. */
export function isValueOnly(item: LogitsProcessor | TokenSelector): boolean {
  return valueOnly.has(item);
}

/** Marks a top-k processor that keeps the `keep` best scores (heap path) and returns it. */
export function markTopK(processor: LogitsProcessor, keep: number): LogitsProcessor {
  topKSizes.set(processor, keep);
  return markValueOnly(processor);
}

/** The `keep` of a top-k processor marked with {@link markTopK}, or `undefined`. */
export function topKSizeOf(processor: LogitsProcessor): number | undefined {
  return topKSizes.get(processor);
}

/** Marks a temperature processor dividing by the float32 `divisor` and returns it. */
export function markTemperature(processor: LogitsProcessor, divisor: number): LogitsProcessor {
  temperatureDivisors.set(processor, divisor);
  return markValueOnly(processor);
}

/** The float32 divisor of a temperature processor marked with {@link markTemperature}, or `undefined`. */
export function temperatureDivisorOf(processor: LogitsProcessor): number | undefined {
  return temperatureDivisors.get(processor);
}

/** The tokens a truncation kept: ids in increasing order and their scores; the first `count` are valid. */
export class Survivors {
  ids: Int32Array = new Int32Array(0);
  values: Float32Array = new Float32Array(0);
  count = 0;

  /** Makes room for `size` survivors and empties the list. */
  reserve(size: number): void {
    if (this.ids.length < size) {
      this.ids = new Int32Array(size);
      this.values = new Float32Array(size);
    }
    this.count = 0;
  }
}

/**
 * Runs a truncation processor on `logits`. Returns true when it listed the kept tokens in `out` instead
 * of writing the row (the row is then left in an unspecified state), false when it processed the row in
 * place as `process` does.
 */
export type Truncator = (logits: Float32Array, out: Survivors) => boolean;

const truncators = new WeakMap<LogitsProcessor, Truncator>();

/** Marks a value-only truncation processor that can list its survivors, and returns it. */
export function markTruncator(processor: LogitsProcessor, truncate: Truncator): LogitsProcessor {
  truncators.set(processor, truncate);
  return markValueOnly(processor);
}

/** The {@link Truncator} of a processor marked with {@link markTruncator}, or `undefined`. */
export function truncatorOf(processor: LogitsProcessor): Truncator | undefined {
  return truncators.get(processor);
}
