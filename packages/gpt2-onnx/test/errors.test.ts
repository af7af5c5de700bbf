import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NucleusError } from '@nucleus/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildGpt2Model,
  CheckpointError,
  convertCheckpoint,
  type Gpt2Config,
  Gpt2ConfigError,
  gpt2WeightLayout,
  OutputDirError,
  resolveConfig,
  SeededWeightSource,
} from '../src/index.js';
import { tempDir } from './helpers/paths.js';
import { safetensorsBytes, type TestTensor } from './helpers/safetensors-writer.js';

const CONFIG = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32 } satisfies Gpt2Config;
const HF_CONFIG = {
  model_type: 'gpt2',
  n_layer: 2,
  n_head: 2,
  n_embd: 16,
  n_positions: 32,
  vocab_size: 50257,
};

let root: string;
let cleanup: () => Promise<void>;
let tensors: Map<string, TestTensor>;
let counter = 0;

beforeAll(async () => {
  const tmp = await tempDir('errors');
  root = tmp.path;
  cleanup = tmp.cleanup;
  const resolved = resolveConfig(CONFIG);
  const weights = await new SeededWeightSource(resolved, { seed: 3 }).readAll();
  tensors = new Map(
    gpt2WeightLayout(resolved).map((s) => [
      s.name,
      { dtype: 'F32', shape: [...s.shape], values: weights.get(s.name)! },
    ]),
  );
});
afterAll(() => cleanup());

/** A fresh folder per case, so that leftovers of one case cannot hide in another's. */
async function caseDir(): Promise<string> {
  const dir = join(root, `case-${counter++}`);
  await mkdir(dir);
  return dir;
}

async function checkpoint(
  edit: (t: Map<string, TestTensor>) => void,
  config: Record<string, unknown> | null = HF_CONFIG,
): Promise<{ dir: string; outDir: string }> {
  const dir = await caseDir();
  const copy = new Map(tensors);
  edit(copy);
  await mkdir(join(dir, 'ckpt'));
  await writeFile(join(dir, 'ckpt', 'model.safetensors'), safetensorsBytes(copy));
  if (config) await writeFile(join(dir, 'ckpt', 'config.json'), JSON.stringify(config));
  return { dir, outDir: join(dir, 'out') };
}

/** Runs `action`, which must fail, and checks that no model folder or partial folder was left. */
async function failsCleanly(dir: string, action: () => Promise<unknown>): Promise<NucleusError> {
  const before = await readdir(dir);
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NucleusError);
  expect((await readdir(dir)).sort()).toEqual(before.sort());
  return error as NucleusError;
}

describe('bad checkpoints give a clear error naming the tensor, and leave nothing behind', () => {
  it('a missing tensor', async () => {
    const { dir, outDir } = await checkpoint((t) => t.delete('transformer.h.1.mlp.c_fc.bias'));
    const error = await failsCleanly(dir, () => convertCheckpoint(join(dir, 'ckpt'), outDir));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.code).toBe('CHECKPOINT_MISSING_TENSOR');
    expect((error as CheckpointError).tensor).toBe('transformer.h.1.mlp.c_fc.bias');
    expect(error.message).toContain('"transformer.h.1.mlp.c_fc.bias"');
    expect(error.message).toContain('"h.1.mlp.c_fc.bias"');
  });

  it('a tensor of the wrong shape', async () => {
    const { dir, outDir } = await checkpoint((t) =>
      t.set('transformer.h.0.attn.c_attn.weight', {
        dtype: 'F32',
        shape: [16, 32],
        values: new Float32Array(512),
      }),
    );
    const error = await failsCleanly(dir, () => convertCheckpoint(join(dir, 'ckpt'), outDir));
    expect(error.code).toBe('CHECKPOINT_BAD_SHAPE');
    expect((error as CheckpointError).tensor).toBe('transformer.h.0.attn.c_attn.weight');
    expect(error.message).toContain('has shape [16, 32], expected [16, 48]');
  });

  it('an unsupported dtype', async () => {
    const { dir, outDir } = await checkpoint((t) =>
      t.set('transformer.wpe.weight', { dtype: 'I64', shape: [32, 16], values: new Array(512).fill(1) }),
    );
    const error = await failsCleanly(dir, () => convertCheckpoint(join(dir, 'ckpt'), outDir));
    expect(error.code).toBe('CHECKPOINT_BAD_DTYPE');
    expect((error as CheckpointError).tensor).toBe('transformer.wpe.weight');
    expect(error.message).toContain('dtype I64; supported: F32, F16, BF16, F64');
  });

  it('a file that is not safetensors, a truncated file, and a path that does not exist', async () => {
    const dir = await caseDir();
    await writeFile(join(dir, 'garbage.safetensors'), Buffer.from('this is not a checkpoint at all'));
    const garbage = await failsCleanly(dir, () =>
      convertCheckpoint(join(dir, 'garbage.safetensors'), join(dir, 'out')),
    );
    expect(garbage.code).toBe('CHECKPOINT_INVALID');

    const whole = safetensorsBytes(tensors);
    await writeFile(join(dir, 'truncated.safetensors'), whole.subarray(0, whole.length - 100));
    const truncated = await failsCleanly(dir, () =>
      convertCheckpoint(join(dir, 'truncated.safetensors'), join(dir, 'out'), { config: { nHead: 2 } }),
    );
    expect(truncated.code).toBe('CHECKPOINT_INVALID');
    expect(truncated.message).toMatch(
      /tensor "transformer\.ln_f\.weight" has data_offsets \[\d+,\d+\] outside/,
    );

    const missing = await failsCleanly(dir, () =>
      convertCheckpoint(join(dir, 'nothing-here'), join(dir, 'out')),
    );
    expect(missing.code).toBe('CHECKPOINT_NOT_FOUND');
  });
});

