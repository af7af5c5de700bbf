import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatherRows } from '../../src/row-gather.js';

/** Row r of the test data holds r * 100 + 0, 1, 2, ... so every row is recognisable. */
function rowsOf(count: number, rowSize: number): Float32Array {
  return Float32Array.from(
    { length: count * rowSize },
    (_, i) => Math.floor(i / rowSize) * 100 + (i % rowSize),
  );
}

function naiveGather(data: Float32Array, rowSize: number, rows: readonly number[]): number[] {
  return rows.flatMap((r) => Array.from(data.subarray(r * rowSize, (r + 1) * rowSize)));
}

describe('gatherRows', () => {
  it('swaps two beams saving only the row overwritten before it is read', () => {
    const data = rowsOf(2, 3);
    const { data: out, scratch } = gatherRows(data, 3, 2, [1, 0], undefined);
    expect(Array.from(out)).toEqual([100, 101, 102, 0, 1, 2]);
    expect(out.buffer).toBe(data.buffer); // in place
    expect(scratch!.length).toBeGreaterThanOrEqual(3);
  });

  it('grows into a new array when rows are expanded', () => {
    const data = rowsOf(2, 2);
    const { data: out } = gatherRows(data, 2, 2, [0, 0, 1, 1], undefined);
    expect(Array.from(out)).toEqual([0, 1, 0, 1, 100, 101, 100, 101]);
  });

  it('property: equals a plain gather for any mapping that does not add rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.nat()),
        fc.integer({ min: 0, max: 6 }),
        (oldRows, rowSize, picks, newCount) => {
          const count = Math.min(newCount, oldRows);
          const rows = Array.from({ length: count }, () => (picks.next().value as number) % oldRows);
          const data = rowsOf(oldRows, rowSize);
          const expected = naiveGather(data, rowSize, rows);
          const reused = new Float32Array(1);
          const { data: out } = gatherRows(data, rowSize, oldRows, rows, reused);
          expect(Array.from(out)).toEqual(expected);
        },
      ),
      { numRuns: 1000, seed: 5 },
    );
  });
});
