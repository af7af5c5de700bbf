import { join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildGpt2Model,
  type Gpt2Config,
  MODEL_PRESETS,
  resolveConfig,
  SeededWeightSource,
  type SeededWeights,
} from '../src/index.js';
import { type Model, runBoth } from './helpers/compare.js';
import { maxAbsDiff, openSession, runStep } from './helpers/ort.js';
import { tempDir } from './helpers/paths.js';

const TOLERANCE = 1e-4;

async function buildModel(
  root: string,
  name: string,
  config: Gpt2Config,
  weights: SeededWeights,
): Promise<Model> {
  const { dir } = await buildGpt2Model({ outDir: join(root, name), config, weights });
  const resolved = resolveConfig(config);
  return {
    config: resolved,
    weights: await new SeededWeightSource(resolved, weights).readAll(),
    session: await openSession(join(dir, 'onnx', 'model.onnx')),
  };
}

const ones = (n: number) => Array.from({ length: n }, () => 1);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const PROMPT = [464, 2068, 7586, 21831, 18045];

describe.each([
  { name: 'tiny preset', config: MODEL_PRESETS.tiny.config, weights: MODEL_PRESETS.tiny.weights },
  {
    name: 'non-default config (n_inner, erf gelu, inverse-layer scaling, eps, 2 heads)',
    config: {
      nLayer: 3,
      nHead: 2,
      nEmbd: 16,
      nPositions: 40,
      nInner: 24,
      activationFunction: 'gelu',
      scaleAttnByInverseLayerIdx: true,
      layerNormEpsilon: 1e-3,
    } satisfies Gpt2Config,
    weights: { seed: 7, initializerRange: 0.4, randomBiases: true },
  },
])('seeded model ($name) against an independent float64 GPT-2', ({ name, config, weights }) => {
  let model: Model;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const tmp = await tempDir('seeded');
    cleanup = tmp.cleanup;
    model = await buildModel(tmp.path, name.replace(/\W+/g, '-'), config, weights);
  });
  afterAll(() => cleanup());

  it('prefill: logits of every position and the presents match', async () => {
    const [prefill] = await runBoth(model, [
      { inputIds: [PROMPT], attentionMask: [ones(5)], positionIds: [range(0, 5)] },
    ]);
    expect(prefill!.logitsDiff).toBeLessThan(TOLERANCE);
    expect(prefill!.presentDiff).toBeLessThan(TOLERANCE);
  });

  it('cached steps: one token at a time after the prompt, and a chunk of several', async () => {
    const diffs = await runBoth(model, [
      { inputIds: [PROMPT], attentionMask: [ones(5)], positionIds: [range(0, 5)] },
      { inputIds: [[625]], attentionMask: [ones(6)], positionIds: [[5]] },
      { inputIds: [[262, 16931, 3290]], attentionMask: [ones(9)], positionIds: [range(6, 9)] },
      { inputIds: [[13]], attentionMask: [ones(10)], positionIds: [[9]] },
    ]);
    for (const d of diffs) {
      expect(d.logitsDiff).toBeLessThan(TOLERANCE);
      expect(d.presentDiff).toBeLessThan(TOLERANCE);
    }
  });

  it('left-padded batch: padded rows match (fully masked pad rows stay finite), then cached steps', async () => {
    const diffs = await runBoth(model, [
      {
        inputIds: [
          [14617, 890, 2084, 11, 257, 4950, 2576],
          [50256, 50256, 15496, 11, 616, 3290, 318],
        ],
        attentionMask: [ones(7), [0, 0, 1, 1, 1, 1, 1]],
        positionIds: [range(0, 7), [0, 0, 0, 1, 2, 3, 4]],
      },
      {
        inputIds: [[7458], [21793]],
        attentionMask: [ones(8), [0, 0, ...ones(6)]],
        positionIds: [[7], [5]],
      },
      {
        inputIds: [[829], [21793]],
        attentionMask: [ones(9), [0, 0, ...ones(7)]],
        positionIds: [[8], [6]],
      },
    ]);
    for (const d of diffs) {
      expect(d.finite).toBe(true);
      expect(d.logitsDiff).toBeLessThan(TOLERANCE);
      expect(d.presentDiff).toBeLessThan(TOLERANCE);
    }
  });

  it('a padded row gives the same last-position logits as the same prompt alone', async () => {
    const alone = await runStep(
      model.session,
      { inputIds: [[15496, 11, 616]], attentionMask: [ones(3)], positionIds: [range(0, 3)] },
      model.config,
    );
    const padded = await runStep(
      model.session,
      {
        inputIds: [
          [464, 2068, 7586, 21831],
          [50256, 15496, 11, 616],
        ],
        attentionMask: [ones(4), [0, 1, 1, 1]],
        positionIds: [range(0, 4), [0, 0, 1, 2]],
      },
      model.config,
    );
    const vocab = model.config.vocabSize;
    const aloneLast = alone.logits.subarray(2 * vocab, 3 * vocab);
    const paddedLast = padded.logits.subarray((4 + 3) * vocab, (4 + 4) * vocab);
    expect(maxAbsDiff(aloneLast, paddedLast)).toBeLessThan(1e-5);
  });
});

describe('the tiny preset makes meaningful test models', () => {
  let model: Model;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const tmp = await tempDir('greedy');
    cleanup = tmp.cleanup;
    model = await buildModel(tmp.path, 'tiny', MODEL_PRESETS.tiny.config, MODEL_PRESETS.tiny.weights);
  });
  afterAll(() => cleanup());

  async function greedy(prompt: number[], steps: number): Promise<number[]> {
    const vocab = model.config.vocabSize;
    const out: number[] = [];
    let ids = prompt;
    let past: Record<string, Tensor> | undefined;
    let total = 0;
    for (let k = 0; k < steps; k++) {
      const positions = range(total, total + ids.length);
      total += ids.length;
      const step = await runStep(
        model.session,
        { inputIds: [ids], attentionMask: [ones(total)], positionIds: [positions] },
        model.config,
        past,
      );
      const last = step.logits.subarray((ids.length - 1) * vocab, ids.length * vocab);
      let best = 0;
      for (let v = 1; v < vocab; v++) if (last[v]! > last[best]!) best = v;
      out.push(best);
      ids = [best];
      past = step.presents;
    }
    return out;
  }

  it('greedy continuations depend on the prompt and are not a constant token', async () => {
    const prompts = [[15496, 11, 616, 3290, 318], [464, 2068, 7586], [40], [50256]];
    const continuations = await Promise.all(prompts.map((p) => greedy(p, 8)));
    expect(new Set(continuations.map((c) => c.join(','))).size).toBe(prompts.length);
    for (const c of continuations) expect(new Set(c).size).toBeGreaterThan(1);
  });
});
