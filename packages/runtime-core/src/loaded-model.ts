import type { DecoderModel, GenerationConfigInput } from '@nucleus/samplers';
import type { OnnxDecoderModel } from './decoder-model.js';
import { ModelDisposedError } from './errors.js';
import type { KvCacheSession } from './kv-session.js';
import type { Gpt2Config } from './model-config.js';
import type { ModelDtype } from './onnx-files.js';
import type { TextTokenizer } from './tokenizer.js';

/** What `loadModelWith` hands to {@link LoadedModel}. */
export interface LoadedModelParts {
  readonly decoder: OnnxDecoderModel;
  readonly config: Gpt2Config;
  readonly generationDefaults: GenerationConfigInput;
  readonly tokenizer: TextTokenizer;
  readonly onnxFile: string;
  readonly dtype: ModelDtype;
  readonly location: string;
}

/**
 * A GPT-2 model ready to generate: tokenizer, configuration, generation defaults and one ONNX session.
 * It is a `DecoderModel` of `@nucleus/samplers`, so the decode loop can also drive it directly.
 */
export class LoadedModel implements DecoderModel {
  /** The model's `config.json`, parsed. */
  readonly config: Gpt2Config;
  /**
   * Generation defaults from `generation_config.json` (or `config.json` when absent), in the camelCase
   * form of `@nucleus/samplers`. They apply under every call's own config.
   */
  readonly generationConfig: GenerationConfigInput;
  /** Text to ids and back. */
  readonly tokenizer: TextTokenizer;
  /** The ONNX file loaded, relative to the model folder. */
  readonly onnxFile: string;
  /** The dtype that picked it. */
  readonly dtype: ModelDtype;
  /** Where the model folder is (a directory, a URL). */
  readonly location: string;
  readonly vocabSize: number;
  readonly maxPositions: number;
  protected readonly decoder: OnnxDecoderModel;

  constructor(parts: LoadedModelParts) {
    this.decoder = parts.decoder;
    this.config = parts.config;
    this.generationConfig = parts.generationDefaults;
    this.tokenizer = parts.tokenizer;
    this.onnxFile = parts.onnxFile;
    this.dtype = parts.dtype;
    this.location = parts.location;
    this.vocabSize = parts.decoder.vocabSize;
    this.maxPositions = parts.decoder.maxPositions;
  }

  /** Whether {@link dispose} was called. */
  get disposed(): boolean {
    return this.decoder.disposed;
  }

  /** Generation sessions currently open (each `generate`/`stream` call holds one while it runs). */
  get liveSessions(): number {
    return this.decoder.liveSessions;
  }

  /** Opens an independent KV-cached session (what the decode loop calls once per generation). */
  createSession(): KvCacheSession {
    return this.decoder.createSession();
  }

  /**
   * Frees the ONNX session and every open generation session with its tensors. Generations still
   * running fail with {@link ModelDisposedError}; using the model afterwards throws it. Safe to call twice.
   */
  async dispose(): Promise<void> {
    await this.decoder.dispose();
  }

  protected ensureUsable(): void {
    if (this.decoder.disposed) throw new ModelDisposedError();
  }
}
