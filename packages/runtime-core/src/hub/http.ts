import {
  HubAbortError,
  HubAuthError,
  HubError,
  HubHttpError,
  HubNetworkError,
  HubNotFoundError,
  type HubNotFoundTarget,
} from './errors.js';

/**
 * The `fetch` the hub client calls: the platform's global `fetch` by default; pass your own to add a proxy,
 * retries or logging. It must honour `redirect: 'manual'` (Node's and Deno's do; browsers give an opaque
 * response instead, which is handled by a second request).
 */
export type HubFetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Response header holding the commit hash a revision resolved to. */
export const HEADER_REPO_COMMIT = 'x-repo-commit';
/** Response header holding the etag of the LFS object behind a redirect (its sha256). */
export const HEADER_LINKED_ETAG = 'x-linked-etag';
/** Response header holding the size of the LFS object behind a redirect. */
export const HEADER_LINKED_SIZE = 'x-linked-size';

const MAX_RELATIVE_REDIRECTS = 10;

/** What a request was for, so errors can name the repository, revision and file. */
export interface HubRequestContext {
  repoId: string;
  revision: string;
  /** The file, or undefined for a repository-level request. */
  file?: string | undefined;
  /** Whether an `Authorization` header was sent. */
  tokenSent: boolean;
}

/** The global `fetch`, called through a wrapper so browsers don't reject it as a detached method. */
export function defaultFetch(): HubFetch {
  return (input, init) => fetch(input, init);
}

/**
 * Request headers for the hub: `Authorization: Bearer <token>` when a token is given, and
 * `Accept-Encoding: identity` so sizes and byte ranges refer to the file itself, not a compressed body
 * (browsers drop this header, which is harmless there).
 */
export function hubRequestHeaders(token?: string | undefined): Record<string, string> {
  return token
    ? { 'Accept-Encoding': 'identity', Authorization: `Bearer ${token}` }
    : { 'Accept-Encoding': 'identity' };
}

/**
 * Normalizes an HTTP etag into the name `huggingface_hub` gives the blob: without the weak-validator prefix
 * `W/` and without the surrounding quotes (`W/"abc"` -> `abc`). Returns undefined for a missing header.
 */
export function normalizeEtag(etag: string | null | undefined): string | undefined {
  if (etag === null || etag === undefined) return undefined;
  const value = etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  return value === '' ? undefined : value;
}

/** What the hub says about a file before its bytes are fetched. */
export interface HubFileMetadata {
  /** The commit the revision resolved to (`X-Repo-Commit`). */
  commit: string | undefined;
  /** `X-Linked-Etag` (the sha256 of an LFS file) if present, else `ETag`, normalized. */
  etag: string | undefined;
  /** `X-Linked-Size` if present, else `Content-Length`. */
  size: number | undefined;
  /** Where to GET the bytes: the redirect target of an LFS file, else the (possibly redirected) file URL. */
  location: string;
  /**
   * True when a browser hid a redirect (`opaqueredirect`) and the fields come from the response at its
   * target: for an LFS file that is the CDN, which carries no commit, LFS etag or size. Callers then
   * read them from the model info API instead.
   */
  redirectHidden?: boolean;
}

/**
 * Reads {@link HubFileMetadata} from a hub response to a `HEAD` of a resolve URL. `url` is the URL that was
 * requested: a `Location` header is resolved against it.
 */
export function readHubFileMetadata(response: Response, url: string): HubFileMetadata {
  const headers = response.headers;
  const location = headers.get('location');
  return {
    commit: headers.get(HEADER_REPO_COMMIT)?.trim() || undefined,
    etag: normalizeEtag(headers.get(HEADER_LINKED_ETAG) ?? headers.get('etag')),
    size: parseSize(headers.get(HEADER_LINKED_SIZE) ?? headers.get('content-length')),
    location: isRedirect(response.status) && location ? new URL(location, url).href : url,
  };
}

function parseSize(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** Whether a `Location` value is relative (no scheme, no `//host`): a move inside the same server. */
function isRelativeLocation(location: string): boolean {
  return !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location) && !location.startsWith('//');
}

/**
 * Asks the hub about a file with `HEAD` and `redirect: 'manual'`, as `huggingface_hub` does: the commit,
 * etag and size headers are on the first response, and for an LFS file that response is a redirect to a CDN,
 * which is returned as `location` instead of being followed. Relative redirects (a renamed repository) are
 * followed.
 *
 * @throws HubNotFoundError, HubAuthError, HubHttpError for error statuses; HubNetworkError when the request
 * fails; HubAbortError when `signal` aborts it.
 */
