// Soak: 200 generations on one loaded model (greedy, sampling, beam search, batches, streams, aborted
// runs, concurrent calls) and the process RSS at the start and the end. Not a test: run it by hand with
//   node --expose-gc bench/soak.mjs [--generations 200] [--preset tiny|gpt2-small-shape]
import { parseArgs } from 'node:util';
import { ensureModel } from '@nucleus/gpt2-onnx';
import { loadModel } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    generations: { type: 'string', default: '200' },
    preset: { type: 'string', default: 'tiny' },
    threads: { type: 'string', default: '2' },
  },
});
const total = Number(args.generations);
const gc = globalThis.gc ?? (() => {});
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const memory = () => {
  gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
};

const dir = await ensureModel(args.preset);
const model = await loadModel(dir, { threads: Number(args.threads) });
const prompts = ['Hello, my dog is', 'Long long ago, a beautiful girl', 'The quick brown fox', 'Ünïcödé 🤗'];
const kinds = [
  () => model.generate(prompts[0], { maxNewTokens: 32 }),
  () => model.generate(prompts[1], { maxNewTokens: 32, doSample: true, topP: 0.9, topK: 0, seed: 3 }),
  () => model.generate(prompts[2], { maxNewTokens: 24, numBeams: 4, numReturnSequences: 2 }),
  () => model.generate(prompts, { maxNewTokens: 24, doSample: true, numReturnSequences: 2, seed: 5 }),
  async () => {
    let text = '';
    for await (const event of model.stream(prompts[3], { maxNewTokens: 32, doSample: true, seed: 7 }))
      text += event.text;
    return text;
  },
  async () => {
    const controller = new AbortController();
    const stream = model.stream(prompts[0], { maxNewTokens: 64 }, { signal: controller.signal });
    let seen = 0;
    for await (const _ of stream) if (++seen === 5) controller.abort();
    return stream.result;
  },
  () =>
    Promise.all(
      prompts.map((prompt, i) => model.generate(prompt, { maxNewTokens: 16, doSample: true, seed: i })),
    ),
];

// Warm-up: one of each, so allocator pools and JIT state exist before the first reading.
for (const kind of kinds) await kind();
const start = memory();
const samples = [];
const began = performance.now();
for (let i = 0; i < total; i++) {
  await kinds[i % kinds.length]();
  if ((i + 1) % 50 === 0) {
    const now = memory();
    samples.push({ generations: i + 1, rssMB: Number(mb(now.rss)) });
    console.error(
      `${i + 1} generations: RSS ${mb(now.rss)} MB, heap ${mb(now.heapUsed)} MB, live sessions ${model.liveSessions}`,
    );
  }
}
const end = memory();
const seconds = (performance.now() - began) / 1000;
console.log(
  `${total} generations (${args.preset}) in ${seconds.toFixed(1)} s: RSS ${mb(start.rss)} MB at the start, ${mb(end.rss)} MB at the end ` +
    `(${end.rss >= start.rss ? '+' : ''}${mb(end.rss - start.rss)} MB); JS heap ${mb(start.heapUsed)} -> ${mb(end.heapUsed)} MB; ` +
    `array buffers ${mb(start.arrayBuffers)} -> ${mb(end.arrayBuffers)} MB; sessions still open: ${model.liveSessions}`,
);
console.log(JSON.stringify({ samples }));
await model.dispose();
