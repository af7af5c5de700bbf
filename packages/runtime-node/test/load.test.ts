import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ModelDisposedError,
  ModelFileError,
  ModelNotFoundError,
  TokenizerError,
  UnsupportedModelError,
} from '@nucleus/runtime-core';
import { ConfigError, InvalidOptionError, NucleusError } from '@nucleus/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableExecutionProviders, loadModel } from '../src/index.js';
import { tinyModelDir } from './support/models.js';

let source: string;
let scratch: string;

beforeAll(async () => {
  source = await tinyModelDir();
  scratch = await mkdtemp(path.join(tmpdir(), 'nucleus-runtime-node-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A copy of the tiny model folder, changed by `edit`. */
async function variant(name: string, edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(scratch, name);
  await cp(source, dir, { recursive: true });
  await edit(dir);
  return dir;
}

describe('loadModel', () => {
  it('loads a hub-layout folder: config, generation defaults, tokenizer, ONNX file', async () => {
    const model = await loadModel(source, { threads: 1 });
    try {
      expect(model.config).toMatchObject({
        modelType: 'gpt2',
        vocabSize: 50257,
        maxPositions: 128,
        numLayers: 2,
      });
      expect(model.onnxFile).toBe('onnx/model.onnx');
      expect(model.dtype).toBe('fp32');
      expect(model.tokenizer.encode('Hello world!')).toEqual([15496, 995, 0]);
      expect(model.location).toBe(path.resolve(source));
    } finally {
      await model.dispose();
    }
  });

  it('picks the ONNX file by dtype, and older decoder_model_merged names', async () => {
    const dir = await variant('dtypes', async (d) => {
      await cp(path.join(d, 'onnx/model.onnx'), path.join(d, 'onnx/decoder_model_merged_quantized.onnx'));
      await cp(path.join(d, 'onnx/model.onnx'), path.join(d, 'onnx/model_fp16.onnx'));
    });
    for (const [dtype, file] of [
      ['fp16', 'onnx/model_fp16.onnx'],
      ['q8', 'onnx/decoder_model_merged_quantized.onnx'],
      ['quantized', 'onnx/decoder_model_merged_quantized.onnx'],
    ] as const) {
      const model = await loadModel(dir, { dtype });
      expect(model.onnxFile).toBe(file);
      await model.dispose();
    }
  });

  it('a missing folder is a ModelNotFoundError', async () => {
    await expect(loadModel(path.join(scratch, 'nope'))).rejects.toThrow(ModelNotFoundError);
    await expect(loadModel(path.join(scratch, 'nope'))).rejects.toThrow(/no folder at/);
  });

  it('a missing ONNX file for the dtype names what it looked for and what exists', async () => {
    const error = await loadModel(source, { dtype: 'q4' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).file).toBe('onnx/model_q4.onnx');
    expect((error as Error).message).toMatch(
      /looked for onnx\/model_q4\.onnx, onnx\/decoder_model_merged_q4\.onnx/,
    );
    expect((error as Error).message).toMatch(/found onnx\/model\.onnx \(available dtypes: fp32\)/);
  });

  it('a corrupt ONNX file is a ModelFileError naming it', async () => {
    const dir = await variant('corrupt', (d) =>
      writeFile(path.join(d, 'onnx/model.onnx'), 'not a protobuf at all'),
    );
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/^onnx\/model\.onnx: the ONNX runtime cannot load it/);
  });

  it('a missing or broken tokenizer is a TokenizerError', async () => {
    const missing = await variant('no-tokenizer', (d) => rm(path.join(d, 'tokenizer.json')));
    await expect(loadModel(missing)).rejects.toThrow(TokenizerError);
    await expect(loadModel(missing)).rejects.toThrow(/tokenizer\.json not found/);
    const broken = await variant('broken-tokenizer', (d) =>
      writeFile(path.join(d, 'tokenizer.json'), '{"model": 3'),
    );
    await expect(loadModel(broken)).rejects.toThrow(/tokenizer\.json .* is not valid JSON/);
  });

  it('another architecture is an UnsupportedModelError naming gpt2', async () => {
    const dir = await variant('llama', async (d) => {
      const config = JSON.parse(await readFile(path.join(d, 'config.json'), 'utf8'));
      await writeFile(path.join(d, 'config.json'), JSON.stringify({ ...config, model_type: 'llama' }));
    });
    await expect(loadModel(dir)).rejects.toThrow(UnsupportedModelError);
    await expect(loadModel(dir)).rejects.toThrow(
      'unsupported model_type "llama" in config.json: Nucleus runs "gpt2"',
    );
  });

  it('a missing config.json is a ModelFileError', async () => {
    const dir = await variant('no-config', (d) => rm(path.join(d, 'config.json')));
    await expect(loadModel(dir)).rejects.toThrow(/^config\.json: not found in/);
  });

  it.each([
    [{ dtype: 'fp64' }, InvalidOptionError, /dtype must be one of 'fp32', 'fp16'/],
    [{ threads: -1 }, InvalidOptionError, /threads must be an integer in \[0, 1024\]/],
    [{ graphOptimizationLevel: 'max' }, InvalidOptionError, /graphOptimizationLevel must be one of/],
    [{ executionProviders: ['tpu'] }, InvalidOptionError, /this runtime has no 'tpu' execution provider/],
    [{ executionProviders: [] }, InvalidOptionError, /executionProviders must be a list/],
    [{ dtpye: 'fp16' }, ConfigError, /unknown loadModel option "dtpye"/],
  ])('rejects the option %j', async (options, type, message) => {
    const error = await loadModel(source, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(NucleusError);
    expect((error as Error).message).toMatch(message);
  });

  it('lists the execution providers of this onnxruntime-node build', () => {
    expect(availableExecutionProviders()).toContain('cpu');
  });
});

describe('errors while generating', () => {
  it('a prompt longer than the context is a PROMPT_TOO_LONG error before any forward call', async () => {
    const model = await loadModel(source, { threads: 1 });
    try {
      const long = Array.from({ length: 129 }, (_, i) => 100 + i);
      const error = await model.generate({ inputIds: long }, { maxNewTokens: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NucleusError);
      expect((error as NucleusError).code).toBe('PROMPT_TOO_LONG');
      const fits = await model
        .generate({ inputIds: long.slice(0, 120) }, { maxNewTokens: 20 })
        .catch((e: unknown) => e);
      expect((fits as NucleusError).code).toBe('PROMPT_TOO_LONG');
      expect((fits as Error).message).toMatch(/at most 8 new tokens/);
    } finally {
      await model.dispose();
    }
  });

  it('bad inputs and options are typed errors naming them', async () => {
    const model = await loadModel(source, { threads: 1 });
    try {
      await expect(model.generate(42 as never)).rejects.toThrow(
        /input must be a string, a non-empty array of strings/,
      );
      await expect(model.generate([])).rejects.toThrow(InvalidOptionError);
      await expect(model.generate('Hi', { topP: 2, doSample: true })).rejects.toThrow(/topP must be/);
      await expect(model.generate('Hi', { top_p: 0.5 } as never)).rejects.toThrow(/did you mean "topP"/);
      await expect(model.generate({ inputIds: [[1, 2], [50257]] })).rejects.toThrow(InvalidOptionError);
      expect(() => model.stream('Hi', { numBeams: 0 })).toThrow(InvalidOptionError);
    } finally {
      await model.dispose();
    }
  });

  it('dispose frees the sessions: a running generation fails, later calls throw ModelDisposedError', async () => {
    const model = await loadModel(source, { threads: 1 });
    const stream = model.stream('Hello', { maxNewTokens: 100, eosTokenId: [] });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(model.liveSessions).toBe(1);
    await model.dispose();
    const drain = async () => {
      while (!(await iterator.next()).done);
    };
    await expect(drain()).rejects.toThrow(ModelDisposedError);
    await expect(stream.result).rejects.toThrow(ModelDisposedError);
    expect(model.liveSessions).toBe(0);
    expect(model.disposed).toBe(true);
    await expect(model.generate('Hi')).rejects.toThrow(ModelDisposedError);
    expect(() => model.createSession()).toThrow(ModelDisposedError);
    await model.dispose(); // twice is fine
  });
});
