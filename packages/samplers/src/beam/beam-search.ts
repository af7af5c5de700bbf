import { TokenBuffer } from '../generate/token-buffer.js';
import type { RandomSource } from '../types.js';
import { CandidateSampler } from './sample-candidates.js';
import { topCandidates, topLogSoftmaxCandidates } from './top-candidates.js';

/** Why a sequence ended. */
export type FinishReason = 'eos' | 'length' | 'stop' | 'aborted' | 'time';

/** HF's "minus infinity" for beams that must not be chosen (float32-exact). */
export const BEAM_PENALTY = -1e9;

/** Options of one prompt's beam search (HF `_beam_search` semantics). */
export interface BeamSearchOptions {
  /** B, the number of beams (>= 1). */
  readonly numBeams: number;
  /** Number of end-of-sequence ids; sets K = max(2, 1 + eosCount) * B candidates per step. */
  readonly eosCount: number;
  readonly lengthPenalty: number;
  readonly earlyStopping: boolean | 'never';
  /** The budget of new tokens (HF `max_length - decoder_prompt_len`). */
  readonly maxNewTokens: number;
  /** Beam sampling: draw candidates from softmax instead of taking the top K. */
  readonly doSample: boolean;
}

/** A finished hypothesis: the whole sequence, its final score and why it ended. */
export interface BeamHypothesis {
  /** Prompt followed by the generated tokens (ending with the EOS token when it ended on one). */
  readonly tokens: Int32Array;
  /** `sum of log-probabilities / generatedLength ** lengthPenalty` (HF `sequences_scores`), float32. */
  readonly score: number;
  readonly finishReason: FinishReason;
}

/** The candidates of one step, best first (greedy) or in draw order (sampling). */
export interface BeamCandidates {
  readonly count: number;
  /** Accumulated scores (running score + processed log-probability), float32. */
  readonly scores: Float32Array;
  /** Flat indices `beam * vocab + token`. */
  readonly indices: Int32Array;
  readonly vocab: number;
}

/** Tells whether the candidate `token` appended to running beam `beam` ends the sequence, and why. */
export type FinishCheck = (beam: number, token: number, generatedLength: number) => FinishReason | null;

/**
 * Beam search over one prompt, exactly HF transformers' `_beam_search` (5.x) bookkeeping, independent of
 * any model: the decode loop hands it each step's processed log-probabilities per running beam and gets
 * back, for every new running beam, the index of its parent (to reorder the KV cache and the processors).
 *
 * Per step ({@link BeamSearch.step}):
 * 1. K = max(2, 1 + #eos) x B candidates over B x vocab by `fround(logp + runningScore)`: the top K (ties:
 *    lower flat index) or, when sampling, K draws without replacement from their softmax, in draw order.
 * 2. A candidate finishes on EOS, on reaching the new-token budget, or whatever else {@link FinishCheck}
 *    says (stop strings, time, abort). Only the first B candidates may enter the finished list, with score
 *    `score / generatedLength ** lengthPenalty`; the list keeps the best B. Nothing enters once the list is
 *    full and `earlyStopping` is true, or once the item is done.
 * 3. The next running beams are the best B candidates after adding -1e9 to finished ones (as HF does).
 * 4. Done when `earlyStopping === true` and B hypotheses are finished, when the best running beam cannot beat
 *    the worst finished one (`best / L ** lengthPenalty <= worst`, L = generated length, or the whole budget
 *    when `earlyStopping === 'never'` and `lengthPenalty > 0`; only once B are finished), or when every
 *    candidate finished.
 *
 * Hypotheses keep their own length (HF pads them to a common length with `pad_token_id`).
 * Not modelled: HF's placeholder entries (score about -1e9) that can fill an incomplete finished list.
 */
export class BeamSearch<State = undefined> {
  readonly numBeams: number;
  /** Candidates per step. */
  readonly candidateCount: number;
  /** Histories of the running beams (B buffers; before the first step all hold the prompt). */
  beams: TokenBuffer[];
  /** Running scores (float32): beam 0 starts at 0, the others at -1e9 so the first step expands only one. */
  readonly runningScores: Float32Array;
  /**
   * Per-beam state that follows the beams (e.g. their logits processors): moved to a beam's only child,
   * cloned with `cloneState` for extra children. Before the first step only `states[0]` is used.
   */
  states: State[];
  /** Finished hypotheses, best first, at most B. */
  readonly finished: BeamHypothesis[] = [];
  /** True once this prompt needs no more steps. */
  done = false;
  /** Number of steps taken (= generated length of every running beam). */
  steps = 0;

