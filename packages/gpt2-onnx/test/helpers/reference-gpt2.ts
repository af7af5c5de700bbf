/**
 * A deliberately plain float64 GPT-2 forward pass (Hugging Face GPT2LMHeadModel, eager attention), written
 * from the model's definition with loops and no cleverness. It is the independent truth the ONNX graph is
 * checked against.
 */

/** The fields of a GPT-2 config the forward pass reads. */
export interface ReferenceConfig {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  vocabSize: number;
  nInner: number;
  layerNormEpsilon: number;
  activationFunction: 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu';
  scaleAttnWeights: boolean;
  scaleAttnByInverseLayerIdx: boolean;
}

/** Weights by Hugging Face state-dict name (`transformer.h.0.attn.c_attn.weight`, ...). */
export type ReferenceWeights = ReadonlyMap<string, ArrayLike<number>>;

/** cache[layer].key[b][h][t] is the key vector (length head_dim) of position t. */
export type ReferenceCache = { key: number[][][][]; value: number[][][][] }[];

export interface ReferenceOutput {
  /** logits[b][s] is the vocabulary row of position s. */
  logits: Float64Array[][];
  /** Past plus this call's keys and values, per layer. */
  present: ReferenceCache;
}

const FLOAT32_MIN = -3.4028234663852886e38;

function layerNorm(x: number[], weight: ArrayLike<number>, bias: ArrayLike<number>, eps: number): number[] {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (x[i]! - mean) ** 2;
  variance /= n;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(((x[i]! - mean) / Math.sqrt(variance + eps)) * weight[i]! + bias[i]!);
  return out;
}

/** x @ W + b, with W stored [in, out] row-major (Hugging Face Conv1D). */
function conv1d(x: number[], weight: ArrayLike<number>, bias: ArrayLike<number>, outSize: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outSize; o++) {
    let sum = bias[o]!;
    for (let i = 0; i < x.length; i++) sum += x[i]! * weight[i * outSize + o]!;
    out.push(sum);
  }
  return out;
}

/** erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, ample for these checks). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

function activate(x: number, kind: ReferenceConfig['activationFunction']): number {
  if (kind === 'gelu') return 0.5 * x * (1 + erf(x / Math.SQRT2));
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

/** An empty cache for `batch` rows. */
export function emptyCache(config: ReferenceConfig, batch: number): ReferenceCache {
  const rows = () => Array.from({ length: batch }, () => Array.from({ length: config.nHead }, () => []));
  return Array.from({ length: config.nLayer }, () => ({ key: rows(), value: rows() }));
}

/**
 * One forward call with KV cache: `inputIds`, `positionIds` [batch][seq], `attentionMask`
 * [batch][past + seq] (0 = padding), `past` the cache of earlier calls (not modified).
 */
