import {
  type HubProgressEvent,
  ModelFileError,
  type ModelFileSource,
  ModelNotFoundError,
} from '@nucleus/runtime-core';
import { InvalidOptionError } from '@nucleus/samplers';

/** The `fetch` the web runtime calls (the global one by default). */
export type WebFetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Files the user picked, by path in the model folder (`config.json`, `onnx/model.onnx`): a `FileList` or an
 * array of `File`s from `<input type="file" webkitdirectory>` (paths come from `webkitRelativePath`, minus
 * the picked folder's own name), `File`s picked one by one (paths are their names, so `model.onnx` is found
 * at the root), or an explicit `{ path: Blob }` map.
 */
export type PickedFiles = ArrayLike<File> | Iterable<File> | Readonly<Record<string, Blob>>;

/**
 * A {@link ModelFileSource} over a model folder in the hub layout served over HTTP(S): `{baseUrl}/config.json`,
 * `{baseUrl}/onnx/model.onnx`, ... The ONNX file is fetched as bytes (onnxruntime-web needs them in memory).
 *
 * @param baseUrl Absolute URL of the folder (a trailing `/` is optional).
 * @param onProgress Called as the ONNX file's bytes arrive (`total` from `Content-Length`, when sent).
 */
export function createUrlSource(
  baseUrl: string,
  fetchImpl: WebFetch = defaultFetch(),
  onProgress?: (event: HubProgressEvent) => void,
): ModelFileSource {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new InvalidOptionError('source', baseUrl, 'an absolute http(s) URL of a model folder');
  }
  const location = base.href.slice(0, -1);
  const urlOf = (path: string) => new URL(path.split('/').map(encodeURIComponent).join('/'), base).href;
  const seen = new Map<string, Promise<Response | undefined>>();
  const get = (path: string): Promise<Response | undefined> => {
    // One GET per file: `exists` then `readText` must not download a file twice.
    let pending = seen.get(path);
    if (pending === undefined) {
      pending = fetchImpl(urlOf(path)).then(
        (response) => {
          if (response.ok) return response;
          void response.body?.cancel();
          if (response.status === 404 || response.status === 410) return undefined;
          throw new ModelFileError(path, `HTTP ${response.status} from ${urlOf(path)}`);
        },
        (error: unknown) => {
          throw new ModelNotFoundError(location, `cannot fetch ${urlOf(path)}: ${messageOf(error)}`, {
            cause: error,
          });
        },
      );
      seen.set(path, pending);
    }
    return pending;
  };
  const required = async (path: string): Promise<Response> => {
    const response = await get(path);
    seen.delete(path);
    if (response === undefined) throw new ModelFileError(path, `not found at ${urlOf(path)}`);
    return response;
  };
  return {
    location,
    async exists(path) {
      return (await get(path)) !== undefined;
    },
    readText: async (path) => (await required(path)).text(),
    modelData: async (path) => {
      const response = await required(path);
      if (onProgress === undefined || response.body === null) {
        return new Uint8Array(await response.arrayBuffer());
      }
      return readWithProgress(path, response, onProgress);
    },
  };
}

/** Reads a response body into one buffer, reporting the bytes received so far. */
async function readWithProgress(
  path: string,
  response: Response,
  onProgress: (event: HubProgressEvent) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  const length = Number(response.headers.get('Content-Length'));
  const total = Number.isInteger(length) && length > 0 ? length : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress({ file: path, loaded, total });
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ file: path, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * A {@link ModelFileSource} over files the user picked (see {@link PickedFiles}).
 *
 * @throws InvalidOptionError when `files` holds no file or something that is not a `Blob`.
 */
export function createPickedFilesSource(files: PickedFiles, location = 'picked files'): ModelFileSource {
  const byPath = pickedFilesByPath(files);
  const lookup = (path: string): Blob => {
    const blob = byPath.get(path);
    if (blob === undefined) throw new ModelFileError(path, `not among the ${location}`);
    return blob;
  };
  return {
    location,
    async exists(path) {
      return byPath.has(path);
    },
    readText: (path) => lookup(path).text(),
    modelData: async (path) => new Uint8Array(await lookup(path).arrayBuffer()),
    async list(folder) {
      const prefix = folder === '' ? '' : `${folder}/`;
      return [...byPath.keys()]
        .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
        .map((path) => path.slice(prefix.length));
    },
  };
}

/** Maps picked files to their paths in the model folder. */
export function pickedFilesByPath(files: PickedFiles): Map<string, Blob> {
  const allowed =
    'a FileList, an array of Files, or a { path: Blob } map holding the model folder (config.json, tokenizer.json, the .onnx file)';
  const list = toFileArray(files);
  const byPath = new Map<string, Blob>();
  if (list === undefined) {
    for (const [path, blob] of Object.entries(files as Record<string, unknown>)) {
      if (!isBlob(blob)) throw new InvalidOptionError('source', files, allowed, `"${path}" is not a Blob`);
      byPath.set(normalizePath(path), blob);
    }
  } else {
    const relative = list.map((file) => {
      if (!isBlob(file)) throw new InvalidOptionError('source', files, allowed);
      const withFolder = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
      return withFolder ? normalizePath(withFolder) : file.name;
    });
    // A directory pick names every file `picked-folder/...`: paths in the model folder start after it.
    const first = relative[0]?.split('/')[0];
    const shared =
      first !== undefined && relative.every((path) => path.includes('/') && path.split('/')[0] === first);
    relative.forEach((path, i) => {
      byPath.set(shared ? path.slice(first.length + 1) : path, list[i]!);
    });
  }
  if (byPath.size === 0) throw new InvalidOptionError('source', files, allowed, 'no file was given');
  return byPath;
}

function toFileArray(files: PickedFiles): File[] | undefined {
  if (typeof files !== 'object' || files === null) return undefined;
  if (Symbol.iterator in files) return [...(files as Iterable<File>)];
  if (typeof (files as ArrayLike<File>).length === 'number') return Array.from(files as ArrayLike<File>);
  return undefined;
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\/+/, '');
}

function defaultFetch(): WebFetch {
  return (input, init) => fetch(input, init);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
