import { ensureModel } from '@nucleus/gpt2-onnx';

/** The seeded tiny GPT-2 of `@nucleus/gpt2-onnx` (2 layers, 32 dims, GPT-2 vocabulary), built once into its cache. */
export function tinyModelDir(): Promise<string> {
  return ensureModel('tiny');
}