export function referenceForward(
  config: ReferenceConfig,
  weights: ReferenceWeights,
  inputIds: number[][],
  attentionMask: number[][],
  positionIds: number[][],
  past: ReferenceCache = emptyCache(config, inputIds.length),
): ReferenceOutput {
  const w = (name: string): ArrayLike<number> => {
    const tensor = weights.get(name);
    if (!tensor) throw new Error(`reference: no weight ${name}`);
    return tensor;
  };
  const E = config.nEmbd;
  const H = config.nHead;
  const D = E / H;
  const batch = inputIds.length;
  const seq = inputIds[0]!.length;
  const present: ReferenceCache = past.map((layer) => ({
    key: layer.key.map((row) => row.map((head) => [...head])),
    value: layer.value.map((row) => row.map((head) => [...head])),
  }));
  const pastLength = past[0]!.key[0]![0]!.length;

  // hidden[b][s] = wte[token] + wpe[position]
  const wte = w('transformer.wte.weight');
  const wpe = w('transformer.wpe.weight');
  let hidden: number[][][] = [];
  for (let b = 0; b < batch; b++) {
    const rows: number[][] = [];
    for (let s = 0; s < seq; s++) {
      const token = inputIds[b]![s]!;
      const position = positionIds[b]![s]!;
      const row: number[] = [];
      for (let e = 0; e < E; e++) row.push(wte[token * E + e]! + wpe[position * E + e]!);
      rows.push(row);
    }
    hidden.push(rows);
  }

  for (let layer = 0; layer < config.nLayer; layer++) {
    const p = `transformer.h.${layer}`;
    const queries: number[][][][] = []; // [b][h][s][d]
    for (let b = 0; b < batch; b++) {
      const perHead: number[][][] = Array.from({ length: H }, () => []);
      for (let s = 0; s < seq; s++) {
        const normed = layerNorm(
          hidden[b]![s]!,
          w(`${p}.ln_1.weight`),
          w(`${p}.ln_1.bias`),
          config.layerNormEpsilon,
        );
        const qkv = conv1d(normed, w(`${p}.attn.c_attn.weight`), w(`${p}.attn.c_attn.bias`), 3 * E);
        for (let h = 0; h < H; h++) {
          perHead[h]!.push(qkv.slice(h * D, (h + 1) * D));
          present[layer]!.key[b]![h]!.push(qkv.slice(E + h * D, E + (h + 1) * D));
          present[layer]!.value[b]![h]!.push(qkv.slice(2 * E + h * D, 2 * E + (h + 1) * D));
        }
      }
      queries.push(perHead);
    }
    const total = pastLength + seq;
    const next: number[][][] = [];
    for (let b = 0; b < batch; b++) {
      const rows: number[][] = [];
      for (let s = 0; s < seq; s++) {
        const merged: number[] = [];
        for (let h = 0; h < H; h++) {
          const q = queries[b]![h]![s]!;
          const scores: number[] = [];
          for (let t = 0; t < total; t++) {
            const k = present[layer]!.key[b]![h]![t]!;
            let score = 0;
            for (let d = 0; d < D; d++) score += q[d]! * k[d]!;
            if (config.scaleAttnWeights) score /= Math.sqrt(D);
            if (config.scaleAttnByInverseLayerIdx) score /= layer + 1;
            const allowed = t <= pastLength + s && attentionMask[b]![t] === 1;
            scores.push(score + (allowed ? 0 : FLOAT32_MIN));
          }
          const max = Math.max(...scores);
          const exps = scores.map((x) => Math.exp(x - max));
          const sum = exps.reduce((a, c) => a + c, 0);
          for (let d = 0; d < D; d++) {
            let acc = 0;
            for (let t = 0; t < total; t++) acc += (exps[t]! / sum) * present[layer]!.value[b]![h]![t]![d]!;
            merged.push(acc);
          }
        }
        const attnOut = conv1d(merged, w(`${p}.attn.c_proj.weight`), w(`${p}.attn.c_proj.bias`), E);
        const afterAttn = hidden[b]![s]!.map((x, e) => x + attnOut[e]!);
        const normed = layerNorm(
          afterAttn,
          w(`${p}.ln_2.weight`),
          w(`${p}.ln_2.bias`),
          config.layerNormEpsilon,
        );
        const inner = conv1d(normed, w(`${p}.mlp.c_fc.weight`), w(`${p}.mlp.c_fc.bias`), config.nInner).map(
          (x) => activate(x, config.activationFunction),
        );
        const mlpOut = conv1d(inner, w(`${p}.mlp.c_proj.weight`), w(`${p}.mlp.c_proj.bias`), E);
        rows.push(afterAttn.map((x, e) => x + mlpOut[e]!));
      }
      next.push(rows);
    }
    hidden = next;
  }

  const head = weights.get('lm_head.weight') ?? wte;
  const logits: Float64Array[][] = [];
  for (let b = 0; b < batch; b++) {
    const rows: Float64Array[] = [];
    for (let s = 0; s < seq; s++) {
      const normed = layerNorm(
        hidden[b]![s]!,
        w('transformer.ln_f.weight'),
        w('transformer.ln_f.bias'),
        config.layerNormEpsilon,
      );
      const row = new Float64Array(config.vocabSize);
      for (let v = 0; v < config.vocabSize; v++) {
        let sum = 0;
        for (let e = 0; e < E; e++) sum += normed[e]! * head[v * E + e]!;
        row[v] = sum;
      }
      rows.push(row);
    }
    logits.push(rows);
  }
  return { logits, present };
}
