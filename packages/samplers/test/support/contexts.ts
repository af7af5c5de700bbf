import type { RandomSource, SelectContext } from '../../src/types.js';

/** A select context for a single row with the given random source and an empty history. */
export function selectContext(random: RandomSource, eosTokenIds: readonly number[] = []): SelectContext {
  return { tokens: new Int32Array(0), length: 0, promptLength: 0, row: 0, eosTokenIds, random };
}
