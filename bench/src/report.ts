// The markdown page (docs/benchmarks.md) and its JSON twin (docs/benchmarks.json).
import type { E2eReport, E2eResult } from './e2e-bench.js';
import type { Environment } from './environment.js';
import type { MemoryResult } from './memory-bench.js';
import type { StepReport, StepResult } from './step-bench.js';

/** Everything one run measured. */
export interface BenchmarkRun {
  readonly command: string;
  readonly quick: boolean;
  readonly threads: number;
  readonly model: { readonly preset: string; readonly shape: string };
  readonly environment: Environment;
  readonly step: StepReport;
  readonly e2e: E2eReport;
  readonly memory: readonly MemoryResult[];
}

/** A target of the issue and whether this run met it. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const us = (value: number) => (value >= 1000 ? `${fixed(value / 1000, 2)} ms` : `${fixed(value, 0)} µs`);

/** The issue's targets, checked against this run. */
export function checkTargets(run: BenchmarkRun): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const r of run.step.results) {
    if (r.target === null || r.speedup === null) continue;
    checks.push({
      target: `${r.config}: at least ${r.target}x faster per step than transformers.js`,
      measured: `${fixed(r.speedup, 1)}x (${us(r.nucleusUs)} vs ${us(r.peerUs!)})`,
      met: r.speedup >= r.target,
    });
  }
  for (const rows of [1, 8]) {
    const nucleus = run.e2e.results.find(
      (r) => r.library === 'Nucleus' && r.mode === 'greedy' && r.rows === rows,
    );
    if (!nucleus?.vsBareLoop) continue;
    checks.push({
      target: `Nucleus greedy${rows > 1 ? `, batch ${rows}` : ''} end to end within 2% of the bare onnxruntime loop`,
      measured: `${fixed(nucleus.vsBareLoop * 100, 1)}% of the bare loop's tokens/s`,
      met: nucleus.vsBareLoop >= 0.98,
    });
  }
  return checks;
}

function comparisonLabel(r: StepResult): string {
  switch (r.comparison) {
    case 'same':
      return 'same options';
    case 'ignores':
      return '**peer ignores the option**';
    case 'lacks':
      return '**peer has no such option**';
    default:
      return '**peer cannot**';
  }
}

function stepTable(step: StepReport): string[] {
  return [
    '| configuration (one step, 50,257 logits) | Nucleus | transformers.js | Nucleus faster by | target | comparable? | what transformers.js does |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...step.results.map((r) => {
      const speedup = r.speedup === null ? 'n/a' : `${fixed(r.speedup, 1)}x`;
      const target =
        r.target === null
          ? ''
          : `${r.target}x ${r.speedup !== null && r.speedup >= r.target ? '(met)' : '(missed)'}`;
      return `| ${r.config} | ${us(r.nucleusUs)} | ${r.peerUs === null ? 'n/a' : us(r.peerUs)} | ${speedup} | ${target} | ${comparisonLabel(r)} | ${r.peerNote} |`;
    }),
  ];
}

function e2eRow(r: E2eResult): string {
  const ratio = r.vsBareLoop === null ? '' : fixed(r.vsBareLoop, 3);
  return `| ${r.name} | ${r.rows} | ${fixed(r.wallMs, 0)} | ${fixed(r.tokensPerSecond, 1)} | ${ratio} | ${fixed(r.msPerStep, 1)} | ${fixed(r.outsideOrtMsPerStep, 2)} |`;
}

