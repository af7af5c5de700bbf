// `pnpm --filter @nucleus/samplers bench` (after a build): the cost of one decode step on a GPT-2-sized
// row (50,257 logits) for each decoding configuration, Nucleus against the straightforward full-sort
// implementation of bench/baseline.mjs, measured in the same run with tinybench. A step copies a source
// row into the work row (processors work in place), runs the processors, then selects the token (greedy
// argmax or one softmax draw). Prints a markdown table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import {
  argmax,
  BeamSearch,
  createDecodingStep,
  createRandom,
  logSoftmaxTerms,
  noRepeatNgramSize,
  repetitionPenalty,
} from '../dist/index.js';
import * as baseline from './baseline.mjs';
import { benchmarkRows, rowStats, tokenHistory, VOCAB } from './rows.mjs';

const rows = benchmarkRows();
const work = new Float32Array(VOCAB);
let next = 0;
/** Copies the next benchmark row into the work row (cycling through 16 rows). */
function load() {
  work.set(rows[next]);
  next = (next + 1) & 15;
  return work;
}

const random = createRandom(42);
const stateless = {
  tokens: new Int32Array(0),
  length: 0,
  promptLength: 0,
  row: 0,
  eosTokenIds: [50256],
  random,
};

// History configs: a 1,000-token history that grows by one token per step (steady-state incremental
// cost); every 256 steps the processor is reset and rebuilds from 1,000 tokens (amortised in the timing).
const HISTORY = 1000;
const history = tokenHistory(HISTORY + 256, 7);
const historyCtx = {
  tokens: history,
  length: HISTORY,
  promptLength: 16,
  row: 0,
  eosTokenIds: [50256],
  random,
};
function growHistory(processor) {
  if (++historyCtx.length > history.length) {
    historyCtx.length = HISTORY;
    processor?.reset();
  }
}

let sink = 0;
const configs = [];
function config(name, nucleus, straightforward) {
  configs.push({ name, nucleus, straightforward });
}

/**
 * A Nucleus step as generate() runs it for `generationConfig`: createDecodingStep's processors and
 * selector on the next source row (the step copies the row itself when a processor needs to write).
 */
function nucleusStep(generationConfig) {
  const step = createDecodingStep(generationConfig);
  return () => {
    sink += step.select(rows[next], stateless);
    next = (next + 1) & 15;
  };
}

config('greedy (argmax)', nucleusStep({}), () => {
  sink += baseline.greedy(load());
});

config(
  'temperature 0.7 + topK 50 + sample',
  nucleusStep({ doSample: true, temperature: 0.7, topK: 50 }),
  () => {
    const row = load();
    baseline.temperature(row, 0.7);
    baseline.topK(row, 50);
    sink += baseline.sample(row, random);
  },
);

config('sample over the full vocabulary (topK 0)', nucleusStep({ doSample: true, topK: 0 }), () => {
  sink += baseline.sample(load(), random);
});

config('topP 0.9 + sample', nucleusStep({ doSample: true, topK: 0, topP: 0.9 }), () => {
  const row = load();
  baseline.topP(row, 0.9);
  sink += baseline.sample(row, random);
});

config(
  'temperature 0.7 + topK 50 + topP 0.9 + sample',
  nucleusStep({ doSample: true, temperature: 0.7, topK: 50, topP: 0.9 }),
  () => {
    const row = load();
    baseline.temperature(row, 0.7);
    baseline.topK(row, 50);
    baseline.topP(row, 0.9);
    sink += baseline.sample(row, random);
  },
);

config('minP 0.05 + sample', nucleusStep({ doSample: true, topK: 0, minP: 0.05 }), () => {
  const row = load();
  baseline.minP(row, 0.05);
  sink += baseline.sample(row, random);
});

config('typicalP 0.9 + sample', nucleusStep({ doSample: true, topK: 0, typicalP: 0.9 }), () => {
  const row = load();
  baseline.typicalP(row, 0.9);
  sink += baseline.sample(row, random);
});

const repetition = repetitionPenalty(1.3);
config(
  'repetitionPenalty 1.3, 1,000-token history + greedy',
  () => {
    const row = load();
    repetition.process(row, historyCtx);
    sink += argmax(row);
    growHistory(repetition);
  },
  () => {
    const row = load();
    baseline.repetitionPenalty(row, history, historyCtx.length, 1.3);
    sink += baseline.greedy(row);
    growHistory();
  },
);

