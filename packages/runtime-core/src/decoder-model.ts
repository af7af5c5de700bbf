import type { DecoderModel } from '@nucleus/samplers';
import type { DecoderGraph } from './decoder-graph.js';
import { ModelDisposedError } from './errors.js';
import { KvCacheSession } from './kv-session.js';
import type { Gpt2Config } from './model-config.js';
import type { InferenceSession, OrtModule } from './ort.js';

/**
 * A loaded GPT-2 ONNX decoder as the decode loop of `@nucleus/samplers` sees it: a `DecoderModel` that
 * opens one {@link KvCacheSession} per generation. All sessions share the one ORT `InferenceSession`.
 */
export class OnnxDecoderModel implements DecoderModel {
  readonly vocabSize: number;
  readonly maxPositions: number;
  /** What the graph declares (inputs fed, cache layout, element types). */
  readonly graph: DecoderGraph;
  readonly #ort: OrtModule;
  readonly #session: InferenceSession;
  readonly #padTokenId: number;
  readonly #live = new Set<KvCacheSession>();
  #disposed = false;

  constructor(ort: OrtModule, session: InferenceSession, graph: DecoderGraph, config: Gpt2Config) {
    this.#ort = ort;
    this.#session = session;
    this.graph = graph;
    this.vocabSize = config.vocabSize;
    this.maxPositions = config.maxPositions;
    const eos = config.eosTokenId;
    this.#padTokenId = config.padTokenId ?? (typeof eos === 'number' ? eos : (eos?.[0] ?? 0));
  }

  /** Whether {@link dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Sessions opened and not yet disposed. */
  get liveSessions(): number {
    let live = 0;
    for (const session of this.#live) if (!session.disposed) live++;
    return live;
  }

  /** Opens an independent session (own KV cache, own buffers). */
  createSession(): KvCacheSession {
    if (this.#disposed) throw new ModelDisposedError();
    for (const session of this.#live) if (session.disposed) this.#live.delete(session);
    const session = new KvCacheSession({
      ort: this.#ort,
      session: this.#session,
      graph: this.graph,
      vocabSize: this.vocabSize,
      maxPositions: this.maxPositions,
      padTokenId: this.#padTokenId,
    });
    this.#live.add(session);
    return session;
  }

  /** Disposes every open session and releases the ORT session. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const session of this.#live) session.dispose();
    this.#live.clear();
    await this.#session.release();
  }
}
