import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  checkLoadOptionNames,
  type LoadedModel,
  type LoadModelOptions,
  loadModelWith,
  ModelNotFoundError,
  modelFilesToFetch,
  parseHubSource,
  resolveDtype,
} from '@nucleus/runtime-core';
import { ConfigError } from '@nucleus/samplers';
import * as ort from 'onnxruntime-node';
import { createDirectorySource } from './directory-source.js';
import { type DownloadModelFilesOptions, downloadModelFiles, type ModelFilesResult } from './hub/index.js';

/**
 * Options of {@link loadModel}: how to run the model, and, for a hub id, how to fetch it (unset hub options
 * come from `HF_ENDPOINT`, `HF_TOKEN`, `HF_HUB_CACHE` / `HF_HOME` and `HF_HUB_OFFLINE`).
 */
export interface NodeLoadModelOptions
  extends LoadModelOptions,
    Pick<
      DownloadModelFilesOptions,
      | 'revision'
      | 'endpoint'
      | 'token'
      | 'cacheDir'
      | 'offline'
      | 'revalidate'
      | 'onProgress'
      | 'signal'
      | 'fetch'
      | 'env'
    > {}

const HUB_OPTION_NAMES = [
  'revision',
  'endpoint',
  'token',
  'cacheDir',
  'offline',
  'revalidate',
  'onProgress',
  'signal',
  'fetch',
  'env',
] as const;

/**
 * The execution providers of this onnxruntime-node build (`cpu` always; `cuda`, `dml`, `coreml`, ...
 * where the platform's binaries have them).
 */
export function availableExecutionProviders(): string[] {
  return ort.listSupportedBackends().map((backend) => backend.name);
}

/**
 * Loads a GPT-2 ONNX model with onnxruntime-node, from a folder in the Hugging Face hub layout
 * (`config.json`, `tokenizer.json`, `generation_config.json`, `onnx/model.onnx`, ...) or from the hub:
 * `Xenova/gpt2`, `Xenova/distilgpt2@main`, ... (the files are fetched once into the Hugging Face cache,
 * shared with Python's `huggingface_hub`; only the ONNX file of the chosen `dtype` is downloaded).
 *
 * An existing folder wins over a hub id of the same name; a source that looks like a path
 * (`./x`, `../x`, `/x`, `~/x`) is never sent to the hub.
 *
 * @example
 * ```ts
 * const model = await loadModel('Xenova/distilgpt2', { dtype: 'q8', threads: 2 });
 * const { sequences } = await model.generate('Hello, my dog is', { maxNewTokens: 20 });
 * console.log(sequences[0].text);
 * await model.dispose();
 * ```
 * @throws `ModelNotFoundError` for a folder that does not exist; hub errors (`HubNotFoundError`,
 *   `HubAuthError`, `HubOfflineError`, ...) for a hub id; the errors of `loadModelWith` otherwise.
 */
export async function loadModel(source: string, options: NodeLoadModelOptions = {}): Promise<LoadedModel> {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new ModelNotFoundError(
      String(source),
      'give a model folder path or a hub id such as "Xenova/gpt2"',
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`loadModel options must be an object, got ${String(options)}`);
  }
  checkLoadOptionNames(options, HUB_OPTION_NAMES);
  const {
    revision,
    endpoint,
    token,
    cacheDir,
    offline,
    revalidate,
    onProgress,
    signal,
    fetch,
    env,
    ...runtime
  } = options;
  const platform = {
    executionProviders: availableExecutionProviders(),
    defaultExecutionProviders: ['cpu'],
  };

  const dir = path.resolve(source);
  const info = await stat(dir).catch(() => undefined);
  if (info?.isDirectory()) return loadModelWith(ort, createDirectorySource(dir), runtime, platform);
  if (info || looksLikePath(source)) {
    throw new ModelNotFoundError(
      source,
      info ? `${dir} is a file, not a model folder` : `no folder at ${dir}`,
    );
  }

  const { snapshotDir } = await pullModel(source, {
    revision,
    endpoint,
    token,
    cacheDir,
    offline,
    revalidate,
    onProgress,
    signal,
    fetch,
    env,
    dtype: runtime.dtype,
    modelFile: runtime.modelFile,
  });
  return loadModelWith(ort, createDirectorySource(snapshotDir), runtime, platform);
}

/** Options of {@link pullModel}: the hub options of {@link loadModel} plus which ONNX file to fetch. */
export type PullModelOptions = Pick<
  NodeLoadModelOptions,
  (typeof HUB_OPTION_NAMES)[number] | 'dtype' | 'modelFile'
>;

/**
 * Downloads what {@link loadModel} needs of a hub model (config, tokenizer, generation defaults and the
 * ONNX file of `dtype`, with its external data) into the Hugging Face hub cache, without loading it.
 * Files already cached are not fetched again.
 *
 * @example
 * ```ts
 * const { snapshotDir, files } = await pullModel('Xenova/gpt2', { dtype: 'q8' });
 * ```
 * @throws the hub errors of {@link downloadModelFiles}; `ModelFileError` when the repository has no ONNX
 *   file for `dtype`.
 */
export async function pullModel(source: string, options: PullModelOptions = {}): Promise<ModelFilesResult> {
  const { dtype: dtypeOption, modelFile, revision, ...hub } = options;
  const ref = parseHubSource(source, { revision });
  const dtype = resolveDtype(dtypeOption);
  return downloadModelFiles(
    ref.repoId,
    (listing) => modelFilesToFetch(listing, dtype, modelFile, `${ref.repoId}@${ref.revision}`),
    { ...hub, revision: ref.revision },
  );
}

function looksLikePath(source: string): boolean {
  return /^(\.{1,2}([\\/]|$)|[\\/]|~([\\/]|$)|[A-Za-z]:[\\/])/.test(source) || source.includes('\\');
}
