import type { LogitsProcessor, ProcessContext } from '../../src/index.js';

export const NEG = Number.NEGATIVE_INFINITY;

/** A context for stateless processors, or for a row whose history is `tokens`. */
export function context(
  tokens: readonly number[] = [],
  options: { promptLength?: number; eosTokenIds?: readonly number[] } = {},
): ProcessContext {
  return {
    tokens: Int32Array.from(tokens),
    length: tokens.length,
    promptLength: options.promptLength ?? tokens.length,
    row: 0,
    eosTokenIds: options.eosTokenIds ?? [],
  };
}

/** Runs `processor` on a copy of `values` (as float32) and returns the processed row as numbers. */
export function run(
  processor: LogitsProcessor,
  values: readonly number[],
  ctx: ProcessContext = context(),
): number[] {
  const row = Float32Array.from(values);
  processor.process(row, ctx);
  return Array.from(row);
}

/** Indices of the finite entries. */
export function keptIds(row: ArrayLike<number>): number[] {
  const ids: number[] = [];
  for (let i = 0; i < row.length; i++) if (row[i]! > NEG) ids.push(i);
  return ids;
}

/** A seeded generator of floats in [0, 1) (mulberry32), for test data only. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A GPT-2-like row: normal(0, 2.5) logits plus a few strong candidates, some ties and -Infinity. */
export function realisticRow(size: number, seed: number): Float32Array {
  const random = seeded(seed);
  const row = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const u = Math.max(random(), 1e-12);
    row[i] = 2.5 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  for (let j = 0; j < 20; j++) row[Math.floor(random() * size)] = 8 + 4 * random();
  for (let j = 0; j < 10; j++) row[Math.floor(random() * size)] = row[Math.floor(random() * size)]!;
  for (let j = 0; j < 10; j++) row[Math.floor(random() * size)] = NEG;
  return row;
}
