import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CandidateSampler,
  createRandom,
  logSoftmaxInPlace,
  logSoftmaxTerms,
  topCandidates,
  topLogSoftmaxCandidates,
} from '../../src/index.js';

const NEG = Number.NEGATIVE_INFINITY;

/** Logits with exact ties (quarters), arbitrary floats and -Infinity. */
const value = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -40, max: 40 }).map((x) => x / 4) },
  { weight: 3, arbitrary: fc.float({ min: -60, max: 60, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constant(NEG) },
);
/** Running beam scores, including HF's -1e9 for the not-yet-started beams. */
const offset = fc.oneof(
  fc.constantFrom(0, -1e9, -123.456, -0.001),
  fc.float({ min: -500, max: 0, noNaN: true, noDefaultInfinity: true }),
);

/** Puts, after every third finite non-zero entry, the float32 one step below it: ties after rounding are likely. */
function withUlpNeighbours(row: Float32Array): Float32Array {
  for (let j = 0; j + 1 < row.length; j += 3) {
    if (Number.isFinite(row[j]!) && row[j] !== 0) {
      const below = new Float32Array([row[j]!]);
      new Int32Array(below.buffer)[0]! += row[j]! > 0 ? -1 : 1;
      row[j + 1] = below[0]!;
    }
  }
  return row;
}

/** The fused scan must pick what log-softmax in place followed by `topCandidates` picks, bit for bit. */
function expectFusedToMatchLogSoftmaxThenTopCandidates(
  rows: Float32Array[],
  offsets: ArrayLike<number>,
  k: number,
): void {
  const terms = rows.map(logSoftmaxTerms);
  const fusedScores = new Float32Array(k);
  const fusedIndices = new Int32Array(k);
  const count = topLogSoftmaxCandidates(
    rows,
    terms.map((t) => t.max),
    terms.map((t) => t.logSum),
    offsets,
    k,
    fusedScores,
    fusedIndices,
  );
  const processed = rows.map((row) => {
    const copy = row.slice();
    logSoftmaxInPlace(copy);
    return copy;
  });
  const scores = new Float32Array(k);
  const indices = new Int32Array(k);
  expect(count).toBe(topCandidates(processed, offsets, k, scores, indices));
  expect(Array.from(fusedIndices)).toEqual(Array.from(indices));
  expect(Array.from(fusedScores)).toEqual(Array.from(scores));
}

describe('topCandidates', () => {
  it('equals a full sort (score desc, flat index asc) on random rows with ties and -Infinity', () => {
    const random = createRandom(8);
    for (let trial = 0; trial < 50; trial++) {
      const rows = Array.from({ length: 3 }, () =>
        Float32Array.from({ length: 40 }, () => {
          const u = random.next();
          return u < 0.2 ? NEG : Math.round(u * 8) / 2; // many exact ties
        }),
      );
      const offsets = [0, -0.5, -1];
      const k = 1 + (trial % 12);
      const scores = new Float32Array(k);
      const indices = new Int32Array(k);
      const count = topCandidates(rows, offsets, k, scores, indices);
      const all = rows.flatMap((row, b) =>
        Array.from(row, (x, j) => ({ score: Math.fround(x + offsets[b]!), index: b * 40 + j })),
      );
      all.sort((a, c) => (c.score === a.score ? a.index - c.index : c.score > a.score ? 1 : -1));
      expect(count).toBe(k);
      expect(Array.from(indices)).toEqual(all.slice(0, k).map((c) => c.index));
    }
  });
});

describe('topCandidates (screened scan)', () => {
  it('property: equals a full sort with large offsets and 1-ulp neighbours', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 9, maxLength: 9 }), { minLength: 1, maxLength: 4 }),
        fc.array(offset, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 8 }),
        (values, offsets, k) => {
          const rows = values.map((row) => withUlpNeighbours(Float32Array.from(row)));
          const scores = new Float32Array(k);
          const indices = new Int32Array(k);
          const count = topCandidates(rows, offsets, k, scores, indices);
          const all = rows.flatMap((row, b) =>
            Array.from(row, (x, j) => ({ score: Math.fround(x + offsets[b]!), index: b * 9 + j })),
          );
          all.sort((a, c) => (c.score === a.score ? a.index - c.index : c.score > a.score ? 1 : -1));
          expect(count).toBe(Math.min(k, all.length));
          expect(Array.from(indices.subarray(0, count))).toEqual(all.slice(0, count).map((c) => c.index));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('topLogSoftmaxCandidates', () => {
  it('equals log-softmax in place followed by topCandidates, bit for bit', () => {
    const random = createRandom(21);
    for (let trial = 0; trial < 30; trial++) {
      const rows = Array.from({ length: 4 }, () =>
        Float32Array.from({ length: 300 }, () => (random.next() < 0.1 ? NEG : (random.next() - 0.5) * 30)),
      );
      const offsets = Float32Array.from([0, -1.25, -3.5, -1e9]);
      expectFusedToMatchLogSoftmaxThenTopCandidates(rows, offsets, 8);
    }
  });

  it('property: same candidates as log-softmax + topCandidates with ties, 1-ulp neighbours and large offsets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 1, maxLength: 120 }), { minLength: 1, maxLength: 4 }),
        fc.array(offset, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 8 }),
        (values, offsets, k) => {
          const vocab = Math.max(...values.map((row) => row.length));
          const rows = values.map((row) => {
            const padded = new Float32Array(vocab).fill(NEG);
            padded.set(row);
            return withUlpNeighbours(padded);
          });
          if (!rows.every((row) => Number.isFinite(logSoftmaxTerms(row).max))) return;
          expectFusedToMatchLogSoftmaxThenTopCandidates(rows, offsets, Math.min(k, rows.length * vocab));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('CandidateSampler (beam sampling draws)', () => {
  it('draws distinct candidates, never one with zero probability while others remain', () => {
    const sampler = new CandidateSampler();
    const row = new Float32Array([0, 1, NEG, 2, NEG, 0.5]);
    const scores = new Float32Array(4);
    const indices = new Int32Array(4);
    for (let seed = 0; seed < 100; seed++) {
      const count = sampler.draw([row], [0], 4, createRandom(seed), scores, indices);
      expect(count).toBe(4);
      expect(new Set(indices).size).toBe(4);
      for (const index of indices) expect([0, 1, 3, 5]).toContain(index);
    }
  });

  it('completes with the best remaining candidates when too few have a probability', () => {
    // Beam 1 sits at -1e9 (as on the first step): exp(-1e9) is 0, so only beam 0's two tokens can be drawn;
    // the other two are the best remaining by score, lower flat index first.
    const row = new Float32Array([NEG, 0, -1, NEG]);
    const scores = new Float32Array(4);
    const indices = new Int32Array(4);
    const count = new CandidateSampler().draw([row, row], [0, -1e9], 4, createRandom(1), scores, indices);
    expect(count).toBe(4);
    expect(new Set(indices.slice(0, 2))).toEqual(new Set([1, 2]));
    expect(Array.from(indices.slice(2))).toEqual([5, 6]);
  });

  it('first draw follows softmax over beams x vocab (chi-square), seeded', () => {
    // Flat scores [ln 1, ln 2 | ln 3, ln 4] (two beams; beam 1 carries offset ln 2 on [ln 1.5, ln 2]):
    // probabilities 1/10, 2/10, 3/10, 4/10.
    const rows = [new Float32Array([0, Math.log(2)]), new Float32Array([Math.log(1.5), Math.log(2)])];
    const offsets = [0, Math.log(2)];
    const sampler = new CandidateSampler();
    const random = createRandom(77);
    const counts = [0, 0, 0, 0];
    const scores = new Float32Array(1);
    const indices = new Int32Array(1);
    const n = 20000;
    for (let i = 0; i < n; i++) {
      sampler.draw(rows, offsets, 1, random, scores, indices);
      counts[indices[0]!]!++;
    }
    const expected = [0.1, 0.2, 0.3, 0.4];
    const chi2 = counts.reduce((sum, c, i) => sum + (c - n * expected[i]!) ** 2 / (n * expected[i]!), 0);
    expect(chi2).toBeLessThan(16.27); // 3 degrees of freedom, p = 0.001
  });
});
