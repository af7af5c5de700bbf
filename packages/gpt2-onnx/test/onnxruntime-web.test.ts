import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGpt2Model, EXTERNAL_DATA_FILE, MODEL_PRESETS, resolveConfig } from '../src/index.js';
import { maxAbsDiff, openSession, runStep, type StepInputs } from './helpers/ort.js';
import { tempDir } from './helpers/paths.js';

const config = resolveConfig(MODEL_PRESETS.tiny.config);

const STEPS: StepInputs[] = [
  {
    inputIds: [
      [464, 2068, 7586, 21831],
      [50256, 50256, 15496, 11],
    ],
    attentionMask: [
      [1, 1, 1, 1],
      [0, 0, 1, 1],
    ],
    positionIds: [
      [0, 1, 2, 3],
      [0, 0, 0, 1],
    ],
  },
  {
    inputIds: [[18045], [616]],
    attentionMask: [
      [1, 1, 1, 1, 1],
      [0, 0, 1, 1, 1],
    ],
    positionIds: [[4], [2]],
  },
];

const int64 = (rows: number[][]) =>
  new ortWeb.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

async function runWeb(session: ortWeb.InferenceSession, steps: StepInputs[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  let past: Record<string, ortWeb.Tensor> | undefined;
  for (const step of steps) {
    const feeds: Record<string, ortWeb.Tensor> = {
      input_ids: int64(step.inputIds),
      attention_mask: int64(step.attentionMask),
      position_ids: int64(step.positionIds),
    };
    for (let i = 0; i < config.nLayer; i++) {
      for (const kind of ['key', 'value']) {
        feeds[`past_key_values.${i}.${kind}`] =
          past?.[`present.${i}.${kind}`] ??
          new ortWeb.Tensor('float32', new Float32Array(0), [
            step.inputIds.length,
            config.nHead,
            0,
            config.headDim,
          ]);
      }
    }
    const result = await session.run(feeds);
    out.push(result['logits']!.data as Float32Array);
    past = result;
  }
  return out;
}

async function runNode(modelPath: string, steps: StepInputs[]): Promise<Float32Array[]> {
  const session = await openSession(modelPath);
  const out: Float32Array[] = [];
  let past: Awaited<ReturnType<typeof runStep>>['presents'] | undefined;
  for (const step of steps) {
    const result = await runStep(session, step, config, past);
    out.push(result.logits);
    past = result.presents;
  }
  return out;
}

describe('onnxruntime-web (wasm backend) runs the built models', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ortWeb.env.wasm.numThreads = 1;
    const tmp = await tempDir('ort-web');
    root = tmp.path;
    cleanup = tmp.cleanup;
  });
  afterAll(() => cleanup());

  it('gives the logits of onnxruntime-node, with left padding and the KV cache', async () => {
    const { dir } = await buildGpt2Model({ outDir: join(root, 'inline'), ...MODEL_PRESETS.tiny });
    const modelPath = join(dir, 'onnx', 'model.onnx');
    const web = await ortWeb.InferenceSession.create(await readFile(modelPath), {
      executionProviders: ['wasm'],
    });
    const [webLogits, nodeLogits] = [await runWeb(web, STEPS), await runNode(modelPath, STEPS)];
    for (const [i, logits] of webLogits.entries())
      expect(maxAbsDiff(logits, nodeLogits[i]!)).toBeLessThan(1e-4);
  });

  it('loads external data the way transformers.js passes it', async () => {
    const { dir } = await buildGpt2Model({
      outDir: join(root, 'external'),
      ...MODEL_PRESETS.tiny,
      externalDataThreshold: 0,
    });
    const web = await ortWeb.InferenceSession.create(await readFile(join(dir, 'onnx', 'model.onnx')), {
      executionProviders: ['wasm'],
      externalData: [
        { path: EXTERNAL_DATA_FILE, data: await readFile(join(dir, 'onnx', EXTERNAL_DATA_FILE)) },
      ],
    });
    const nodeLogits = await runNode(join(dir, 'onnx', 'model.onnx'), STEPS);
    const webLogits = await runWeb(web, STEPS);
    for (const [i, logits] of webLogits.entries())
      expect(maxAbsDiff(logits, nodeLogits[i]!)).toBeLessThan(1e-4);
  });
});
