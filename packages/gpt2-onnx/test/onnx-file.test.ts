import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildGpt2Model,
  EXTERNAL_DATA_FILE,
  type Gpt2Config,
  gpt2WeightLayout,
  OPSET_VERSION,
  resolveConfig,
  SeededWeightSource,
} from '../src/index.js';
import { type OnnxTypes, onnx } from '../src/onnx-proto.js';
import { maxAbsDiff, openSession, runStep } from './helpers/ort.js';
import { tempDir } from './helpers/paths.js';

// vocab 50257 x 16 = 804k floats: the embedding is streamed in several chunks.
const CONFIG = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32 } satisfies Gpt2Config;
const WEIGHTS = { seed: 5, initializerRange: 0.3, randomBiases: true };
const resolved = resolveConfig(CONFIG);

let root: string;
let cleanup: () => Promise<void>;
let expected: Map<string, Float32Array>;

beforeAll(async () => {
  const tmp = await tempDir('onnx-file');
  root = tmp.path;
  cleanup = tmp.cleanup;
  expected = await new SeededWeightSource(resolved, WEIGHTS).readAll();
});
afterAll(() => cleanup());

const build = (name: string, extra: { externalDataThreshold?: number; seed?: number } = {}) =>
  buildGpt2Model({
    outDir: join(root, name),
    config: CONFIG,
    weights: { ...WEIGHTS, seed: extra.seed ?? WEIGHTS.seed },
    ...(extra.externalDataThreshold === undefined
      ? {}
      : { externalDataThreshold: extra.externalDataThreshold }),
  });

/** Exact equality of stored little-endian float32 bytes and the expected weights. */
function sameFloats(bytes: Uint8Array | null | undefined, weights: Float32Array | undefined): boolean {
  if (!bytes || !weights) return false;
  return Buffer.from(bytes).equals(Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength));
}

function externalField(tensor: OnnxTypes.ITensorProto, key: string): string | undefined {
  return tensor.externalData?.find((e) => e.key === key)?.value ?? undefined;
}

describe('model.onnx as written', () => {
  it('decodes with the ONNX protobuf schema and holds every weight exactly, in raw_data', async () => {
    const { dir, externalData } = await build('inline');
    expect(externalData).toBe(false);
    const model = onnx.ModelProto.decode(await readFile(join(dir, 'onnx', 'model.onnx')));
    expect(Number(model.irVersion)).toBe(7);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET_VERSION]]);
    const initializers = new Map(model.graph!.initializer!.map((t) => [t.name, t]));
    for (const spec of gpt2WeightLayout(resolved)) {
      const tensor = initializers.get(spec.name);
      expect(tensor, spec.name).toBeDefined();
      expect(tensor!.dims!.map(Number)).toEqual(spec.shape);
      expect(tensor!.dataType).toBe(1);
      expect(sameFloats(tensor!.rawData, expected.get(spec.name)), spec.name).toBe(true);
    }
    // Only standard-domain ops.
    expect(model.graph!.node!.every((n) => !n.domain)).toBe(true);
  });

  it('is byte-identical for the same seed and different for another', async () => {
    const a = await readFile(join((await build('same-a')).dir, 'onnx', 'model.onnx'));
    const b = await readFile(join((await build('same-b')).dir, 'onnx', 'model.onnx'));
    const c = await readFile(join((await build('other', { seed: 6 })).dir, 'onnx', 'model.onnx'));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.length).toBe(c.length);
  });
});

