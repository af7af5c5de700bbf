// Part 1: the cost of one decode step's "processors + token selection" on identical 50,257-logit rows, each
// library doing what its generate() does per step. tinybench, several rounds, Nucleus and transformers.js
// alternating within every round; the medians of the per-round medians are reported.
import {
  BeamSearch,
  createDecodingStep,
  createRandom,
  type GenerationConfigInput,
  logSoftmaxTerms,
  type ProcessContext,
  type SelectContext,
} from '@nucleus/samplers';
import { Bench } from 'tinybench';
import type { PeerStepModules } from './peer.js';
import { benchmarkRows, type RowStatistics, rowStatistics, tokenHistory, VOCAB } from './rows.js';
import { median } from './stats.js';

/** How the peer's row of a configuration relates to Nucleus's. */
export type PeerComparison =
  /** The peer applies the same options: a like-for-like comparison. */
  | 'same'
  /** The peer accepts the option but ignores it: its row is what it does instead (sampling the full vocabulary). */
  | 'ignores'
  /** The peer has no such option: its row is what it does instead (sampling the full vocabulary). */
  | 'lacks'
  /** The peer cannot do this at all: no peer row. */
  | 'none';

/** One measured configuration. */
export interface StepResult {
  readonly config: string;
  /** The options as given to Nucleus (camelCase). */
  readonly nucleusOptions: GenerationConfigInput | string;
  /** The options as given to transformers.js (snake_case), or null when it has no such mode. */
  readonly peerOptions: Record<string, unknown> | null;
  readonly comparison: PeerComparison;
  /** What the peer actually does for these options. */
  readonly peerNote: string;
  /** Median (over rounds) of the per-round median step time, in microseconds. */
  readonly nucleusUs: number;
  readonly peerUs: number | null;
  /** peerUs / nucleusUs. */
  readonly speedup: number | null;
  /** The speedup the issue asks for, if any. */
  readonly target: number | null;
  readonly samples: { readonly nucleus: number; readonly peer: number | null };
}

/** The part-1 report. */
export interface StepReport {
  readonly rounds: number;
  readonly timePerTaskMs: number;
  readonly rows: RowStatistics;
  readonly historyTokens: string;
  readonly results: readonly StepResult[];
}

/** Options of {@link runStepBench}. */
export interface StepBenchOptions {
  readonly rounds: number;
  /** tinybench `time` per task and round. */
  readonly timeMs: number;
  readonly log: (line: string) => void;
}

interface StepCase {
  readonly name: string;
  readonly nucleus: GenerationConfigInput | 'beam';
  readonly peer: Record<string, unknown> | null;
  readonly comparison: PeerComparison;
  readonly peerNote: string;
  readonly target: number | null;
}

const FULL_VOCAB_NOTE =
  'samples from the full vocabulary: top_k 0 makes its TopK operator sort all 50,257 logits, then softmax and one draw';

const CASES: readonly StepCase[] = [
  {
    name: 'greedy',
    nucleus: {},
    peer: { do_sample: false },
    comparison: 'same',
    peerNote: 'argmax (`GreedySampler`)',
    target: null,
  },
  {
    name: 'temperature 0.7 + top-k 50, sample',
    nucleus: { doSample: true, temperature: 0.7, topK: 50 },
    peer: { do_sample: true, temperature: 0.7, top_k: 50 },
    comparison: 'same',
    peerNote: 'TemperatureLogitsWarper, then a TopK ONNX session (k 50), softmax over 50, one draw',
    target: 2,
  },
  {
    name: 'temperature 1, top-k off (full vocabulary), sample',
    nucleus: { doSample: true, topK: 0 },
    peer: { do_sample: true, top_k: 0 },
    comparison: 'same',
    peerNote: FULL_VOCAB_NOTE,
    target: 20,
  },
  {
    name: 'top-p 0.9 (top-k off), sample',
    nucleus: { doSample: true, topK: 0, topP: 0.9 },
    peer: { do_sample: true, top_k: 0, top_p: 0.9 },
    comparison: 'ignores',
    peerNote: `ignores top_p (its TopPLogitsWarper is never added), so it ${FULL_VOCAB_NOTE}`,
    target: 20,
  },
  {
    name: 'min-p 0.05 (top-k off), sample',
    nucleus: { doSample: true, topK: 0, minP: 0.05 },
    peer: { do_sample: true, top_k: 0, min_p: 0.05 },
    comparison: 'lacks',
    peerNote: `has no min_p option (an unknown option is dropped), so it ${FULL_VOCAB_NOTE}`,
    target: 20,
  },
  {
    name: 'typical-p 0.9 (top-k off), sample',
    nucleus: { doSample: true, topK: 0, typicalP: 0.9 },
    peer: { do_sample: true, top_k: 0, typical_p: 0.9 },
    comparison: 'ignores',
    peerNote: `ignores typical_p (a config field nothing reads), so it ${FULL_VOCAB_NOTE}`,
    target: null,
  },
  {
    name: 'repetition penalty 1.3, 1,000-token history, greedy',
    nucleus: { repetitionPenalty: 1.3 },
    peer: { do_sample: false, repetition_penalty: 1.3 },
    comparison: 'same',
    peerNote: 'RepetitionPenaltyLogitsProcessor (a Set of the whole history every step), then argmax',
    target: null,
  },
  {
    name: 'no-repeat-ngram 3, 1,000-token history, greedy',
    nucleus: { noRepeatNgramSize: 3 },
    peer: { do_sample: false, no_repeat_ngram_size: 3 },
    comparison: 'same',
    peerNote: 'NoRepeatNGramLogitsProcessor (rebuilds every n-gram of the history every step), then argmax',
    target: null,
  },
  {
    name: 'beam search step, 4 beams',
    nucleus: 'beam',
    peer: null,
    comparison: 'none',
    peerNote: 'no beam search: with num_beams > 1 its loop keeps the first candidate, i.e. decodes greedily',
    target: null,
  },
];

