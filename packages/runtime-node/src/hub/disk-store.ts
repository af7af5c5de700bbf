import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import {
  type HubBlobWriter,
  type HubCacheStore,
  HubIntegrityError,
  repoFolderName,
} from '@nucleus/runtime-core';

/** A {@link HubCacheStore} on disk in the Hugging Face hub cache layout, plus the paths it uses. */
export interface DiskHubStore extends HubCacheStore {
  /** The cache root (`HF_HUB_CACHE`). */
  readonly cacheDir: string;
  /** `{cacheDir}/models--{org}--{name}`. */
  repoDir(repoId: string): string;
  /** `{cacheDir}/models--{org}--{name}/snapshots/{commit}`. */
  snapshotDir(repoId: string, commit: string): string;
}

const SHA256 = /^[0-9a-f]{64}$/;
const SAFE_SEGMENT = /^[A-Za-z0-9._-]{1,255}$/;
const SYMLINK_UNSUPPORTED = new Set(['EPERM', 'EACCES', 'ENOTSUP', 'EOPNOTSUPP', 'EINVAL', 'ENOSYS']);

/**
 * The Hugging Face hub cache on disk, in the layout of `huggingface_hub` (so Python tools and Nucleus share
 * downloads):
 *
 * ```text
 * {cacheDir}/models--{org}--{name}/
 *   refs/{revision}                    the commit hash the revision last resolved to
 *   blobs/{etag}                       file contents (etag: sha256 for LFS files, git blob sha1 otherwise)
 *   blobs/{etag}.incomplete            an interrupted download, resumed with a Range request
 *   snapshots/{commit}/{path}          relative symlink to ../../blobs/{etag} (hard link or copy where
 *                                      symlinks are not allowed)
 *   .no_exist/{commit}/{path}          empty marker: the file does not exist at that commit
 * ```
 *
 * Guarantees: a blob appears under its final name only after its size (and sha256, for LFS etags) was
 * checked and the data synced, by an atomic rename, so an interrupted download is never taken for a
 * complete one. A download writes to a file of its own (`{etag}.{pid}-{random}.incomplete`), which it
 * claims from `{etag}.incomplete` by an atomic rename when resuming and gives back on failure: two processes
 * downloading the same blob never write the same file (at worst both download it, and the second rename
 * replaces the blob with identical bytes). In one process `downloadHubFiles` also serialises downloads of a
 * blob, so it is fetched once. A process killed outright leaves its own `.incomplete` file, which is not
 * resumed. Refs are replaced atomically too.
 */
export function createDiskHubStore(cacheDir: string): DiskHubStore {
  cacheDir = resolve(cacheDir);
  const repoDir = (repoId: string) => join(cacheDir, repoFolderName(repoId));
  const inRepo = (repoId: string, ...parts: string[]) =>
    join(repoDir(repoId), ...parts.flatMap((part) => part.split('/')));
  const snapshotPath = (repoId: string, commit: string, path: string) =>
    inRepo(repoId, 'snapshots', commit, path);

  return {
    location: cacheDir,
    cacheDir,
    repoDir,
    snapshotDir: (repoId, commit) => inRepo(repoId, 'snapshots', commit),
    locate(repoId, commit, path) {
      if (commit === undefined) return repoDir(repoId);
      return path === undefined ? inRepo(repoId, 'snapshots', commit) : snapshotPath(repoId, commit, path);
    },

    async readRef(repoId, revision) {
      const text = await readFile(inRepo(repoId, 'refs', revision), 'utf8').catch(ignoreMissing);
      const commit = text?.trim();
      return commit !== undefined && SAFE_SEGMENT.test(commit) ? commit : undefined;
    },

    async writeRef(repoId, revision, commit) {
      const refPath = inRepo(repoId, 'refs', revision);
      if ((await readFile(refPath, 'utf8').catch(ignoreMissing)) === commit) return;
      await mkdir(dirname(refPath), { recursive: true });
      const temp = join(dirname(refPath), `.${uniqueName('ref')}.tmp`);
      await writeFile(temp, commit);
      await rename(temp, refPath);
    },

    async snapshotFileSize(repoId, commit, path) {
      return fileSize(snapshotPath(repoId, commit, path));
    },

    async listSnapshot(repoId, commit) {
      const root = inRepo(repoId, 'snapshots', commit);
      if ((await stat(root).catch(ignoreMissing))?.isDirectory() !== true) return undefined;
      return (await listFiles(root, '')).sort();
    },

    async hasNoExistMarker(repoId, commit, path) {
      return (await stat(inRepo(repoId, '.no_exist', commit, path)).catch(ignoreMissing)) !== undefined;
    },

    async writeNoExistMarker(repoId, commit, path) {
      const marker = inRepo(repoId, '.no_exist', commit, path);
      await mkdir(dirname(marker), { recursive: true });
      await writeFile(marker, '');
    },

    async linkBlob(repoId, commit, path, etag) {
      const blob = inRepo(repoId, 'blobs', etag);
      const size = await fileSize(blob);
      if (size === undefined) return undefined;
      await createPointer(blob, snapshotPath(repoId, commit, path));
      return size;
    },

    async openBlobWriter(repoId, etag, expected) {
      const blobsDir = inRepo(repoId, 'blobs');
      await mkdir(blobsDir, { recursive: true });
      return openDiskBlobWriter(blobsDir, etag, expected);
    },
  };
}