const ngram = noRepeatNgramSize(3);
config(
  'noRepeatNgramSize 3, 1,000-token history + greedy',
  () => {
    const row = load();
    ngram.process(row, historyCtx);
    sink += argmax(row);
    growHistory(ngram);
  },
  () => {
    const row = load();
    baseline.noRepeatNgram(row, history, historyCtx.length, 3);
    sink += baseline.greedy(row);
    growHistory();
  },
);

// Beam search, 4 beams: log-softmax of each beam's row, the top 2B candidates over 4 x 50,257, and the
// beam bookkeeping (finished list, reordering). A search restarts every 64 steps.
const BEAMS = 4;
const beamRows = new Array(BEAMS);
const beamTerms = { maxes: new Float64Array(BEAMS), logSums: new Float64Array(BEAMS) };
const baselineRows = Array.from({ length: BEAMS }, () => new Float32Array(VOCAB));
const beamOptions = {
  numBeams: BEAMS,
  eosCount: 1,
  lengthPenalty: 1,
  earlyStopping: false,
  maxNewTokens: 1 << 30,
  doSample: false,
};
const prompt = tokenHistory(16, 3);
let beam = new BeamSearch(prompt, beamOptions);
const neverFinished = () => null;
const runningScores = new Float32Array([0, -1.5, -2.25, -3]);
config(
  'beam search step, 4 beams',
  () => {
    if (beam.steps === 64) beam = new BeamSearch(prompt, beamOptions);
    // As generate() does without processors: log-softmax terms per beam, fused into the candidate scan.
    for (let b = 0; b < BEAMS; b++) {
      beamRows[b] = rows[next];
      next = (next + 1) & 15;
      const { max, logSum } = logSoftmaxTerms(beamRows[b]);
      beamTerms.maxes[b] = max;
      beamTerms.logSums[b] = logSum;
    }
    beam.step(beam.selectCandidates(beamRows, undefined, beamTerms), neverFinished);
  },
  () => {
    for (let b = 0; b < BEAMS; b++) {
      baselineRows[b].set(rows[next]);
      next = (next + 1) & 15;
    }
    sink += baseline.beamStep(baselineRows, runningScores)[0];
  },
);

const loadBefore = loadavg()[0];
const bench = new Bench({ time: 400, warmupTime: 100, iterations: 20 });
for (const { name, nucleus, straightforward } of configs) {
  bench.add(`${name} | nucleus`, nucleus, { beforeAll: () => globalThis.gc?.() });
  bench.add(`${name} | full sort`, straightforward, { beforeAll: () => globalThis.gc?.() });
}
await bench.run();

const median = (taskName) => {
  const result = bench.getTask(taskName).result;
  return {
    us: result.latency.p50 * 1000,
    samples: result.latency.samplesCount ?? result.latency.samples?.length,
  };
};
const results = configs.map(({ name }) => {
  const ours = median(`${name} | nucleus`);
  const theirs = median(`${name} | full sort`);
  return {
    config: name,
    nucleusMedianUs: Number(ours.us.toFixed(1)),
    fullSortMedianUs: Number(theirs.us.toFixed(1)),
    speedup: Number((theirs.us / ours.us).toFixed(1)),
    samples: { nucleus: ours.samples, fullSort: theirs.samples },
  };
});

const stats = rows.map(rowStats);
const range = (key, digits) =>
  `${Math.min(...stats.map((s) => s[key])).toFixed(digits)}–${Math.max(...stats.map((s) => s[key])).toFixed(digits)}`;
const lines = [
  '| configuration (one step, 50,257 logits) | Nucleus median (µs) | full sort median (µs) | speedup |',
  '| --- | ---: | ---: | ---: |',
  ...results.map((r) => `| ${r.config} | ${r.nucleusMedianUs} | ${r.fullSortMedianUs} | ${r.speedup}x |`),
];
const loadNote = `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`;
const environment = `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${loadNote}`;
const rowSummary = `rows: top-1 probability ${range('top1', 2)}, top-p 0.9 nucleus ${range('nucleus90', 0)} tokens, entropy ${range('entropy', 1)} nats`;
console.log(lines.join('\n'));
console.log(`\n${environment}; ${rowSummary}`);

const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(
  join(here, 'results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), environment, rows: rowSummary, results }, null, 2)}\n`,
);
if (sink === 0.5) console.log(''); // keep the results alive
