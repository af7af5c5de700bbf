import {
  createTokenizer,
  type GenerateCallOptions,
  type GenerateInput,
  type Gpt2Config,
  ModelDisposedError,
  type ModelDtype,
  type TextGenerationResult,
  type TextGenerationStream,
  type TextTokenEvent,
  type TextTokenizer,
} from '@nucleus/runtime-core';
import { type GenerationConfigInput, InvalidOptionError } from '@nucleus/samplers';
import { deserializeError, WorkerFailedError } from './errors.js';
import type { WebLoadModelOptions, WorkerModelSource } from './load-model-in-this-thread.js';
import type { FromWorker, LoadedModelInfo, ToWorker, WorkerLoadOptions } from './protocol.js';
import type { SamplerRequest } from './registry-samplers.js';

/** Options of {@link loadModel}: those of `loadModelInThisThread` (no custom `fetch`), plus the worker. */
export interface WorkerLoadModelOptions extends Omit<WebLoadModelOptions, 'fetch'> {
  /**
   * The worker to run the model in, or a function creating it. Default:
   * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`, which Vite, webpack and
   * other bundlers turn into an emitted worker chunk.
   */
  worker?: Worker | (() => Worker) | undefined;
}

/**
 * Per-call options of a worker model: an abort signal, tracing, and registered plugin samplers by name
 * (functions cannot cross into a worker).
 */
export interface WorkerGenerateOptions extends Pick<GenerateCallOptions, 'trace'> {
  /** Stops the generation cleanly: the result keeps what was generated, with finish reason `'aborted'`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Plugin samplers of the worker's `samplerRegistry`, by name with their options, e.g.
   * `[{ name: 'xtc', options: { probability: 0.5, threshold: 0.1 } }]`: `history`-stage processors run
   * before the sampling warpers, `warper`-stage ones after them, a selector replaces greedy / sampling.
   * An unknown name rejects with a `ConfigError`.
   */
  readonly samplers?: readonly SamplerRequest[] | undefined;
}

/**
 * A GPT-2 model running in a Web Worker, with the API of runtime-node's `LoadedModel`: `generate`,
 * `stream`, `tokenizer` (on this thread, from the model's `tokenizer.json`), `config`, `dispose`.
 */
export interface WorkerModel {
  /** The model's `config.json`, parsed. */
  readonly config: Gpt2Config;
  /** Generation defaults from `generation_config.json`; every call's config goes over them. */
  readonly generationConfig: GenerationConfigInput;
  /** Text to ids and back, on this thread. */
  readonly tokenizer: TextTokenizer;
  /** The ONNX file loaded, relative to the model folder. */
  readonly onnxFile: string;
  /** The dtype that picked it. */
  readonly dtype: ModelDtype;
  /** Where the model folder is (a URL, a Cache API snapshot, `picked files`). */
  readonly location: string;
  readonly vocabSize: number;
  readonly maxPositions: number;
  /** Whether {@link WorkerModel.dispose} was called. */
  readonly disposed: boolean;
  /** Generates in the worker; see runtime-core's `LoadedModel.generate`. */
  generate(
    input: GenerateInput,
    config?: GenerationConfigInput,
    options?: WorkerGenerateOptions,
  ): Promise<TextGenerationResult>;
  /** Streams token events with text deltas from the worker; see runtime-core's `LoadedModel.stream`. */
  stream(
    input: GenerateInput,
    config?: GenerationConfigInput,
    options?: WorkerGenerateOptions,
  ): TextGenerationStream;
  /** Frees the model and ends the worker. Running generations fail with `ModelDisposedError`. */
  dispose(): Promise<void>;
}

interface Call {
  onMessage(message: FromWorker): void;
  fail(error: Error): void;
}

/**
 * Loads a GPT-2 model in a Web Worker with onnxruntime-web (wasm by default; `executionProviders:
 * ['webgpu', 'wasm']` uses WebGPU where the browser has it), so generation never blocks the page.
 *
 * @param source A model folder URL (`/models/gpt2/`), a hub id (`Xenova/distilgpt2`, downloaded once into
 *   the Cache API cache, with `onProgress`), or picked files (a `FileList`, `File[]` or `{ path: Blob }`).
 * @example
 * ```ts
 * const model = await loadModel('Xenova/distilgpt2', {
 *   onProgress: ({ file, loaded, total }) => console.log(file, loaded, total),
 * });
 * for await (const event of model.stream('Once upon a time', { maxNewTokens: 40, doSample: true, topP: 0.9 })) {
 *   output.textContent += event.text;
 * }
 * await model.dispose();
 * ```
 * @throws the errors of `loadModelInThisThread`, rebuilt on this thread with their class and `code`;
 *   `WorkerFailedError` when the worker cannot start.
 */
