import { fileURLToPath } from 'node:url';

export { demoModelInfo } from './info.js';
export type { DemoModelInfo } from './types.js';

/**
 * Absolute path of the demo model's folder, in the Hugging Face hub layout (`config.json`,
 * `generation_config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx`, and the model
 * card `README.md`). Pass it to any loader of such folders, e.g. `loadModel` of `@nucleus/runtime-node`.
 *
 * @example
 * ```ts
 * import { demoModelPath } from '@nucleus/demo-model';
 * import { loadModel } from '@nucleus/runtime-node';
 *
 * const model = await loadModel(demoModelPath());
 * const { sequences } = await model.generate('And the LORD said', { maxNewTokens: 30 });
 * ```
 */
export function demoModelPath(): string {
  return fileURLToPath(new URL('../model', import.meta.url));
}