export async function fetchHubFileMetadata(init: {
  url: string;
  headers: Record<string, string>;
  context: HubRequestContext;
  fetch?: HubFetch | undefined;
  signal?: AbortSignal | undefined;
}): Promise<HubFileMetadata> {
  const fetchImpl = init.fetch ?? defaultFetch();
  let url = init.url;
  for (let hop = 0; hop <= MAX_RELATIVE_REDIRECTS; hop++) {
    const request = {
      method: 'HEAD',
      headers: init.headers,
      redirect: 'manual' as const,
      signal: init.signal,
    };
    let response = await send(fetchImpl, url, request, init.context, init.signal);
    let redirectHidden = false;
    if (response.type === 'opaqueredirect') {
      // Browsers hide a manual redirect's headers; follow it and read what the final response carries.
      response = await send(fetchImpl, url, { ...request, redirect: 'follow' }, init.context, init.signal);
      redirectHidden = true;
    }
    await discardBody(response);
    if (isRedirect(response.status)) {
      const location = response.headers.get('location');
      if (!location) throw new HubHttpError(url, response.status, 'redirect without a Location header');
      if (isRelativeLocation(location)) {
        url = new URL(location, url).href;
        continue;
      }
      return readHubFileMetadata(response, url);
    }
    if (!response.ok) throw hubErrorForResponse(response, url, init.context);
    const metadata = readHubFileMetadata(response, response.redirected && response.url ? response.url : url);
    return redirectHidden ? { ...metadata, redirectHidden } : metadata;
  }
  throw new HubHttpError(init.url, 0, `more than ${MAX_RELATIVE_REDIRECTS} redirects`);
}

async function send(
  fetchImpl: HubFetch,
  url: string,
  init: RequestInit,
  context: HubRequestContext,
  signal: AbortSignal | undefined,
): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    throw toTransferError(error, { url, file: context.file ?? url, received: 0, signal });
  }
}

/**
 * Fetches a URL (GET, redirects followed) and checks the status, mapping hub errors to typed errors. Used
 * for the JSON API; file bytes go through `streamDownload`.
 */
export async function fetchHubJson(init: {
  url: string;
  headers: Record<string, string>;
  context: HubRequestContext;
  fetch?: HubFetch | undefined;
  signal?: AbortSignal | undefined;
}): Promise<unknown> {
  const fetchImpl = init.fetch ?? defaultFetch();
  const response = await send(
    fetchImpl,
    init.url,
    { headers: init.headers, signal: init.signal },
    init.context,
    init.signal,
  );
  if (!response.ok) {
    await discardBody(response);
    throw hubErrorForResponse(response, init.url, init.context);
  }
  try {
    return await response.json();
  } catch (error) {
    if (init.signal?.aborted || !(error instanceof SyntaxError)) {
      throw toTransferError(error, { url: init.url, file: init.url, received: 0, signal: init.signal });
    }
    throw new HubHttpError(init.url, 0, `the body is not JSON (${error.message})`);
  }
}

/**
 * The typed error for a hub response with an error status: 404 -> {@link HubNotFoundError} (repository,
 * revision or file, from the hub's `X-Error-Code`), 401/403 -> {@link HubAuthError}, anything else ->
 * {@link HubHttpError}.
 */
export function hubErrorForResponse(response: Response, url: string, context: HubRequestContext): HubError {
  const code = response.headers.get('x-error-code') ?? undefined;
  const serverMessage = response.headers.get('x-error-message') ?? undefined;
  const { status } = response;
  if (status === 401 || status === 403 || code === 'GatedRepo') {
    return new HubAuthError({
      url,
      status,
      repoId: context.repoId,
      tokenSent: context.tokenSent,
      serverMessage,
    });
  }
  if (status === 404) {
    const target: HubNotFoundTarget =
      code === 'RepoNotFound'
        ? 'repo'
        : code === 'RevisionNotFound'
          ? 'revision'
          : code === 'EntryNotFound' || context.file !== undefined
            ? 'file'
            : 'repo';
    return new HubNotFoundError({
      url,
      repoId: context.repoId,
      revision: context.revision,
      file: context.file,
      target,
      commit: response.headers.get(HEADER_REPO_COMMIT)?.trim() || undefined,
      serverMessage,
    });
  }
  const advice =
    status === 429
      ? 'rate limited by the hub; wait and try again'
      : status >= 500
        ? 'the hub had a server error; try again later'
        : `unexpected status ${response.statusText ? `"${response.statusText}"` : ''}`.trim();
  return new HubHttpError(url, status, serverMessage ? `${advice} (${serverMessage})` : advice);
}

/**
 * Turns a rejected `fetch` or body read into {@link HubAbortError} when `signal` was aborted, else into
 * {@link HubNetworkError} with the bytes received so far. Errors that are already typed pass through.
 */
export function toTransferError(
  error: unknown,
  init: {
    url: string;
    file: string;
    received: number;
    expected?: number | undefined;
    signal?: AbortSignal | undefined;
  },
): Error {
  if (error instanceof HubError) return error;
  if (init.signal?.aborted) return new HubAbortError(init.file, init.received, init.signal.reason);
  return new HubNetworkError({
    url: init.url,
    received: init.received,
    expected: init.expected,
    reason: describeFailure(error),
    cause: error,
  });
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}

/** Releases a response body that will not be read, so the connection can be reused. */
export async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or errored: nothing to release.
  }
}
