// The limit for the benchmark: greedy decoding written directly against onnxruntime-node, in the same
// IO style as the runtime (CPU tensors in, ORT-allocated outputs, presents fed back as the next past).
// Prompts must have equal lengths (no padding), which keeps this loop minimal.
import * as ort from 'onnxruntime-node';

/**
 * @param {ort.InferenceSession} session
 * @param {{ layers: number, heads: number, headDim: number, vocab: number }} shape
 * @param {number[][]} prompts equal-length prompts, one row each
 * @param {number} newTokens
 * @returns {Promise<number[][]>} the new tokens of each row
 */
export async function bareGreedy(session, shape, prompts, newTokens) {
  const rows = prompts.length;
  const promptLength = prompts[0].length;
  const generated = prompts.map(() => []);
  let past = null;
  let ids = BigInt64Array.from(prompts.flat(), BigInt);
  let seq = promptLength;
  let total = 0;
  for (let step = 0; step < newTokens; step++) {
    total += seq;
    const feeds = {
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
          past?.[`present.${layer}.${kind}`] ??
          new ort.Tensor('float32', new Float32Array(0), [rows, shape.heads, 0, shape.headDim]);
      }
    }
    const out = await session.run(feeds);
    if (past) for (const tensor of Object.values(past)) tensor.dispose();
    past = out;
    const logits = out.logits.data;
    ids = new BigInt64Array(rows);
    for (let r = 0; r < rows; r++) {
      const start = (r * seq + seq - 1) * shape.vocab;
      let best = 0;
      for (let v = 1; v < shape.vocab; v++) if (logits[start + v] > logits[start + best]) best = v;
      generated[r].push(best);
      ids[r] = BigInt(best);
    }
    seq = 1;
  }
  for (const tensor of Object.values(past)) tensor.dispose();
  return generated;
}
