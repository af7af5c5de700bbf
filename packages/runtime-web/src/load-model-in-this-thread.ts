import {
  checkLoadOptionNames,
  downloadHubFiles,
  type ExecutionProviderConfig,
  type HubDownloadOptions,
  type LoadedModel,
  type LoadModelOptions,
  loadModelWith,
  type ModelFileSource,
  ModelNotFoundError,
  modelFilesToFetch,
  parseHubSource,
  resolveDtype,
} from '@nucleus/runtime-core';
import { ConfigError, InvalidOptionError } from '@nucleus/samplers';
import * as ort from 'onnxruntime-web';
import { createCacheApiHubStore, DEFAULT_CACHE_NAME } from './cache-store.js';
import { createPickedFilesSource, createUrlSource, type PickedFiles, type WebFetch } from './file-sources.js';

/**
 * Where a model comes from:
 * - a URL of a model folder in the hub layout (`https://example.com/models/gpt2/`, or a path such as
 *   `/models/gpt2` or `./gpt2`, resolved against the page);
 * - a hub id, `org/name` or `org/name@revision` (downloaded through the Cache API cache);
 * - files the user picked ({@link PickedFiles});
 * - in this thread only, any `ModelFileSource` of `@nucleus/runtime-core`.
 */
export type ModelSource = string | PickedFiles | ModelFileSource;

/** The sources that can be sent to the model worker (everything but a `ModelFileSource`). */
export type WorkerModelSource = string | PickedFiles;

/** Options of `loadModel` and {@link loadModelInThisThread}. */
export interface WebLoadModelOptions extends LoadModelOptions {
  /** Hub: branch, tag or commit hash. Default `main`. */
  revision?: string | undefined;
  /** Hub endpoint. Default `https://huggingface.co`. */
  endpoint?: string | undefined;
  /** Hub access token (sent to the endpoint only). */
  token?: string | undefined;
  /** Hub: use the Cache API cache only. */
  offline?: boolean | undefined;
  /** Hub: ask which commit the revision points to now even when the cache has one. Default false. */
  revalidate?: boolean | undefined;
  /** Hub: the Cache API cache name. Default `nucleus-models`. */
  cacheName?: string | undefined;
  /** Download progress per file, `{ file, loaded, total }`: hub downloads, and a URL source's ONNX file. */
  onProgress?: HubDownloadOptions['onProgress'];
  /** Stops the loading (hub downloads keep what they received, for the next load to resume). */
  signal?: AbortSignal | undefined;
  /** A `fetch` to use for URL and hub sources instead of the global one (in this thread only). */
  fetch?: WebFetch | undefined;
  /**
   * Where onnxruntime-web's `.wasm` / `.mjs` files are served (ORT's `env.wasm.wasmPaths`): a URL prefix
   * ending in `/`. Default: next to onnxruntime-web's own module (what bundlers emit).
   */
  wasmPaths?: string | undefined;
  /**
   * Wasm threads (ORT's `env.wasm.numThreads`). Default 1: more than one needs a cross-origin isolated page
   * (`Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
   */
  wasmThreads?: number | undefined;
}

const WEB_OPTION_NAMES = [
  'revision',
  'endpoint',
  'token',
  'offline',
  'revalidate',
  'cacheName',
  'onProgress',
  'signal',
  'fetch',
  'wasmPaths',
  'wasmThreads',
] as const;

/** Whether WebGPU can be used here (`navigator.gpu` exists). */
export function hasWebGpu(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu !== undefined;
}

/**
 * The execution providers onnxruntime-web can use here: `wasm` always, `webgpu` where `navigator.gpu`
 * exists.
 */
export function availableExecutionProviders(): string[] {
  return hasWebGpu() ? ['wasm', 'webgpu'] : ['wasm'];
}

/**
 * Loads a GPT-2 model with onnxruntime-web in the calling thread (a worker of your own, a test, Node). The
 * page should use `loadModel`, which does the same in a Web Worker so generation never blocks it.
 *
 * @example
 * ```ts
 * const model = await loadModelInThisThread('https://example.com/models/distilgpt2/');
 * const { sequences } = await model.generate('Hello, my dog is', { maxNewTokens: 20 });
 * await model.dispose();
 * ```
 * @throws `ModelNotFoundError`, `ModelFileError`, hub errors (`HubNotFoundError`, `HubOfflineError`, ...),
 *   `InvalidOptionError` / `ConfigError` for bad options.
 */
export function loadModelInThisThread(
  source: ModelSource,
  options: WebLoadModelOptions = {},
): Promise<LoadedModel> {
  return loadWithOnnxRuntimeWeb(source, options);
}