const PROMPT_LENGTH = 16;
const HISTORY = 1000;
const HISTORY_SPAN = 256;
const EOS = 50256;

type MutableContext = { -readonly [K in keyof SelectContext]: SelectContext[K] };

/**
 * A step as Nucleus's sampling loop runs it (packages/samplers/src/generate/sampling-loop.ts): the public
 * `createDecodingStep(config)` is the per-row step object `generate()` builds (its processors in Hugging
 * Face's order plus the selector, compacted to the survivors after a top-k/top-p/min-p cut), `select` on the
 * session's row (left unchanged), then the token appended and `accept`ed. The history starts at 1,000 tokens
 * and grows by one per step; every 256 steps it is cut back and the step reset (its processors rebuild their
 * index from the history).
 */
function nucleusStep(options: GenerationConfigInput, rows: readonly Float32Array[]): () => number {
  const step = createDecodingStep(options, { promptLength: PROMPT_LENGTH });
  const history = tokenHistory(HISTORY + HISTORY_SPAN, 7);
  const context: MutableContext = {
    tokens: history,
    length: HISTORY,
    promptLength: PROMPT_LENGTH,
    row: 0,
    eosTokenIds: [EOS],
    random: createRandom(42),
  };
  let next = 0;
  return () => {
    const token = step.select(rows[next]!, context);
    next = (next + 1) & 15;
    if (context.length === history.length) {
      context.length = HISTORY;
      step.reset();
    }
    history[context.length++] = token;
    step.accept(token, context as ProcessContext);
    return token;
  };
}

/**
 * A 4-beam step as Nucleus's beam loop runs it without processors: the log-softmax terms of each beam's raw
 * row, fused into the top-2B candidate selection over 4 x 50,257, then the beam bookkeeping. A search
 * restarts every 64 steps.
 */
function nucleusBeamStep(rows: readonly Float32Array[]): () => number {
  const beams = 4;
  const prompt = Array.from(tokenHistory(PROMPT_LENGTH, 3));
  const options = {
    numBeams: beams,
    eosCount: 1,
    lengthPenalty: 1,
    earlyStopping: false,
    maxNewTokens: 1 << 20,
    doSample: false,
  } as const;
  let search = new BeamSearch(prompt, options);
  const views: Float32Array[] = new Array(beams);
  const maxes = new Float64Array(beams);
  const logSums = new Float64Array(beams);
  const finished = (_beam: number, token: number) => (token === EOS ? 'eos' : null);
  let next = 0;
  return () => {
    if (search.steps === 64 || search.done) search = new BeamSearch(prompt, options);
    for (let b = 0; b < beams; b++) {
      const row = rows[next]!;
      next = (next + 1) & 15;
      const { max, logSum } = logSoftmaxTerms(row);
      views[b] = row;
      maxes[b] = max;
      logSums[b] = logSum;
    }
    const { tokens } = search.step(search.selectCandidates(views, undefined, { maxes, logSums }), finished);
    return tokens[0]!;
  };
}

/**
 * A step as transformers.js's `generate()` runs it (src/models/modeling_utils.js): the model's logits tensor
 * `[1, 1, vocab]` sliced to the last position and cast (`.slice(null, -1, null).to('float32')`, a copy), the
 * `LogitsProcessorList` of `_get_logits_processor` called with the `bigint[][]` history, the batch row taken
 * (`scores[0]`), the `LogitsSampler` of `getSampler` awaited, and the token pushed onto the history.
 */
function peerStep(
  peer: PeerStepModules,
  options: Record<string, unknown>,
  rows: readonly Float32Array[],
): () => Promise<number> {
  const config = peer.generationConfig(options);
  const processors = peer.processors(config, PROMPT_LENGTH);
  const sampler = peer.sampler(config);
  const sources = rows.map((row) => peer.tensor(row, [1, 1, VOCAB]));
  const initial = Array.from(tokenHistory(HISTORY + HISTORY_SPAN, 7).subarray(0, HISTORY), BigInt);
  const inputIds: bigint[][] = [[...initial]];
  let next = 0;
  return async () => {
    const logits = sources[next]!.slice(null, -1, null).to('float32');
    next = (next + 1) & 15;
    const scores = processors(inputIds, logits);
    const sampled = await sampler(scores[0]!);
    const token = Number(sampled[0]![0]);
    if (inputIds[0]!.length === HISTORY + HISTORY_SPAN) inputIds[0]!.length = HISTORY;
    inputIds[0]!.push(BigInt(token));
    return token;
  };
}