  private readonly options: BeamSearchOptions;
  private heuristicUnsatisfied = true;
  private readonly candidateScores: Float32Array;
  private readonly candidateIndices: Int32Array;
  private sampler: CandidateSampler | undefined;
  private readonly cloneState: (state: State) => State;

  constructor(
    prompt: ArrayLike<number>,
    options: BeamSearchOptions,
    initialState?: State,
    cloneState: (state: State) => State = (state) => state,
  ) {
    this.options = options;
    this.states = [initialState as State];
    this.cloneState = cloneState;
    this.numBeams = options.numBeams;
    this.candidateCount = Math.max(2, 1 + options.eosCount) * options.numBeams;
    const capacity = prompt.length + Math.min(options.maxNewTokens, 256);
    this.beams = Array.from({ length: options.numBeams }, () => new TokenBuffer(prompt, capacity));
    this.runningScores = new Float32Array(options.numBeams).fill(BEAM_PENALTY);
    this.runningScores[0] = 0;
    this.candidateScores = new Float32Array(this.candidateCount);
    this.candidateIndices = new Int32Array(this.candidateCount);
  }

  /**
   * Picks this step's candidates from `rows[b]`, the processed log-probabilities of running beam b (the
   * same array may serve several beams, e.g. on the first step when every beam holds the prompt).
   * With `logSoftmax` (beam search without processors), `rows` are raw logits and the log-softmax with
   * these per-beam terms (see `logSoftmaxTerms`) is fused into the selection; not with sampling.
   */
  selectCandidates(
    rows: readonly Float32Array[],
    random?: RandomSource,
    logSoftmax?: { readonly maxes: ArrayLike<number>; readonly logSums: ArrayLike<number> },
  ): BeamCandidates {
    const vocab = rows[0]!.length;
    let count: number;
    if (logSoftmax && !this.options.doSample) {
      count = topLogSoftmaxCandidates(
        rows,
        logSoftmax.maxes,
        logSoftmax.logSums,
        this.runningScores,
        this.candidateCount,
        this.candidateScores,
        this.candidateIndices,
      );
    } else if (this.options.doSample) {
      if (!random) throw new Error('beam sampling needs a random source');
      this.sampler ??= new CandidateSampler();
      count = this.sampler.draw(
        rows,
        this.runningScores,
        this.candidateCount,
        random,
        this.candidateScores,
        this.candidateIndices,
      );
    } else {
      count = topCandidates(
        rows,
        this.runningScores,
        this.candidateCount,
        this.candidateScores,
        this.candidateIndices,
      );
    }
    return { count, scores: this.candidateScores, indices: this.candidateIndices, vocab };
  }

