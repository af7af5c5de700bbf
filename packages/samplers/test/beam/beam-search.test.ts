import { describe, expect, it } from 'vitest';
import { BeamSearch, type BeamSearchOptions } from '../../src/beam/beam-search.js';
import { createRandom } from '../../src/index.js';
import { A, B, EOS, lnProduct, scriptProbabilities } from '../support/beam-script.js';

const PROMPT = [9];

/** Drives a BeamSearch over the hand-made script with exact float32 log-probabilities. */
function runScript(options: Partial<BeamSearchOptions>, swapAB = false) {
  const search = new BeamSearch(PROMPT, {
    numBeams: 2,
    eosCount: 1,
    lengthPenalty: 1,
    earlyStopping: false,
    maxNewTokens: 3,
    doSample: false,
    ...options,
  });
  const random = createRandom(1);
  while (!search.done) {
    const rows = search.beams.map((beam) => {
      const source = search.steps === 0 ? search.beams[0]! : beam;
      return new Float32Array(scriptProbabilities(source.generated(), swapAB).map(Math.log));
    });
    const candidates = search.selectCandidates(rows, random);
    search.step(candidates, (_beam, token) => (token === EOS ? 'eos' : null));
  }
  return search;
}

const summary = (search: BeamSearch) =>
  search.finished.map((h) => ({ tokens: Array.from(h.tokens.slice(PROMPT.length)), score: h.score }));

// Step 1 (beam 0 only): EOS ln .4 = -0.9163, A ln .3 = -1.2040, B ln .2 = -1.6094, C ln .1 = -2.3026.
//   Of the first B = 2 candidates, [EOS] finishes with -0.9163 / 1^lp = -0.9163. Running: A, B.
// Step 2: A,EOS ln .18 = -1.7148; B,B ln .12 = -2.1203; A,A ln .075 = -2.5903; B,A ln .04 = -3.2189
//   (then A,B ln .033, B,C ln .03, ...). First two: A,EOS finishes (length 2), B,B runs on.
//   Running: B,B (-2.1203), A,A (-2.5903).
// Step 3 (length 3 = maxNewTokens: everything finishes): B,B,EOS ln .108 = -2.2256,
//   A,A,EOS ln .0375 = -3.2834, A,A,A ln .0225 = -3.7942, A,A,B ln .00975 = -4.6306. First two enter.
const S_EOS = lnProduct(0.4);
const S_A_EOS = lnProduct(0.3, 0.6);
const S_BB = lnProduct(0.2, 0.6);
const S_BB_EOS = lnProduct(0.2, 0.6, 0.9);
const S_AA_EOS = lnProduct(0.3, 0.25, 0.5);