/**
 * Checks that both step harnesses decode the same thing where they must: greedy picks the same token on every
 * row, and a top-k 50 draw of each library lands in the row's top 50.
 */
async function crossCheckSteps(peer: PeerStepModules, rows: readonly Float32Array[]): Promise<void> {
  const ours = nucleusStep({}, rows);
  const theirs = peerStep(peer, { do_sample: false }, rows);
  for (let i = 0; i < rows.length; i++) {
    const [a, b] = [ours(), await theirs()];
    if (a !== b) throw new Error(`per-step greedy disagrees on row ${i}: Nucleus ${a}, transformers.js ${b}`);
  }
  const oursK = nucleusStep({ doSample: true, topK: 50 }, rows);
  const theirsK = peerStep(peer, { do_sample: true, top_k: 50 }, rows);
  for (let i = 0; i < rows.length; i++) {
    const threshold = [...rows[i]!].sort((x, y) => y - x)[49]!;
    const [a, b] = [oursK(), await theirsK()];
    if (!(rows[i]![a]! >= threshold) || !(rows[i]![b]! >= threshold)) {
      throw new Error(`a top-k 50 draw outside the top 50 on row ${i}: Nucleus ${a}, transformers.js ${b}`);
    }
  }
}

/** A full GC when node runs with --expose-gc, so that one task's garbage is not collected in the next's time. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs part 1 and returns its results. */
export async function runStepBench(peer: PeerStepModules, options: StepBenchOptions): Promise<StepReport> {
  const rows = benchmarkRows();
  peer.seed(42);
  await crossCheckSteps(peer, rows);
  options.log('per-step harnesses agree (greedy tokens equal, top-k 50 draws inside the top 50)');

  const times = CASES.map(() => ({ nucleus: [] as number[], peer: [] as number[], n: 0, p: 0 }));
  let sink = 0;
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({ time: options.timeMs, warmupTime: 50, warmupIterations: 5, iterations: 10 });
    CASES.forEach((c, i) => {
      const ours = c.nucleus === 'beam' ? nucleusBeamStep(rows) : nucleusStep(c.nucleus, rows);
      const theirs = c.peer ? peerStep(peer, c.peer, rows) : null;
      // Alternate which library goes first, round by round.
      const tasks: [string, () => unknown][] = [[`${i}|nucleus`, () => (sink += ours())]];
      if (theirs) tasks.push([`${i}|peer`, async () => (sink += await theirs())]);
      if (round % 2 === 1) tasks.reverse();
      for (const [name, fn] of tasks) bench.add(name, fn as () => void, { beforeAll: collectGarbage });
    });
    await bench.run();
    CASES.forEach((c, i) => {
      const ours = bench.getTask(`${i}|nucleus`)!.result;
      const theirs = c.peer ? bench.getTask(`${i}|peer`)!.result : undefined;
      if (!ours || ('error' in ours && ours.error)) throw new Error(`step bench ${c.name} (Nucleus) failed`);
      const latency = (result: typeof ours) =>
        (result as { latency: { p50: number; samplesCount: number } }).latency;
      times[i]!.nucleus.push(latency(ours).p50 * 1000);
      times[i]!.n += latency(ours).samplesCount;
      if (theirs) {
        if ('error' in theirs && theirs.error)
          throw new Error(`step bench ${c.name} (transformers.js) failed`);
        times[i]!.peer.push(latency(theirs).p50 * 1000);
        times[i]!.p += latency(theirs).samplesCount;
      }
    });
    options.log(
      `step round ${round + 1}/${options.rounds}: ${CASES.map((c, i) => `${c.name}: ${times[i]!.nucleus.at(-1)!.toFixed(1)} vs ${times[i]!.peer.at(-1)?.toFixed(1) ?? '-'} us`).join('; ')}`,
    );
  }
  if (sink === 0.5) options.log('');

  const results = CASES.map((c, i): StepResult => {
    const nucleusUs = median(times[i]!.nucleus);
    const peerUs = c.peer ? median(times[i]!.peer) : null;
    return {
      config: c.name,
      nucleusOptions: c.nucleus === 'beam' ? 'numBeams 4 (one step of the search)' : c.nucleus,
      peerOptions: c.peer,
      comparison: c.comparison,
      peerNote: c.peerNote,
      nucleusUs,
      peerUs,
      speedup: peerUs === null ? null : peerUs / nucleusUs,
      target: c.target,
      samples: { nucleus: times[i]!.n, peer: c.peer ? times[i]!.p : null },
    };
  });
  return {
    rounds: options.rounds,
    timePerTaskMs: options.timeMs,
    rows: rowStatistics(rows),
    historyTokens: `${HISTORY} to ${HISTORY + HISTORY_SPAN} tokens (grows by one per step, cut back every ${HISTORY_SPAN} steps)`,
    results,
  };
}
