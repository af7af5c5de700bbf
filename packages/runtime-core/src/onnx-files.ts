import { InvalidOptionError } from '@nucleus/samplers';
import { ModelFileError } from './errors.js';
import type { ModelFileSource } from './file-source.js';
import type { HubFileRequest } from './hub/index.js';

/**
 * Which ONNX export of the model to load, by the file-name suffix the Hugging Face / transformers.js
 * layout uses: `fp32` -> `model.onnx`, `fp16` -> `model_fp16.onnx`, `q8` -> `model_quantized.onnx`,
 * `int8` -> `model_int8.onnx`, `uint8` -> `model_uint8.onnx`, `q4` -> `model_q4.onnx`,
 * `q4f16` -> `model_q4f16.onnx`, `bnb4` -> `model_bnb4.onnx`.
 */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** File-name suffix of each {@link ModelDtype}. */
export const DTYPE_SUFFIXES: Readonly<Record<ModelDtype, string>> = Object.freeze({
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
});

const DTYPES = Object.keys(DTYPE_SUFFIXES) as ModelDtype[];

/** Base names of decoder exports, newest layout first (`decoder_model_merged` is Optimum's older name). */
const BASE_NAMES = ['model', 'decoder_model_merged'] as const;

/** Checks a `dtype` option. `'quantized'` is accepted as another name for `'q8'`. */
export function resolveDtype(dtype: unknown): ModelDtype {
  if (dtype === undefined) return 'fp32';
  if (dtype === 'quantized') return 'q8';
  if (typeof dtype === 'string' && (DTYPES as string[]).includes(dtype)) return dtype as ModelDtype;
  throw new InvalidOptionError('dtype', dtype, `one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`);
}

/**
 * The files that may hold the decoder for `dtype`, in the order they are tried:
 * `onnx/model{suffix}.onnx`, `onnx/decoder_model_merged{suffix}.onnx`, then the same at the folder root.
 */
export function onnxFileCandidates(dtype: ModelDtype): string[] {
  const suffix = DTYPE_SUFFIXES[dtype];
  const names = BASE_NAMES.map((base) => `${base}${suffix}.onnx`);
  return [...names.map((name) => `onnx/${name}`), ...names];
}

/**
 * Finds the ONNX file to load: `modelFile` when given (it must exist), else the first existing
 * {@link onnxFileCandidates | candidate} for `dtype`.
 *
 * @throws {@link ModelFileError} naming the files looked for and the ONNX files that do exist.
 */
export async function findOnnxFile(
  files: ModelFileSource,
  dtype: ModelDtype,
  modelFile?: string,
): Promise<string> {
  const candidates = modelFile === undefined ? onnxFileCandidates(dtype) : [modelFile];
  for (const candidate of candidates) {
    if (await files.exists(candidate)) return candidate;
  }
  const found = await listOnnxFiles(files);
  const what = modelFile === undefined ? `dtype '${dtype}'` : 'modelFile';
  throw new ModelFileError(
    candidates[0]!,
    `no ONNX model for ${what} in ${files.location} (looked for ${candidates.join(', ')}); ${
      found.length > 0 ? `found ${found.join(', ')}${describeDtypes(found)}` : 'found no .onnx file'
    }`,
  );
}

async function listOnnxFiles(files: ModelFileSource): Promise<string[]> {
  if (!files.list) return [];
  const found: string[] = [];
  for (const folder of ['onnx', '']) {
    try {
      for (const name of await files.list(folder)) {
        if (name.endsWith('.onnx')) found.push(folder === '' ? name : `${folder}/${name}`);
      }
    } catch {
      // A missing folder just contributes nothing.
    }
  }
  return found.sort();
}

function describeDtypes(found: readonly string[]): string {
  const dtypes = DTYPES.filter((dtype) =>
    onnxFileCandidates(dtype).some((candidate) => found.includes(candidate)),
  );
  return dtypes.length > 0 ? ` (available dtypes: ${dtypes.join(', ')})` : '';
}

/**
 * The files of a hub repository that a GPT-2 model needs, chosen from the repository's file list: config,
 * tokenizer, the optional tokenizer config and generation defaults, the ONNX export for `dtype` (or
 * `modelFile`) and, when `includeExternalData`, its external data files (`model.onnx_data`, ...).
 *
 * @param repo `org/name@revision`, for the error message.
 * @throws {ModelFileError} when the repository has no matching ONNX file; the message lists what it has.
 */
export function modelFilesToFetch(
  listing: readonly string[],
  dtype: ModelDtype,
  modelFile: string | undefined,
  repo: string,
  { includeExternalData = true }: { includeExternalData?: boolean } = {},
): HubFileRequest[] {
  const candidates = modelFile === undefined ? onnxFileCandidates(dtype) : [modelFile];
  const onnx = candidates.find((candidate) => listing.includes(candidate));
  if (onnx === undefined) {
    const found = listing.filter((file) => file.endsWith('.onnx'));
    throw new ModelFileError(
      candidates[0]!,
      `no ONNX model for ${modelFile === undefined ? `dtype '${dtype}'` : 'modelFile'} in ${repo} (looked for ${candidates.join(', ')}); ${
        found.length > 0 ? `found ${found.join(', ')}` : 'the repository has no .onnx file'
      }`,
    );
  }
  const externalData = includeExternalData ? listing.filter((file) => file.startsWith(`${onnx}_data`)) : [];
  return [
    'config.json',
    'tokenizer.json',
    { path: 'tokenizer_config.json', optional: true },
    { path: 'generation_config.json', optional: true },
    onnx,
    ...externalData,
  ];
}
