import type { DecoderModel, ModelSession } from '@nucleus/samplers';
import * as ort from 'onnxruntime-node';

/**
 * The obviously correct way to get next-token logits from a GPT-2 export: no KV cache, no padding, no
 * batching. Each step runs every row alone over its whole history (attention mask of ones, positions
 * 0..n-1, empty past). It is the independent truth the KV-cached runtime is checked against.
 */
export class FullRecomputeModel implements DecoderModel {
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly #session: ort.InferenceSession;
  readonly #layers: number;
  readonly #heads: number;
  readonly #headDim: number;

  private constructor(
    session: ort.InferenceSession,
    config: { vocab: number; positions: number; layers: number; heads: number; headDim: number },
  ) {
    this.#session = session;
    this.vocabSize = config.vocab;
    this.maxPositions = config.positions;
    this.#layers = config.layers;
    this.#heads = config.heads;
    this.#headDim = config.headDim;
  }

  static async load(
    modelDir: string,
    config: { n_layer: number; n_head: number; n_embd: number; n_positions: number; vocab_size: number },
  ) {
    const session = await ort.InferenceSession.create(`${modelDir}/onnx/model.onnx`, {
      intraOpNumThreads: 1,
    });
    return new FullRecomputeModel(session, {
      vocab: config.vocab_size,
      positions: config.n_positions,
      layers: config.n_layer,
      heads: config.n_head,
      headDim: config.n_embd / config.n_head,
    });
  }

  /** Last-position logits of one sequence, computed from scratch. */
  async logitsOf(tokens: readonly number[]): Promise<Float32Array> {
    const n = tokens.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(tokens, (_, i) => BigInt(i)),
        [1, n],
      ),
    };
    for (let layer = 0; layer < this.#layers; layer++) {
      for (const kind of ['key', 'value']) {
        feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
          1,
          this.#heads,
          0,
          this.#headDim,
        ]);
      }
    }
    const out = await this.#session.run(feeds, ['logits']);
    const logits = out['logits']!.data as Float32Array;
    return logits.slice((n - 1) * this.vocabSize, n * this.vocabSize);
  }

  createSession(): ModelSession {
    let histories: number[][] = [];
    const vocab = this.vocabSize;
    return {
      vocabSize: vocab,
      step: async (tokens) => {
        histories =
          histories.length === 0
            ? tokens.map((row) => [...row])
            : histories.map((h, r) => [...h, ...tokens[r]!]);
        const out = new Float32Array(histories.length * vocab);
        for (let r = 0; r < histories.length; r++) out.set(await this.logitsOf(histories[r]!), r * vocab);
        return out;
      },
      selectRows: (rows) => {
        histories = rows.map((r) => [...histories[r]!]);
      },
      dispose: () => {},
    };
  }

  release(): Promise<void> {
    return this.#session.release();
  }
}

/** Index of the largest value, the lowest index on ties (HF's greedy). */
export function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}
