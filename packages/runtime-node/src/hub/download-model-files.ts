import { join } from 'node:path';
import {
  downloadHubFiles,
  type HubDownloadOptions,
  type HubFileRequest,
  type HubFileSelector,
} from '@nucleus/runtime-core';
import { createDiskHubStore } from './disk-store.js';
import { type HubEnv, readHubEnv } from './env.js';

/**
 * Options of {@link downloadModelFiles}. Unset options come from the environment (see `readHubEnv`):
 * `HF_ENDPOINT`, `HF_TOKEN`, `HF_HUB_CACHE` / `HF_HOME`, `HF_HUB_OFFLINE`.
 */
export interface DownloadModelFilesOptions {
  /** Branch, tag or commit hash. Default `main`. */
  revision?: string | undefined;
  /** Hub endpoint. Default `HF_ENDPOINT`, else `https://huggingface.co`. */
  endpoint?: string | undefined;
  /** Access token; `false` sends none. Default `HF_TOKEN`, else the token file of `huggingface-cli login`. */
  token?: string | false | undefined;
  /** Cache root. Default `HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir?: string | undefined;
  /** Use the cache only. Default `HF_HUB_OFFLINE`. */
  offline?: boolean | undefined;
  /**
   * Ask the hub for the revision's current commit even when the cache has one for it. Default false: a
   * revision whose files are all cached is served without network.
   */
  revalidate?: boolean | undefined;
  /** Progress of each file's download: `{ file, loaded, total }`. */
  onProgress?: HubDownloadOptions['onProgress'];
  /** Stops the downloads; what was received is kept and resumed next time. */
  signal?: AbortSignal | undefined;
  /** A `fetch` to use instead of the global one. */
  fetch?: HubDownloadOptions['fetch'];
  /** Environment to read instead of `process.env`. */
  env?: HubEnv | undefined;
}

/** One file of a model snapshot on disk. */
export interface LocalHubFile {
  /** Path in the repository (`onnx/model.onnx`). */
  path: string;
  /** Absolute path on disk, inside {@link ModelFilesResult.snapshotDir}. */
  localPath: string;
  /** Size in bytes. */
  size: number;
  /** True when nothing had to be downloaded. */
  fromCache: boolean;
}

/** What {@link downloadModelFiles} made available. */
export interface ModelFilesResult {
  repoId: string;
  /** The revision asked for. */
  revision: string;
  /** The commit it resolved to. */
  commit: string;
  /** The snapshot folder: a model folder in the hub layout holding the files. */
  snapshotDir: string;
  /** The files, in request order. */
  files: LocalHubFile[];
  /** Optional files the repository does not have. */
  missing: string[];
}

/**
 * Downloads files of a Hugging Face model repository into the hub cache (shared with Python's
 * `huggingface_hub`) and returns the snapshot folder that holds them. Files already cached are not fetched
 * again; with every file cached no request is made.
 *
 * @param repoId `org/name`, e.g. `Xenova/gpt2`.
 * @param files Paths in the repository; `{ path, optional: true }` for a file that may be absent; or a
 * function choosing the files from the repository's file list.
 * @example
 * const { snapshotDir } = await downloadModelFiles('Xenova/gpt2', [
 *   'config.json',
 *   'tokenizer.json',
 *   { path: 'generation_config.json', optional: true },
 *   'onnx/model.onnx',
 * ]);
 * @throws HubOfflineError, HubNotFoundError, HubAuthError, HubNetworkError, HubAbortError,
 * HubIntegrityError, HubHttpError (from `@nucleus/runtime-core`), InvalidOptionError.
 */
export async function downloadModelFiles(
  repoId: string,
  files: readonly HubFileRequest[] | HubFileSelector,
  options: DownloadModelFilesOptions = {},
): Promise<ModelFilesResult> {
  const env = readHubEnv(options.env);
  const store = createDiskHubStore(options.cacheDir ?? env.cacheDir);
  const token = options.token === false ? undefined : (options.token ?? env.token);
  const result = await downloadHubFiles(store, repoId, files, {
    revision: options.revision,
    endpoint: options.endpoint ?? env.endpoint,
    token,
    offline: options.offline ?? env.offline,
    revalidate: options.revalidate,
    onProgress: options.onProgress,
    signal: options.signal,
    fetch: options.fetch,
  });
  const snapshotDir = store.snapshotDir(result.repoId, result.commit);
  return {
    repoId: result.repoId,
    revision: result.revision,
    commit: result.commit,
    snapshotDir,
    files: result.files.map((file) => ({ ...file, localPath: join(snapshotDir, ...file.path.split('/')) })),
    missing: result.missing,
  };
}

/** One file resolved by {@link resolveHubFile}. */
export interface ResolvedHubFile extends LocalHubFile {
  /** The commit the file belongs to. */
  commit: string;
  /** The snapshot folder holding it. */
  snapshotDir: string;
}

/** Options of {@link resolveHubFile}: those of {@link downloadModelFiles}, plus `optional`. */
export interface ResolveHubFileOptions extends DownloadModelFilesOptions {
  /** When true, a file the repository lacks resolves to undefined instead of throwing. */
  optional?: boolean | undefined;
}

/**
 * Downloads (or finds in the cache) one file of a model repository and returns its local path.
 *
 * @example
 * const config = await resolveHubFile('Xenova/gpt2', 'config.json');
 * console.log(config.localPath);
 */
export function resolveHubFile(
  repoId: string,
  file: string,
  options?: ResolveHubFileOptions & { optional?: false | undefined },
): Promise<ResolvedHubFile>;
export function resolveHubFile(
  repoId: string,
  file: string,
  options: ResolveHubFileOptions,
): Promise<ResolvedHubFile | undefined>;
export async function resolveHubFile(
  repoId: string,
  file: string,
  options: ResolveHubFileOptions = {},
): Promise<ResolvedHubFile | undefined> {
  const result = await downloadModelFiles(repoId, [{ path: file, optional: options.optional }], options);
  const local = result.files[0];
  return local && { ...local, commit: result.commit, snapshotDir: result.snapshotDir };
}

/**
 * The hub cache root the environment selects: `HF_HUB_CACHE`, else `$HF_HOME/hub`, else
 * `~/.cache/huggingface/hub`.
 */
export function hubCacheDir(env?: HubEnv): string {
  return readHubEnv(env).cacheDir;
}