export async function loadModel(
  source: WorkerModelSource,
  options: WorkerLoadModelOptions = {},
): Promise<WorkerModel> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object of loadModel options');
  }
  const { worker: workerOption, onProgress, signal, ...rest } = options;
  if ('fetch' in rest) {
    throw new InvalidOptionError(
      'fetch',
      (rest as { fetch: unknown }).fetch,
      'undefined with loadModel',
      'a function cannot be sent to the worker; use loadModelInThisThread',
    );
  }
  const worker =
    typeof workerOption === 'function'
      ? workerOption()
      : (workerOption ?? new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
  const client = new WorkerClient(worker);
  try {
    const info = await client.load(resolveSource(source), rest, onProgress, signal);
    return new WorkerModelProxy(client, info);
  } catch (error) {
    client.terminate();
    throw error;
  }
}

/** A relative URL is resolved against the page here: the worker's own location is elsewhere. */
function resolveSource(source: WorkerModelSource): WorkerModelSource {
  if (typeof source !== 'string' || !/^(\/|\.{1,2}\/)/.test(source) || typeof location === 'undefined') {
    return source;
  }
  return new URL(source, typeof document === 'undefined' ? location.href : document.baseURI).href;
}

/** Request/response bookkeeping over one worker. */
class WorkerClient {
  private nextId = 1;
  private readonly calls = new Map<number, Call>();
  private failure: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<FromWorker>) =>
      this.calls.get(event.data.id)?.onMessage(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      this.failAll(new WorkerFailedError(event.message || 'the worker script could not be loaded'));
    };
    worker.onmessageerror = () => this.failAll(new WorkerFailedError('a message could not be read'));
  }

  load(
    source: WorkerModelSource,
    options: WorkerLoadOptions,
    onProgress: WebLoadModelOptions['onProgress'],
    signal: AbortSignal | undefined,
  ): Promise<LoadedModelInfo> {
    return new Promise((resolve, reject) => {
      const id = this.open({
        onMessage: (message) => {
          if (message.type === 'progress') onProgress?.(message.event);
          else if (message.type === 'loaded') settle(() => resolve(message.info));
          else if (message.type === 'error') settle(() => reject(deserializeError(message.error)));
        },
        fail: (error) => settle(() => reject(error)),
      });
      const onAbort = () => this.post({ type: 'abort', id });
      const settle = (finish: () => void) => {
        this.calls.delete(id);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'load', id, source, options, progress: onProgress !== undefined }, () =>
        settle(() => reject(cloneError('source or options', source))),
      );
      if (signal?.aborted) onAbort();
    });
  }

  open(call: Call): number {
    const id = this.nextId++;
    const failure = this.failure;
    if (failure) {
      // Later, not now: the caller has not got its id yet.
      queueMicrotask(() => call.fail(failure));
      return id;
    }
    this.calls.set(id, call);
    return id;
  }

  close(id: number): void {
    this.calls.delete(id);
  }

  /** Posts a message; `onCloneError` handles a payload that cannot be structured-cloned. */
  post(message: ToWorker, onCloneError?: () => void): void {
    try {
      this.worker.postMessage(message);
    } catch (error) {
      if (onCloneError && error instanceof DOMException && error.name === 'DataCloneError') onCloneError();
      else throw error;
    }
  }

  failAll(error: Error): void {
    this.failure ??= error;
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.fail(error);
  }

  terminate(): void {
    this.worker.terminate();
  }
}

function cloneError(what: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(
    what,
    value,
    'plain data (strings, numbers, arrays, objects, Files)',
    'functions and class instances cannot be sent to the model worker; use loadModelInThisThread for them',
  );
}

