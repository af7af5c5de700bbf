import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputDirError } from './errors.js';

const WRITE_ERRORS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EDQUOT', 'ENOTDIR', 'EISDIR', 'EEXIST']);

function systemCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function notWritable(path: string, what: string, error: unknown): OutputDirError {
  const reason = error instanceof Error ? error.message : String(error);
  return new OutputDirError(
    'OUTPUT_NOT_WRITABLE',
    path,
    `cannot write the output folder ${path}: ${what} (${reason})`,
    error,
  );
}

async function entriesOf(path: string): Promise<string[] | undefined> {
  try {
    const stat = await lstat(path);
    if (!stat.isDirectory()) {
      throw new OutputDirError(
        'OUTPUT_NOT_WRITABLE',
        path,
        `the output path ${path} exists and is not a folder`,
      );
    }
    return await readdir(path);
  } catch (error) {
    if (systemCode(error) === 'ENOENT') return undefined;
    if (error instanceof OutputDirError) throw error;
    throw notWritable(path, 'cannot read it', error);
  }
}

/**
 * Fills a folder atomically: `fill` writes into `<outDir>.partial-<random>` beside the target, which is
 * renamed to `outDir` only when `fill` succeeds; on any error the partial folder is removed, so no
 * half-written folder is left behind. An existing non-empty `outDir` is replaced only with `overwrite`.
 * @throws {OutputDirError} `OUTPUT_EXISTS` or `OUTPUT_NOT_WRITABLE`; errors of `fill` pass through, except
 *   file-system write errors, which become `OUTPUT_NOT_WRITABLE`.
 */
export async function writeFolderAtomically<T>(
  outDir: string,
  overwrite: boolean,
  fill: (dir: string) => Promise<T>,
): Promise<T> {
  const target = resolve(outDir);
  const existing = await entriesOf(target);
  if (existing && existing.length > 0 && !overwrite) {
    throw new OutputDirError(
      'OUTPUT_EXISTS',
      target,
      `the output folder ${target} is not empty (${existing.length} entries); pass overwrite: true to replace it`,
    );
  }
  try {
    await mkdir(dirname(target), { recursive: true });
  } catch (error) {
    throw notWritable(target, `cannot create its parent folder ${dirname(target)}`, error);
  }
  const suffix = randomBytes(6).toString('hex');
  const partial = join(dirname(target), `${basename(target)}.partial-${suffix}`);
  try {
    await mkdir(partial);
  } catch (error) {
    throw notWritable(target, `cannot create ${partial}`, error);
  }
  let result: T;
  try {
    result = await fill(partial);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    const code = systemCode(error);
    if (
      code &&
      WRITE_ERRORS.has(code) &&
      String((error as { path?: unknown }).path ?? '').startsWith(partial)
    ) {
      throw notWritable(target, 'writing failed', error);
    }
    throw error;
  }
  await commit(partial, target, overwrite, suffix);
  return result;
}

async function commit(partial: string, target: string, overwrite: boolean, suffix: string): Promise<void> {
  let previous: string | undefined;
  try {
    const entries = await entriesOf(target);
    if (entries && entries.length === 0) await rmdir(target);
    else if (entries) {
      if (!overwrite) {
        throw new OutputDirError(
          'OUTPUT_EXISTS',
          target,
          `the output folder ${target} was filled by someone else meanwhile`,
        );
      }
      previous = `${target}.old-${suffix}`;
      await rename(target, previous);
    }
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if (previous) await rename(previous, target).catch(() => undefined);
    if (error instanceof OutputDirError) throw error;
    if (systemCode(error) === 'ENOTEMPTY' || systemCode(error) === 'EEXIST') {
      throw new OutputDirError(
        'OUTPUT_EXISTS',
        target,
        `the output folder ${target} was created meanwhile`,
        error,
      );
    }
    throw notWritable(target, 'cannot move the finished folder into place', error);
  }
  if (previous) await rm(previous, { recursive: true, force: true });
}
