import { ConfigError, fromHuggingFace, type GenerationConfigInput, NucleusError } from '@nucleus/samplers';
import { describeDecoderGraph } from './decoder-graph.js';
import { OnnxDecoderModel } from './decoder-model.js';
import { ModelFileError, TokenizerError } from './errors.js';
import type { ModelFileSource } from './file-source.js';
import { LoadedModel } from './loaded-model.js';
import { type Gpt2Config, parseModelConfig } from './model-config.js';
import { findOnnxFile, type ModelDtype, resolveDtype } from './onnx-files.js';
import type { InferenceSession, OrtModule } from './ort.js';
import { type PlatformInfo, type SessionConfig, toOrtSessionOptions } from './session-options.js';
import { createTokenizer } from './tokenizer.js';

/** Options of `loadModel`. */
export interface LoadModelOptions extends SessionConfig {
  /**
   * Which export to load (`'fp32'` -> `onnx/model.onnx`, `'fp16'` -> `onnx/model_fp16.onnx`, `'q8'` or
   * `'quantized'` -> `onnx/model_quantized.onnx`, `'q4'`, ...; `decoder_model_merged*.onnx` is the
   * fallback). Default `'fp32'`.
   */
  readonly dtype?: ModelDtype | 'quantized';
  /** An explicit ONNX file inside the model folder (e.g. `'onnx/my_export.onnx'`); overrides `dtype`. */
  readonly modelFile?: string;
}

const LOAD_OPTION_NAMES = [
  'dtype',
  'modelFile',
  'threads',
  'interOpThreads',
  'graphOptimizationLevel',
  'executionProviders',
  'sessionOptions',
] as const;

/**
 * Checks that `options` only has known keys (`extra` names keys a platform adds, such as `revision`).
 *
 * @throws `ConfigError` naming the unknown key and listing the known ones.
 */
export function checkLoadOptionNames(options: object, extra: readonly string[] = []): void {
  const known: readonly string[] = [...LOAD_OPTION_NAMES, ...extra];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(`unknown loadModel option "${key}"; known options: ${known.join(', ')}`);
    }
  }
}

/**
 * Loads a GPT-2 model folder through a platform's ONNX runtime: reads `config.json`,
 * `generation_config.json` (optional: its values become the generation defaults) and `tokenizer.json`
 * (+ `tokenizer_config.json`), picks the ONNX file for `dtype` and opens one ORT session.
 *
 * The platform packages wrap this: `@nucleus/runtime-node`'s `loadModel(source)` passes
 * `onnxruntime-node` and a file-system source.
 *
 * @throws {@link ModelFileError} for a missing, unreadable or corrupt file (it names the file),
 *   {@link UnsupportedModelError} for a `model_type` other than gpt2, {@link TokenizerError} for a missing
 *   or broken tokenizer, `InvalidOptionError` / `ConfigError` for bad options.
 */
export async function loadModelWith(
  ort: OrtModule,
  files: ModelFileSource,
  options: LoadModelOptions = {},
  platform: PlatformInfo & { readonly extraOptionNames?: readonly string[] } = {},
): Promise<LoadedModel> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`loadModel options must be an object, got ${String(options)}`);
  }
  checkLoadOptionNames(options, platform.extraOptionNames);
  const dtype = resolveDtype(options.dtype);
  if (
    options.modelFile !== undefined &&
    (typeof options.modelFile !== 'string' || options.modelFile === '')
  ) {
    throw new ConfigError(
      `modelFile must be a path inside the model folder, got ${String(options.modelFile)}`,
    );
  }
  const sessionOptions = toOrtSessionOptions(options, platform);

  const config = parseModelConfig(await readJson(files, 'config.json'));
  const generationDefaults = await readGenerationDefaults(files, config);
  const tokenizer = await readTokenizer(files);

  const onnxFile = await findOnnxFile(files, dtype, options.modelFile);
  const session = await createSession(ort, files, onnxFile, sessionOptions);
  try {
    const graph = describeDecoderGraph(session, config, onnxFile);
    const decoder = new OnnxDecoderModel(ort, session, graph, config);
    return new LoadedModel({
      decoder,
      config,
      generationDefaults,
      tokenizer,
      onnxFile,
      dtype,
      location: files.location,
    });
  } catch (error) {
    await session.release().catch(() => undefined);
    throw error;
  }
}

async function readJson(files: ModelFileSource, path: string): Promise<unknown> {
  if (!(await files.exists(path))) {
    throw new ModelFileError(path, `not found in ${files.location}`);
  }
  const text = await files.readText(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(path, `is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

async function readGenerationDefaults(
  files: ModelFileSource,
  config: Gpt2Config,
): Promise<GenerationConfigInput> {
  let defaults: GenerationConfigInput;
  if (await files.exists('generation_config.json')) {
    const json = await readJson(files, 'generation_config.json');
    try {
      defaults = fromHuggingFace(json);
    } catch (error) {
      if (!(error instanceof NucleusError)) throw error;
      throw new ModelFileError('generation_config.json', error.message, { cause: error });
    }
  } else {
    // Like transformers' GenerationConfig.from_model_config: the special tokens of config.json.
    defaults = {
      ...(config.bosTokenId !== undefined && { bosTokenId: config.bosTokenId }),
      ...(config.eosTokenId !== undefined && { eosTokenId: config.eosTokenId }),
      ...(config.padTokenId !== undefined && { padTokenId: config.padTokenId }),
    };
  }
  if (defaults.padTokenId === undefined) {
    // transformers' generate() pads with the first EOS id when the model has no pad token.
    const eos = defaults.eosTokenId ?? config.eosTokenId;
    const firstEos = typeof eos === 'number' ? eos : eos?.[0];
    if (firstEos !== undefined) defaults = { ...defaults, padTokenId: firstEos };
  }
  return Object.freeze(defaults);
}

async function readTokenizer(files: ModelFileSource) {
  if (!(await files.exists('tokenizer.json'))) {
    throw new TokenizerError(
      `tokenizer.json not found in ${files.location}: Nucleus needs the Hugging Face tokenizer file next to config.json`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await files.readText('tokenizer.json'));
  } catch (error) {
    throw new TokenizerError(`tokenizer.json in ${files.location} is not valid JSON`, { cause: error });
  }
  let tokenizerConfig: unknown = {};
  if (await files.exists('tokenizer_config.json')) {
    try {
      tokenizerConfig = JSON.parse(await files.readText('tokenizer_config.json'));
    } catch (error) {
      throw new TokenizerError(`tokenizer_config.json in ${files.location} is not valid JSON`, {
        cause: error,
      });
    }
  }
  return createTokenizer(json, tokenizerConfig);
}

async function createSession(
  ort: OrtModule,
  files: ModelFileSource,
  onnxFile: string,
  sessionOptions: ReturnType<typeof toOrtSessionOptions>,
): Promise<InferenceSession> {
  const data = await files.modelData(onnxFile);
  try {
    return typeof data === 'string'
      ? await ort.InferenceSession.create(data, sessionOptions)
      : await ort.InferenceSession.create(data, sessionOptions);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModelFileError(
      onnxFile,
      `the ONNX runtime cannot load it (corrupt or not an ONNX model?): ${message}`,
      {
        cause: error,
      },
    );
  }
}