class WorkerModelProxy implements WorkerModel {
  readonly config: Gpt2Config;
  readonly generationConfig: GenerationConfigInput;
  readonly tokenizer: TextTokenizer;
  readonly onnxFile: string;
  readonly dtype: ModelDtype;
  readonly location: string;
  readonly vocabSize: number;
  readonly maxPositions: number;
  #disposed = false;

  constructor(
    private readonly client: WorkerClient,
    info: LoadedModelInfo,
  ) {
    this.config = info.config;
    this.generationConfig = info.generationConfig;
    this.tokenizer = createTokenizer(
      JSON.parse(info.tokenizerJson),
      info.tokenizerConfig === undefined ? {} : JSON.parse(info.tokenizerConfig),
    );
    this.onnxFile = info.onnxFile;
    this.dtype = info.dtype;
    this.location = info.location;
    this.vocabSize = info.vocabSize;
    this.maxPositions = info.maxPositions;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  generate(
    input: GenerateInput,
    config: GenerationConfigInput = {},
    options: WorkerGenerateOptions = {},
  ): Promise<TextGenerationResult> {
    return this.run(input, config, options, false).result;
  }

  stream(
    input: GenerateInput,
    config: GenerationConfigInput = {},
    options: WorkerGenerateOptions = {},
  ): TextGenerationStream {
    const run = this.run(input, config, options, true);
    return {
      result: run.result,
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (run.events.length > 0) yield run.events.shift()!;
          if (run.ended) {
            if (run.failure) throw run.failure.error;
            return;
          }
          await new Promise<void>((resolve) => {
            run.wake = resolve;
          });
        }
      },
    };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      await new Promise<void>((resolve) => {
        const id = this.client.open({
          onMessage: () => {
            this.client.close(id);
            resolve();
          },
          fail: () => resolve(),
        });
        this.client.post({ type: 'dispose', id });
      });
    } finally {
      this.client.failAll(new ModelDisposedError());
      this.client.terminate();
    }
  }

  private run(
    input: GenerateInput,
    config: GenerationConfigInput,
    options: WorkerGenerateOptions,
    stream: boolean,
  ) {
    if (this.#disposed) throw new ModelDisposedError();
    checkCallOptions(options);
    const state: {
      events: TextTokenEvent[];
      ended: boolean;
      failure: { error: Error } | undefined;
      wake: (() => void) | undefined;
      result: Promise<TextGenerationResult>;
    } = { events: [], ended: false, failure: undefined, wake: undefined, result: Promise.resolve() as never };
    const wake = () => {
      const resolve = state.wake;
      state.wake = undefined;
      resolve?.();
    };
    const { signal } = options;
    state.result = new Promise<TextGenerationResult>((resolve, reject) => {
      const finish = (outcome: { result: TextGenerationResult } | { error: Error }) => {
        this.client.close(id);
        signal?.removeEventListener('abort', onAbort);
        state.ended = true;
        if ('error' in outcome) {
          state.failure = outcome;
          reject(outcome.error);
        } else resolve(outcome.result);
        wake();
      };
      const id = this.client.open({
        onMessage: (message) => {
          if (message.type === 'token') {
            state.events.push(message.event);
            wake();
          } else if (message.type === 'done') finish({ result: message.result! });
          else if (message.type === 'error') finish({ error: deserializeError(message.error) });
        },
        fail: (error) => finish({ error }),
      });
      const onAbort = () => this.client.post({ type: 'abort', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const { trace, samplers } = options;
      this.client.post({ type: 'generate', id, input, config, trace, samplers, stream }, () =>
        finish({ error: cloneError('input, config or samplers', { input, config, samplers }) }),
      );
      if (signal?.aborted) onAbort();
    });
    // The iterator reports the error too; an unobserved `result` must not be an unhandled rejection.
    state.result.catch(() => {});
    return state;
  }
}

function checkCallOptions(options: WorkerGenerateOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object ({ signal, trace, samplers })');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'signal' && key !== 'trace' && key !== 'samplers') {
      throw new InvalidOptionError(
        key,
        (options as Record<string, unknown>)[key],
        'unset for a model in a worker (its options are signal, trace and samplers)',
        'functions cannot be sent to the model worker: name registered samplers in `samplers`, or use loadModelInThisThread for custom processors or selectors',
      );
    }
  }
}