describe('bad configs give CONFIG_INVALID naming the field', () => {
  it('n_embd not divisible by n_head, in config.json', async () => {
    const { dir, outDir } = await checkpoint(() => undefined, { ...HF_CONFIG, n_head: 3 });
    const error = await failsCleanly(dir, () => convertCheckpoint(join(dir, 'ckpt'), outDir));
    expect(error).toBeInstanceOf(Gpt2ConfigError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect((error as Gpt2ConfigError).field).toBe('nEmbd (n_embd)');
    expect(error.message).toBe('nEmbd (n_embd) must be divisible by nHead (n_head) = 3, got 16');
  });

  it('no config.json and no nHead', async () => {
    const { dir, outDir } = await checkpoint(() => undefined, null);
    const error = await failsCleanly(dir, () => convertCheckpoint(join(dir, 'ckpt'), outDir));
    expect(error.code).toBe('CONFIG_INVALID');
    expect((error as Gpt2ConfigError).field).toBe('nHead (n_head)');
  });

  it('a config.json of another model type', async () => {
    const { dir, outDir } = await checkpoint(() => undefined, { ...HF_CONFIG, model_type: 'bert' });
    const error = await failsCleanly(dir, () => convertCheckpoint(join(dir, 'ckpt'), outDir));
    expect((error as Gpt2ConfigError).field).toBe('model_type');
  });

  it.each<[Partial<Gpt2Config>, string]>([
    [{ nEmbd: 10, nHead: 4 }, 'nEmbd (n_embd)'],
    [{ nLayer: 0 }, 'nLayer (n_layer)'],
    [{ nPositions: 1.5 }, 'nPositions (n_positions)'],
    [{ vocabSize: 1000 }, 'bosTokenId (bos_token_id)'],
    [{ layerNormEpsilon: -1 }, 'layerNormEpsilon (layer_norm_epsilon)'],
    [{ activationFunction: 'relu' as never }, 'activationFunction (activation_function)'],
  ])('buildGpt2Model with %j', async (override, field) => {
    const dir = await caseDir();
    const error = await failsCleanly(dir, () =>
      buildGpt2Model({ outDir: join(dir, 'out'), config: { ...CONFIG, ...override }, weights: { seed: 1 } }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect((error as Gpt2ConfigError).field).toBe(field);
  });

  it('a bad seed is an INVALID_OPTION', async () => {
    const dir = await caseDir();
    const error = await failsCleanly(dir, () =>
      buildGpt2Model({ outDir: join(dir, 'out'), config: CONFIG, weights: { seed: -1 } }),
    );
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('weights.seed');
  });
});

describe('the output folder', () => {
  const build = (outDir: string, overwrite?: boolean) =>
    buildGpt2Model({ outDir, config: CONFIG, weights: { seed: 1 }, ...(overwrite ? { overwrite } : {}) });

  it('cannot be created under a file: OUTPUT_NOT_WRITABLE', async () => {
    const dir = await caseDir();
    await writeFile(join(dir, 'a-file'), 'x');
    const error = await failsCleanly(dir, () => build(join(dir, 'a-file', 'model')));
    expect(error).toBeInstanceOf(OutputDirError);
    expect(error.code).toBe('OUTPUT_NOT_WRITABLE');
    expect(error.message).toContain(join(dir, 'a-file', 'model'));
  });

  it('is a file: OUTPUT_NOT_WRITABLE', async () => {
    const dir = await caseDir();
    await writeFile(join(dir, 'model'), 'x');
    const error = await failsCleanly(dir, () => build(join(dir, 'model')));
    expect(error.code).toBe('OUTPUT_NOT_WRITABLE');
  });

  it('is not empty: OUTPUT_EXISTS, and its content is untouched', async () => {
    const dir = await caseDir();
    await mkdir(join(dir, 'model'));
    await writeFile(join(dir, 'model', 'keep.txt'), 'mine');
    const error = await failsCleanly(dir, () => build(join(dir, 'model')));
    expect(error.code).toBe('OUTPUT_EXISTS');
    expect(await readFile(join(dir, 'model', 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('is replaced with overwrite: true, leaving no temporary folders', async () => {
    const dir = await caseDir();
    await mkdir(join(dir, 'model'));
    await writeFile(join(dir, 'model', 'old.txt'), 'old');
    await build(join(dir, 'model'), true);
    expect(await readdir(dir)).toEqual(['model']);
    expect(existsSync(join(dir, 'model', 'old.txt'))).toBe(false);
    expect(existsSync(join(dir, 'model', 'onnx', 'model.onnx'))).toBe(true);
  });

  it('may exist empty', async () => {
    const dir = await caseDir();
    await mkdir(join(dir, 'model'));
    await build(join(dir, 'model'));
    expect(existsSync(join(dir, 'model', 'onnx', 'model.onnx'))).toBe(true);
  });

  it('is removed when the build fails half-way through the weights', async () => {
    const dir = await caseDir();
    const before = await readdir(dir);
    let calls = 0;
    const failure = await buildGpt2Model({
      outDir: join(dir, 'model'),
      config: CONFIG,
      weights: { seed: 1 },
      onProgress: () => {
        calls++;
        if (calls === 5) throw new Error('stop here');
      },
    }).catch((e: unknown) => e);
    expect((failure as Error).message).toBe('stop here');
    expect(await readdir(dir)).toEqual(before);
  });
});
