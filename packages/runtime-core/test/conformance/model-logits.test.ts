import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedModel, loadModelWith } from '../../src/index.js';
import { directorySource } from '../support/fs-source.js';
import { recordingOrt } from '../support/recording-ort.js';
import { decodeFloats, hasShared, readGolden, tinyGpt2Dir } from '../support/shared.js';

interface LogitsStep {
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
  past_length: number;
  logits_shape?: number[];
  logits_b64?: string;
  last_logits_b64?: string;
}
interface LogitsCase {
  name: string;
  steps: LogitsStep[];
}

/** The golden last-position logits of a step, [batch x vocab]. */
function expectedLastLogits(step: LogitsStep, vocab: number): Float32Array {
  if (step.last_logits_b64) return decodeFloats(step.last_logits_b64);
  const full = decodeFloats(step.logits_b64!);
  const [batch, seq] = step.logits_shape!;
  const last = new Float32Array(batch! * vocab);
  for (let b = 0; b < batch!; b++)
    last.set(full.subarray((b * seq! + seq! - 1) * vocab, (b * seq! + seq!) * vocab), b * vocab);
  return last;
}

/** Each row's real tokens: the golden batch is left-padded, the session takes unpadded rows. */
function unpadded(step: LogitsStep): number[][] {
  const width = step.attention_mask[0]!.length;
  const seq = step.input_ids[0]!.length;
  return step.input_ids.map((row, r) => row.filter((_, c) => step.attention_mask[r]![width - seq + c] === 1));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe.skipIf(!hasShared)(
  'HF conformance: KV-cached session logits (skipped: ../shared/conformance not found)',
  () => {
    const { ort: recording, runs } = recordingOrt();
    let model: LoadedModel;
    const cases = hasShared ? readGolden<{ cases: LogitsCase[] }>('model_logits.json').cases : [];

    beforeAll(async () => {
      model = await loadModelWith(recording, directorySource(tinyGpt2Dir), { threads: 1 });
    });
    afterAll(() => model?.dispose());

    it.each(cases.map((c) => [c.name, c] as const))(
      '%s: inputs fed and last logits within 1e-4 of HF',
      async (_, testCase) => {
        const session = model.createSession();
        try {
          for (const step of testCase.steps) {
            runs.length = 0;
            const logits = await session.step(unpadded(step));
            const expected = expectedLastLogits(step, model.vocabSize);
            expect(logits.length).toBe(expected.length);
            expect(maxAbsDiff(logits, expected)).toBeLessThan(1e-4);

            const fed = runs[0]!.inputs;
            expect(fed['input_ids']!.dims).toEqual([step.input_ids.length, step.input_ids[0]!.length]);
            expect(fed['attention_mask']!.values).toEqual(step.attention_mask.flat());
            expect(fed['attention_mask']!.dims).toEqual([
              step.attention_mask.length,
              step.attention_mask[0]!.length,
            ]);
            expect(fed['position_ids']!.values).toEqual(step.position_ids.flat());
            expect(fed['past_key_values.0.key']!.dims[2]).toBe(step.past_length);
            // Real tokens in place; padding positions carry some id the mask hides.
            const ids = fed['input_ids']!.values!;
            step.input_ids.flat().forEach((id, i) => {
              const row = Math.floor(i / step.input_ids[0]!.length);
              const col = i % step.input_ids[0]!.length;
              if (step.attention_mask[row]![step.past_length + col] === 1) expect(ids[i]).toBe(id);
            });
          }
        } finally {
          session.dispose();
        }
      },
    );
  },
);

describe.skipIf(!hasShared)(
  'HF conformance: ONNX runtime itself (skipped: ../shared/conformance not found)',
  () => {
    it('the bare ONNX model gives the golden prefill logits (sanity check of the data)', async () => {
      const session = await ort.InferenceSession.create(`${tinyGpt2Dir}/onnx/model.onnx`);
      const step = readGolden<{ cases: LogitsCase[] }>('model_logits.json').cases[0]!.steps[0]!;
      const ids = step.input_ids[0]!;
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        attention_mask: new ort.Tensor(
          'int64',
          BigInt64Array.from(ids, () => 1n),
          [1, ids.length],
        ),
        position_ids: new ort.Tensor(
          'int64',
          BigInt64Array.from(ids, (_, i) => BigInt(i)),
          [1, ids.length],
        ),
      };
      for (let layer = 0; layer < 2; layer++) {
        for (const kind of ['key', 'value']) {
          feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor(
            'float32',
            new Float32Array(0),
            [1, 4, 0, 8],
          );
        }
      }
      const out = await session.run(feeds);
      expect(maxAbsDiff(out['logits']!.data as Float32Array, decodeFloats(step.logits_b64!))).toBeLessThan(
        1e-4,
      );
      await session.release();
    });
  },
);
