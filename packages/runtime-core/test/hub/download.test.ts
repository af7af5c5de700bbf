import { describe, expect, it } from 'vitest';
import {
  type DownloadSink,
  HubAbortError,
  HubAuthError,
  HubHttpError,
  HubIntegrityError,
  HubNetworkError,
  HubNotFoundError,
  type HubProgressEvent,
  streamDownload,
} from '../../src/hub/index.js';
import { chunkedBody, recordingFetch, sequenceBytes, split } from './fake-fetch.js';

const FILE = sequenceBytes(10_000);
const URL_ = 'http://127.0.0.1:1/a/b/resolve/main/onnx/model.onnx';

/** A sink holding the bytes in memory, starting with `initial` (a partial download). */
function memorySink(initial: Uint8Array = new Uint8Array(0)) {
  let parts: Uint8Array[] = [initial];
  const sink: DownloadSink & { bytes(): Uint8Array; restarts: number } = {
    restarts: 0,
    restart() {
      parts = [];
      sink.restarts++;
    },
    write(chunk) {
      parts.push(chunk.slice());
    },
    bytes() {
      const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.byteLength;
      }
      return out;
    },
  };
  return sink;
}

/** A server of FILE honouring `Range: bytes=N-` with 206, like the hub's CDN. */
function rangeServer(options: { ignoreRange?: boolean; failAfter?: number; wrongStart?: boolean } = {}) {
  return recordingFetch((call, signal) => {
    const range = /^bytes=(\d+)-$/.exec(call.headers['range'] ?? '');
    if (range && !options.ignoreRange) {
      const start = Number(range[1]);
      if (start >= FILE.byteLength) return new Response(null, { status: 416 });
      const shownStart = options.wrongStart ? start - 1 : start;
      return new Response(chunkedBody(split(FILE.subarray(start), 1000), { ...options, signal }), {
        status: 206,
        headers: { 'Content-Range': `bytes ${shownStart}-${FILE.byteLength - 1}/${FILE.byteLength}` },
      });
    }
    return new Response(chunkedBody(split(FILE, 1000), { ...options, signal }), {
      headers: { 'Content-Length': String(FILE.byteLength) },
    });
  });
}

