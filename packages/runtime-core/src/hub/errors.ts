import { NucleusError } from '@nucleus/samplers';

/** Base class of every error raised while resolving or downloading Hugging Face hub files. */
export class HubError extends NucleusError {}

/** What a 404 from the hub was about: the repository, the revision (branch, tag, commit) or one file. */
export type HubNotFoundTarget = 'repo' | 'revision' | 'file';

/**
 * The hub answered 404. Code `HUB_NOT_FOUND`. `target` says whether the repository, the revision or the file
 * is missing (from the hub's `X-Error-Code` header; a plain 404 counts as `file`).
 */
export class HubNotFoundError extends HubError {
  /** The URL that answered 404. */
  readonly url: string;
  readonly repoId: string;
  readonly revision: string;
  /** The file asked for, or undefined for a repository-level request (a listing). */
  readonly file: string | undefined;
  readonly target: HubNotFoundTarget;
  /** The commit the revision resolved to, when the hub said (`X-Repo-Commit` on a missing-file answer). */
  readonly commit: string | undefined;
  constructor(init: {
    url: string;
    repoId: string;
    revision: string;
    file?: string | undefined;
    target: HubNotFoundTarget;
    commit?: string | undefined;
    serverMessage?: string | undefined;
  }) {
    const { url, repoId, revision, file, target, serverMessage } = init;
    const what =
      target === 'repo'
        ? `repository "${repoId}" not found`
        : target === 'revision'
          ? `revision "${revision}" not found in "${repoId}"`
          : `file "${file ?? ''}" not found in "${repoId}" at revision "${revision}"`;
    const hint =
      target === 'file'
        ? 'check the file name and the revision'
        : target === 'revision'
          ? 'check the branch, tag or commit hash'
          : 'check the repo id ("org/name") and the revision; for a private repository set HF_TOKEN';
    super('HUB_NOT_FOUND', `${what} (404 from ${url}${serverMessage ? `: ${serverMessage}` : ''}): ${hint}`);
    this.url = url;
    this.repoId = repoId;
    this.revision = revision;
    this.file = file;
    this.target = target;
    this.commit = init.commit;
  }
}

/**
 * The hub refused the request: 401 (no token or a rejected token; the hub also answers 401 for a repository
 * that does not exist when no token is sent) or 403 (a gated or private repository the token may not read).
 * Code `HUB_AUTH`. The message says to set `HF_TOKEN`.
 */
export class HubAuthError extends HubError {
  readonly url: string;
  readonly status: number;
  readonly repoId: string;
  /** Whether an `Authorization` header was sent. */
  readonly tokenSent: boolean;
  constructor(init: {
    url: string;
    status: number;
    repoId: string;
    tokenSent: boolean;
    serverMessage?: string | undefined;
  }) {
    const { url, status, repoId, tokenSent, serverMessage } = init;
    const detail = serverMessage ? `: ${serverMessage}` : '';
    let advice: string;
    if (status === 403) {
      advice = `access to "${repoId}" is denied: if the repository is gated, accept its conditions on its page, then set HF_TOKEN (or pass { token }) to a read token of that account`;
    } else if (tokenSent) {
      advice = `the token was rejected for "${repoId}": check that HF_TOKEN (or { token }) is a valid read token with access to it, and that the repo id is right`;
    } else {
      advice = `"${repoId}" needs authentication or does not exist: set HF_TOKEN (or pass { token }) to a read token, and check the repo id`;
    }
    super('HUB_AUTH', `${advice} (${status} from ${url}${detail})`);
    this.url = url;
    this.status = status;
    this.repoId = repoId;
    this.tokenSent = tokenSent;
  }
}

/**
 * Offline mode (`HF_HUB_OFFLINE=1` or `{ offline: true }`) and the cache lacks what was asked for. Code
 * `HUB_OFFLINE`. The message names the repository, the revision, the file and where the cache was looked up.
 */
export class HubOfflineError extends HubError {
  readonly repoId: string;
  readonly revision: string;
  /** The missing file, or undefined when the revision itself is not in the cache. */
  readonly file: string | undefined;
  /** Where the cache was searched (a folder for the disk cache). */
  readonly cacheLocation: string;
  constructor(init: { repoId: string; revision: string; file?: string | undefined; cacheLocation: string }) {
    const { repoId, revision, file, cacheLocation } = init;
    const what =
      file === undefined
        ? `revision "${revision}" of "${repoId}" is not in the cache`
        : `"${file}" of "${repoId}" at revision "${revision}" is not in the cache`;
    super(
      'HUB_OFFLINE',
      `offline mode: ${what} (looked in ${cacheLocation}); download it once online, or unset HF_HUB_OFFLINE / { offline }`,
    );
    this.repoId = repoId;
    this.revision = revision;
    this.file = file;
    this.cacheLocation = cacheLocation;
  }
}

/**
 * The connection failed or was cut before the whole response arrived. Code `HUB_NETWORK`. `received` is the
 * number of bytes of the file kept so far (a later download resumes from there).
 */
export class HubNetworkError extends HubError {
  readonly url: string;
  /** Bytes of the file held after the failure (the resume offset), 0 when nothing arrived. */
  readonly received: number;
  /** The file's size when known. */
  readonly expected: number | undefined;
  constructor(init: {
    url: string;
    received: number;
    expected?: number | undefined;
    reason: string;
    cause?: unknown;
  }) {
    const { url, received, expected, reason, cause } = init;
    const progress =
      received > 0 || expected !== undefined
        ? `; ${received}${expected === undefined ? '' : ` of ${expected}`} bytes received, the next download resumes from there`
        : '';
    super(
      'HUB_NETWORK',
      `network error for ${url}: ${reason}${progress}. Check the connection (and HF_ENDPOINT), or set HF_HUB_OFFLINE=1 to use the cache only`,
      { cause },
    );
    this.url = url;
    this.received = received;
    this.expected = expected;
  }
}

/** The hub answered with a status this client does not handle (5xx, 429, ...), or a malformed response. */
export class HubHttpError extends HubError {
  readonly url: string;
  /** The HTTP status, or 0 when the response itself was malformed (missing headers). */
  readonly status: number;
  constructor(url: string, status: number, detail: string) {
    super('HUB_HTTP', `${status === 0 ? 'unexpected response' : `HTTP ${status}`} from ${url}: ${detail}`);
    this.url = url;
    this.status = status;
  }
}

/**
 * A downloaded file does not match what the hub announced: more bytes than its size, or a sha256 that is not
 * its LFS etag. Code `HUB_INTEGRITY`. The partial file is deleted (it cannot be resumed).
 */
export class HubIntegrityError extends HubError {
  readonly file: string;
  readonly expected: string;
  readonly actual: string;
  constructor(file: string, what: string, expected: string, actual: string) {
    super(
      'HUB_INTEGRITY',
      `downloaded "${file}" is corrupt: ${what} is ${actual}, expected ${expected}; the partial file was deleted, try again`,
    );
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A download was stopped by its `AbortSignal`. Code `ABORTED` (as `AbortError` of `@nucleus/samplers`). What
 * was received is kept and resumed by the next download of the same file.
 */
export class HubAbortError extends HubError {
  readonly file: string;
  /** Bytes of the file kept for resumption. */
  readonly received: number;
  constructor(file: string, received: number, reason?: unknown) {
    super(
      'ABORTED',
      `download of "${file}" aborted${reason instanceof Error ? ` (${reason.message})` : ''}${received > 0 ? `; ${received} bytes kept, the next download resumes from there` : ''}`,
      { cause: reason },
    );
    this.file = file;
    this.received = received;
  }
}
