import type { DecoderModel, ModelSession } from '../../src/types.js';

/** Logits of the next token given a row's whole history (prompt + generated). */
export type LogitsFn = (history: readonly number[]) => ArrayLike<number>;

/** What a fake session was asked to do, for assertions. */
export type SessionCall =
  | { readonly kind: 'step'; readonly rows: number; readonly tokens: readonly (readonly number[])[] }
  | { readonly kind: 'selectRows'; readonly rows: readonly number[] }
  | { readonly kind: 'dispose' };

/**
 * A model whose logits are a function of each row's history. Its sessions keep the histories like a KV
 * cache would (so `selectRows` must be right for the logits to be right), reuse one output buffer like a
 * real session, check that nobody wrote into that buffer, and record every call.
 */
export class FakeModel implements DecoderModel {
  readonly vocabSize: number;
  readonly maxPositions: number | undefined;
  readonly sessions: FakeSession[] = [];
  private readonly logits: LogitsFn;

  constructor(vocabSize: number, logits: LogitsFn, maxPositions?: number) {
    this.vocabSize = vocabSize;
    this.logits = logits;
    this.maxPositions = maxPositions;
  }

  createSession(): FakeSession {
    const session = new FakeSession(this.vocabSize, this.logits);
    this.sessions.push(session);
    return session;
  }

  /** Calls of the only session opened so far. */
  get calls(): readonly SessionCall[] {
    if (this.sessions.length !== 1) throw new Error(`expected one session, got ${this.sessions.length}`);
    return this.sessions[0]!.calls;
  }
}

export class FakeSession implements ModelSession {
  readonly vocabSize: number;
  readonly calls: SessionCall[] = [];
  histories: number[][] = [];
  disposed = false;
  /** Hook run before each step resolves (e.g. to abort a signal mid-generation). */
  onStep: ((stepIndex: number) => void) | undefined;
  private buffer = new Float32Array(0);
  private snapshot = new Float32Array(0);
  private steps = 0;
  private readonly logits: LogitsFn;

  constructor(vocabSize: number, logits: LogitsFn) {
    this.vocabSize = vocabSize;
    this.logits = logits;
  }

  async step(tokens: readonly (readonly number[])[]): Promise<Float32Array> {
    if (this.disposed) throw new Error('step after dispose');
    if (!this.snapshot.every((value, i) => Object.is(value, this.buffer[i]))) {
      throw new Error('the decode loop modified the logits buffer returned by the session');
    }
    this.calls.push({ kind: 'step', rows: tokens.length, tokens: tokens.map((row) => [...row]) });
    if (this.steps === 0) {
      this.histories = tokens.map((row) => [...row]);
    } else {
      if (tokens.length !== this.histories.length) {
        throw new Error(`step with ${tokens.length} rows, but the cache holds ${this.histories.length}`);
      }
      tokens.forEach((row, r) => {
        if (row.length !== 1) throw new Error('a decode step feeds one token per row');
        this.histories[r]!.push(row[0]!);
      });
    }
    if (this.buffer.length !== tokens.length * this.vocabSize) {
      this.buffer = new Float32Array(tokens.length * this.vocabSize);
    }
    this.histories.forEach((history, r) => {
      const row = this.logits(history);
      for (let j = 0; j < this.vocabSize; j++) this.buffer[r * this.vocabSize + j] = row[j]!;
    });
    this.snapshot = this.buffer.slice();
    this.onStep?.(this.steps);
    this.steps++;
    await Promise.resolve();
    return this.buffer;
  }

  selectRows(rows: readonly number[]): void {
    if (this.disposed) throw new Error('selectRows after dispose');
    this.calls.push({ kind: 'selectRows', rows: [...rows] });
    for (const row of rows) {
      if (row < 0 || row >= this.histories.length) throw new Error(`selectRows: no row ${row}`);
    }
    this.histories = rows.map((row) => [...this.histories[row]!]);
  }

  dispose(): void {
    if (!this.disposed) this.calls.push({ kind: 'dispose' });
    this.disposed = true;
  }
}

/**
 * Deterministic pseudo-random logits from a hash of the history (FNV-1a over the tokens and a seed), in
 * [-4, 4). Different histories give unrelated rows, so any mix-up of rows shows in the output.
 */
export function hashLogits(vocabSize: number, seed = 0): LogitsFn {
  return (history) => {
    let h = (2166136261 ^ seed) >>> 0;
    for (const token of history) h = Math.imul(h ^ token, 16777619) >>> 0;
    const row = new Float32Array(vocabSize);
    for (let j = 0; j < vocabSize; j++) {
      let x = Math.imul(h ^ ((j + 1) * 0x9e3779b1), 0x85ebca6b) >>> 0;
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
      x = (x ^ (x >>> 16)) >>> 0;
      row[j] = (x / 4294967296) * 8 - 4;
    }
    return row;
  };
}

/**
 * Logits from a table keyed by the generated suffix: `script[key]` gives the log-probabilities after the
 * history whose tokens after `promptLength` are `key` (comma-separated; `''` for the first step). A missing
 * key falls back to `fallback`.
 */
export function scriptedLogits(
  promptLength: number,
  script: Readonly<Record<string, ArrayLike<number>>>,
  fallback: ArrayLike<number>,
): LogitsFn {
  return (history) => script[history.slice(promptLength).join(',')] ?? fallback;
}
