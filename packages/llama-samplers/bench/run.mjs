// Cost per decode step of XTC and Mirostat v2 on a GPT-2-sized row (50,257 scores), next to built-in
// samplers of @nucleus/samplers. Every task first copies the source row into a work row (processors
// change it in place); "copy only" is that floor. Reported as ratios to the built-in sample() selector,
// from one run. Run `pnpm --filter @nucleus/samplers build && pnpm --filter @nucleus/llama-samplers build`
// first.
import { chain, createRandom, sample, temperature, topK, topP } from '@nucleus/samplers';
import { Bench } from 'tinybench';
import { mirostatV2, xtc } from '../dist/index.js';

const VOCAB = 50257;
const random = createRandom(1);
// Scores shaped like GPT-2 logits: roughly normal (sum of four uniforms), spread about 3.
const source = Float32Array.from(
  { length: VOCAB },
  () => (random.next() + random.next() + random.next() + random.next() - 2) * 5,
);
const work = new Float32Array(VOCAB);
const ctx = {
  tokens: new Int32Array([464]),
  length: 1,
  promptLength: 1,
  row: 0,
  eosTokenIds: [50256],
  random,
};

const sampler = sample();
const nucleus = topP(0.9);
const exclude = xtc({ probability: 1, threshold: 0.001, seed: 1 }); // acts at every step
const mirostat = mirostatV2({ tau: 5, eta: 0.1 });
const members = [temperature(0.8), topK(40)];
const chained = chain(...members);
let sink = 0;

const bench = new Bench({ time: 300, warmupTime: 100 });
bench
  .add('copy only', () => {
    work.set(source);
  })
  .add('sample() [built-in]', () => {
    work.set(source);
    sink += sampler.select(work, ctx);
  })
  .add('topP(0.9) [built-in]', () => {
    work.set(source);
    nucleus.process(work, ctx);
  })
  .add('xtc (acting)', () => {
    work.set(source);
    exclude.process(work, ctx);
  })
  .add('mirostatV2 select + accept', () => {
    work.set(source);
    const token = mirostat.select(work, ctx);
    mirostat.accept(token, ctx);
    sink += token;
  })
  .add('temperature + topK, one by one', () => {
    work.set(source);
    for (const member of members) member.process(work, ctx);
  })
  .add('chain(temperature, topK)', () => {
    work.set(source);
    chained.process(work, ctx);
  });

await bench.run();

const meanOf = (name) => bench.tasks.find((task) => task.name === name).result.latency.mean;
const reference = meanOf('sample() [built-in]');
console.log(`vocabulary ${VOCAB}; mean time per call, and ratio to sample()`);
for (const task of bench.tasks) {
  const mean = task.result.latency.mean;
  console.log(
    `${task.name.padEnd(34)} ${(mean * 1000).toFixed(1).padStart(8)} us   x${(mean / reference).toFixed(2)}`,
  );
}
if (Number.isNaN(sink)) console.log(sink);
