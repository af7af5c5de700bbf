import type { ResolvedGpt2Config } from './config.js';
import { GraphBuilder, intAttr, intsAttr } from './graph-builder.js';
import { DataType, type OnnxTypes } from './onnx-proto.js';

/** The ONNX opset the graph uses: onnxruntime-node and onnxruntime-web (wasm) both run it. */
export const OPSET_VERSION = 14;
/** IR version matching opset 14. */
export const IR_VERSION = 7;

/** The most negative float32, which masks attention scores the way Hugging Face eager attention does. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** Symbolic dimension names, as in Optimum's export. */
const BATCH = 'batch_size';
const SEQUENCE = 'sequence_length';
const PAST = 'past_sequence_length';
const TOTAL = 'past_sequence_length + sequence_length';

/** The nodes, inputs, outputs and small constants of a GPT-2 decoder graph; weights are referenced by name. */
export interface Gpt2Graph {
  nodes: OnnxTypes.INodeProto[];
  inputs: OnnxTypes.IValueInfoProto[];
  outputs: OnnxTypes.IValueInfoProto[];
  constants: OnnxTypes.ITensorProto[];
}

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * The GPT-2 decoder with KV cache, in standard ONNX ops at opset 14, with the inputs and outputs of a hub
 * export (`input_ids`, `attention_mask`, `position_ids`, `past_key_values.{i}.key|value` ->
 * `logits`, `present.{i}.key|value`). The attention mask is causal over past + current positions and zero
 * wherever `attention_mask` is 0 (left padding); masked scores get the float32 minimum, so a fully masked
 * row still gives finite values, as in Hugging Face. The LM head is tied to the token embedding unless
 * `untiedLmHead`, when it reads `lm_head.weight`.
 */
