// The lower bound: greedy decoding written directly against onnxruntime-node, in the IO style of
// packages/runtime-node/bench/bare-loop.mjs (CPU tensors in, ORT-allocated outputs, presents fed back as the
// next past, argmax in JavaScript). Prompts must have equal lengths (no padding).
import * as ort from 'onnxruntime-node';

/** The sizes of a GPT-2 graph that the loop needs to build its empty first past. */
export interface GraphShape {
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  readonly vocab: number;
}

/** Greedy decoding of `newTokens` tokens for each equal-length prompt; returns each row's new tokens. */
export async function bareGreedy(
  session: ort.InferenceSession,
  shape: GraphShape,
  prompts: readonly (readonly number[])[],
  newTokens: number,
): Promise<number[][]> {
  const rows = prompts.length;
  const promptLength = prompts[0]!.length;
  if (prompts.some((prompt) => prompt.length !== promptLength)) {
    throw new Error('bareGreedy: prompts must have equal lengths');
  }
  const generated: number[][] = prompts.map(() => []);
  let past: ort.InferenceSession.OnnxValueMapType | null = null;
  let ids = BigInt64Array.from(prompts.flat(), BigInt);
  let seq = promptLength;
  let total = 0;
  for (let step = 0; step < newTokens; step++) {
    total += seq;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [rows, seq]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(rows * total).fill(1n), [rows, total]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: rows * seq }, (_, i) => BigInt(total - seq + (i % seq))),
        [rows, seq],
      ),
    };
    for (let layer = 0; layer < shape.layers; layer++) {
      for (const kind of ['key', 'value']) {
        feeds[`past_key_values.${layer}.${kind}`] =
          (past?.[`present.${layer}.${kind}`] as ort.Tensor | undefined) ??
          new ort.Tensor('float32', new Float32Array(0), [rows, shape.heads, 0, shape.headDim]);
      }
    }
    const out: ort.InferenceSession.OnnxValueMapType = await session.run(feeds);
    if (past) for (const tensor of Object.values(past)) (tensor as ort.Tensor).dispose();
    past = out;
    const logits = (out['logits'] as ort.Tensor).data as Float32Array;
    ids = new BigInt64Array(rows);
    for (let r = 0; r < rows; r++) {
      const start = (r * seq + seq - 1) * shape.vocab;
      let best = 0;
      for (let v = 1; v < shape.vocab; v++) if (logits[start + v]! > logits[start + best]!) best = v;
      generated[r]!.push(best);
      ids[r] = BigInt(best);
    }
    seq = 1;
  }
  if (past) for (const tensor of Object.values(past)) (tensor as ort.Tensor).dispose();
  return generated;
}
