import type { OrtModelData } from './ort.js';

/**
 * Read access to one model folder in the Hugging Face hub layout (`config.json`, `tokenizer.json`,
 * `onnx/model.onnx`, ...). Paths are relative to the folder and use `/`.
 *
 * The Node runtime reads a directory with `node:fs`; the web runtime reads from `fetch` or the Cache API;
 * tests use {@link createMemoryFileSource}.
 */
export interface ModelFileSource {
  /** Where the files come from, for error messages (a directory, a URL, `"memory"`). */
  readonly location: string;
  /** Whether `path` exists. */
  exists(path: string): Promise<boolean>;
  /** The file as UTF-8 text. Rejects when it is missing. */
  readText(path: string): Promise<string>;
  /**
   * The model in the form `InferenceSession.create` takes: a path or URL the ONNX runtime opens itself
   * (onnxruntime-node reads a 500 MB file without copying it through JavaScript) or the bytes.
   */
  modelData(path: string): Promise<OrtModelData>;
  /** The files directly inside a subfolder (`""` for the root), names only; used to explain missing files. */
  list?(folder: string): Promise<readonly string[]>;
}

/**
 * A {@link ModelFileSource} over files held in memory (`path -> text or bytes`): for tests, and for
 * models that a caller fetched itself.
 */
export function createMemoryFileSource(
  files: Readonly<Record<string, string | Uint8Array>>,
  location = 'memory',
): ModelFileSource {
  const lookup = (path: string): string | Uint8Array => {
    const file = files[path];
    if (file === undefined) throw new Error(`${location}/${path} does not exist`);
    return file;
  };
  return {
    location,
    async exists(path) {
      return files[path] !== undefined;
    },
    async readText(path) {
      const file = lookup(path);
      return typeof file === 'string' ? file : new TextDecoder().decode(file);
    },
    async modelData(path) {
      const file = lookup(path);
      return typeof file === 'string' ? new TextEncoder().encode(file) : file;
    },
    async list(folder) {
      const prefix = folder === '' ? '' : `${folder}/`;
      return Object.keys(files)
        .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
        .map((path) => path.slice(prefix.length));
    },
  };
}
