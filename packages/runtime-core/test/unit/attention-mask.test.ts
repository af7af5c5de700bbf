import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttentionMask } from '../../src/index.js';

/** The obvious model: one plain array per row, rebuilt on every change. */
class NaiveMask {
  rows: number[][] = [];
  append(lengths: number[], columns: number) {
    if (this.rows.length === 0) this.rows = lengths.map(() => []);
    lengths.forEach((length, r) => {
      for (let c = 0; c < columns; c++) this.rows[r]!.push(c < columns - length ? 0 : 1);
    });
  }
  selectRows(rows: number[]) {
    this.rows = rows.map((r) => [...this.rows[r]!]);
  }
}

describe('AttentionMask', () => {
  it('left-pads a prefill and grows by a column of ones per step', () => {
    const mask = new AttentionMask();
    mask.append([3, 1], 3);
    expect(Array.from(mask.view(), Number)).toEqual([1, 1, 1, 0, 0, 1]);
    mask.append([1, 1], 1);
    expect(mask.width).toBe(4);
    expect(Array.from(mask.view(), Number)).toEqual([1, 1, 1, 1, 0, 0, 1, 1]);
    expect(mask.allOnes).toBe(false);
  });

  it('stays a view of ones (no per-step writes) while nothing is padded', () => {
    const mask = new AttentionMask();
    mask.append([4, 4], 4);
    const first = mask.view();
    mask.append([1, 1], 1);
    expect(mask.allOnes).toBe(true);
    expect(mask.view().buffer).toBe(first.buffer);
    expect(Array.from(mask.view(), Number)).toEqual(Array(10).fill(1));
  });

  it('becomes all ones again when the padded rows are dropped', () => {
    const mask = new AttentionMask();
    mask.append([2, 1], 2);
    mask.selectRows([0, 0]);
    expect(mask.allOnes).toBe(true);
    expect(Array.from(mask.view(), Number)).toEqual([1, 1, 1, 1]);
  });

  it('property: equals the naive mask after any sequence of appends and row selections', () => {
    // Raw operations; lengths and row picks are taken modulo the sizes current when the operation runs.
    const operation = fc.record({
      select: fc.boolean(),
      columns: fc.integer({ min: 1, max: 4 }),
      values: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(operation, { maxLength: 12 }),
        (firstRows, operations) => {
          const mask = new AttentionMask();
          const naive = new NaiveMask();
          const prefill = Array.from({ length: firstRows }, (_, r) => 1 + (r % 3));
          mask.append(prefill, 3);
          naive.append(prefill, 3);
          for (const { select, columns, values } of operations) {
            const rows = naive.rows.length;
            if (select) {
              const picks = values.map((value) => value % rows);
              mask.selectRows(picks);
              naive.selectRows(picks);
            } else {
              const lengths = Array.from(
                { length: rows },
                (_, r) => 1 + ((values[r % values.length] ?? 0) % columns),
              );
              mask.append(lengths, columns);
              naive.append(lengths, columns);
            }
            expect(mask.rows).toBe(naive.rows.length);
            expect(Array.from(mask.view(), Number)).toEqual(naive.rows.flat());
          }
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });
});
