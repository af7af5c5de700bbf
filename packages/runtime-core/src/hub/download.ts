import { HubAbortError, HubHttpError, HubIntegrityError, HubNetworkError } from './errors.js';
import {
  defaultFetch,
  discardBody,
  type HubFetch,
  type HubRequestContext,
  hubErrorForResponse,
  toTransferError,
} from './http.js';

/** Download progress of one file. `loaded` counts resumed bytes too, so it ends at `total`. */
export interface HubProgressEvent {
  /** The file's path in the repository (`onnx/model.onnx`). */
  file: string;
  /** Bytes of the file held so far, including bytes kept from an interrupted download. */
  loaded: number;
  /** The file's size, or undefined when the server did not say. */
  total: number | undefined;
}

/** Where downloaded bytes go. A disk file, a buffer, a Cache API entry being assembled. */
export interface DownloadSink {
  /** Drops every byte held: the server ignored the `Range` request and sends the whole file again. */
  restart(): Promise<void> | void;
  /** Appends a chunk. */
  write(chunk: Uint8Array): Promise<void> | void;
}

/** Options of {@link streamDownload}. */
export interface StreamDownloadOptions {
  url: string;
  /** The file's path in the repository, for progress events and errors. */
  file: string;
  /** Request headers (see `hubRequestHeaders`); `Range` is added when resuming. */
  headers?: Record<string, string> | undefined;
  /** Bytes the sink already holds; when > 0 a `Range: bytes=<offset>-` request resumes after them. */
  offset?: number | undefined;
  /** The file's size when known from the hub's metadata; more bytes than this are an integrity error. */
  expectedSize?: number | undefined;
  sink: DownloadSink;
  onProgress?: ((event: HubProgressEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
  fetch?: HubFetch | undefined;
  /** What the request is for, to name the repository and revision in errors. */
  context?: HubRequestContext | undefined;
}

/** The result of {@link streamDownload}. */
export interface StreamDownloadResult {
  /** Bytes the sink holds at the end: the whole file. */
  size: number;
  /** Whether earlier bytes were kept (a `206 Partial Content` answer, or nothing left to fetch). */
  resumed: boolean;
}

/**
 * Streams a file into a sink with `fetch`, resuming from `offset` with a `Range` request: a `206` answer
 * appends after the held bytes; a `200` answer (the server ignored the range) restarts the sink from zero; a
 * `416` answer (offset past the end) restarts without a range. Calls `onProgress` after every chunk.
 *
 * @throws HubNetworkError when the connection fails or ends early (`received` = bytes held, for resuming);
 * HubAbortError when `signal` aborts; HubIntegrityError when more bytes arrive than `expectedSize`;
 * HubNotFoundError / HubAuthError / HubHttpError for error statuses.
 */
export async function streamDownload(options: StreamDownloadOptions): Promise<StreamDownloadResult> {
  const { url, file, sink, signal, onProgress } = options;
  const expected = options.expectedSize;
  let offset = options.offset ?? 0;
  if (signal?.aborted) throw new HubAbortError(file, offset, signal.reason);
  if (expected !== undefined && offset > expected) {
    await sink.restart();
    offset = 0;
  }
  if (expected !== undefined && offset === expected && offset > 0) {
    onProgress?.({ file, loaded: offset, total: expected });
    return { size: offset, resumed: true };
  }

  const headers: Record<string, string> = {
    ...options.headers,
    ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}),
  };
  let response: Response;
  try {
    response = await (options.fetch ?? defaultFetch())(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    throw toTransferError(error, { url, file, received: offset, expected, signal });
  }

  let loaded: number;
  let total: number | undefined;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (offset === 0 || range === undefined || range.start !== offset) {
      await discardBody(response);
      if (offset === 0) {
        throw new HubHttpError(url, 206, 'partial content for a request without Range');
      }
      await sink.restart();
      return streamDownload({ ...options, offset: 0 });
    }
    loaded = offset;
    total = expected ?? range.total;
  } else if (response.status === 416 && offset > 0) {
    await discardBody(response);
    await sink.restart();
    return streamDownload({ ...options, offset: 0 });
  } else if (response.ok) {
    if (offset > 0) await sink.restart();
    loaded = 0;
    total = expected ?? parseLength(response.headers.get('content-length'));
  } else {
    await discardBody(response);
    throw hubErrorForResponse(
      response,
      url,
      options.context ?? { repoId: url, revision: '', file, tokenSent: 'Authorization' in headers },
    );
  }
  const resumed = loaded > 0;

  let reported = false;
  const report = () => {
    reported = true;
    onProgress?.({ file, loaded, total });
  };
  const body = response.body;
  if (body !== null) {
    const reader = body.getReader();
    let finished = false;
    try {
      for (;;) {
        const chunk = await reader.read().catch((error: unknown) => {
          throw toTransferError(error, { url, file, received: loaded, expected: total, signal });
        });
        if (chunk.done) break;
        await sink.write(chunk.value);
        loaded += chunk.value.byteLength;
        if (total !== undefined && loaded > total) {
          throw new HubIntegrityError(file, 'the size', `${total} bytes`, `more than ${total} bytes`);
        }
        report();
      }
      finished = true;
    } finally {
      if (!finished) await reader.cancel().catch(() => {});
    }
  }
  if (total !== undefined && loaded < total) {
    if (signal?.aborted) throw new HubAbortError(file, loaded, signal.reason);
    throw new HubNetworkError({
      url,
      received: loaded,
      expected: total,
      reason: 'the connection closed early',
    });
  }
  if (!reported) report();
  return { size: loaded, resumed };
}

function parseContentRange(value: string | null): { start: number; total: number | undefined } | undefined {
  const match = value === null ? null : /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (match === null) return undefined;
  return { start: Number(match[1]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

function parseLength(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