describe('external data (weights over externalDataThreshold)', () => {
  it('writes the weights to model.onnx_data with page-aligned offsets, and small tensors inline', async () => {
    const { dir, files, externalData } = await build('external', { externalDataThreshold: 0 });
    expect(externalData).toBe(true);
    expect(files).toContain(`onnx/${EXTERNAL_DATA_FILE}`);
    const data = await readFile(join(dir, 'onnx', EXTERNAL_DATA_FILE));
    const model = onnx.ModelProto.decode(await readFile(join(dir, 'onnx', 'model.onnx')));
    expect((await stat(join(dir, 'onnx', 'model.onnx'))).size).toBeLessThan(64 * 1024);
    let external = 0;
    for (const tensor of model.graph!.initializer!) {
      const weights = expected.get(tensor.name!);
      if (!weights) continue; // a graph constant
      if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
        external++;
        expect(externalField(tensor, 'location')).toBe(EXTERNAL_DATA_FILE);
        const offset = Number(externalField(tensor, 'offset'));
        const length = Number(externalField(tensor, 'length'));
        expect(offset % 4096).toBe(0);
        expect(length).toBe(weights.byteLength);
        expect(sameFloats(data.subarray(offset, offset + length), weights), tensor.name!).toBe(true);
      } else {
        expect(weights.byteLength).toBeLessThan(1024);
        expect(sameFloats(tensor.rawData, weights), tensor.name!).toBe(true);
      }
    }
    expect(external).toBe(2 + 4 * CONFIG.nLayer); // wte, wpe, and per block c_attn, c_proj, c_fc, mlp c_proj
  });

  it('runs in onnxruntime-node with the same logits as the inline model', async () => {
    const inline = await openSession(join(root, 'inline', 'onnx', 'model.onnx'));
    const external = await openSession(join(root, 'external', 'onnx', 'model.onnx'));
    const step = { inputIds: [[464, 2068, 7586]], attentionMask: [[1, 1, 1]], positionIds: [[0, 1, 2]] };
    const a = await runStep(inline, step, resolved);
    const b = await runStep(external, step, resolved);
    expect(maxAbsDiff(a.logits, b.logits)).toBe(0);
  });
});

describe('seeded weights are initialised like Hugging Face GPT-2', () => {
  const stats = (values: Float32Array) => {
    let sum = 0;
    let squares = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
    }
    const mean = sum / values.length;
    return { mean, std: Math.sqrt(squares / values.length - mean * mean) };
  };

  it('normal(0, r) matrices, residual projections scaled by 1/sqrt(2 n_layer), zero biases, unit LayerNorms', async () => {
    const config = resolveConfig({ nLayer: 4, nHead: 4, nEmbd: 64, nPositions: 64 });
    const weights = await new SeededWeightSource(config, { seed: 9 }).readAll();
    const wte = stats(weights.get('transformer.wte.weight')!);
    expect(Math.abs(wte.mean)).toBeLessThan(1e-3);
    expect(wte.std).toBeCloseTo(0.02, 3);
    expect(stats(weights.get('transformer.h.1.mlp.c_fc.weight')!).std).toBeCloseTo(0.02, 3);
    expect(stats(weights.get('transformer.h.1.mlp.c_proj.weight')!).std).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(weights.get('transformer.h.2.attn.c_attn.bias')!.every((v) => v === 0)).toBe(true);
    expect(weights.get('transformer.ln_f.weight')!.every((v) => v === 1)).toBe(true);
    expect(weights.get('transformer.ln_f.bias')!.every((v) => v === 0)).toBe(true);
    // Different tensors get different streams.
    expect(weights.get('transformer.h.0.attn.c_attn.weight')!.slice(0, 8)).not.toEqual(
      weights.get('transformer.h.1.attn.c_attn.weight')!.slice(0, 8),
    );
  });

  it('randomBiases draws biases and LayerNorms too', async () => {
    const config = resolveConfig({
      nLayer: 1,
      nHead: 1,
      nEmbd: 512,
      nPositions: 4,
      vocabSize: 8,
      bosTokenId: 0,
      eosTokenId: 0,
    });
    const weights = await new SeededWeightSource(config, {
      seed: 1,
      initializerRange: 0.3,
      randomBiases: true,
    }).readAll();
    expect(stats(weights.get('transformer.h.0.mlp.c_fc.bias')!).std).toBeCloseTo(0.3, 1);
    const scale = stats(weights.get('transformer.ln_f.weight')!);
    expect(scale.mean).toBeCloseTo(1, 1);
    expect(scale.std).toBeCloseTo(0.3, 1);
  });
});
