/**
 * The model worker: hosts onnxruntime-web and one loaded model, driven by the messages of `loadModel`
 * (see `protocol.ts`). Start it with
 * `new Worker(new URL('@nucleus/runtime-web/worker', import.meta.url), { type: 'module' })` when your
 * bundler does not pick up the one `loadModel` creates.
 *
 * @packageDocumentation
 */
import type { GenerateInput, LoadedModel, ModelFileSource } from '@nucleus/runtime-core';
import { ModelDisposedError } from '@nucleus/runtime-core';
import { NucleusError } from '@nucleus/samplers';
import { serializeError } from './errors.js';
import { loadWithOnnxRuntimeWeb } from './load-model-in-this-thread.js';
import type { FromWorker, LoadedModelInfo, ToWorker } from './protocol.js';
import { createRegistrySamplers } from './registry-samplers.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = globalThis as unknown as WorkerScope;
const running = new Map<number, AbortController>();
let model: LoadedModel | undefined;
let disposed = false;

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'load':
      void handle(message.id, () => load(message));
      break;
    case 'generate':
      void handle(message.id, () => generate(message));
      break;
    case 'abort':
      running.get(message.id)?.abort(new NucleusError('ABORTED', 'aborted by the page'));
      break;
    case 'dispose':
      void handle(message.id, async () => {
        disposed = true;
        // Generations still running fail with ModelDisposedError (runtime-core's dispose does that).
        await model?.dispose();
        model = undefined;
        scope.postMessage({ type: 'done', id: message.id });
      });
      break;
  }
};

async function handle(id: number, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    scope.postMessage({ type: 'error', id, error: serializeError(error) });
  } finally {
    running.delete(id);
  }
}

async function load(message: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  const controller = new AbortController();
  running.set(message.id, controller);
  const texts = new Map<string, string>();
  const loaded = await loadWithOnnxRuntimeWeb(
    message.source,
    {
      ...message.options,
      signal: controller.signal,
      ...(message.progress && {
        onProgress: (event) => scope.postMessage({ type: 'progress', id: message.id, event }),
      }),
    },
    (files) => recordTokenizerTexts(files, texts),
  );
  if (disposed) {
    await loaded.dispose();
    throw new ModelDisposedError();
  }
  model = loaded;
  const info: LoadedModelInfo = {
    config: loaded.config,
    generationConfig: loaded.generationConfig,
    onnxFile: loaded.onnxFile,
    dtype: loaded.dtype,
    location: loaded.location,
    vocabSize: loaded.vocabSize,
    maxPositions: loaded.maxPositions,
    tokenizerJson: texts.get('tokenizer.json')!,
    tokenizerConfig: texts.get('tokenizer_config.json'),
  };
  scope.postMessage({ type: 'loaded', id: message.id, info });
}

async function generate(message: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  if (model === undefined) throw new ModelDisposedError();
  const controller = new AbortController();
  running.set(message.id, controller);
  const plugins = message.samplers === undefined ? undefined : createRegistrySamplers(message.samplers);
  const stream = model.stream(message.input as GenerateInput, message.config, {
    signal: controller.signal,
    ...(message.trace !== undefined && { trace: message.trace }),
    ...(plugins && { processors: plugins.processors, warpers: plugins.warpers }),
    ...(plugins?.selector && { selector: plugins.selector }),
  });
  for await (const event of stream) {
    if (message.stream) scope.postMessage({ type: 'token', id: message.id, event });
    // Let an abort message in between two steps: ORT's wasm backend may finish a step without a task switch.
    await nextTask();
  }
  scope.postMessage({ type: 'done', id: message.id, result: await stream.result });
}

/** Remembers the tokenizer files' text as the loader reads them: the page builds its own tokenizer. */
function recordTokenizerTexts(files: ModelFileSource, texts: Map<string, string>): ModelFileSource {
  return {
    ...files,
    location: files.location,
    exists: (path) => files.exists(path),
    modelData: (path) => files.modelData(path),
    async readText(path) {
      const text = await files.readText(path);
      if (path === 'tokenizer.json' || path === 'tokenizer_config.json') texts.set(path, text);
      return text;
    },
  };
}

const channel = typeof MessageChannel === 'undefined' ? undefined : new MessageChannel();
const waiting: (() => void)[] = [];
if (channel) channel.port1.onmessage = () => waiting.shift()?.();

function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (channel === undefined) return void setTimeout(resolve, 0);
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
