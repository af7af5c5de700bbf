import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildGpt2Model,
  convertCheckpoint,
  type Gpt2Config,
  resolveConfig,
  SeededWeightSource,
} from '../src/index.js';
import { runBoth } from './helpers/compare.js';
import { openSession, type StepInputs } from './helpers/ort.js';
import { tempDir } from './helpers/paths.js';
import { roundTo, type TestDtype, type TestTensor, writeSafetensors } from './helpers/safetensors-writer.js';

const CONFIG = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32 } satisfies Gpt2Config;
const resolved = resolveConfig(CONFIG);

/** A config.json as Hugging Face writes it for this shape, typed out by hand. */
const HF_CONFIG = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  bos_token_id: 50256,
  eos_token_id: 50256,
  initializer_range: 0.3,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_embd: 16,
  n_head: 2,
  n_inner: null,
  n_layer: 2,
  n_positions: 32,
  torch_dtype: 'float32',
  vocab_size: 50257,
};

const STEPS: StepInputs[] = [
  {
    inputIds: [
      [464, 2068, 7586, 21831],
      [50256, 15496, 11, 616],
    ],
    attentionMask: [
      [1, 1, 1, 1],
      [0, 1, 1, 1],
    ],
    positionIds: [
      [0, 1, 2, 3],
      [0, 0, 1, 2],
    ],
  },
  {
    inputIds: [[18045], [3290]],
    attentionMask: [
      [1, 1, 1, 1, 1],
      [0, 1, 1, 1, 1],
    ],
    positionIds: [[4], [3]],
  },
];

let root: string;
let cleanup: () => Promise<void>;
let weights: Map<string, Float32Array>;

beforeAll(async () => {
  const tmp = await tempDir('convert');
  root = tmp.path;
  cleanup = tmp.cleanup;
  weights = await new SeededWeightSource(resolved, {
    seed: 11,
    initializerRange: 0.3,
    randomBiases: true,
  }).readAll();
});
afterAll(() => cleanup());

interface CheckpointPlan {
  dtype: 'F32' | 'F16' | 'BF16' | 'F64';
  prefix: boolean;
  extra?: Record<string, TestTensor>;
  config?: Record<string, unknown> | undefined;
  lmHead?: Float32Array;
}

/** Writes a checkpoint folder; returns the weights a correct conversion holds (rounded to the dtype). */
async function writeCheckpoint(folder: string, plan: CheckpointPlan): Promise<Map<string, Float32Array>> {
  await mkdir(folder, { recursive: true });
  const tensors = new Map<string, TestTensor>();
  const expected = new Map<string, Float32Array>();
  const shapes = new Map(
    (await import('../src/index.js')).gpt2WeightLayout(resolved).map((s) => [s.name, [...s.shape]]),
  );
  for (const [name, values] of weights) {
    const stored = plan.prefix ? name : name.replace(/^transformer\./, '');
    tensors.set(stored, { dtype: plan.dtype, shape: shapes.get(name)!, values });
    expected.set(name, roundTo(plan.dtype, values));
  }
  if (plan.lmHead) {
    tensors.set('lm_head.weight', { dtype: plan.dtype, shape: [50257, 16], values: plan.lmHead });
    expected.set('lm_head.weight', roundTo(plan.dtype, plan.lmHead));
  }
  for (const [name, tensor] of Object.entries(plan.extra ?? {})) tensors.set(name, tensor);
  await writeSafetensors(join(folder, 'model.safetensors'), tensors);
  if (plan.config !== undefined) await writeFile(join(folder, 'config.json'), JSON.stringify(plan.config));
  return expected;
}

async function convertAndCompare(folder: string, expected: Map<string, Float32Array>, options = {}) {
  const result = await convertCheckpoint(folder, `${folder}-onnx`, options);
  const session = await openSession(join(result.dir, 'onnx', 'model.onnx'));
  const diffs = await runBoth({ config: resolved, weights: expected, session }, STEPS);
  return { result, diffs, session };
}

