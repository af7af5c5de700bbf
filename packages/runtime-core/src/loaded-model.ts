import {
  type DecoderModel,
  eosTokenIdsOf,
  type GenerateOptions,
  type GenerationConfigInput,
  generate,
  InvalidOptionError,
  resolveGenerationConfig,
  streamGeneration,
} from '@nucleus/samplers';
import type { DecoderGraph } from './decoder-graph.js';
import type { OnnxDecoderModel } from './decoder-model.js';
import { ModelDisposedError } from './errors.js';
import type { KvCacheSession } from './kv-session.js';
import type { Gpt2Config } from './model-config.js';
import type { ModelDtype } from './onnx-files.js';
import { type TextGenerationResult, type TextGenerationStream, withTextDeltas } from './text-stream.js';
import type { TextTokenizer } from './tokenizer.js';

/**
 * What to continue: a text, several texts (one batch, left-padded internally), or token ids of one or
 * several prompts. An empty text starts from the BOS token (`<|endoftext|>` for GPT-2).
 */
export type GenerateInput =
  | string
  | readonly string[]
  | { readonly inputIds: readonly number[] | readonly (readonly number[])[] };

/**
 * Per-call options besides the generation config: an abort signal, extra logits processors, a custom
 * token selector, tracing (see `GenerateOptions` of `@nucleus/samplers`).
 */
export type GenerateCallOptions = Pick<
  GenerateOptions,
  'signal' | 'processors' | 'warpers' | 'selector' | 'trace' | 'now'
>;

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

  /** What the ONNX graph declares: inputs fed (`position_ids`, `use_cache_branch`), cache layout and types. */
  get graph(): DecoderGraph {
    return this.decoder.graph;
  }

  /** Generation sessions currently open (each `generate`/`stream` call holds one while it runs). */
  get liveSessions(): number {
    return this.decoder.liveSessions;
  }

  /**
   * Generates continuations with the decode loop of `@nucleus/samplers`: greedy, sampling, beam search,
   * every processor, stop strings, `numReturnSequences`. `config` goes over the model's
   * {@link generationConfig} (HF's semantics and defaults, e.g. 20 tokens of `maxLength`). Each call opens
   * its own session, so concurrent calls on one model are independent.
   *
   * @example
   * ```ts
   * const { sequences } = await model.generate('Hello, my dog is', { maxNewTokens: 20 });
   * console.log(sequences[0].text, sequences[0].finishReason);
   * ```
   */
  async generate(
    input: GenerateInput,
    config: GenerationConfigInput = {},
    options: GenerateCallOptions = {},
  ): Promise<TextGenerationResult> {
    this.ensureUsable();
    const prompts = this.#promptsOf(input);
    const result = await generate(this.decoder, prompts, config, this.#loopOptions(options));
    return result as TextGenerationResult;
  }

  /**
   * Like {@link generate}, as an async iterable of token events with text deltas (UTF-8 correct: a
   * character split across tokens is emitted whole, never as U+FFFD). `result` resolves to what
   * `generate` returns. Beam search emits the returned hypotheses' tokens once the search has ended.
   *
   * @example
   * ```ts
   * const stream = model.stream('Once upon a time', { maxNewTokens: 40, doSample: true, topP: 0.9 });
   * for await (const event of stream) process.stdout.write(event.text);
   * ```
   */
  stream(
    input: GenerateInput,
    config: GenerationConfigInput = {},
    options: GenerateCallOptions = {},
  ): TextGenerationStream {
    this.ensureUsable();
    const prompts = this.#promptsOf(input);
    const resolved = resolveGenerationConfig(config, this.generationConfig);
    const stream = streamGeneration(this.decoder, prompts, config, this.#loopOptions(options));
    return withTextDeltas(stream, this.#decodeText, eosTokenIdsOf(resolved), resolved.stopStrings ?? []);
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

  /** Generated text is the exact decoding of the tokens: no clean-up of spaces, special tokens kept. */
  readonly #decodeText = (ids: readonly number[]): string =>
    this.tokenizer.decode(ids, { cleanUpTokenizationSpaces: false });

  #loopOptions(options: GenerateCallOptions): GenerateOptions {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError('options', options, 'an object ({ signal, processors, selector, trace })');
    }
    return { ...options, decode: this.#decodeText, modelDefaults: this.generationConfig };
  }

  #promptsOf(input: GenerateInput): number[][] {
    const allowed = 'a string, a non-empty array of strings, or { inputIds: number[] | number[][] }';
    const encode = (text: string): number[] => {
      const ids = this.tokenizer.encode(text);
      if (ids.length > 0) return ids;
      const bos = this.generationConfig.bosTokenId ?? this.config.bosTokenId;
      if (bos === undefined) {
        throw new InvalidOptionError(
          'input',
          text,
          'a non-empty text',
          'the model has no BOS token to start from',
        );
      }
      return [bos];
    };
    if (typeof input === 'string') return [encode(input)];
    if (Array.isArray(input)) {
      if (input.length === 0 || !input.every((text) => typeof text === 'string')) {
        throw new InvalidOptionError('input', input, allowed);
      }
      return input.map(encode);
    }
    if (typeof input === 'object' && input !== null && 'inputIds' in input && Array.isArray(input.inputIds)) {
      const ids = input.inputIds;
      if (ids.length > 0 && ids.every((row) => Array.isArray(row)))
        return ids.map((row) => [...(row as number[])]);
      if (ids.every((id) => typeof id === 'number')) return [[...(ids as number[])]];
    }
    throw new InvalidOptionError('input', input, allowed);
  }
}