async function openDiskBlobWriter(
  blobsDir: string,
  etag: string,
  expected: { file: string; size: number | undefined },
): Promise<HubBlobWriter> {
  const blobPath = join(blobsDir, etag);
  const resumable = `${blobPath}.incomplete`;
  const work = `${blobPath}.${uniqueName(String(process.pid))}.incomplete`;
  // Claiming the shared partial by renaming it makes it ours alone; ENOENT means there is none (or another
  // process claimed it first) and we start from zero.
  await rename(resumable, work).catch(ignoreMissing);
  const handle: FileHandle = await open(work, 'a');
  const verifySha256 = SHA256.test(etag);
  let hash = verifySha256 ? createHash('sha256') : undefined;
  let offset: number;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  try {
    offset = (await handle.stat()).size;
    if (hash !== undefined && offset > 0) {
      for await (const chunk of createReadStream(work, { start: 0, end: offset - 1 })) hash.update(chunk);
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    offset,
    async restart() {
      await handle.truncate(0);
      hash = verifySha256 ? createHash('sha256') : undefined;
    },
    async write(chunk) {
      for (let done = 0; done < chunk.byteLength; ) {
        const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done);
        done += bytesWritten;
      }
      hash?.update(chunk);
    },
    async commit() {
      await handle.sync();
      await close();
      const size = (await stat(work)).size;
      if (expected.size !== undefined && size !== expected.size) {
        await unlink(work).catch(ignoreMissing);
        throw new HubIntegrityError(expected.file, 'the size', `${expected.size} bytes`, `${size} bytes`);
      }
      if (hash !== undefined) {
        const digest = hash.digest('hex');
        if (digest !== etag) {
          await unlink(work).catch(ignoreMissing);
          throw new HubIntegrityError(expected.file, 'the sha256', etag, digest);
        }
      }
      await rename(work, blobPath);
    },
    async suspend() {
      await close();
      const size = (await stat(work).catch(ignoreMissing))?.size;
      if (size === undefined) return;
      if (size === 0) await unlink(work).catch(ignoreMissing);
      else await rename(work, resumable);
    },
    async discard() {
      await close();
      await unlink(work).catch(ignoreMissing);
    },
  };
}

/**
 * Makes `pointer` refer to `blob`: a relative symlink as `huggingface_hub` creates, else a hard link, else a
 * copy (renamed into place). An existing pointer that resolves to a file is kept: a path at a commit never
 * changes content.
 */
async function createPointer(blob: string, pointer: string): Promise<void> {
  await mkdir(dirname(pointer), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await linkOrCopy(blob, pointer);
      return;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      if ((await fileSize(pointer)) !== undefined) return;
      await unlink(pointer).catch(ignoreMissing);
    }
  }
  await linkOrCopy(blob, pointer);
}

async function linkOrCopy(blob: string, pointer: string): Promise<void> {
  try {
    await symlink(relative(dirname(pointer), blob), pointer, 'file');
    return;
  } catch (error) {
    if (!SYMLINK_UNSUPPORTED.has(errorCode(error) ?? '')) throw error;
  }
  try {
    await link(blob, pointer);
    return;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') throw error;
  }
  const temp = `${blob}.${uniqueName('copy')}.tmp`;
  try {
    await copyFile(blob, temp);
    await rename(temp, pointer);
  } finally {
    await unlink(temp).catch(ignoreMissing);
  }
}

async function listFiles(root: string, prefix: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else if ((await fileSize(join(root, path))) !== undefined) files.push(path);
  }
  return files;
}

async function fileSize(path: string): Promise<number | undefined> {
  const stats = await stat(path).catch(ignoreMissing);
  return stats?.isFile() ? stats.size : undefined;
}

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** For `.catch`: a missing file (or a file where a folder was expected) is `undefined`, other errors throw. */
function ignoreMissing(error: unknown): undefined {
  const code = errorCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
  throw error;
}
