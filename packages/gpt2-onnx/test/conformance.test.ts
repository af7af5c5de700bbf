import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, convertCheckpoint } from '../src/index.js';
import { type OnnxTypes, onnx } from '../src/onnx-proto.js';
import { maxAbsDiff, openSession, runStep } from './helpers/ort.js';
import { conformanceDir, hasShared, tempDir } from './helpers/paths.js';

interface GoldenStep {
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
  past_length: number;
  logits_b64?: string;
  last_logits_b64?: string;
}
interface GoldenCase {
  name: string;
  steps: GoldenStep[];
}

function floats(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Input and output signatures: name, element type and dims (symbolic names or sizes). */
async function signature(path: string) {
  const model = onnx.ModelProto.decode(await readFile(path));
  const describe = (v: OnnxTypes.IValueInfoProto) => ({
    name: v.name,
    elemType: v.type?.tensorType?.elemType,
    dims: v.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)),
  });
  return {
    opset: model.opsetImport.map((o) => Number(o.version)),
    inputs: model.graph!.input!.map(describe),
    outputs: model.graph!.output!.map(describe),
  };
}

describe.skipIf(!hasShared)('HF conformance (skipped: ../shared/conformance not found)', () => {
  let converted: BuildResult;
  let session: InferenceSession;
  let cleanup: () => Promise<void>;
  const worst: Record<string, number> = {};

  beforeAll(async () => {
    const tmp = await tempDir('conformance');
    cleanup = tmp.cleanup;
    converted = await convertCheckpoint(
      join(conformanceDir, 'tiny-gpt2', 'model.safetensors'),
      join(tmp.path, 'tiny'),
    );
    session = await openSession(join(converted.dir, 'onnx', 'model.onnx'));
  });
  afterAll(async () => {
    console.info('max |logit - HF logit| per case:', worst);
    await cleanup();
  });

  it('the converted model has exactly the inputs and outputs of the reference export', async () => {
    const ours = await signature(join(converted.dir, 'onnx', 'model.onnx'));
    const reference = await signature(join(conformanceDir, 'tiny-gpt2', 'onnx', 'model.onnx'));
    expect(ours).toEqual(reference);
  });

  it('converts the whole checkpoint and reads its config', () => {
    expect(converted.ignoredTensors).toEqual([]);
    expect(converted.config).toMatchObject({
      nLayer: 2,
      nHead: 4,
      nEmbd: 32,
      nPositions: 128,
      vocabSize: 50257,
    });
  });

  it('gives the logits of HF transformers within 1e-4 in every case and step of model_logits.json', async () => {
    const golden = JSON.parse(
      await readFile(join(conformanceDir, 'golden', 'model_logits.json'), 'utf8'),
    ) as {
      cases: GoldenCase[];
    };
    expect(golden.cases.length).toBeGreaterThanOrEqual(3);
    const shape = { nLayer: 2, nHead: 4, headDim: 8 };
    const vocab = 50257;
    for (const testCase of golden.cases) {
      let past: Record<string, Tensor> | undefined;
      let pastLength = 0;
      worst[testCase.name] = 0;
      for (const step of testCase.steps) {
        expect(step.past_length).toBe(pastLength);
        const out = await runStep(
          session,
          { inputIds: step.input_ids, attentionMask: step.attention_mask, positionIds: step.position_ids },
          shape,
          past,
        );
        const batch = step.input_ids.length;
        const seq = step.input_ids[0]!.length;
        let diff: number;
        if (step.logits_b64) {
          diff = maxAbsDiff(out.logits, floats(step.logits_b64));
        } else {
          const last = new Float32Array(batch * vocab);
          for (let b = 0; b < batch; b++) {
            last.set(out.logits.subarray((b * seq + seq - 1) * vocab, (b * seq + seq) * vocab), b * vocab);
          }
          diff = maxAbsDiff(last, floats(step.last_logits_b64!));
        }
        worst[testCase.name] = Math.max(worst[testCase.name]!, diff);
        expect(diff, `${testCase.name} at past_length ${step.past_length}`).toBeLessThan(1e-4);
        past = out.presents;
        pastLength += seq;
      }
    }
  });
});

describe.skipIf(!hasShared)(
  'GPT-2 tokenizer against the real one (skipped: ../shared/conformance not found)',
  () => {
    it('writes the same vocabulary, merges and tokenizer.json as Hugging Face', async () => {
      const tmp = await tempDir('tokenizer');
      try {
        const { buildGpt2Model } = await import('../src/index.js');
        const { dir } = await buildGpt2Model({
          outDir: join(tmp.path, 'model'),
          config: { nLayer: 1, nHead: 1, nEmbd: 4, nPositions: 8 },
          weights: { seed: 1 },
        });
        const read = async (folder: string, name: string) =>
          JSON.parse(await readFile(join(folder, name), 'utf8'));
        const reference = join(conformanceDir, 'tiny-gpt2');
        const ours = await read(dir, 'tokenizer.json');
        const theirs = await read(reference, 'tokenizer.json');
        expect(Object.keys(ours.model.vocab)).toHaveLength(50257);
        expect(ours.model.vocab).toEqual(theirs.model.vocab);
        expect(ours.model.merges).toEqual(theirs.model.merges);
        expect(ours).toEqual(theirs);
        expect(await read(dir, 'vocab.json')).toEqual(await read(reference, 'vocab.json'));
        expect(await readFile(join(dir, 'merges.txt'), 'utf8')).toBe(
          await readFile(join(reference, 'merges.txt'), 'utf8'),
        );
        const { model_max_length: _ours, ...oursConfig } = await read(dir, 'tokenizer_config.json');
        const { model_max_length: _theirs, ...theirsConfig } = await read(reference, 'tokenizer_config.json');
        expect(oursConfig).toEqual(theirsConfig);
      } finally {
        await tmp.cleanup();
      }
    });
  },
);