/**
 * {@link loadModelInThisThread}, with a hook on the model folder's files (the worker records the tokenizer
 * files' text through it).
 *
 * @internal
 */
export async function loadWithOnnxRuntimeWeb(
  source: ModelSource,
  options: WebLoadModelOptions,
  wrapFiles: (files: ModelFileSource) => ModelFileSource = (files) => files,
): Promise<LoadedModel> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`loadModel options must be an object, got ${String(options)}`);
  }
  checkLoadOptionNames(options, WEB_OPTION_NAMES);
  const {
    revision,
    endpoint,
    token,
    offline,
    revalidate,
    cacheName,
    onProgress,
    signal,
    fetch,
    wasmPaths,
    wasmThreads,
    ...runtime
  } = options;
  configureWasm(wasmPaths, wasmThreads);
  const executionProviders = chooseExecutionProviders(runtime.executionProviders);
  const platform = { executionProviders: availableExecutionProviders(), defaultExecutionProviders: ['wasm'] };
  const settings = { ...runtime, ...(executionProviders && { executionProviders }) };
  const load = (files: ModelFileSource) => loadModelWith(ort, wrapFiles(files), settings, platform);

  if (isFileSource(source)) return load(source);
  if (typeof source !== 'string') return load(createPickedFilesSource(source));
  if (source.trim() === '') {
    throw new ModelNotFoundError(source, 'give a model folder URL, a hub id such as "Xenova/gpt2", or files');
  }
  if (looksLikeUrl(source)) return load(createUrlSource(resolveUrl(source), fetch, onProgress));

  const ref = parseHubSource(source, { revision });
  const dtype = resolveDtype(runtime.dtype);
  const store = createCacheApiHubStore(cacheName ?? DEFAULT_CACHE_NAME);
  const downloaded = await downloadHubFiles(
    store,
    ref.repoId,
    (listing) =>
      modelFilesToFetch(listing, dtype, runtime.modelFile, `${ref.repoId}@${ref.revision}`, {
        includeExternalData: false,
      }),
    { revision: ref.revision, endpoint, token, offline, revalidate, onProgress, signal, fetch },
  );
  return load(store.snapshotSource(downloaded.repoId, downloaded.commit));
}

/** A URL, an absolute path or a relative path starting with `.`: not a hub id. */
export function looksLikeUrl(source: string): boolean {
  return /^([a-z][a-z0-9+.-]*:|\/|\.{1,2}\/)/i.test(source);
}

function resolveUrl(source: string): string {
  const base = typeof location === 'undefined' ? undefined : location.href;
  try {
    return new URL(source, base).href;
  } catch {
    throw new InvalidOptionError(
      'source',
      source,
      'an absolute http(s) URL of a model folder (relative URLs need a page to resolve against)',
    );
  }
}

function isFileSource(source: ModelSource): source is ModelFileSource {
  const candidate = source as Partial<ModelFileSource>;
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof candidate.exists === 'function' &&
    typeof candidate.readText === 'function' &&
    typeof candidate.modelData === 'function'
  );
}

function configureWasm(wasmPaths: unknown, wasmThreads: unknown): void {
  if (wasmPaths !== undefined) {
    if (typeof wasmPaths !== 'string' || wasmPaths === '') {
      throw new InvalidOptionError(
        'wasmPaths',
        wasmPaths,
        'a URL prefix such as "/ort/" or "https://cdn.example/ort/"',
      );
    }
    ort.env.wasm.wasmPaths = wasmPaths;
  }
  const threads = wasmThreads ?? 1;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new InvalidOptionError('wasmThreads', wasmThreads, 'an integer in [1, 64]');
  }
  if (threads > 1 && typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated) {
    throw new InvalidOptionError(
      'wasmThreads',
      wasmThreads,
      '1 on a page that is not cross-origin isolated',
      'serve the page with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp',
    );
  }
  ort.env.wasm.numThreads = threads;
}

/**
 * Drops `webgpu` from a list that has a fallback when this browser has no WebGPU (so `['webgpu', 'wasm']`
 * means "WebGPU when available"); a list of `webgpu` alone is left for the core to reject.
 */
function chooseExecutionProviders(
  requested: readonly ExecutionProviderConfig[] | undefined,
): readonly ExecutionProviderConfig[] | undefined {
  if (!Array.isArray(requested) || hasWebGpu()) return requested;
  const nameOf = (provider: ExecutionProviderConfig) =>
    typeof provider === 'string' ? provider : (provider as { name?: unknown } | null)?.name;
  const usable = requested.filter((provider) => nameOf(provider) !== 'webgpu');
  return usable.length > 0 ? usable : requested;
}