/** The headline ratios, one line each (quoted by the root README). */
export function headlines(run: BenchmarkRun): string[] {
  const find = (config: string) => run.step.results.find((r) => r.config === config);
  const topK = find('temperature 0.7 + top-k 50, sample');
  const full = find('temperature 1, top-k off (full vocabulary), sample');
  const topP = find('top-p 0.9 (top-k off), sample');
  const minP = find('min-p 0.05 (top-k off), sample');
  const greedy = (library: string, rows: number) =>
    run.e2e.results.find((r) => r.library === library && r.mode === 'greedy' && r.rows === rows);
  const lines: string[] = [];
  if (topK?.speedup)
    lines.push(
      `- Sampling step, temperature 0.7 + top-k 50: **${fixed(topK.speedup, 1)}x** faster than transformers.js.`,
    );
  if (full?.speedup && topP?.speedup && minP?.speedup) {
    lines.push(
      `- Sampling over the full vocabulary: **${fixed(full.speedup, 0)}x** faster (top-k off); top-p 0.9 and min-p 0.05 cost ` +
        `${fixed(topP.speedup, 0)}x and ${fixed(minP.speedup, 0)}x less than transformers.js's full-vocabulary sampling, ` +
        'which is what it does instead (it ignores top-p and has no min-p).',
    );
  }
  const ours = greedy('Nucleus', 1);
  const theirs = greedy('transformers.js', 1);
  const bare = greedy('bare onnxruntime', 1);
  if (ours && theirs && bare) {
    lines.push(
      `- End to end, GPT-2-small shape, greedy: Nucleus ${fixed(ours.tokensPerSecond, 1)} tokens/s, transformers.js ` +
        `${fixed(theirs.tokensPerSecond, 1)}, the bare onnxruntime loop ${fixed(bare.tokensPerSecond, 1)} ` +
        `(Nucleus at ${fixed(ours.vsBareLoop! * 100, 1)}% of the bare loop); own work per step ${fixed(ours.outsideOrtMsPerStep, 2)} ms vs ` +
        `${fixed(theirs.outsideOrtMsPerStep, 2)} ms.`,
    );
  }
  return lines;
}