describe('BeamSearch (hand-computed, B = 2, one EOS, 3 new tokens)', () => {
  it('lengthPenalty 1, earlyStopping false: stops after step 2', () => {
    // Step 2: finished = [A,EOS -1.7148/2 = -0.8574, EOS -0.9163] (full). Heuristic:
    // best running B,B -2.1203 / 2 = -1.0601 <= worst -0.9163 -> done.
    const search = runScript({ lengthPenalty: 1, earlyStopping: false });
    expect(search.steps).toBe(2);
    const result = summary(search);
    expect(result.map((h) => h.tokens)).toEqual([[A, EOS], [EOS]]);
    expect(result[0]!.score).toBeCloseTo(S_A_EOS / 2, 5);
    expect(result[1]!.score).toBeCloseTo(S_EOS, 5);
  });

  it("lengthPenalty 1, earlyStopping 'never': judges with the whole budget and goes on", () => {
    // Step 2 heuristic with L = maxNewTokens = 3: -2.1203 / 3 = -0.7068 > -0.9163 -> go on.
    // Step 3: B,B,EOS -2.2256 / 3 = -0.7419 and A,A,EOS -3.2834 / 3 = -1.0945 enter; best two overall:
    // [B,B,EOS -0.7419, A,EOS -0.8574].
    const search = runScript({ lengthPenalty: 1, earlyStopping: 'never' });
    expect(search.steps).toBe(3);
    const result = summary(search);
    expect(result.map((h) => h.tokens)).toEqual([
      [B, B, EOS],
      [A, EOS],
    ]);
    expect(result[0]!.score).toBeCloseTo(S_BB_EOS / 3, 5);
    expect(result[1]!.score).toBeCloseTo(S_A_EOS / 2, 5);
  });

  it('lengthPenalty 0: raw sums, shortest wins', () => {
    // Step 2: A,EOS -1.7148 / 1; finished [EOS -0.9163, A,EOS -1.7148]; best running -2.1203 <= -1.7148 -> done.
    for (const earlyStopping of [false, 'never'] as const) {
      const search = runScript({ lengthPenalty: 0, earlyStopping });
      expect(search.steps).toBe(2);
      const result = summary(search);
      expect(result.map((h) => h.tokens)).toEqual([[EOS], [A, EOS]]);
      expect(result[0]!.score).toBeCloseTo(S_EOS, 5);
      expect(result[1]!.score).toBeCloseTo(S_A_EOS, 5);
    }
  });

  it('lengthPenalty -1: favours short hypotheses', () => {
    // Step 2: A,EOS -1.7148 * 2 = -3.4296; finished [EOS -0.9163, A,EOS -3.4296];
    // best running -2.1203 * 2 = -4.2406 <= -3.4296 -> done.
    const search = runScript({ lengthPenalty: -1 });
    expect(search.steps).toBe(2);
    const result = summary(search);
    expect(result.map((h) => h.tokens)).toEqual([[EOS], [A, EOS]]);
    expect(result[1]!.score).toBeCloseTo(S_A_EOS * 2, 5);
  });

  it('lengthPenalty 2, earlyStopping false: goes on and prefers longer hypotheses', () => {
    // Step 2: A,EOS -1.7148 / 4 = -0.4287; finished [A,EOS -0.4287, EOS -0.9163];
    // best running -2.1203 / 4 = -0.5301 > -0.9163 -> go on.
    // Step 3: B,B,EOS -2.2256 / 9 = -0.2473, A,A,EOS -3.2834 / 9 = -0.3648 -> both beat the old list.
    const search = runScript({ lengthPenalty: 2, earlyStopping: false });
    expect(search.steps).toBe(3);
    const result = summary(search);
    expect(result.map((h) => h.tokens)).toEqual([
      [B, B, EOS],
      [A, A, EOS],
    ]);
    expect(result[0]!.score).toBeCloseTo(S_BB_EOS / 9, 5);
    expect(result[1]!.score).toBeCloseTo(S_AA_EOS / 9, 5);
  });

  it('lengthPenalty 2, earlyStopping true: stops as soon as B hypotheses are finished', () => {
    const search = runScript({ lengthPenalty: 2, earlyStopping: true });
    expect(search.steps).toBe(2);
    const result = summary(search);
    expect(result.map((h) => h.tokens)).toEqual([[A, EOS], [EOS]]);
    expect(result[0]!.score).toBeCloseTo(S_A_EOS / 4, 5);
  });

  it('keeps the running beams and their scores (best first) after a step', () => {
    const search = new BeamSearch(PROMPT, {
      numBeams: 2,
      eosCount: 1,
      lengthPenalty: 1,
      earlyStopping: 'never',
      maxNewTokens: 3,
      doSample: false,
    });
    const first = new Float32Array(scriptProbabilities([]).map(Math.log));
    search.step(search.selectCandidates([first, first]), (_b, token) => (token === EOS ? 'eos' : null));
    expect(search.beams.map((beam) => beam.generated())).toEqual([[A], [B]]);
    expect(search.runningScores[0]).toBeCloseTo(Math.log(0.3), 6);
    const rows = search.beams.map(
      (beam) => new Float32Array(scriptProbabilities(beam.generated()).map(Math.log)),
    );
    const { parents, tokens } = search.step(search.selectCandidates(rows), (_b, token) =>
      token === EOS ? 'eos' : null,
    );
    // New running beams: B,B (parent 1) then A,A (parent 0).
    expect(Array.from(parents)).toEqual([1, 0]);
    expect(Array.from(tokens)).toEqual([B, A]);
    expect(search.runningScores[0]).toBeCloseTo(S_BB, 5);
  });

  it('mirrors exactly when A and B swap roles', () => {
    const plain = summary(runScript({ lengthPenalty: 2 }));
    const mirrored = summary(runScript({ lengthPenalty: 2 }, true));
    const swap = (t: number) => (t === A ? B : t === B ? A : t);
    expect(mirrored.map((h) => h.tokens)).toEqual(plain.map((h) => h.tokens.map(swap)));
    expect(mirrored.map((h) => h.score)).toEqual(plain.map((h) => h.score));
  });
});

describe('BeamSearch first step', () => {
  it('expands only beam 0, then uses the -1e9 beams only when beam 0 runs out of candidates', () => {
    // Beam 0 has just 2 finite tokens (1 and 2); K = 4 candidates, so the other two come from beam 1 at
    // -1e9 + logp: in float32 -1e9 + (-0.5) rounds to -1e9 for every token; ties go to the lower index.
    const search = new BeamSearch([5], {
      numBeams: 2,
      eosCount: 1,
      lengthPenalty: 1,
      earlyStopping: false,
      maxNewTokens: 5,
      doSample: false,
    });
    const row = new Float32Array([
      Number.NEGATIVE_INFINITY,
      Math.log(0.6),
      Math.log(0.4),
      Number.NEGATIVE_INFINITY,
    ]);
    const candidates = search.selectCandidates([row, row]);
    expect(Array.from(candidates.indices.slice(0, candidates.count))).toEqual([1, 2, 5, 6]);
    expect(candidates.scores[2]).toBe(-1e9);
  });
});