describe('streamDownload', () => {
  it('streams the whole file, reporting progress after every chunk up to the total', async () => {
    const { fetch, calls } = rangeServer();
    const sink = memorySink();
    const events: HubProgressEvent[] = [];
    const result = await streamDownload({
      url: URL_,
      file: 'onnx/model.onnx',
      sink,
      fetch,
      onProgress: (e) => events.push(e),
    });
    expect(result).toEqual({ size: FILE.byteLength, resumed: false });
    expect(sink.bytes()).toEqual(FILE);
    expect(calls[0]!.headers['range']).toBeUndefined();
    expect(events.map((event) => event.loaded)).toEqual([
      1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000,
    ]);
    expect(events.every((event) => event.total === FILE.byteLength && event.file === 'onnx/model.onnx')).toBe(
      true,
    );
  });

  it('resumes with Range: bytes=<offset>- and appends a 206 answer', async () => {
    const { fetch, calls } = rangeServer();
    const sink = memorySink(FILE.slice(0, 4321));
    const events: HubProgressEvent[] = [];
    const result = await streamDownload({
      url: URL_,
      file: 'f',
      sink,
      fetch,
      offset: 4321,
      onProgress: (e) => events.push(e),
    });
    expect(calls[0]!.headers['range']).toBe('bytes=4321-');
    expect(result).toEqual({ size: FILE.byteLength, resumed: true });
    expect(sink.bytes()).toEqual(FILE);
    expect(events[0]!.loaded).toBe(5321);
    expect(events.at(-1)!.loaded).toBe(FILE.byteLength);
  });

  it('restarts the sink when the server ignores the range and answers 200', async () => {
    const { fetch } = rangeServer({ ignoreRange: true });
    const sink = memorySink(FILE.slice(0, 4321));
    const result = await streamDownload({ url: URL_, file: 'f', sink, fetch, offset: 4321 });
    expect(sink.restarts).toBe(1);
    expect(result).toEqual({ size: FILE.byteLength, resumed: false });
    expect(sink.bytes()).toEqual(FILE);
  });

  it('starts over without Range when the 206 starts elsewhere, or on 416', async () => {
    const wrong = rangeServer({ wrongStart: true });
    const sink = memorySink(FILE.slice(0, 500));
    await streamDownload({ url: URL_, file: 'f', sink, fetch: wrong.fetch, offset: 500 });
    expect(wrong.calls.map((call) => call.headers['range'])).toEqual(['bytes=500-', undefined]);
    expect(sink.bytes()).toEqual(FILE);

    const beyond = rangeServer();
    const long = memorySink(new Uint8Array(FILE.byteLength + 5));
    await streamDownload({
      url: URL_,
      file: 'f',
      sink: long,
      fetch: beyond.fetch,
      offset: FILE.byteLength + 5,
    });
    expect(beyond.calls.map((call) => call.headers['range'])).toEqual([
      `bytes=${FILE.byteLength + 5}-`,
      undefined,
    ]);
    expect(long.bytes()).toEqual(FILE);
  });

  it('makes no request when the held bytes already are the whole file', async () => {
    const { fetch, calls } = rangeServer();
    const result = await streamDownload({
      url: URL_,
      file: 'f',
      sink: memorySink(FILE),
      fetch,
      offset: FILE.byteLength,
      expectedSize: FILE.byteLength,
    });
    expect(calls).toEqual([]);
    expect(result.size).toBe(FILE.byteLength);
  });

  it('turns a cut connection into HubNetworkError with the bytes received, which stay in the sink', async () => {
    const { fetch } = rangeServer({ failAfter: 3 });
    const sink = memorySink();
    const error = await streamDownload({ url: URL_, file: 'f', sink, fetch }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubNetworkError);
    expect((error as HubNetworkError).received).toBe(3000);
    expect((error as HubNetworkError).expected).toBe(FILE.byteLength);
    expect((error as Error).message).toMatch(/terminated \(other side closed\)/);
    expect(sink.bytes()).toEqual(FILE.subarray(0, 3000));
  });

  it('treats a body shorter than the expected size as a network error, a longer one as corrupt', async () => {
    const { fetch } = rangeServer();
    await expect(
      streamDownload({ url: URL_, file: 'f', sink: memorySink(), fetch, expectedSize: FILE.byteLength + 1 }),
    ).rejects.toThrow(/closed early; 10000 of 10001 bytes received/);
    const longer = await streamDownload({
      url: URL_,
      file: 'f',
      sink: memorySink(),
      fetch,
      expectedSize: FILE.byteLength - 1,
    }).catch((caught: unknown) => caught);
    expect(longer).toBeInstanceOf(HubIntegrityError);
  });

  it('aborts cleanly mid-stream with HubAbortError and the bytes received', async () => {
    const { fetch } = recordingFetch(
      (_call, signal) => new Response(chunkedBody(split(FILE, 1000), { signal, stallAfter: 2 })),
    );
    const controller = new AbortController();
    const sink = memorySink();
    const pending = streamDownload({
      url: URL_,
      file: 'onnx/model.onnx',
      sink,
      fetch,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.loaded === 2000) controller.abort();
      },
    });
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubAbortError);
    expect((error as HubAbortError).code).toBe('ABORTED');
    expect((error as HubAbortError).received).toBe(2000);
    expect(sink.bytes()).toEqual(FILE.subarray(0, 2000));
  });

  it('turns a failed fetch into HubNetworkError naming the cause', async () => {
    const fetch = async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      });
    };
    const error = await streamDownload({ url: URL_, file: 'f', sink: memorySink(), fetch }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubNetworkError);
    expect((error as Error).message).toContain(
      `network error for ${URL_}: fetch failed (ECONNREFUSED: connect ECONNREFUSED`,
    );
    expect((error as Error).message).toMatch(/HF_HUB_OFFLINE=1/);
  });

  it('maps error statuses to typed errors', async () => {
    const answer = (status: number, headers: Record<string, string> = {}) =>
      recordingFetch(() => new Response(null, { status, headers })).fetch;
    const context = { repoId: 'a/b', revision: 'main', file: 'onnx/model.onnx', tokenSent: false };
    const run = (fetch: ReturnType<typeof answer>) =>
      streamDownload({ url: URL_, file: 'onnx/model.onnx', sink: memorySink(), fetch, context }).catch(
        (caught: unknown) => caught,
      );
    const notFound = await run(answer(404, { 'X-Error-Code': 'EntryNotFound' }));
    expect(notFound).toBeInstanceOf(HubNotFoundError);
    expect((notFound as HubNotFoundError).target).toBe('file');
    expect(await run(answer(401))).toBeInstanceOf(HubAuthError);
    const server = await run(answer(503));
    expect(server).toBeInstanceOf(HubHttpError);
    expect((server as HubHttpError).status).toBe(503);
    expect((server as Error).message).toMatch(/server error; try again later/);
    expect(((await run(answer(429))) as Error).message).toMatch(/rate limited/);
  });
});
