import { ConfigError, InvalidOptionError } from '@nucleus/samplers';

/** The revision used when none is given: the default branch. */
export const DEFAULT_REVISION = 'main';

const MAX_NAME_LENGTH = 96;
const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const NAME_CHARS = /^[\p{L}\p{N}_.-]+$/u;
const COMMIT_HASH = /^[0-9a-f]{40}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const REPO_ID_RULES =
  'a hub repo id "name" or "org/name" of letters, digits, "-", "_" and ".", not starting or ending with "-" or ".", without "--" or "..", not ending in ".git", name at most 96 characters';

/**
 * Checks a model repository id with the rules of `huggingface_hub`'s `validate_repo_id`: `name` or
 * `org/name`, each part of letters, digits, `-`, `_`, `.`, starting and ending with a letter, digit or `_`,
 * the name at most 96 characters, no `--` or `..`, not ending in `.git`.
 *
 * @throws InvalidOptionError (option `repoId`) naming the rule that failed.
 */
export function validateRepoId(repoId: string): void {
  const fail = (reason: string): never => {
    throw new InvalidOptionError('repoId', repoId, REPO_ID_RULES, reason);
  };
  if (typeof repoId !== 'string' || repoId.length === 0) fail('it is empty');
  const parts = repoId.split('/');
  if (parts.length > 2) fail('it has more than one "/"');
  for (const part of parts) {
    if (part.length === 0) fail('a part is empty');
    if (!NAME_CHARS.test(part)) fail(`"${part}" has a character other than letters, digits, "-", "_", "."`);
    if (!WORD_CHAR.test(part[0]!) || !WORD_CHAR.test(part.at(-1)!)) {
      fail(`"${part}" starts or ends with "-" or "."`);
    }
  }
  if (parts.at(-1)!.length > MAX_NAME_LENGTH) fail(`the name is longer than ${MAX_NAME_LENGTH} characters`);
  if (repoId.includes('--') || repoId.includes('..')) fail('it contains "--" or ".."');
  if (repoId.endsWith('.git')) fail('it ends in ".git"');
}

/** Whether `revision` is a full 40-character lowercase hex commit hash (a revision that never moves). */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/**
 * Checks a revision (branch, tag, commit hash, `refs/pr/1`): non-empty, no control characters or `\`, no
 * empty, `.` or `..` path segment (a revision names a file under `refs/` in the cache).
 *
 * @throws InvalidOptionError (option `revision`).
 */
export function validateRevision(revision: string): void {
  if (typeof revision !== 'string' || !isSafeRelativePath(revision)) {
    throw new InvalidOptionError(
      'revision',
      revision,
      'a branch, tag or commit hash such as "main", "v1.0" or "refs/pr/1"',
      'no empty, "." or ".." segment, no "\\" or control characters',
    );
  }
}

/**
 * Checks the path of a file inside a repository (`config.json`, `onnx/model.onnx`): relative, `/`-separated,
 * no empty, `.` or `..` segment, no `\` or control characters.
 *
 * @throws InvalidOptionError (option `file`).
 */
export function validateRepoFilePath(path: string): void {
  if (typeof path !== 'string' || !isSafeRelativePath(path)) {
    throw new InvalidOptionError(
      'file',
      path,
      'a relative path inside the repository such as "config.json" or "onnx/model.onnx"',
      'no leading "/", no empty, "." or ".." segment, no "\\" or control characters',
    );
  }
}

function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.includes('\\') || CONTROL_CHARS.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** A hub model reference: repository id and revision. */
export interface HubModelRef {
  /** `org/name` (or a bare `name`). */
  repoId: string;
  /** Branch, tag or commit hash; `main` when none was given. */
  revision: string;
}

/**
 * Parses a model source such as `Xenova/gpt2`, `Xenova/gpt2@v1.0` or `Xenova/gpt2@refs/pr/3` into a repo id
 * and a revision. The revision comes from `@rev` in the source or from `options.revision` (not both,
 * unless equal), else `main`.
 *
 * @example
 * parseHubSource('Xenova/distilgpt2@main'); // { repoId: 'Xenova/distilgpt2', revision: 'main' }
 * @throws InvalidOptionError for an invalid repo id or revision; ConfigError when the two revisions differ.
 */
export function parseHubSource(source: string, options: { revision?: string | undefined } = {}): HubModelRef {
  if (typeof source !== 'string') {
    throw new InvalidOptionError('source', source, 'a hub repo id string such as "Xenova/gpt2"');
  }
  const at = source.indexOf('@');
  const repoId = at === -1 ? source : source.slice(0, at);
  const inlineRevision = at === -1 ? undefined : source.slice(at + 1);
  validateRepoId(repoId);
  if (inlineRevision !== undefined) validateRevision(inlineRevision);
  if (options.revision !== undefined) validateRevision(options.revision);
  if (inlineRevision !== undefined && options.revision !== undefined && inlineRevision !== options.revision) {
    throw new ConfigError(
      `two revisions given for ${repoId}: "@${inlineRevision}" in the source and revision "${options.revision}" in the options; give one`,
    );
  }
  return { repoId, revision: inlineRevision ?? options.revision ?? DEFAULT_REVISION };
}

/**
 * The cache folder name of a model repository, as `huggingface_hub` names it: `models--{org}--{name}`
 * (`Xenova/gpt2` -> `models--Xenova--gpt2`, `gpt2` -> `models--gpt2`).
 */
export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}
