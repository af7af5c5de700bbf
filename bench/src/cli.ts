// `pnpm bench:peers [--quick] [--threads 2]`: parts 1-5 in one run, then docs/benchmarks.md and .json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureModel } from '@nucleus/gpt2-onnx';
import { runE2eBench } from './e2e-bench.js';
import { describeEnvironment } from './environment.js';
import { runMemoryBench } from './memory-bench.js';
import { loadPeerStepModules } from './peer.js';
import { type BenchmarkRun, checkTargets, headlines, renderMarkdown } from './report.js';
import { runStepBench } from './step-bench.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string' },
    'new-tokens': { type: 'string' },
    'memory-generations': { type: 'string' },
    'memory-new-tokens': { type: 'string' },
    'no-batch': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    [
      'pnpm bench:peers [options]   Nucleus against transformers.js: sampling steps, whole generations, memory',
      '  --quick                    a short run to check the setup (writes bench/quick-results.*, not docs/)',
      '  --threads N                ONNX threads for every library (default 2)',
      '  --rounds N                 interleaved rounds of whole generations (default 3, quick 1)',
      '  --new-tokens N             new tokens per generation (default 128, quick 16)',
      '  --memory-generations N     generations per memory process (default 100, quick 5)',
      '  --memory-new-tokens N      new tokens per memory generation (default 8)',
      '  --no-batch                 skip the batch-of-8 contenders',
      '  --out DIR                  where benchmarks.md and benchmarks.json go (default docs/)',
    ].join('\n'),
  );
  process.exit(0);
}

const count = (value: string | undefined, fallback: number, name: string): number => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
};
const quick = args.quick;
const threads = count(args.threads, 2, 'threads');
const rounds = count(args.rounds, quick ? 1 : 3, 'rounds');
const newTokens = count(args['new-tokens'], quick ? 16 : 128, 'new-tokens');
const memoryGenerations = count(args['memory-generations'], quick ? 5 : 100, 'memory-generations');
const memoryNewTokens = count(args['memory-new-tokens'], 8, 'memory-new-tokens');
const log = (line: string) => console.error(line);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const started = performance.now();

const environment = await describeEnvironment(repoRoot);
log(`load average before: ${environment.loadAverageBefore.map((v) => v.toFixed(2)).join(', ')}`);
const preset = 'gpt2-small-shape';
log(`building or finding the ${preset} model (built once by @nucleus/gpt2-onnx, then cached)...`);
const dir = await ensureModel(preset);

log('1. one sampling step on identical logits rows');
const step = await runStepBench(await loadPeerStepModules(), {
  rounds: quick ? 1 : 3,
  timeMs: quick ? 100 : 400,
  log,
});
log('2-4. whole generations');
const e2e = await runE2eBench({ dir, threads, newTokens, rounds, batch: !args['no-batch'], log });
log('5. memory, one process per library');
const memory = await runMemoryBench({
  dir,
  threads,
  generations: memoryGenerations,
  newTokens: memoryNewTokens,
  log,
});
environment.loadAverageAfter = loadavg();

const run: BenchmarkRun = {
  command: `pnpm bench:peers${quick ? ' --quick' : ''}`,
  quick,
  threads,
  model: { preset, shape: '12 layers, 768 dimensions, 12 heads, vocabulary 50,257 (124M parameters, fp32)' },
  environment,
  step,
  e2e,
  memory,
};
const outDir = args.out
  ? path.resolve(args.out)
  : quick
    ? path.join(repoRoot, 'bench')
    : path.join(repoRoot, 'docs');
const base = quick && !args.out ? 'quick-results' : 'benchmarks';
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, `${base}.md`), renderMarkdown(run));
writeFileSync(
  path.join(outDir, `${base}.json`),
  `${JSON.stringify({ ...run, targets: checkTargets(run), headlines: headlines(run) }, null, 2)}\n`,
);
for (const target of checkTargets(run))
  console.log(`${target.met ? 'met   ' : 'MISSED'} ${target.target}: ${target.measured}`);
console.log(headlines(run).join('\n'));
console.log(
  `\nwrote ${path.join(outDir, `${base}.md`)} and .json in ${((performance.now() - started) / 60000).toFixed(1)} min; ` +
    `load average after: ${environment.loadAverageAfter.map((v) => v.toFixed(2)).join(', ')}`,
);