export function buildGpt2Graph(config: ResolvedGpt2Config, untiedLmHead = false): Gpt2Graph {
  const g = new GraphBuilder();
  const { nHead: heads, headDim, nEmbd: embd, vocabSize } = config;

  const inputs = [
    tensorInfo('input_ids', DataType.INT64, [BATCH, SEQUENCE]),
    tensorInfo('attention_mask', DataType.INT64, [BATCH, TOTAL]),
    tensorInfo('position_ids', DataType.INT64, [BATCH, SEQUENCE]),
  ];
  const outputs = [tensorInfo('logits', DataType.FLOAT, [BATCH, SEQUENCE, vocabSize])];
  for (let i = 0; i < config.nLayer; i++) {
    for (const kind of ['key', 'value']) {
      inputs.push(tensorInfo(`past_key_values.${i}.${kind}`, DataType.FLOAT, [BATCH, heads, PAST, headDim]));
      outputs.push(tensorInfo(`present.${i}.${kind}`, DataType.FLOAT, [BATCH, heads, TOTAL, headDim]));
    }
  }

  let hidden = g.scoped('embeddings', () =>
    g.op('Add', [
      g.op('Gather', ['transformer.wte.weight', 'input_ids'], [intAttr('axis', 0)]),
      g.op('Gather', ['transformer.wpe.weight', 'position_ids'], [intAttr('axis', 0)]),
    ]),
  );

  const attentionBias = g.scoped('attention_bias', () => {
    // Query i of this call sits at absolute position past + i; it may see keys 0..past + i.
    const idsShape = g.op('Shape', ['input_ids']);
    const sequence = g.op('Gather', [idsShape, g.int64Constant(1)], [intAttr('axis', 0)]);
    const total = g.op(
      'Gather',
      [g.op('Shape', ['attention_mask']), g.int64Constant(1)],
      [intAttr('axis', 0)],
    );
    const past = g.op('Sub', [total, sequence]);
    const one = g.int64Constant(1);
    const keyPositions = g.op('Range', [g.int64Constant(0), total, one]);
    const queryPositions = g.op('Unsqueeze', [g.op('Range', [past, total, one]), g.int64Constant([1])]);
    const causal = g.op('LessOrEqual', [keyPositions, queryPositions]);
    const notPadding = g.op('Unsqueeze', [
      g.op('Cast', ['attention_mask'], [intAttr('to', DataType.BOOL)]),
      g.int64Constant([1, 2]),
    ]);
    const allowed = g.op('And', [causal, notPadding]);
    return g.op('Where', [allowed, g.floatConstant(0), g.floatConstant(FLOAT32_MIN)]);
  });

  const layerNorm = (x: string, prefix: string): string =>
    g.scoped(prefix.slice(prefix.lastIndexOf('.') + 1), () => {
      const axes = [intsAttr('axes', [-1]), intAttr('keepdims', 1)];
      const centered = g.op('Sub', [x, g.op('ReduceMean', [x], axes)]);
      const variance = g.op('ReduceMean', [g.op('Pow', [centered, g.floatConstant(2)])], axes);
      const std = g.op('Sqrt', [g.op('Add', [variance, g.floatConstant(config.layerNormEpsilon)])]);
      const normalized = g.op('Div', [centered, std]);
      return g.op('Add', [g.op('Mul', [normalized, `${prefix}.weight`]), `${prefix}.bias`]);
    });

  const linear = (x: string, prefix: string): string =>
    g.op('Add', [g.op('MatMul', [x, `${prefix}.weight`]), `${prefix}.bias`]);

  const splitHeads = (x: string): string =>
    g.op(
      'Transpose',
      [g.op('Reshape', [x, g.int64Constant([0, 0, heads, headDim])])],
      [intsAttr('perm', [0, 2, 1, 3])],
    );

  const activation = (x: string): string =>
    g.scoped('act', () => {
      if (config.activationFunction === 'gelu') {
        const erf = g.op('Erf', [g.op('Div', [x, g.floatConstant(Math.SQRT2)])]);
        return g.op('Mul', [g.op('Mul', [x, g.floatConstant(0.5)]), g.op('Add', [erf, g.floatConstant(1)])]);
      }
      // gelu_new: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))
      const cubic = g.op('Mul', [g.op('Pow', [x, g.floatConstant(3)]), g.floatConstant(0.044715)]);
      const inner = g.op('Mul', [g.op('Add', [x, cubic]), g.floatConstant(Math.sqrt(2 / Math.PI))]);
      const tanh = g.op('Tanh', [inner]);
      return g.op('Mul', [g.op('Mul', [x, g.floatConstant(0.5)]), g.op('Add', [tanh, g.floatConstant(1)])]);
    });

  for (let layer = 0; layer < config.nLayer; layer++) {
    const p = `transformer.h.${layer}`;
    hidden = g.scoped(`h.${layer}`, () => {
      const attended = g.scoped('attn', () => {
        const qkv = linear(layerNorm(hidden, `${p}.ln_1`), `${p}.attn.c_attn`);
        const [q, k, v] = g.opN('Split', [qkv, g.int64Constant([embd, embd, embd])], 3, [intAttr('axis', 2)]);
        const key = g.op(
          'Concat',
          [`past_key_values.${layer}.key`, splitHeads(k!)],
          [intAttr('axis', 2)],
          `present.${layer}.key`,
        );
        const value = g.op(
          'Concat',
          [`past_key_values.${layer}.value`, splitHeads(v!)],
          [intAttr('axis', 2)],
          `present.${layer}.value`,
        );
        let scores = g.op('MatMul', [
          splitHeads(q!),
          g.op('Transpose', [key], [intsAttr('perm', [0, 1, 3, 2])]),
        ]);
        if (config.scaleAttnWeights) scores = g.op('Mul', [scores, g.floatConstant(headDim ** -0.5)]);
        if (config.scaleAttnByInverseLayerIdx) scores = g.op('Div', [scores, g.floatConstant(layer + 1)]);
        const probabilities = g.op('Softmax', [g.op('Add', [scores, attentionBias])], [intAttr('axis', -1)]);
        const context = g.op(
          'Transpose',
          [g.op('MatMul', [probabilities, value])],
          [intsAttr('perm', [0, 2, 1, 3])],
        );
        const merged = g.op('Reshape', [context, g.int64Constant([0, 0, embd])]);
        return linear(merged, `${p}.attn.c_proj`);
      });
      const afterAttention = g.op('Add', [hidden, attended]);
      const mlp = g.scoped('mlp', () =>
        linear(
          activation(linear(layerNorm(afterAttention, `${p}.ln_2`), `${p}.mlp.c_fc`)),
          `${p}.mlp.c_proj`,
        ),
      );
      return g.op('Add', [afterAttention, mlp]);
    });
  }

  g.scoped('lm_head', () => {
    const final = layerNorm(hidden, 'transformer.ln_f');
    const rows = g.op('Reshape', [final, g.int64Constant([-1, embd])]);
    const head = untiedLmHead ? 'lm_head.weight' : 'transformer.wte.weight';
    const flat = g.op('Gemm', [rows, head], [intAttr('transB', 1)]);
    const shape = g.op(
      'Concat',
      [g.op('Shape', ['input_ids']), g.int64Constant([vocabSize])],
      [intAttr('axis', 0)],
    );
    g.op('Reshape', [flat, shape], [], 'logits');
  });

  return { nodes: g.nodes, inputs, outputs, constants: g.constants };
}
