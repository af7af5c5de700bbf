// transformers.js (`@huggingface/transformers`), the peer: loading a local hub-layout folder with no network,
// and the pieces of its `generate()` per-step path for the sampling benchmark.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as transformers from '@huggingface/transformers';

const require = createRequire(import.meta.url);

/** The installed transformers.js package folder. */
export function peerPackageDir(): string {
  // The package's `exports` hide package.json; its main entry lives in `<dir>/dist/`.
  return path.dirname(path.dirname(require.resolve('@huggingface/transformers')));
}

/** Options for loading the peer's model. */
export interface PeerLoadOptions {
  /** ORT intra-op threads (inter-op is 1). */
  readonly threads: number;
}

/** A transformers.js causal LM loaded from a local folder, with token-id in, token-id out helpers. */
export interface PeerModel {
  /** The underlying `PreTrainedModel`. */
  readonly model: transformers.PreTrainedModel;
  /**
   * Runs `model.generate()` on equal-length prompts with the given generation config (snake_case, as
   * transformers.js takes it) and returns the new tokens of each row.
   */
  generate(prompts: readonly (readonly number[])[], config: Record<string, unknown>): Promise<number[][]>;
  /** Frees the ONNX sessions. */
  dispose(): Promise<void>;
}

/**
 * Loads `dir` (a hub-layout folder: config.json, tokenizer files, onnx/model.onnx) as a transformers.js
 * `AutoModelForCausalLM`, fp32 on the CPU, with no remote access: `env.localModelPath` is the folder's parent
 * and the model id its name.
 */
export async function loadPeerModel(dir: string, options: PeerLoadOptions): Promise<PeerModel> {
  const { env } = transformers;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${path.dirname(path.resolve(dir))}${path.sep}`;
  const model = await transformers.AutoModelForCausalLM.from_pretrained(path.basename(dir), {
    dtype: 'fp32',
    device: 'cpu',
    local_files_only: true,
    session_options: { intraOpNumThreads: options.threads, interOpNumThreads: 1 },
  });
  return {
    model,
    async generate(prompts, config) {
      const rows = prompts.length;
      const length = prompts[0]!.length;
      const ids = BigInt64Array.from(prompts.flat(), BigInt);
      const input_ids = new transformers.Tensor('int64', ids, [rows, length]);
      const attention_mask = new transformers.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [
        rows,
        length,
      ]);
      const output = (await model.generate({
        input_ids,
        attention_mask,
        generation_config: config,
      } as unknown as Parameters<typeof model.generate>[0])) as transformers.Tensor;
      return (output.tolist() as bigint[][]).map((row) => row.slice(length).map(Number));
    },
    async dispose() {
      await model.dispose();
    },
  };
}

/** A transformers.js tensor, as far as the per-step benchmark uses it. */
export interface PeerTensor {
  readonly dims: number[];
  readonly data: Float32Array;
  slice(...slices: (number | null)[]): PeerTensor;
  to(type: 'float32'): PeerTensor;
  readonly [row: number]: PeerTensor;
}

/** A transformers.js `LogitsProcessorList` (callable). */
export type PeerProcessorList = (inputIds: bigint[][], logits: PeerTensor) => PeerTensor;

/** A transformers.js `LogitsSampler` (callable). */
export type PeerSampler = (logits: PeerTensor) => Promise<[bigint | number, number][]>;

/** What the per-step benchmark needs from transformers.js's modules. */
export interface PeerStepModules {
  /** `new Tensor('float32', data, dims)`. */
  tensor(data: Float32Array, dims: number[]): PeerTensor;
  /** The `GenerationConfig` that `generate()` would build from these options (over the class defaults). */
  generationConfig(options: Record<string, unknown>): Record<string, unknown>;
  /** `PreTrainedModel.prototype._get_logits_processor(config, promptLength)`: the list `generate()` builds. */
  processors(config: Record<string, unknown>, promptLength: number): PeerProcessorList;
  /** `LogitsSampler.getSampler(config)`: the selection `generate()` uses. */
  sampler(config: Record<string, unknown>): PeerSampler;
  /** `random.seed(n)`: transformers.js's global Mersenne Twister, used by its multinomial sampler. */
  seed(value: number): void;
}

/**
 * Loads the modules of transformers.js's generation step from the `src/` folder its npm package ships (the
 * code its bundle is built from): `LogitsSampler` is not exported by the package's entry point, and the list
 * of processors is built by a private method of `PreTrainedModel`. All pieces come from the same module
 * graph, so tensors, the TopK operator session and the random generator are the ones those classes use.
 */
export async function loadPeerStepModules(): Promise<PeerStepModules> {
  const src = pathToFileURL(path.join(peerPackageDir(), 'src', path.sep)).href;
  const load = (file: string) => import(new URL(file, src).href);
  const [{ LogitsSampler }, { GenerationConfig }, { Tensor }, { PreTrainedModel }, { random }] =
    await Promise.all([
      load('generation/logits_sampler.js'),
      load('generation/configuration_utils.js'),
      load('utils/tensor.js'),
      load('models/modeling_utils.js'),
      load('utils/random.js'),
    ]);
  return {
    tensor: (data, dims) => new Tensor('float32', data, dims),
    generationConfig: (options) => new GenerationConfig(options),
    processors: (config, promptLength) =>
      PreTrainedModel.prototype._get_logits_processor.call({}, config, promptLength, null),
    sampler: (config) => LogitsSampler.getSampler(config),
    seed: (value) => random.seed(value),
  };
}
