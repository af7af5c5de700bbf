import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type LoadedModel,
  type LoadModelOptions,
  loadModelWith,
  ModelNotFoundError,
} from '@nucleus/runtime-core';
import * as ort from 'onnxruntime-node';
import { createDirectorySource } from './directory-source.js';

/** Options of {@link loadModel}. */
export interface NodeLoadModelOptions extends LoadModelOptions {}

/**
 * The execution providers of this onnxruntime-node build (`cpu` always; `cuda`, `dml`, `coreml`, ...
 * where the platform package ships them).
 */
export function availableExecutionProviders(): string[] {
  return ort.listSupportedBackends().map((backend) => backend.name);
}

/**
 * Loads a GPT-2 ONNX model with onnxruntime-node.
 *
 * `source` is a folder in the Hugging Face hub layout (`config.json`, `tokenizer.json`,
 * `generation_config.json`, `onnx/model.onnx`, ...).
 *
 * @example
 * ```ts
 * const model = await loadModel('./models/gpt2', { dtype: 'fp32', threads: 2 });
 * const { sequences } = await model.generate('Hello, my dog is', { maxNewTokens: 20 });
 * console.log(sequences[0].text);
 * await model.dispose();
 * ```
 * @throws `ModelNotFoundError` when the folder does not exist; the errors of `loadModelWith` otherwise.
 */
export async function loadModel(source: string, options: NodeLoadModelOptions = {}): Promise<LoadedModel> {
  if (typeof source !== 'string' || source === '') {
    throw new ModelNotFoundError(String(source), 'the source must be a model folder path');
  }
  const dir = path.resolve(source);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ModelNotFoundError(
      source,
      info ? `${dir} is a file, not a model folder` : `no folder at ${dir}`,
    );
  }
  return loadModelWith(ort, createDirectorySource(dir), options, {
    executionProviders: availableExecutionProviders(),
    defaultExecutionProviders: ['cpu'],
  });
}
