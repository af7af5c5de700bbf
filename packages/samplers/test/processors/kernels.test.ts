import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSoftmaxInPlace } from '../../src/generate/log-softmax.js';
import {
  argmaxOf,
  EXP_NEG_CUTOFF,
  expNeg,
  expSum,
  expSums,
  keepTopExactly,
  kthLargest,
  maxOf,
  NearMaxScan,
  TopCandidates,
  topIndices,
  WindowHint,
} from '../../src/kernels/index.js';
import { TokenCounter } from '../../src/processors/token-counter.js';
import { NEG } from './helpers.js';
import { orderDescending } from './reference.js';

const value = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }),
  fc.constant(NEG),
);
const rowOf = (maxLength: number) =>
  fc.array(value, { minLength: 1, maxLength }).map((xs) => Float32Array.from(xs));

describe('expNeg', () => {
  it('is within 3e-9 relative of Math.exp on [0, 80)', () => {
    let worst = 0;
    for (let d = 0; d < EXP_NEG_CUTOFF; d += 0.000_731) {
      worst = Math.max(worst, Math.abs(expNeg(d) / Math.exp(-d) - 1));
    }
    expect(worst).toBeLessThan(3e-9);
  });

  it('is 0 from 80 nats on, and for Infinity and NaN', () => {
    expect(expNeg(80)).toBe(0);
    expect(expNeg(Number.POSITIVE_INFINITY)).toBe(0);
    expect(expNeg(Number.NaN)).toBe(0);
    expect(expNeg(0)).toBe(1);
  });
});

describe('row reductions', () => {
  it('maxOf, expSum and expSums match plain loops', () => {
    fc.assert(
      fc.property(rowOf(300), (row) => {
        const max = Math.max(...row);
        expect(maxOf(row)).toBe(max);
        if (max === NEG) return;
        let z = 0;
        let s = 0;
        for (const x of row) {
          if (x > max - 80) {
            z += Math.exp(x - max);
            s += Math.exp(x - max) * (x - max);
          }
        }
        const sums = expSums(row, max);
        expect(Math.abs(sums.z / z - 1)).toBeLessThan(4e-9);
        expect(Math.abs(sums.s - s)).toBeLessThan(1e-8 * Math.max(1, Math.abs(s)) + 1e-30);
        expect(Math.abs(expSum(row, max) / z - 1)).toBeLessThan(4e-9);
      }),
    );
    expect(maxOf(new Float32Array(0))).toBe(NEG);
    expect(expSum(Float32Array.of(NEG, 0, NaN), 0)).toBe(1);
  });
});

describe('logSoftmaxInPlace', () => {
  it('rounds like torch.log_softmax in float32', () => {
    fc.assert(
      fc.property(rowOf(300), (row) => {
        const max = Math.max(...row);
        const out = Float32Array.from(row);
        logSoftmaxInPlace(out);
        if (max === NEG) {
          expect(out).toEqual(row);
          return;
        }
        let z = 0;
        for (const x of row) if (x > max - 80) z += Math.exp(x - max);
        const logSum = Math.fround(Math.log(z));
        row.forEach((x, i) => {
          const expected = Math.fround(Math.fround(x - max) - logSum);
          // the table exp may move ln(z) by one float32 ulp
          if (out[i] !== expected)
            expect(Math.abs(out[i]! - expected)).toBeLessThanOrEqual(4e-7 * Math.abs(expected) + 1e-7);
        });
      }),
    );
  });
});

describe('argmaxOf', () => {
  it('is the lowest index of the max, 0 without a finite entry', () => {
    fc.assert(
      fc.property(rowOf(50), (row) => {
        const max = Math.max(...row);
        expect(argmaxOf(row)).toBe(max === NEG ? 0 : row.indexOf(max));
      }),
    );
    expect(argmaxOf(Float32Array.of(1, 3, 2, 3, 3, 0, 3, 1, 3))).toBe(1);
    expect(argmaxOf(Float32Array.of(Number.NaN, 1, Number.NaN, 1))).toBe(1);
    expect(argmaxOf(new Float32Array(0))).toBe(0);
  });
});

