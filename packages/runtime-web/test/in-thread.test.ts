import { StaticServer } from '@nucleus/browser-testing';
import type { LoadedModel } from '@nucleus/runtime-core';
import { loadModel as loadNodeModel } from '@nucleus/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryFileSource,
  loadModelInThisThread,
  ModelFileError,
  ModelNotFoundError,
} from '../src/index.js';
import { readModelFolder, SHARED_CONFIGS, tinyModelDir } from './support/models.js';

const PROMPTS = ['Hello, my dog is', 'Once upon a time'];

describe('loadModelInThisThread: onnxruntime-web (wasm, in Node) gives the tokens of runtime-node', () => {
  let dir: string;
  let files: Map<string, Uint8Array<ArrayBuffer>>;
  let reference: LoadedModel;
  let web: LoadedModel;
  let server: StaticServer;

  beforeAll(async () => {
    dir = await tinyModelDir();
    files = await readModelFolder(dir);
    reference = await loadNodeModel(dir);
    // Picked files, as a directory pick gives them: every path starts with the picked folder's name.
    const picked = [...files].map(([relative, bytes]) => {
      const file = new File([bytes], relative.split('/').at(-1)!);
      Object.defineProperty(file, 'webkitRelativePath', { value: `tiny-gpt2/${relative}` });
      return file;
    });
    web = await loadModelInThisThread(picked);
    server = await StaticServer.start({ '/models/tiny/': dir });
  });

  afterAll(async () => {
    await Promise.all([reference?.dispose(), web?.dispose(), server?.close()]);
  });

  for (const [name, config] of Object.entries(SHARED_CONFIGS)) {
    it(`${name}: same tokens and text`, async () => {
      const expected = await reference.generate(PROMPTS, config);
      const actual = await web.generate(PROMPTS, config);
      expect(actual.sequences.map((s) => s.tokens)).toEqual(expected.sequences.map((s) => s.tokens));
      expect(actual.sequences.map((s) => s.text)).toEqual(expected.sequences.map((s) => s.text));
      if ('seed' in config) expect(actual.seed).toBe(config.seed);
      // A sampled run that happened to equal greedy would prove little: the configs really differ.
      if (name !== 'greedy') {
        const greedy = await reference.generate(PROMPTS, SHARED_CONFIGS.greedy);
        expect(actual.sequences[0]!.newTokens.slice(0, 12)).not.toEqual(greedy.sequences[0]!.newTokens);
      }
    });
  }

  it('streams the same tokens, with text deltas that add up to the text', async () => {
    const config = SHARED_CONFIGS.topP;
    const expected = await reference.generate(PROMPTS[0]!, config);
    const stream = web.stream(PROMPTS[0]!, config);
    const tokens: number[] = [];
    let text = '';
    for await (const event of stream) {
      tokens.push(event.token);
      text += event.text;
    }
    expect(tokens).toEqual(expected.sequences[0]!.newTokens);
    expect(text).toBe(expected.sequences[0]!.text);
    expect((await stream.result).sequences[0]!.tokens).toEqual(expected.sequences[0]!.tokens);
  });

  it('loads a model folder by URL (one GET per file) and from a { path: Blob } map', async () => {
    const byUrl = await loadModelInThisThread(`${server.url}/models/tiny/`);
    const byMap = await loadModelInThisThread(
      Object.fromEntries([...files].map(([relative, bytes]) => [relative, new Blob([bytes])])),
    );
    try {
      expect(byUrl.location).toBe(`${server.url}/models/tiny`);
      const gets = server.seen.filter((line) => line.startsWith('GET '));
      expect(new Set(gets).size).toBe(gets.length);
      expect(gets).toContain('GET /models/tiny/onnx/model.onnx');
      const expected = await reference.generate(PROMPTS[1]!, SHARED_CONFIGS.topK);
      for (const model of [byUrl, byMap]) {
        const actual = await model.generate(PROMPTS[1]!, SHARED_CONFIGS.topK);
        expect(actual.sequences.map((s) => s.tokens)).toEqual(expected.sequences.map((s) => s.tokens));
      }
    } finally {
      await Promise.all([byUrl.dispose(), byMap.dispose()]);
    }
  });

  it('a URL source reports the ONNX file`s download progress up to its size', async () => {
    const events: { file: string; loaded: number; total: number | undefined }[] = [];
    const model = await loadModelInThisThread(`${server.url}/models/tiny/`, {
      onProgress: (event) => events.push({ ...event }),
    });
    await model.dispose();
    const size = files.get('onnx/model.onnx')!.byteLength;
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((event) => event.file === 'onnx/model.onnx' && event.total === size)).toBe(true);
    expect(events[0]!.loaded).toBe(0);
    expect(events.at(-1)!.loaded).toBe(size);
    const loaded = events.map((event) => event.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
  });

  it('individually picked files are found by name (model.onnx at the root)', async () => {
    const picked = ['config.json', 'tokenizer.json', 'onnx/model.onnx'].map(
      (relative) => new File([files.get(relative)!], relative.split('/').at(-1)!),
    );
    const model = await loadModelInThisThread(picked);
    try {
      expect(model.onnxFile).toBe('model.onnx');
    } finally {
      await model.dispose();
    }
  });

  it('names what is missing: a URL without a model, picked files without an ONNX file', async () => {
    await expect(loadModelInThisThread(`${server.url}/nothing/here/`)).rejects.toThrow(ModelFileError);
    await expect(loadModelInThisThread(`${server.url}/nothing/here/`)).rejects.toThrow(/config\.json/);
    const noOnnx = createMemoryFileSource({
      'config.json': new TextDecoder().decode(files.get('config.json')),
      'tokenizer.json': new TextDecoder().decode(files.get('tokenizer.json')),
    });
    await expect(loadModelInThisThread(noOnnx)).rejects.toThrow(/no ONNX model/);
    await expect(loadModelInThisThread('http://127.0.0.1:1/model/')).rejects.toThrow(ModelNotFoundError);
  });

  it('rejects options it does not know, and webgpu alone where there is no WebGPU', async () => {
    await expect(
      loadModelInThisThread(`${server.url}/models/tiny/`, { cacheDir: '/tmp' } as never),
    ).rejects.toThrow(/unknown loadModel option "cacheDir"/);
    await expect(
      loadModelInThisThread(`${server.url}/models/tiny/`, { executionProviders: ['webgpu'] }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'executionProviders' });
    await expect(
      loadModelInThisThread(`${server.url}/models/tiny/`, { wasmThreads: 0 }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      option: 'wasmThreads',
    });
  });

  it('["webgpu", "wasm"] falls back to wasm without WebGPU', async () => {
    const model = await loadModelInThisThread(`${server.url}/models/tiny/`, {
      executionProviders: ['webgpu', 'wasm'],
    });
    try {
      const expected = await reference.generate(PROMPTS[0]!, SHARED_CONFIGS.greedy);
      const actual = await model.generate(PROMPTS[0]!, SHARED_CONFIGS.greedy);
      expect(actual.sequences[0]!.tokens).toEqual(expected.sequences[0]!.tokens);
    } finally {
      await model.dispose();
    }
  });
});
