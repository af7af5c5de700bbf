import { type ModelSession, PromptTooLongError } from '@nucleus/samplers';
import { AttentionMask } from './attention-mask.js';
import type { DecoderGraph } from './decoder-graph.js';
import { ModelDisposedError, SessionUsageError } from './errors.js';
import { float16ToFloat32 } from './float16.js';
import { disposeTensor, type InferenceSession, type OrtModule, type Tensor } from './ort.js';
import { gatherRows, type RowData } from './row-gather.js';

/** What a {@link KvCacheSession} needs from the loaded model. */
export interface KvSessionModel {
  readonly ort: OrtModule;
  readonly session: InferenceSession;
  readonly graph: DecoderGraph;
  readonly vocabSize: number;
  /** Positions the model has (`n_positions`): position ids must stay below it. */
  readonly maxPositions: number;
  /** Token id placed under masked (padding) positions; any valid id works. */
  readonly padTokenId: number;
}

/**
 * One generation's use of a GPT-2 ONNX decoder: the `ModelSession` of `@nucleus/samplers`, owning a KV
 * cache per row.
 *
 * - First `step`: each row's prompt, left-padded to the longest (attention mask 0 and position 0 under the
 *   padding; positions `cumsum(mask) - 1`).
 * - Later steps: the new tokens of each row (usually one), `past_key_values.*` = the previous `present.*`,
 *   the mask grown by the new columns, each row's positions continued from its own last position. Rows
 *   given several tokens of different lengths are left-padded inside the chunk the same way.
 * - Only the last position's logits reach JavaScript's hands: for one new token per row the runtime's
 *   output buffer is returned as is, for longer chunks the last position of each row is copied into a
 *   reused buffer.
 * - Replaced tensors are disposed at once; `selectRows` gathers cache rows along the batch axis: the
 *   identity is free, a contiguous range of rows is a view, a reordering moves only the rows that change
 *   (in place), an expansion copies into a larger cache.
 *
 * Sessions of one model share its `InferenceSession` but nothing else, so concurrent generations are
 * independent. One session takes one step at a time; a step the ONNX runtime fails disposes the session.
 */
export class KvCacheSession implements ModelSession {
  readonly vocabSize: number;
  readonly #model: KvSessionModel;
  readonly #mask = new AttentionMask();
  #rows = 0;
  #started = false;
  #running = false;
  #disposed = false;
  #pastLength = 0;
  /** Per layer: key then value. Empty before the first step. */
  #past: Tensor[] = [];
  /** The position id the next token of each row gets. */
  #nextPosition = new Float64Array(0);
  #logitsTensor: Tensor | undefined;
  #gatherScratch: RowData | undefined;
  #logitsBuffer = new Float32Array(0);
  #idsBuffer = new BigInt64Array(0);
  #positionsBuffer = new BigInt64Array(0);

  constructor(model: KvSessionModel) {
    this.#model = model;
    this.vocabSize = model.vocabSize;
  }

  /** Number of rows in the cache (0 before the first step). */
  get rows(): number {
    return this.#rows;
  }

  /** Number of cached positions per row (padding included). */
  get pastLength(): number {
    return this.#pastLength;
  }