describe('NearMaxScan', () => {
  const windowRow = fc.record({
    row: rowOf(400),
    window: fc.double({ min: 0.01, max: 30, noNaN: true }),
    budget: fc.integer({ min: 1, max: 64 }),
    entropy: fc.boolean(),
  });

  it('finds the max, the sums and exactly the tokens inside the (possibly shrunk) window', () => {
    fc.assert(
      fc.property(windowRow, ({ row, window, budget, entropy }) => {
        const scan = new NearMaxScan(budget);
        scan.scan(row, window, entropy);
        const max = Math.max(...row);
        expect(scan.max).toBe(max);
        if (max === NEG) return;
        let z = 0;
        let s = 0;
        for (const x of row) {
          if (x > max - 80) {
            z += Math.exp(x - max);
            s += Math.exp(x - max) * (x - max);
          }
        }
        expect(Math.abs(scan.z / z - 1)).toBeLessThan(1e-8);
        if (entropy) expect(Math.abs(scan.s - s)).toBeLessThan(1e-8 * Math.max(1, Math.abs(s)));
        expect(scan.windowBins).toBeLessThanOrEqual(Math.ceil(window * 64));
        const inside = Array.from(row.keys()).filter(
          (i) => Math.floor((max - row[i]!) * 64) < scan.windowBins,
        );
        if (scan.overflow) {
          // Reported only when the budget was exceeded at some point of the scan.
          expect(row.length).toBeGreaterThan(budget);
          expect(scan.count).toBe(0);
        } else {
          expect(Array.from(scan.indices.subarray(0, scan.count))).toEqual(inside);
          for (let j = 0; j < scan.count; j++) expect(scan.values[j]).toBe(row[scan.indices[j]!]);
        }
      }),
    );
  });

  it('shortlist() keeps the tokens within a fixed window of the max, or reports an overflow', () => {
    fc.assert(
      fc.property(
        rowOf(300),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 40 }),
        (row, bins, budget) => {
          const scan = new NearMaxScan(budget);
          scan.shortlist(row, bins);
          const max = Math.max(...row);
          expect(scan.max).toBe(max);
          const inside = Array.from(row.keys()).filter((i) => max - row[i]! < bins / 64);
          if (inside.length > budget) expect(scan.overflow).toBe(true);
          if (!scan.overflow) expect(Array.from(scan.indices.subarray(0, scan.count))).toEqual(inside);
        },
      ),
    );
  });

  it('stops at +Infinity', () => {
    const scan = new NearMaxScan();
    scan.scan(Float32Array.of(1, Number.POSITIVE_INFINITY, 2), 8, false);
    expect(scan.max).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('WindowHint', () => {
  it('widens at once to cover a deeper cut, narrows by 2% a call, stays within 80 nats', () => {
    const hint = new WindowHint();
    hint.record(40); // max(1.25 * 40 + 2, 0.98 * 8)
    expect(hint.window).toBe(52);
    hint.record(1); // max(3.25, 0.98 * 52)
    expect(hint.window).toBeCloseTo(50.96, 10);
    hint.record(100);
    expect(hint.window).toBe(80);
  });
});

describe('selection', () => {
  it('kthLargest equals sorting, on both the heap and the quickselect paths', () => {
    fc.assert(
      fc.property(rowOf(1500), fc.nat(), (row, pick) => {
        const k = 1 + (pick % row.length);
        const sorted = Array.from(row).sort((a, b) => b - a);
        expect(kthLargest(row, k)).toBe(sorted[k - 1]);
      }),
    );
  });

  it('TopCandidates lists every index scoring >= the k-th largest', () => {
    fc.assert(
      fc.property(rowOf(400), fc.nat(), (row, pick) => {
        const k = 1 + (pick % row.length);
        const candidates = new TopCandidates();
        const kth = candidates.scan(row, k);
        const listed = new Set(candidates.indices.subarray(0, candidates.count));
        row.forEach((x, i) => {
          if (x >= kth) expect(listed.has(i)).toBe(true);
        });
        for (let j = 0; j < candidates.count; j++) {
          expect(candidates.values[j]).toBe(row[candidates.indices[j]!]);
        }
      }),
    );
  });

  it('topIndices returns the best m, best first, lower index first on ties', () => {
    fc.assert(
      fc.property(rowOf(1200), fc.integer({ min: 1, max: 1300 }), (row, m) => {
        const out = new Int32Array(m);
        const written = topIndices(row, m, out);
        expect(written).toBe(Math.min(m, row.length));
        expect(Array.from(out.subarray(0, written))).toEqual(orderDescending(row).slice(0, written));
      }),
    );
  });

  it('keepTopExactly keeps exactly n, lower ids on ties', () => {
    fc.assert(
      fc.property(rowOf(800), fc.nat(900), (row, n) => {
        const out = Float32Array.from(row);
        keepTopExactly(out, n);
        const keep = new Set(orderDescending(row).slice(0, n));
        row.forEach((x, i) => {
          expect(out[i]).toBe(keep.has(i) ? x : NEG);
        });
      }),
    );
  });
});

describe('TokenCounter', () => {
  it('counts like a Map, and its clones are independent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(100_000), { maxLength: 300 }),
        fc.array(fc.nat(50), { maxLength: 50 }),
        (ids, more) => {
          const counter = new TokenCounter();
          const expected = new Map<number, number>();
          for (const id of ids) {
            counter.add(id);
            expected.set(id, (expected.get(id) ?? 0) + 1);
          }
          const copy = counter.clone();
          for (const id of more) copy.add(id);
          const actual = new Map<number, number>();
          for (let j = 0; j < counter.size; j++) actual.set(counter.ids[j]!, counter.counts[j]!);
          expect(actual).toEqual(expected);
          expect(Array.from(counter.ids.subarray(0, counter.size))).toEqual([...expected.keys()]);
          counter.clear();
          expect(counter.size).toBe(0);
          counter.add(7);
          expect(counter.counts[0]).toBe(1);
        },
      ),
    );
  });
});
