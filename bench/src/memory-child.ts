// Part 5, one library per process: load the model, run N generations (greedy, 16-token prompt, EOS disabled)
// and print, as one JSON line on stdout, the RSS after loading, the peak RSS (sampled every 10 ms, and the
// kernel's high-water mark VmHWM on Linux) and the RSS at the end. Not `process.resourceUsage().maxRSS`: Linux
// keeps it across fork + exec, so a child would report its parent's peak. Usage: node memory-child.js <nucleus|transformers.js|bare> <dir>
// <threads> <generations> <newTokens>
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadModel } from '@nucleus/runtime-node';
import * as ort from 'onnxruntime-node';
import { bareGreedy, type GraphShape } from './bare-loop.js';
import { loadPeerModel } from './peer.js';

const [library, dir, threadsArg, generationsArg, newTokensArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const generations = Number(generationsArg);
const newTokens = Number(newTokensArg);
const MB = 1024 * 1024;

let peak = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 10);

/** The kernel's peak RSS of this process (VmHWM, bytes), or 0 where /proc is not available. */
function highWaterMark(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const prompt = [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13, 632, 373, 257, 27737, 1110, 290];
let run: () => Promise<unknown>;
let dispose: () => Promise<void>;
if (library === 'nucleus') {
  const model = await loadModel(dir!, { threads, interOpThreads: 1 });
  run = () => model.generate({ inputIds: prompt }, { maxNewTokens: newTokens, eosTokenId: [] });
  dispose = () => model.dispose();
} else if (library === 'transformers.js') {
  const model = await loadPeerModel(dir!, { threads });
  run = () => model.generate([prompt], { max_new_tokens: newTokens, do_sample: false, eos_token_id: null });
  dispose = () => model.dispose();
} else if (library === 'bare') {
  const { readFile } = await import('node:fs/promises');
  const config = JSON.parse(await readFile(path.join(dir!, 'config.json'), 'utf8')) as Record<string, number>;
  const shape: GraphShape = {
    layers: config['n_layer']!,
    heads: config['n_head']!,
    headDim: config['n_embd']! / config['n_head']!,
    vocab: config['vocab_size']!,
  };
  const session = await ort.InferenceSession.create(path.join(dir!, 'onnx', 'model.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  run = () => bareGreedy(session, shape, [prompt], newTokens);
  dispose = () => session.release();
} else {
  throw new Error(`unknown library ${library}: expected nucleus, transformers.js or bare`);
}

const afterLoad = process.memoryUsage.rss();
const start = performance.now();
for (let i = 0; i < generations; i++) await run();
const seconds = (performance.now() - start) / 1000;
const final = process.memoryUsage.rss();
clearInterval(sampler);
peak = Math.max(peak, final);
const maxRss = highWaterMark();
await dispose();
process.stdout.write(
  `${JSON.stringify({
    library,
    generations,
    newTokens,
    seconds,
    afterLoadMB: afterLoad / MB,
    peakMB: Math.max(peak, maxRss) / MB,
    finalMB: final / MB,
    heapUsedMB: process.memoryUsage().heapUsed / MB,
  })}\n`,
);