  /**
   * Applies one step: updates the finished list, the running beams (histories and scores) and the stop
   * state. Returns `parents[i]`, the old running beam the new running beam i continues (to reorder the KV
   * cache and per-beam processors), and `tokens[i]`, the token it appended. Before the first step all
   * beams hold the same prompt, so every parent is reported as 0.
   */
  step(candidates: BeamCandidates, isFinished: FinishCheck): { parents: Int32Array; tokens: Int32Array } {
    const { count, scores, indices, vocab } = candidates;
    const B = this.numBeams;
    const generatedLength = this.steps + 1;
    const { lengthPenalty, earlyStopping, maxNewTokens } = this.options;
    const firstStep = this.steps === 0;

    const candidateBeam = new Int32Array(count);
    const candidateToken = new Int32Array(count);
    const reasons: (FinishReason | null)[] = new Array(count);
    let finishedCount = 0;
    for (let k = 0; k < count; k++) {
      const flat = indices[k]!;
      const beam = Math.floor(flat / vocab);
      candidateBeam[k] = firstStep ? 0 : beam;
      candidateToken[k] = flat - beam * vocab;
      const reason =
        generatedLength >= maxNewTokens
          ? (isFinished(candidateBeam[k]!, candidateToken[k]!, generatedLength) ?? 'length')
          : isFinished(candidateBeam[k]!, candidateToken[k]!, generatedLength);
      reasons[k] = reason;
      if (reason !== null) finishedCount++;
    }

    // Finished list: only the first B candidates may enter.
    const full = this.finished.length === B;
    const blocked = !this.heuristicUnsatisfied || (earlyStopping === true && full);
    if (!blocked) {
      const divisor = Math.fround(generatedLength ** lengthPenalty);
      for (let k = 0; k < Math.min(B, count); k++) {
        const reason = reasons[k];
        if (reason === null || reason === undefined) continue;
        const source = this.beams[candidateBeam[k]!]!;
        const tokens = new Int32Array(source.length + 1);
        tokens.set(source.data.subarray(0, source.length));
        tokens[source.length] = candidateToken[k]!;
        this.addFinished({ tokens, score: Math.fround(scores[k]! / divisor), finishReason: reason });
      }
    }

    // Next running beams: best B after penalising finished candidates.
    const adjusted = new Float32Array(count);
    for (let k = 0; k < count; k++) {
      adjusted[k] = reasons[k] === null ? scores[k]! : Math.fround(scores[k]! + BEAM_PENALTY);
    }
    const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => {
      const scoreA = adjusted[a]!;
      const scoreB = adjusted[b]!;
      return scoreA > scoreB ? -1 : scoreA < scoreB ? 1 : a - b;
    });
    const chosen = order.slice(0, B);
    const parents = new Int32Array(B);
    const tokens = new Int32Array(B);
    const childCount = new Int32Array(B);
    for (const k of chosen) childCount[candidateBeam[k]!]!++;
    const newBeams: TokenBuffer[] = [];
    const newStates: State[] = [];
    for (let i = 0; i < chosen.length; i++) {
      const k = chosen[i]!;
      const parent = candidateBeam[k]!;
      parents[i] = parent;
      tokens[i] = candidateToken[k]!;
      const moved = --childCount[parent]! === 0;
      const buffer = moved ? this.beams[parent]! : this.beams[parent]!.clone();
      buffer.push(candidateToken[k]!);
      newBeams.push(buffer);
      newStates.push(moved ? this.states[parent]! : this.cloneState(this.states[parent]!));
      this.runningScores[i] = adjusted[k]!;
    }
    this.beams = newBeams;
    this.states = newStates;
    this.steps = generatedLength;

    this.updateDone(finishedCount === count || generatedLength >= maxNewTokens);
    return { parents, tokens };
  }

  /** The best `count` finished hypotheses, best first (fewer if fewer finished). */
  best(count: number): BeamHypothesis[] {
    return this.finished.slice(0, count);
  }

  /**
   * Ends the search early (abort before a step completed): running beams are offered to the finished list
   * with their current length-normalised scores and the given reason.
   */
  finishRunning(reason: FinishReason): void {
    if (this.steps > 0) {
      const divisor = Math.fround(this.steps ** this.options.lengthPenalty);
      for (let i = 0; i < this.beams.length; i++) {
        const beam = this.beams[i]!;
        if (!(this.runningScores[i]! > BEAM_PENALTY)) continue;
        this.addFinished({
          tokens: beam.data.slice(0, beam.length),
          score: Math.fround(this.runningScores[i]! / divisor),
          finishReason: reason,
        });
      }
    }
    this.done = true;
  }

  private addFinished(hypothesis: BeamHypothesis): void {
    const list = this.finished;
    // Insert after every hypothesis with a score >= this one (earlier entries win ties, as in HF's merge).
    let position = list.length;
    while (position > 0 && list[position - 1]!.score < hypothesis.score) position--;
    if (position >= this.numBeams) return;
    list.splice(position, 0, hypothesis);
    if (list.length > this.numBeams) list.pop();
  }

  private updateDone(everyCandidateFinished: boolean): void {
    const B = this.numBeams;
    const { lengthPenalty, earlyStopping, maxNewTokens } = this.options;
    const hypotheticalLength = earlyStopping === 'never' && lengthPenalty > 0 ? maxNewTokens : this.steps;
    const bestPossible = Math.fround(
      this.runningScores[0]! / Math.fround(hypotheticalLength ** lengthPenalty),
    );
    const worstFinished = this.finished.length === B ? this.finished[B - 1]!.score : BEAM_PENALTY;
    this.heuristicUnsatisfied = this.heuristicUnsatisfied && bestPossible > worstFinished;
    const full = this.finished.length === B;
    this.done =
      this.done || !this.heuristicUnsatisfied || (earlyStopping === true && full) || everyCandidateFinished;
  }
}
