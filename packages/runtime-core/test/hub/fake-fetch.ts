import type { HubFetch } from '../../src/hub/index.js';

/** One recorded call of a fake fetch. */
export interface FetchCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  redirect: string | undefined;
}

/** A fetch answering from a handler, recording calls; no network is involved. */
export function recordingFetch(
  handler: (call: FetchCall, signal: AbortSignal | undefined) => Response | Promise<Response>,
): { fetch: HubFetch; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fetch: HubFetch = async (url, init = {}) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const call = { url, method: init.method ?? 'GET', headers, redirect: init.redirect };
    calls.push(call);
    if (init.signal?.aborted) throw init.signal.reason;
    return handler(call, init.signal ?? undefined);
  };
  return { fetch, calls };
}

/**
 * A response body streamed in the given chunks. `failAfter` chunks it errors as a cut connection does
 * (undici's `TypeError: terminated`); an abort of `signal` errors it with the signal's reason, as fetch does.
 */
export function chunkedBody(
  chunks: Uint8Array[],
  options: { failAfter?: number; signal?: AbortSignal | undefined; stallAfter?: number } = {},
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      options.signal?.addEventListener('abort', () => controller.error(options.signal!.reason));
    },
    pull(controller) {
      if (options.failAfter !== undefined && index === options.failAfter) {
        controller.error(new TypeError('terminated', { cause: new Error('other side closed') }));
        return;
      }
      if (options.stallAfter !== undefined && index === options.stallAfter)
        return new Promise<void>(() => {});
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
      return undefined;
    },
  });
}

/** `bytes` split into chunks of `size`. */
export function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.byteLength; start += size) chunks.push(bytes.slice(start, start + size));
  return chunks;
}

/** Deterministic bytes 0, 1, 2, ... modulo 251. */
export function sequenceBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}