  /** Whether {@link dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  async step(tokens: readonly (readonly number[])[]): Promise<Float32Array> {
    if (this.#disposed) throw new ModelDisposedError('generation session');
    const rows = tokens.length;
    if (!this.#started) {
      if (rows === 0) throw new SessionUsageError('the first step needs at least one row of tokens');
      this.#rows = rows;
      this.#nextPosition = new Float64Array(rows);
    } else if (rows !== this.#rows) {
      throw new SessionUsageError(`step got ${rows} rows but the session holds ${this.#rows}`);
    }
    const lengths = new Int32Array(rows);
    let columns = 0;
    for (let r = 0; r < rows; r++) {
      const length = tokens[r]!.length;
      if (length === 0) throw new SessionUsageError(`row ${r} has no tokens to feed`);
      lengths[r] = length;
      if (length > columns) columns = length;
      const end = this.#nextPosition[r]! + length;
      if (end > this.#model.maxPositions) {
        throw new PromptTooLongError(
          `row ${r} would reach ${end} tokens but the model attends to at most ${this.#model.maxPositions} positions`,
          end,
          this.#model.maxPositions,
        );
      }
    }

    if (this.#running)
      throw new SessionUsageError('step was called while the previous step was still running');
    const feeds = this.#buildFeeds(tokens, lengths, columns);
    const { graph, session } = this.#model;
    const fetches: string[] = ['logits'];
    for (const layer of graph.layers) fetches.push(layer.presentKey, layer.presentValue);
    let outputs: InferenceSession.ReturnType;
    this.#running = true;
    try {
      outputs = await session.run(feeds, fetches);
    } catch (error) {
      if (this.#disposed) throw new ModelDisposedError('generation session');
      // The mask already has this step's columns: the session cannot go on consistently.
      this.dispose();
      throw error;
    } finally {
      this.#running = false;
    }
    if (this.#disposed) {
      for (const name of fetches) disposeTensor(outputs[name] as Tensor | undefined);
      throw new ModelDisposedError('generation session');
    }

    for (const layer of graph.layers) {
      disposeTensor(feeds[layer.pastKey]);
      disposeTensor(feeds[layer.pastValue]);
    }
    const past: Tensor[] = [];
    for (const layer of graph.layers) {
      past.push(outputs[layer.presentKey] as Tensor, outputs[layer.presentValue] as Tensor);
    }
    this.#past = past;
    this.#pastLength += columns;
    this.#started = true;
    for (let r = 0; r < rows; r++) this.#nextPosition[r]! += lengths[r]!;
    return this.#takeLastLogits(outputs['logits'] as Tensor, rows, columns);
  }

  selectRows(rows: readonly number[]): void {
    if (this.#disposed) throw new ModelDisposedError('generation session');
    if (!this.#started) throw new SessionUsageError('selectRows needs a first step to have run');
    if (this.#running) throw new SessionUsageError('selectRows was called while a step was running');
    const current = this.#rows;
    let identity = rows.length === current;
    let contiguous = true;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!Number.isInteger(row) || row < 0 || row >= current) {
        throw new SessionUsageError(
          `selectRows got row ${row}, but the session holds rows 0..${current - 1}`,
        );
      }
      if (row !== i) identity = false;
      if (i > 0 && row !== rows[i - 1]! + 1) contiguous = false;
    }
    if (identity) return;

    const { ort } = this.#model;
    const past: Tensor[] = [];
    for (const tensor of this.#past) {
      const [, heads, length, headDim] = tensor.dims as [number, number, number, number];
      const rowSize = heads * length * headDim;
      const data = tensor.data as RowData;
      let gathered: RowData;
      if (contiguous) {
        const start = rows.length === 0 ? 0 : rows[0]! * rowSize;
        gathered = data.subarray(start, start + rows.length * rowSize);
      } else {
        ({ data: gathered, scratch: this.#gatherScratch } = gatherRows(
          data,
          rowSize,
          current,
          rows,
          this.#gatherScratch,
        ));
      }
      // Disposing a CPU tensor drops its hold on the data; a view or an in-place gather keeps what it needs.
      disposeTensor(tensor);
      past.push(floatTensor(ort, gathered, [rows.length, heads, length, headDim]));
    }
    this.#past = past;
    this.#mask.selectRows(rows);
    const positions = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) positions[i] = this.#nextPosition[rows[i]!]!;
    this.#nextPosition = positions;
    this.#rows = rows.length;
    disposeTensor(this.#logitsTensor);
    this.#logitsTensor = undefined;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const tensor of this.#past) disposeTensor(tensor);
    this.#past = [];
    disposeTensor(this.#logitsTensor);
    this.#logitsTensor = undefined;
    this.#logitsBuffer = new Float32Array(0);
  }

  #buildFeeds(
    tokens: readonly (readonly number[])[],
    lengths: Int32Array,
    columns: number,
  ): Record<string, Tensor> {
    const { ort, graph, vocabSize, padTokenId } = this.#model;
    const rows = tokens.length;
    const size = rows * columns;
    if (this.#idsBuffer.length < size) {
      this.#idsBuffer = new BigInt64Array(Math.max(size, 2 * this.#idsBuffer.length));
      this.#positionsBuffer = new BigInt64Array(this.#idsBuffer.length);
    }
    const ids = this.#idsBuffer.subarray(0, size);
    const positions = this.#positionsBuffer.subarray(0, size);
    for (let r = 0; r < rows; r++) {
      const row = tokens[r]!;
      const pad = columns - lengths[r]!;
      const start = this.#nextPosition[r]!;
      const base = r * columns;
      for (let c = 0; c < pad; c++) {
        ids[base + c] = BigInt(padTokenId);
        positions[base + c] = BigInt(Math.max(start - 1, 0));
      }
      for (let c = 0; c < row.length; c++) {
        const token = row[c]!;
        if (!Number.isInteger(token) || token < 0 || token >= vocabSize) {
          throw new SessionUsageError(
            `row ${r} has token ${token}, outside the vocabulary [0, ${vocabSize})`,
          );
        }
        ids[base + pad + c] = BigInt(token);
        positions[base + pad + c] = BigInt(start + c);
      }
    }
    this.#mask.append(lengths, columns);

    const feeds: Record<string, Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [rows, columns]),
    };
    if (graph.hasAttentionMask) {
      feeds['attention_mask'] = new ort.Tensor('int64', this.#mask.view(), [rows, this.#mask.width]);
    }
    if (graph.hasPositionIds) feeds['position_ids'] = new ort.Tensor('int64', positions, [rows, columns]);
    if (graph.hasUseCacheBranch) {
      feeds['use_cache_branch'] = new ort.Tensor('bool', Uint8Array.of(this.#started ? 1 : 0), [1]);
    }
    if (this.#started) {
      graph.layers.forEach((layer, i) => {
        feeds[layer.pastKey] = this.#past[2 * i]!;
        feeds[layer.pastValue] = this.#past[2 * i + 1]!;
      });
    } else {
      const dims = [rows, graph.numHeads, 0, graph.headDim];
      for (const layer of graph.layers) {
        feeds[layer.pastKey] = emptyTensor(ort, graph.kvType, dims);
        feeds[layer.pastValue] = emptyTensor(ort, graph.kvType, dims);
      }
    }
    return feeds;
  }

  #takeLastLogits(logits: Tensor, rows: number, columns: number): Float32Array {
    disposeTensor(this.#logitsTensor);
    const vocab = this.vocabSize;
    if (logits.dims[logits.dims.length - 1] !== vocab) {
      throw new SessionUsageError(
        `the model returned logits of shape [${logits.dims.join(', ')}], expected a last dimension of ${vocab}`,
      );
    }
    const data = logits.data as RowData;
    if (data instanceof Float32Array && (columns === 1 || rows === 1)) {
      this.#logitsTensor = logits;
      const start = (columns - 1) * vocab;
      return columns === 1 ? data : data.subarray(start, start + vocab);
    }
    if (this.#logitsBuffer.length !== rows * vocab) this.#logitsBuffer = new Float32Array(rows * vocab);
    const target = this.#logitsBuffer;
    for (let r = 0; r < rows; r++) {
      const source = (r * columns + columns - 1) * vocab;
      if (data instanceof Float32Array) target.set(data.subarray(source, source + vocab), r * vocab);
      else float16ToFloat32(data, source, target, r * vocab, vocab);
    }
    disposeTensor(logits);
    this.#logitsTensor = undefined;
    return target;
  }
}

function emptyTensor(ort: OrtModule, type: 'float32' | 'float16', dims: readonly number[]): Tensor {
  return floatTensor(ort, type === 'float32' ? new Float32Array(0) : new Uint16Array(0), dims);
}

/** A float32 tensor over a `Float32Array`, a float16 one over the raw bits in a `Uint16Array`. */
function floatTensor(ort: OrtModule, data: RowData, dims: readonly number[]): Tensor {
  return data instanceof Float32Array
    ? new ort.Tensor('float32', data, dims)
    : new ort.Tensor('float16', data, dims);
}
