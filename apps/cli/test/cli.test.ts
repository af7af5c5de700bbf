import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoModelPath } from '@nucleus/demo-model';
import { ensureModel } from '@nucleus/gpt2-onnx';
import { loadModel } from '@nucleus/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasShared, parseJson, REPO_ROOT, runCli, SHARED_CONFORMANCE } from './support/run-cli.js';

interface JsonSequences {
  sequences: { text: string; tokenIds: number[]; score: number | null; finishReason: string }[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI escape is what the tests look for
const ANSI = /\u001b\[/;
let tinyModel: string;
let scratch: string;

beforeAll(async () => {
  tinyModel = await ensureModel('tiny');
  scratch = mkdtempSync(join(tmpdir(), 'nucleus-cli-test-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('conventions', () => {
  it('--help lists every command with examples, and generate --help lists HF and plugin flags', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['generate', 'compare', 'inspect', 'pull', 'models', 'convert']) {
      expect(top.stdout).toContain(command);
    }
    expect(top.stdout).toContain('Examples:');
    const generate = await runCli(['generate', '--help']);
    expect(generate.code).toBe(0);
    for (const flag of [
      '--max-new-tokens',
      '--do-sample',
      '--temperature',
      '--top-k',
      '--top-p',
      '--min-p',
      '--typical-p',
      '--epsilon-cutoff',
      '--eta-cutoff',
      '--repetition-penalty',
      '--no-repeat-ngram-size',
      '--num-beams',
      '--num-return-sequences',
      '--length-penalty',
      '--early-stopping',
      '--seed',
      '--stop',
      '--min-new-tokens',
      '--input-ids',
      '--json',
      // flags made from the registered plugin samplers' option specs
      '--xtc-probability',
      '--xtc-threshold',
      '--mirostat-v2-tau',
    ]) {
      expect(generate.stdout).toContain(flag);
    }
    expect(generate.stdout).toContain('Examples:');
  });

  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    const { version } = JSON.parse(readFileSync(resolve(REPO_ROOT, 'apps/cli/package.json'), 'utf8'));
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it.each([
    [['generate', 'hi', '--top-p', '1.5'], /--top-p must be a number in \[0, 1\], got 1\.5/],
    [['generate', 'hi', '--top-k', 'abc'], /--top-k must be an integer, got "abc"/],
    [['generate', 'hi', '--do-sample', '--temperature', '0'], /--temperature must be/],
    [['generate', 'hi', '--top-q', '3'], /unknown option '--top-q'/],
    [
      ['generate', 'hi', '--early-stopping', 'sometimes'],
      /--early-stopping must be one of true, false, never/,
    ],
    [['generate', 'hi', '--num-beams', '2', '--num-return-sequences', '3'], /numReturnSequences/],
    [['generate', 'hi', '--xtc-threshold', '2'], /--xtc-threshold must be a number in \(0, 1\], got 2$/m],
    [['generate', '--input-ids', '1,x'], /--input-ids must be comma-separated token ids/],
    [['generate', 'hi', '--input-ids', '1,2'], /either a prompt or --input-ids, not both/],
    [['generate'], /missing prompt/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('rejects %j with exit code 2 and one clear line', async (args, message) => {
    const run = await runCli(['--no-color', ...args, '--model', tinyModel]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
    expect(run.stdout).toBe('');
  });

  it('a runtime error exits 1 with one line, and --verbose adds the stack', async () => {
    const missing = join(scratch, 'no-such-model');
    const run = await runCli(['generate', 'hi', '--model', missing], { env: { HF_HUB_OFFLINE: '1' } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const verbose = await runCli(['generate', 'hi', '--model', missing, '--verbose'], {
      env: { HF_HUB_OFFLINE: '1' },
    });
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});

describe('generate', () => {
  it('--json greedy equals what the library generates on the same model, prompt first in tokenIds', async () => {
    const run = await runCli([
      'generate',
      'Hello, my dog is',
      '--model',
      tinyModel,
      '--max-new-tokens',
      '12',
      '--json',
    ]);
    const { sequences } = parseJson<JsonSequences>(run);
    const model = await loadModel(tinyModel);
    try {
      const expected = await model.generate('Hello, my dog is', { maxNewTokens: 12 });
      expect(sequences).toHaveLength(1);
      expect(sequences[0]!.tokenIds).toEqual([...expected.sequences[0]!.tokens]);
      expect(sequences[0]!.tokenIds.slice(0, 5)).toEqual(model.tokenizer.encode('Hello, my dog is'));
      expect(sequences[0]!.text).toBe(`Hello, my dog is${expected.sequences[0]!.text}`);
      expect(sequences[0]!.score).toBeNull();
    } finally {
      await model.dispose();
    }
  });

  it('reads the prompt from stdin with -', async () => {
    const fromArgument = await runCli(['generate', 'Once upon a time', '--model', tinyModel, '--json']);
    const fromStdin = await runCli(['generate', '-', '--model', tinyModel, '--json'], {
      stdin: 'Once upon a time\n',
    });
    expect(parseJson<JsonSequences>(fromStdin)).toEqual(parseJson<JsonSequences>(fromArgument));
  });

  it('--input-ids gives exact token ids', async () => {
    const run = await runCli([
      'generate',
      '--input-ids',
      '15496,11,616,3290,318',
      '--model',
      tinyModel,
      '--json',
    ]);
    const { sequences } = parseJson<JsonSequences>(run);
    expect(sequences[0]!.tokenIds.slice(0, 5)).toEqual([15496, 11, 616, 3290, 318]);
    expect(sequences[0]!.text.startsWith('Hello, my dog is')).toBe(true);
  });

  it('beam search returns numReturnSequences hypotheses, best score first', async () => {
    const run = await runCli([
      'generate',
      'Long long ago',
      '--model',
      tinyModel,
      '--num-beams',
      '4',
      '--num-return-sequences',
      '3',
      '--max-new-tokens',
      '8',
      '--json',
    ]);
    const { sequences } = parseJson<JsonSequences>(run);
    expect(sequences).toHaveLength(3);
    const scores = sequences.map((sequence) => sequence.score!);
    for (const score of scores) expect(Number.isFinite(score)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('sampling with a seed is reproducible, and streams plain text without colour when not a terminal', async () => {
    const args = [
      'generate',
      'The sea',
      '--model',
      tinyModel,
      '--do-sample',
      '--top-p',
      '0.9',
      '--seed',
      '7',
    ];
    const first = await runCli(args);
    const second = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    expect(first.stdout.startsWith('The sea')).toBe(true);
    expect(first.stdout).not.toMatch(ANSI);
    expect(first.stderr).not.toMatch(ANSI);
  });

  it('without --model uses the embedded demo model, which writes English', async () => {
    const run = await runCli(['generate', 'And the LORD said', '--max-new-tokens', '12', '--json']);
    const { sequences } = parseJson<JsonSequences>(run);
    const model = await loadModel(demoModelPath());
    try {
      const expected = await model.generate('And the LORD said', { maxNewTokens: 12 });
      expect(sequences[0]!.tokenIds).toEqual([...expected.sequences[0]!.tokens]);
    } finally {
      await model.dispose();
    }
    // A model with random weights writes fragments like "SurvivorsilantHeader"; this one writes words.
    expect(sequences[0]!.text).toMatch(/^And the LORD said[A-Za-z ,.;:'!?]+$/);
  });
});

describe.skipIf(!hasShared)(
  'HF conformance through the binary (skipped when ../shared/conformance is absent)',
  () => {
    it('greedy --json on tiny-gpt2 equals the golden sequences of generate_greedy.json', async () => {
      const golden = JSON.parse(
        readFileSync(join(SHARED_CONFORMANCE, 'golden/generate_greedy.json'), 'utf8'),
      );
      const singles = golden.cases.filter((entry: { input_ids: number[][] }) => entry.input_ids.length === 1);
      expect(singles.length).toBeGreaterThan(0);
      for (const entry of singles) {
        const run = await runCli([
          'generate',
          '--model',
          join(SHARED_CONFORMANCE, 'tiny-gpt2'),
          '--input-ids',
          entry.input_ids[0].join(','),
          '--max-new-tokens',
          String(entry.generate_kwargs.max_new_tokens),
          '--json',
        ]);
        const { sequences } = parseJson<JsonSequences>(run);
        expect(sequences[0]!.tokenIds).toEqual(entry.sequences[0]);
      }
    });
  },
);

describe('compare', () => {
  it('--json runs the seed notebook set on one prompt and seed, reproducibly', async () => {
    const args = [
      'compare',
      'Hello, my dog is',
      '--model',
      tinyModel,
      '--max-new-tokens',
      '6',
      '--seed',
      '3',
      '--json',
    ];
    const first = parseJson<{
      seed: number;
      results: { name: string; tokenIds: number[]; score: number | null }[];
    }>(await runCli(args));
    expect(first.seed).toBe(3);
    expect(first.results.map((result) => result.name)).toEqual([
      'greedy',
      'T=0.5',
      'T=1.0',
      'T=1.5',
      'top-k 50',
      'top-p 0.9',
      '4 beams',
    ]);
    expect(first.results.at(-1)!.score).not.toBeNull();
    const second = parseJson<typeof first>(await runCli(args));
    expect(second.results).toEqual(first.results);
  });

  it('custom --config entries replace the set, and shared flags apply to all of them', async () => {
    const run = await runCli([
      'compare',
      'Hello',
      '--model',
      tinyModel,
      '--max-new-tokens',
      '4',
      '--config',
      'g=',
      '--config',
      'hot=--do-sample --temperature 1.5 --top-k 0',
      '--json',
    ]);
    const { results } = parseJson<{ results: { name: string; tokenIds: number[] }[] }>(run);
    expect(results.map((result) => result.name)).toEqual(['g', 'hot']);
    for (const result of results) expect(result.tokenIds.length).toBe(1 + 4);
  });

  it('prints readable columns', async () => {
    const run = await runCli([
      'compare',
      'Hello',
      '--model',
      tinyModel,
      '--max-new-tokens',
      '4',
      '--seed',
      '1',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('greedy');
    expect(run.stdout).toContain('top-p 0.9');
    expect(run.stdout).not.toMatch(ANSI);
  });
});

describe('inspect', () => {
  it('--json traces every processor stage, with what each removed', async () => {
    const run = await runCli([
      'inspect',
      'Hello, my dog is',
      '--model',
      tinyModel,
      '--do-sample',
      '--temperature',
      '0.7',
      '--top-k',
      '50',
      '--top-p',
      '0.9',
      '--seed',
      '1',
      '--steps',
      '2',
      '--top',
      '5',
      '--json',
    ]);
    const { trace } = parseJson<{
      trace: {
        stages: { name: string; removedCount: number; top: { probability: number; text: string }[] }[];
      }[];
    }>(run);
    expect(trace).toHaveLength(2);
    const stages = trace[0]!.stages;
    expect(stages.map((stage) => stage.name)).toEqual(['temperature', 'topK', 'topP']);
    expect(stages[0]!.removedCount).toBe(0);
    // top-k 50 over 50,257 tokens removes at least 50,257 - 50 - (ties at the 50th value)
    expect(stages[1]!.removedCount).toBeLessThanOrEqual(50_257 - 50);
    expect(stages[1]!.removedCount).toBeGreaterThan(50_000);
    for (const stage of stages) expect(stage.top.length).toBeLessThanOrEqual(5);
    expect(typeof stages[2]!.top[0]!.text).toBe('string');
  });

  it('draws a bar chart per stage', async () => {
    const run = await runCli([
      'inspect',
      'Hello',
      '--model',
      tinyModel,
      '--do-sample',
      '--top-k',
      '3',
      '--seed',
      '2',
      '--no-color',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('logits');
    expect(run.stdout).toContain('topK');
    expect(run.stdout).toContain('█');
    expect(run.stdout).toMatch(/removed 50,25\d tokens/);
  });
});

describe('models and convert', () => {
  it('models lists a hub cache in the Hugging Face layout', async () => {
    const hubCache = join(scratch, 'hub');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(hubCache, 'models--org--tiny/blobs'), { recursive: true });
    mkdirSync(join(hubCache, 'models--org--tiny/refs'), { recursive: true });
    writeFileSync(join(hubCache, 'models--org--tiny/blobs/abc'), Buffer.alloc(2048));
    writeFileSync(join(hubCache, 'models--org--tiny/refs/main'), 'f'.repeat(40));
    const run = await runCli(['models', '--json'], {
      env: { HF_HUB_CACHE: hubCache },
    });
    const { models } = parseJson<{ models: { id: string; bytes: number; revisions: string[] }[] }>(run);
    expect(models).toEqual([
      expect.objectContaining({ id: 'org/tiny', source: 'hub', bytes: 2048, revisions: ['main@ffffffff'] }),
      expect.objectContaining({ source: 'embedded', path: demoModelPath() }),
    ]);
  });

  it('convert reports a missing checkpoint as one clear line', async () => {
    const run = await runCli(['convert', join(scratch, 'nothing.safetensors'), join(scratch, 'out')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nothing\.safetensors/);
  });

  it.skipIf(!hasShared)(
    'convert turns the conformance checkpoint into a model that generates the golden greedy tokens (skipped when ../shared/conformance is absent)',
    async () => {
      const out = join(scratch, 'converted');
      const converted = await runCli([
        'convert',
        join(SHARED_CONFORMANCE, 'tiny-gpt2/model.safetensors'),
        out,
      ]);
      expect(converted.code).toBe(0);
      const golden = JSON.parse(
        readFileSync(join(SHARED_CONFORMANCE, 'golden/generate_greedy.json'), 'utf8'),
      );
      const entry = golden.cases[0];
      const run = await runCli([
        'generate',
        '--model',
        out,
        '--input-ids',
        entry.input_ids[0].join(','),
        '--max-new-tokens',
        '20',
        '--json',
      ]);
      expect(parseJson<JsonSequences>(run).sequences[0]!.tokenIds).toEqual(entry.sequences[0]);
    },
  );
});
