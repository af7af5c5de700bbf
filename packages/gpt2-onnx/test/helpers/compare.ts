import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { expect } from 'vitest';
import type { ResolvedGpt2Config } from '../../src/index.js';
import { maxAbsDiff, runStep, type StepInputs } from './ort.js';
import { type ReferenceCache, type ReferenceWeights, referenceForward } from './reference-gpt2.js';

/** A built model: its config, the weights it should hold, and an onnxruntime session on it. */
export interface Model {
  config: ResolvedGpt2Config;
  weights: ReferenceWeights;
  session: InferenceSession;
}

/** ORT's logits [batch, seq, vocab] against the reference's, and each present against the reference cache. */
function compare(
  model: Model,
  ort: { logits: Float32Array; presents: Record<string, Tensor> },
  ref: ReturnType<typeof referenceForward>,
) {
  const expected = ref.logits.flatMap((rows) => rows.flatMap((row) => Array.from(row)));
  const logitsDiff = maxAbsDiff(ort.logits, expected);
  let presentDiff = 0;
  for (let layer = 0; layer < model.config.nLayer; layer++) {
    for (const kind of ['key', 'value'] as const) {
      const flat = ref.present[layer]![kind].flat(3);
      presentDiff = Math.max(
        presentDiff,
        maxAbsDiff(ort.presents[`present.${layer}.${kind}`]!.data as Float32Array, flat),
      );
    }
  }
  return { logitsDiff, presentDiff };
}

/** Runs ORT and the reference on the same steps, feeding each its own cache, and compares every step. */
export async function runBoth(model: Model, steps: StepInputs[]) {
  let ortPast: Record<string, Tensor> | undefined;
  let refPast: ReferenceCache | undefined;
  const diffs: { logitsDiff: number; presentDiff: number; finite: boolean }[] = [];
  for (const step of steps) {
    const ort = await runStep(model.session, step, model.config, ortPast);
    const ref = referenceForward(
      model.config,
      model.weights,
      step.inputIds,
      step.attentionMask,
      step.positionIds,
      refPast,
    );
    expect(ort.dims).toEqual([step.inputIds.length, step.inputIds[0]!.length, model.config.vocabSize]);
    diffs.push({ ...compare(model, ort, ref), finite: ort.logits.every(Number.isFinite) });
    ortPast = ort.presents;
    refPast = ref.present;
  }
  return diffs;
}
