import type {
  Gpt2Config,
  HubProgressEvent,
  ModelDtype,
  TextGenerationResult,
  TextTokenEvent,
} from '@nucleus/runtime-core';
import type { GenerationConfigInput, TraceOptions } from '@nucleus/samplers';
import type { SerializedError } from './errors.js';
import type { WebLoadModelOptions, WorkerModelSource } from './load-model-in-this-thread.js';
import type { SamplerRequest } from './registry-samplers.js';

/** Load options that can cross into the worker (no callbacks, no signal, no fetch). */
export type WorkerLoadOptions = Omit<WebLoadModelOptions, 'onProgress' | 'signal' | 'fetch'>;

/** Messages from the page to the model worker. */
export type ToWorker =
  | {
      type: 'load';
      id: number;
      source: WorkerModelSource;
      options: WorkerLoadOptions;
      progress: boolean;
    }
  | {
      type: 'generate';
      id: number;
      input: unknown;
      config: GenerationConfigInput;
      trace: TraceOptions | boolean | undefined;
      /** Registered plugin samplers, created by the worker's registry. */
      samplers: readonly SamplerRequest[] | undefined;
      stream: boolean;
    }
  | { type: 'abort'; id: number }
  | { type: 'dispose'; id: number };

/** What the page learns about a model the worker loaded. */
export interface LoadedModelInfo {
  config: Gpt2Config;
  generationConfig: GenerationConfigInput;
  onnxFile: string;
  dtype: ModelDtype;
  location: string;
  vocabSize: number;
  maxPositions: number;
  /** `tokenizer.json` and `tokenizer_config.json` as read, so the page tokenizes without a round trip. */
  tokenizerJson: string;
  tokenizerConfig: string | undefined;
}

/** Messages from the model worker to the page. */
export type FromWorker =
  | { type: 'progress'; id: number; event: HubProgressEvent }
  | { type: 'loaded'; id: number; info: LoadedModelInfo }
  | { type: 'token'; id: number; event: TextTokenEvent }
  | { type: 'done'; id: number; result?: TextGenerationResult }
  | { type: 'error'; id: number; error: SerializedError };