/** Renders docs/benchmarks.md. */
export function renderMarkdown(run: BenchmarkRun): string {
  const env = run.environment;
  const load = (values: readonly number[] | undefined) =>
    values ? values.map((v) => fixed(v, 2)).join(', ') : '?';
  const targets = checkTargets(run);
  const memory = run.memory;
  const beam = run.e2e.results.find((r) => r.mode === '4-beam search');
  const greedyOurs = run.e2e.results.find(
    (r) => r.library === 'Nucleus' && r.mode === 'greedy' && r.rows === 1,
  );
  return [
    '# Benchmarks: Nucleus against transformers.js',
    '',
    `Generated by \`${run.command}\` (\`bench/\`, the private package \`@nucleus/bench\`) on ${env.date.slice(0, 10)}` +
      `${run.quick ? ' — **a --quick run: short, for checking the setup, not for quoting**' : ''}. Re-run it to reproduce;` +
      ' the numbers below are from one interleaved run on the machine described here, and `benchmarks.json` beside this page has every sample.',
    '',
    '## Setup',
    '',
    `| | |`,
    '| --- | --- |',
    `| machine | ${env.cpu}, ${env.cores} cores, ${fixed(env.memoryGiB, 1)} GiB; shared with other jobs |`,
    `| load average (1, 5, 15 min) | before ${load(env.loadAverageBefore)}; after ${load(env.loadAverageAfter)} |`,
    `| Node | ${env.node} |`,
    `| Nucleus | commit ${env.nucleusCommit} (\`@nucleus/samplers\`, \`@nucleus/runtime-node\` from this checkout) |`,
    `| transformers.js | \`@huggingface/transformers\` ${env.transformersJs} |`,
    `| onnxruntime-node | ${env.onnxruntimeNode}; ${env.onnxruntimeNote} |`,
    `| sharp (a transformers.js dependency) | ${env.sharp} |`,
    `| threads | ${run.threads} for every ONNX session: \`intraOpNumThreads: ${run.threads}, interOpNumThreads: 1\` (Nucleus \`threads\`/\`interOpThreads\`, transformers.js \`session_options\`, the bare loop) |`,
    `| model | \`${run.model.preset}\` built by \`@nucleus/gpt2-onnx\`: ${run.model.shape}; seeded random weights (the text is noise, the work is real); both libraries load the same folder (transformers.js with \`env.allowRemoteModels = false\`, \`dtype: 'fp32'\`, CPU) |`,
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`),
    '',
    '## 1. One sampling step on identical logits',
    '',
    `Each library does what its \`generate()\` does per step, on the same 16 seeded rows of 50,257 logits (GPT-2-like: a normal bulk and a Zipf head; top-1 probability ${fixed(run.step.rows.top1[0], 2)}–${fixed(run.step.rows.top1[1], 2)}, top-p 0.9 nucleus ${run.step.rows.nucleus90[0]}–${run.step.rows.nucleus90[1]} tokens, entropy ${fixed(run.step.rows.entropy[0], 1)}–${fixed(run.step.rows.entropy[1], 1)} nats), with a token history of ${run.step.historyTokens}:`,
    '',
    '- **Nucleus**: `createDecodingStep(config)`, the per-row step object its `generate()` builds (the processors in Hugging Face order and the selector, working on the survivors once top-k/top-p/min-p has cut the row), `select` on the row, then `accept` of the chosen token: the body of its sampling loop. The 4-beam step is `BeamSearch.selectCandidates` (log-softmax fused into the top-8 selection over 4 x 50,257) + `step`, as its beam loop runs it.',
    "- **transformers.js**: the logits tensor `[1, 1, 50257]` sliced and cast as `generate()` does (`slice(null, -1, null).to('float32')`), the `LogitsProcessorList` of `_get_logits_processor`, the batch row, the awaited `LogitsSampler.getSampler(config)` (greedy: argmax; sampling: an ONNX `TopK` session, softmax over the k values, one draw), the token pushed onto the `bigint[][]` history. `LogitsSampler` is not exported, so these come from the `src/` modules its npm package ships (the code the bundle is built from).",
    `- tinybench, ${run.step.rounds} rounds of ${run.step.timePerTaskMs} ms per task, Nucleus and transformers.js alternating (which goes first alternates by round), a forced GC before each task; medians of the per-round medians. Before timing, greedy picks the same token in both on every row and top-k 50 draws of both fall in the row's top 50.`,
    '',
    ...stepTable(run.step),
    '',
    'Rows marked as not comparable show what transformers.js actually does when given those options: it accepts `top_p` and `typical_p` but never applies them, and drops `min_p`; with `top_k: 0` it samples the full vocabulary. Its ratio there is Nucleus doing the asked-for filtering against transformers.js doing the unfiltered full-vocabulary draw, not the same work. It has no beam search (see 4).',
    '',
    `## 2-4. Whole generations: ${run.e2e.promptTokens}-token prompt, ${run.e2e.newTokens} new tokens`,
    '',
    `EOS disabled in all (Nucleus \`eosTokenId: []\`, transformers.js \`eos_token_id: null\`), so every row generates exactly ${run.e2e.newTokens} tokens (checked). The same token ids go to every library (no tokenizer in the timed path). Contenders run one after another in each of ${run.e2e.rounds} rounds (after a warm-up round of 4 tokens each); medians. "Own work per step" is wall time minus the time inside the decoder session's \`run\`, per step: what the library adds to the forward pass (transformers.js's TopK operator session counts as its own work).`,
    '',
    `Cross-check: ${run.e2e.crossCheck}.`,
    '',
    '| contender | prompts | wall ms | tokens/s (all rows) | vs bare loop | ms per step | own work per step, ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...run.e2e.results.map(e2eRow),
    '',
    `Paired within rounds, Nucleus greedy reached ${fixed(run.e2e.pairedGreedyRatio * 100, 1)}% of the bare loop's tokens/s (median over rounds of the per-round ratio).`,
    ...(beam && greedyOurs
      ? [
          '',
          `4-beam search: ${fixed(beam.msPerStep, 1)} ms per token of the returned sequence against ${fixed(greedyOurs.msPerStep, 1)} ms for greedy ` +
            `(${fixed(beam.msPerStep / greedyOurs.msPerStep, 2)}x); ${fixed(beam.tokensPerSecond, 1)} tokens/s of the returned sequence, ` +
            `${fixed(beam.tokensPerSecond * 4, 1)} beam tokens/s (4 rows per forward pass). transformers.js: n/a (no beam search; \`num_beams > 1\` decodes greedily).`,
        ]
      : []),
    '',
    '## 5. Memory',
    '',
    `Each library in a fresh process of its own: load the model, ${memory[0]?.generations ?? '?'} greedy generations of ${memory[0]?.newTokens ?? '?'} new tokens (16-token prompt), RSS sampled every 10 ms plus the kernel's high-water mark (VmHWM) for the peak; RSS at the end before disposing.`,
    '',
    '| library | RSS after load, MiB | peak RSS, MiB | final RSS, MiB | final − after load, MiB | time, s |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...memory.map(
      (m) =>
        `| ${m.library === 'bare' ? 'bare onnxruntime loop' : m.library === 'nucleus' ? 'Nucleus' : m.library} | ${fixed(m.afterLoadMB, 0)} | ${fixed(m.peakMB, 0)} | ${fixed(m.finalMB, 0)} | ${fixed(m.finalMB - m.afterLoadMB, 1)} | ${fixed(m.seconds, 0)} |`,
    ),
    '',
    '## Headlines',
    '',
    ...headlines(run),
    '',
  ].join('\n');
}
