import * as ort from 'onnxruntime-node';

/** One forward call's inputs, as in the conformance data. */
export interface StepInputs {
  inputIds: number[][];
  attentionMask: number[][];
  positionIds: number[][];
}

export interface StepOutputs {
  /** [batch, seq, vocab] */
  logits: Float32Array;
  dims: readonly number[];
  /** `present.{i}.key|value` outputs, ready to feed as the next call's past. */
  presents: Record<string, ort.Tensor>;
}

/** Shape facts needed to build empty past tensors. */
export interface CacheShape {
  nLayer: number;
  nHead: number;
  headDim: number;
}

const int64 = (rows: number[][]) =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

/** Opens a model with onnxruntime-node on one thread. */
export function openSession(modelPath: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

/**
 * Runs one step; `past` is the previous step's `presents` (or undefined for the first step, which feeds
 * empty [batch, heads, 0, head_dim] tensors).
 */
export async function runStep(
  session: ort.InferenceSession,
  inputs: StepInputs,
  shape: CacheShape,
  past?: Record<string, ort.Tensor>,
): Promise<StepOutputs> {
  const batch = inputs.inputIds.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64(inputs.inputIds),
    attention_mask: int64(inputs.attentionMask),
    position_ids: int64(inputs.positionIds),
  };
  for (let i = 0; i < shape.nLayer; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kind}`] =
        past?.[`present.${i}.${kind}`] ??
        new ort.Tensor('float32', new Float32Array(0), [batch, shape.nHead, 0, shape.headDim]);
    }
  }
  const out = await session.run(feeds);
  const presents: Record<string, ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(out)) if (name.startsWith('present.')) presents[name] = tensor;
  const logits = out['logits']!;
  return { logits: logits.data as Float32Array, dims: logits.dims, presents };
}

/** Largest |a - b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return max;
}
