import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  badWordsIds,
  beginSuppressTokens,
  epsilonCutoff,
  etaCutoff,
  frequencyPenalty,
  type LogitsProcessor,
  logitBias,
  minLength,
  minNewTokens,
  minP,
  noRepeatNgramSize,
  presencePenalty,
  repetitionPenalty,
  sequenceBias,
  suppressTokens,
  temperature,
  topK,
  topP,
  typicalP,
} from '../../src/index.js';
import { context, keptIds, NEG } from './helpers.js';
import {
  type RefCut,
  refEpsilon,
  refEta,
  refMinP,
  refTopK,
  refTopP,
  refTypical,
  softmax,
} from './reference.js';

/**
 * Rows drawn to stress the kernels: few distinct values (many ties), -Infinity entries, all-equal and
 * single-element rows, wide ranges (beyond the 80-nat fast-exp range), and rows long enough to take the
 * quickselect path of top-k (> 512 entries).
 */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -6, max: 6 }).map((x) => x / 2) },
  { weight: 4, arbitrary: fc.float({ min: -30, max: 30, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constant(NEG) },
  { weight: 1, arbitrary: fc.float({ min: -200, max: 0, noNaN: true, noDefaultInfinity: true }) },
);
const shortRow = fc.array(value, { minLength: 1, maxLength: 60 });
const longRow = fc.array(value, { minLength: 513, maxLength: 1500 });
const row = fc
  .oneof({ weight: 5, arbitrary: shortRow }, { weight: 1, arbitrary: longRow })
  .map((xs) => Array.from(Float32Array.from(xs)));
const withFinite = row.filter((xs) => xs.some((x) => x > NEG));
const minKeep = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 8 }));
const probability = fc.oneof(fc.constantFrom(0, 0.5, 0.9, 1), fc.double({ min: 0, max: 1, noNaN: true }));
const openProbability = fc.double({ min: 1e-4, max: 0.999, noNaN: true });

function apply(processor: LogitsProcessor, xs: number[]): number[] {
  const out = Float32Array.from(xs);
  processor.process(out, context());
  return Array.from(out);
}

/** Fast and reference agree, unless the reference's decisive sums sit within rounding of the threshold. */
function agrees(actual: number[], reference: RefCut, tolerance = 1e-9): void {
  if (reference.margin > tolerance) expect(actual).toEqual(reference.row);
}

describe('warpers equal straightforward full-sort implementations', () => {
  it('topK', () => {
    fc.assert(
      fc.property(withFinite, fc.integer({ min: 1, max: 1600 }), minKeep, (xs, k, m) => {
        expect(apply(topK(k, { minTokensToKeep: m }), xs)).toEqual(refTopK(xs, k, m));
      }),
    );
  });

  it('topP', () => {
    fc.assert(
      fc.property(withFinite, probability, minKeep, (xs, p, m) => {
        const actual = apply(topP(p, { minTokensToKeep: m }), xs);
        if (p < 1) agrees(actual, refTopP(xs, p, m));
        else expect(actual).toEqual(xs);
      }),
    );
  });

  it('minP', () => {
    fc.assert(
      fc.property(withFinite, probability, minKeep, (xs, p, m) => {
        agrees(apply(minP(p, { minTokensToKeep: m }), xs), refMinP(xs, p, m));
      }),
    );
  });

  it('typicalP', () => {
    fc.assert(
      fc.property(withFinite, openProbability, minKeep, (xs, mass, m) => {
        agrees(apply(typicalP(mass, { minTokensToKeep: m }), xs), refTypical(xs, mass, m));
      }),
    );
  });

  it('epsilonCutoff and etaCutoff', () => {
    fc.assert(
      fc.property(withFinite, openProbability, minKeep, (xs, e, m) => {
        agrees(apply(epsilonCutoff(e, { minTokensToKeep: m }), xs), refEpsilon(xs, e, m), 1e-7);
        agrees(apply(etaCutoff(e, { minTokensToKeep: m }), xs), refEta(xs, e, m), 1e-7);
      }),
    );
  });
});

