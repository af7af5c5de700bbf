import { ModelFileError } from './errors.js';
import type { Gpt2Config } from './model-config.js';
import type { InferenceSession, KvElementType } from './ort.js';

/** One layer's cache: the graph input fed with the past and the output returning the present. */
export interface KvPair {
  readonly pastKey: string;
  readonly pastValue: string;
  readonly presentKey: string;
  readonly presentValue: string;
}

/** What the runtime learned from an ONNX decoder graph's inputs and outputs. */
export interface DecoderGraph {
  /** The graph takes `attention_mask`. */
  readonly hasAttentionMask: boolean;
  /** The graph takes `position_ids` (older exports compute positions themselves). */
  readonly hasPositionIds: boolean;
  /** The graph is a merged decoder with a boolean `use_cache_branch` input. */
  readonly hasUseCacheBranch: boolean;
  /** One entry per layer, in layer order. */
  readonly layers: readonly KvPair[];
  /** Element type of the KV cache tensors. */
  readonly kvType: KvElementType;
  /** Element type of `logits`. */
  readonly logitsType: KvElementType;
  /** KV heads (dimension 1 of a past tensor). */
  readonly numHeads: number;
  /** Size of one head (dimension 3 of a past tensor). */
  readonly headDim: number;
}

type ValueMetadata = InferenceSession.ValueMetadata;

/**
 * Reads the input and output names of a GPT-2 decoder export and checks that it is one the runtime can
 * drive with a KV cache: `input_ids`, `past_key_values.{i}.key|value` for every layer, and `logits` plus
 * `present.{i}.key|value` (or `present_key_values.{i}.key|value`).
 *
 * @throws {@link ModelFileError} naming the file and what the graph lacks.
 */
export function describeDecoderGraph(
  session: Pick<InferenceSession, 'inputNames' | 'outputNames'> & {
    readonly inputMetadata?: readonly ValueMetadata[];
    readonly outputMetadata?: readonly ValueMetadata[];
  },
  config: Gpt2Config,
  file: string,
): DecoderGraph {
  const inputs = new Set(session.inputNames);
  const outputs = new Set(session.outputNames);
  const fail = (problem: string): never => {
    throw new ModelFileError(
      file,
      `${problem}; inputs: ${[...inputs].join(', ') || 'none'}; outputs: ${[...outputs].join(', ') || 'none'}`,
    );
  };
  if (!inputs.has('input_ids')) fail('not a GPT-2 decoder graph: it has no input_ids input');
  if (!outputs.has('logits')) fail('not a GPT-2 decoder graph: it has no logits output');
  const pastInputs = [...inputs].filter((name) => name.startsWith('past_key_values.'));
  if (pastInputs.length === 0) {
    fail(
      'the graph has no past_key_values inputs: Nucleus needs an export with a KV cache (model.onnx or decoder_model_merged.onnx, not decoder_model.onnx)',
    );
  }
  if (pastInputs.length !== 2 * config.numLayers) {
    fail(
      `the graph has ${pastInputs.length} past_key_values inputs but config.json says n_layer = ${config.numLayers} (expected ${2 * config.numLayers})`,
    );
  }
  const presentPrefix = outputs.has('present.0.key') ? 'present' : 'present_key_values';
  const layers: KvPair[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const pair: KvPair = {
      pastKey: `past_key_values.${layer}.key`,
      pastValue: `past_key_values.${layer}.value`,
      presentKey: `${presentPrefix}.${layer}.key`,
      presentValue: `${presentPrefix}.${layer}.value`,
    };
    for (const name of [pair.pastKey, pair.pastValue]) if (!inputs.has(name)) fail(`missing input ${name}`);
    for (const name of [pair.presentKey, pair.presentValue])
      if (!outputs.has(name)) fail(`missing output ${name}`);
    layers.push(pair);
  }

  const pastMeta = tensorMetadata(session.inputMetadata, layers[0]!.pastKey);
  const logitsMeta = tensorMetadata(session.outputMetadata, 'logits');
  const kvType = floatType(pastMeta?.type ?? 'float32', layers[0]!.pastKey, fail);
  const logitsType = floatType(logitsMeta?.type ?? 'float32', 'logits', fail);
  const logitsVocab = numericDim(logitsMeta?.shape[2]);
  if (logitsVocab !== undefined && logitsVocab !== config.vocabSize) {
    fail(
      `logits have ${logitsVocab} entries per position but config.json says vocab_size = ${config.vocabSize}`,
    );
  }
  const numHeads = numericDim(pastMeta?.shape[1]) ?? config.numHeads;
  const headDim = numericDim(pastMeta?.shape[3]) ?? config.headDim;
  return Object.freeze({
    hasAttentionMask: inputs.has('attention_mask'),
    hasPositionIds: inputs.has('position_ids'),
    hasUseCacheBranch: inputs.has('use_cache_branch'),
    layers: Object.freeze(layers),
    kvType,
    logitsType,
    numHeads,
    headDim,
  });
}

function tensorMetadata(
  metadata: readonly ValueMetadata[] | undefined,
  name: string,
): { type: string; shape: ReadonlyArray<number | string> } | undefined {
  const entry = metadata?.find((meta) => meta.name === name);
  return entry?.isTensor ? entry : undefined;
}

function floatType(type: string, name: string, fail: (problem: string) => never): KvElementType {
  if (type === 'float32' || type === 'float16') return type;
  return fail(`${name} has element type ${type}; Nucleus reads float32 or float16`);
}

function numericDim(dim: number | string | undefined): number | undefined {
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}
