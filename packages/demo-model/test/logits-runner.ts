import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

/** The logits of a hub-layout GPT-2 folder's ONNX file for one prompt, with an empty KV cache. */
export interface LogitsRunner {
  /** Logits of every position of `ids`, row after row ([ids.length, vocab_size]). */
  logits(ids: readonly number[]): Promise<Float32Array>;
  /** Dims of the last `logits` output. */
  readonly lastDims: readonly number[];
  release(): Promise<void>;
}

export async function openLogitsRunner(modelDir: string): Promise<LogitsRunner> {
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as {
    n_layer: number;
    n_head: number;
    n_embd: number;
  };
  const session = await ort.InferenceSession.create(join(modelDir, 'onnx/model.onnx'), {
    intraOpNumThreads: 1,
  });
  const int64 = (values: readonly number[]) =>
    new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  let lastDims: readonly number[] = [];
  return {
    get lastDims() {
      return lastDims;
    },
    async logits(ids) {
      const feeds: Record<string, ort.Tensor> = {
        input_ids: int64(ids),
        attention_mask: int64(ids.map(() => 1)),
        position_ids: int64(ids.map((_, index) => index)),
      };
      for (let layer = 0; layer < config.n_layer; layer++) {
        for (const kind of ['key', 'value']) {
          const shape = [1, config.n_head, 0, config.n_embd / config.n_head];
          feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), shape);
        }
      }
      const { logits } = await session.run(feeds);
      lastDims = logits!.dims;
      return logits!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