describe('warper properties', () => {
  it('top-k keeps at least min(k, finite) tokens, all scoring >= every removed one', () => {
    fc.assert(
      fc.property(withFinite, fc.integer({ min: 1, max: 100 }), (xs, k) => {
        const out = apply(topK(k), xs);
        const kept = keptIds(out);
        const finite = xs.filter((x) => x > NEG).length;
        expect(kept.length).toBeGreaterThanOrEqual(Math.min(k, finite));
        const lowestKept = Math.min(...kept.map((i) => xs[i]!));
        xs.forEach((x, i) => {
          if (out[i] === NEG && x > NEG) expect(x).toBeLessThan(lowestKept);
        });
      }),
    );
  });

  it('top-p keeps the smallest top set whose mass reaches p', () => {
    fc.assert(
      fc.property(withFinite, fc.double({ min: 0, max: 0.999, noNaN: true }), (xs, p) => {
        const probs = softmax(xs);
        const kept = keptIds(apply(topP(p), xs));
        const mass = kept.reduce((sum, i) => sum + probs[i]!, 0);
        expect(mass).toBeGreaterThanOrEqual(p - 1e-6);
        // minimal: without its least probable member, the set's mass is below p.
        const weakest = Math.min(...kept.map((i) => probs[i]!));
        if (kept.length > 1) expect(mass - weakest).toBeLessThan(p + 1e-6);
        // a top set: nothing removed is more probable than something kept.
        xs.forEach((_, i) => {
          if (!kept.includes(i)) expect(probs[i]!).toBeLessThanOrEqual(weakest);
        });
      }),
    );
  });

  it('min-p keeps exactly the tokens with probability >= p * max probability', () => {
    fc.assert(
      fc.property(withFinite, fc.double({ min: 0.001, max: 1, noNaN: true }), (xs, p) => {
        const probs = softmax(xs);
        const top = Math.max(...probs);
        const kept = new Set(keptIds(apply(minP(p), xs)));
        probs.forEach((q, i) => {
          if (Math.abs(q - p * top) > 1e-12 * top) expect(kept.has(i)).toBe(q >= p * top);
        });
      }),
    );
  });
});

describe('no processor turns a removed token back into a finite one', () => {
  const processors: [string, () => LogitsProcessor][] = [
    ['temperature', () => temperature(0.7)],
    ['topK', () => topK(3)],
    ['topP', () => topP(0.8)],
    ['minP', () => minP(0.2)],
    ['typicalP', () => typicalP(0.7)],
    ['epsilonCutoff', () => epsilonCutoff(0.01)],
    ['etaCutoff', () => etaCutoff(0.01)],
    ['repetitionPenalty', () => repetitionPenalty(0.5)],
    ['noRepeatNgramSize', () => noRepeatNgramSize(2)],
    ['badWordsIds', () => badWordsIds([[1], [2, 3]])],
    [
      'sequenceBias',
      () =>
        sequenceBias([
          [[1], 5],
          [[2, 3], 7],
        ]),
    ],
    ['minLength', () => minLength(100)],
    ['minNewTokens', () => minNewTokens(100)],
    ['suppressTokens', () => suppressTokens([0, 4])],
    ['beginSuppressTokens', () => beginSuppressTokens([0, 4])],
    ['frequencyPenalty', () => frequencyPenalty(-3)],
    ['presencePenalty', () => presencePenalty(-3)],
    ['logitBias', () => logitBias({ 0: 100, 1: 50 })],
  ];
  // forcedBosTokenId / forcedEosTokenId are the exception by design: HF sets the forced token to 0.
  it.each(processors)('%s', (_, make) => {
    fc.assert(
      fc.property(row, fc.array(fc.nat(7), { maxLength: 12 }), (xs, history) => {
        const out = Float32Array.from(xs);
        make().process(out, context(history, { promptLength: 1, eosTokenIds: [0, 2] }));
        xs.forEach((x, i) => {
          if (x === NEG) expect(out[i]).toBe(NEG);
        });
      }),
    );
  });
});