describe('converting a Hugging Face safetensors checkpoint', () => {
  it.each<[TestDtype & CheckpointPlan['dtype'], boolean]>([
    ['F32', true],
    ['F16', false],
    ['BF16', true],
    ['F64', false],
  ])(
    '%s weights (transformer. prefix: %s) give the logits of the reference forward pass',
    async (dtype, prefix) => {
      const folder = join(root, `${dtype}-${prefix}`);
      const expected = await writeCheckpoint(folder, { dtype, prefix, config: HF_CONFIG });
      const { result, diffs, session } = await convertAndCompare(folder, expected);
      for (const d of diffs) {
        expect(d.logitsDiff).toBeLessThan(1e-4);
        expect(d.presentDiff).toBeLessThan(1e-4);
      }
      if (dtype === 'F16' || dtype === 'BF16') {
        // The rounding is visible: the float32 weights before rounding would not give these logits.
        const unrounded = await runBoth({ config: resolved, weights, session }, STEPS);
        expect(Math.max(...unrounded.map((d) => d.logitsDiff))).toBeGreaterThan(1e-3);
      }
      expect(result.files).toEqual([
        'config.json',
        'generation_config.json',
        'merges.txt',
        'onnx/model.onnx',
        'tokenizer.json',
        'tokenizer_config.json',
        'vocab.json',
      ]);
      const config = JSON.parse(await readFile(join(result.dir, 'config.json'), 'utf8'));
      expect(config).toMatchObject({ n_layer: 2, n_head: 2, n_embd: 16, n_positions: 32, dtype: 'float32' });
      expect(config.torch_dtype).toBeUndefined();
    },
  );

  it('ignores the attention buffers of old checkpoints and a tied lm_head.weight, and reports unknown tensors', async () => {
    const folder = join(root, 'buffers');
    const mask = new Float32Array(32 * 32);
    const expected = await writeCheckpoint(folder, {
      dtype: 'F32',
      prefix: true,
      config: HF_CONFIG,
      extra: {
        'transformer.h.0.attn.bias': { dtype: 'F32', shape: [1, 1, 32, 32], values: mask },
        'transformer.h.0.attn.masked_bias': { dtype: 'F32', shape: [], values: [-1e4] },
        'lm_head.weight': {
          dtype: 'F32',
          shape: [50257, 16],
          values: weights.get('transformer.wte.weight')!,
        },
        'score.weight': { dtype: 'F32', shape: [2, 16], values: new Float32Array(32) },
      },
    });
    const { result, diffs } = await convertAndCompare(folder, expected);
    expect(diffs.every((d) => d.logitsDiff < 1e-4)).toBe(true);
    expect(result.ignoredTensors).toEqual(['lm_head.weight', 'score.weight']);
  });

  it('uses an untied lm_head.weight when config.json says tie_word_embeddings: false', async () => {
    const folder = join(root, 'untied');
    const lmHead = new Float32Array(50257 * 16).map((_, i) => Math.sin(i) * 0.3);
    const expected = await writeCheckpoint(folder, {
      dtype: 'F32',
      prefix: true,
      config: { ...HF_CONFIG, tie_word_embeddings: false },
      lmHead,
    });
    const { result, diffs } = await convertAndCompare(folder, expected);
    for (const d of diffs) expect(d.logitsDiff).toBeLessThan(1e-4);
    expect(JSON.parse(await readFile(join(result.dir, 'config.json'), 'utf8')).tie_word_embeddings).toBe(
      false,
    );
  });

  it('reads sharded checkpoints through model.safetensors.index.json', async () => {
    const folder = join(root, 'sharded');
    await mkdir(folder);
    const entries = [...weights];
    const shards = [entries.slice(0, 10), entries.slice(10)];
    const weightMap: Record<string, string> = {};
    const shapes = new Map(
      (await import('../src/index.js')).gpt2WeightLayout(resolved).map((s) => [s.name, [...s.shape]]),
    );
    for (const [index, shard] of shards.entries()) {
      const file = `model-0000${index + 1}-of-00002.safetensors`;
      await writeSafetensors(
        join(folder, file),
        new Map(
          shard.map(([name, values]) => [name, { dtype: 'F32' as const, shape: shapes.get(name)!, values }]),
        ),
      );
      for (const [name] of shard) weightMap[name] = file;
    }
    await writeFile(
      join(folder, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: weightMap }),
    );
    await writeFile(join(folder, 'config.json'), JSON.stringify(HF_CONFIG));
    const { diffs } = await convertAndCompare(folder, weights);
    expect(diffs.every((d) => d.logitsDiff < 1e-4)).toBe(true);
  });

  it('without config.json, takes n_head from options and the other sizes from the tensors', async () => {
    const folder = join(root, 'no-config');
    const expected = await writeCheckpoint(folder, { dtype: 'F32', prefix: false });
    const { result, diffs } = await convertAndCompare(folder, expected, { config: { nHead: 2 } });
    expect(diffs.every((d) => d.logitsDiff < 1e-4)).toBe(true);
    expect(result.config).toMatchObject({
      nLayer: 2,
      nEmbd: 16,
      nPositions: 32,
      vocabSize: 50257,
      nInner: 64,
    });
  });

  it('copies the checkpoint folder’s own tokenizer and generation config', async () => {
    const folder = join(root, 'own-tokenizer');
    await writeCheckpoint(folder, { dtype: 'F32', prefix: true, config: HF_CONFIG });
    const tokenizer = JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: { a: 0 }, merges: [] } });
    const generation = JSON.stringify({ eos_token_id: 50256, max_length: 20 });
    await writeFile(join(folder, 'tokenizer.json'), tokenizer);
    await writeFile(join(folder, 'generation_config.json'), generation);
    const result = await convertCheckpoint(folder, `${folder}-onnx`);
    expect(await readFile(join(result.dir, 'tokenizer.json'), 'utf8')).toBe(tokenizer);
    expect(await readFile(join(result.dir, 'generation_config.json'), 'utf8')).toBe(generation);
  });

  it('buildGpt2Model({ weights: { safetensors } }) converts with the given config', async () => {
    const folder = join(root, 'build-from-file');
    const expected = await writeCheckpoint(folder, { dtype: 'BF16', prefix: true });
    const result = await buildGpt2Model({
      outDir: join(root, 'build-from-file-onnx'),
      config: CONFIG,
      weights: { safetensors: join(folder, 'model.safetensors') },
    });
    const session = await openSession(join(result.dir, 'onnx', 'model.onnx'));
    const diffs = await runBoth({ config: resolved, weights: expected, session }, STEPS);
    expect(diffs.every((d) => d.logitsDiff < 1e-4)).toBe(true);
  });
});
