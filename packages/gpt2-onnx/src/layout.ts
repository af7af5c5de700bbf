import type { ResolvedGpt2Config } from './config.js';

/** What a weight is, which decides how seeded weights initialise it. */
export type WeightRole =
  | 'embedding'
  | 'matrix'
  | 'residual-projection'
  | 'bias'
  | 'norm-scale'
  | 'norm-shift';

/** One weight of a GPT-2 model, named as in a Hugging Face `GPT2LMHeadModel` state dict. */
export interface WeightSpec {
  /** Full state-dict name, e.g. `transformer.h.0.attn.c_attn.weight`. */
  readonly name: string;
  /** Shape as stored by Hugging Face (Conv1D weights are [in, out], ready for MatMul). */
  readonly shape: readonly number[];
  readonly role: WeightRole;
}

/** Number of elements of a tensor of this shape. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/**
 * Every weight of a GPT-2 model with tied `lm_head`, in the order the ONNX file stores them: embeddings,
 * then each block, then the final LayerNorm.
 */
export function gpt2WeightLayout(config: ResolvedGpt2Config): WeightSpec[] {
  const { nEmbd: e, nInner: inner } = config;
  const specs: WeightSpec[] = [
    { name: 'transformer.wte.weight', shape: [config.vocabSize, e], role: 'embedding' },
    { name: 'transformer.wpe.weight', shape: [config.nPositions, e], role: 'embedding' },
  ];
  for (let i = 0; i < config.nLayer; i++) {
    const p = `transformer.h.${i}`;
    specs.push(
      { name: `${p}.ln_1.weight`, shape: [e], role: 'norm-scale' },
      { name: `${p}.ln_1.bias`, shape: [e], role: 'norm-shift' },
      { name: `${p}.attn.c_attn.weight`, shape: [e, 3 * e], role: 'matrix' },
      { name: `${p}.attn.c_attn.bias`, shape: [3 * e], role: 'bias' },
      { name: `${p}.attn.c_proj.weight`, shape: [e, e], role: 'residual-projection' },
      { name: `${p}.attn.c_proj.bias`, shape: [e], role: 'bias' },
      { name: `${p}.ln_2.weight`, shape: [e], role: 'norm-scale' },
      { name: `${p}.ln_2.bias`, shape: [e], role: 'norm-shift' },
      { name: `${p}.mlp.c_fc.weight`, shape: [e, inner], role: 'matrix' },
      { name: `${p}.mlp.c_fc.bias`, shape: [inner], role: 'bias' },
      { name: `${p}.mlp.c_proj.weight`, shape: [inner, e], role: 'residual-projection' },
      { name: `${p}.mlp.c_proj.bias`, shape: [e], role: 'bias' },
    );
  }
  specs.push(
    { name: 'transformer.ln_f.weight', shape: [e], role: 'norm-scale' },
    { name: 'transformer.ln_f.bias', shape: [e], role: 'norm-shift' },
  );
  return specs;
}

/** The weight of an untied `lm_head` ([vocab, n_embd], as `nn.Linear` stores it). */
export function lmHeadSpec(config: ResolvedGpt2Config): WeightSpec {
  return { name: 'lm_head.weight', shape: [config.vocabSize, config.nEmbd], role: 'matrix' };
}
