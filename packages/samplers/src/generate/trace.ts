import { topCandidates } from '../beam/top-candidates.js';
import type { TraceCandidate, TraceOptions, TraceRecord, TraceStage } from './types.js';

interface Summary {
  readonly top: TraceCandidate[];
  readonly entropy: number;
}

/**
 * Records, for the rows it is asked to watch, the top-N candidates and entropy of a row before any
 * processor and after each one, which tokens each processor removed, and the chosen token. Only created
 * when tracing is on, so it costs nothing otherwise.
 */
export class Tracer {
  readonly records: TraceRecord[] = [];
  private readonly topN: number;
  private readonly rows: ReadonlySet<number> | undefined;
  private previous = new Float32Array(0);
  private readonly topScores: Float32Array;
  private readonly topIndices: Int32Array;
  private open:
    | {
        step: number;
        row: number;
        promptIndex: number;
        before: Summary;
        stages: TraceStage[];
        last: Summary;
      }
    | undefined;

  constructor(options: TraceOptions) {
    this.topN = options.topN ?? 10;
    this.rows = options.rows === undefined || options.rows === 'all' ? undefined : new Set(options.rows);
    this.topScores = new Float32Array(this.topN);
    this.topIndices = new Int32Array(this.topN);
  }

  /** Whether `row` is traced. */
  wants(row: number): boolean {
    return this.rows === undefined || this.rows.has(row);
  }

  /** Starts a record from the raw row (before any processor). */
  begin(step: number, row: number, promptIndex: number, raw: Float32Array): void {
    const before = this.summarize(raw);
    this.remember(raw);
    this.open = { step, row, promptIndex, before, stages: [], last: before };
  }

  /** Records the row after the processor `name` changed it. */
  stage(name: string, scores: Float32Array): void {
    const open = this.open!;
    const previous = this.previous;
    let removedCount = 0;
    for (let i = 0; i < scores.length; i++) {
      if (previous[i]! > Number.NEGATIVE_INFINITY && scores[i] === Number.NEGATIVE_INFINITY) removedCount++;
    }
    const removedFromTop = open.last.top
      .filter(
        (candidate) =>
          scores[candidate.id] === Number.NEGATIVE_INFINITY && candidate.score > Number.NEGATIVE_INFINITY,
      )
      .map((candidate) => candidate.id);
    const summary = this.summarize(scores);
    open.stages.push({ name, top: summary.top, entropy: summary.entropy, removedCount, removedFromTop });
    open.last = summary;
    this.remember(scores);
  }

  /** Closes the record with the chosen token (`null` in beam search) and returns it. */
  end(chosen: number | null): TraceRecord {
    const open = this.open!;
    const record: TraceRecord = {
      step: open.step,
      row: open.row,
      promptIndex: open.promptIndex,
      before: open.before,
      stages: open.stages,
      entropyAfter: open.last.entropy,
      chosen,
    };
    this.records.push(record);
    this.open = undefined;
    return record;
  }

  private remember(scores: Float32Array): void {
    if (this.previous.length !== scores.length) this.previous = new Float32Array(scores.length);
    this.previous.set(scores);
  }

  private summarize(scores: Float32Array): Summary {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
    let z = 0;
    let weighted = 0;
    if (max > Number.NEGATIVE_INFINITY && max < Number.POSITIVE_INFINITY) {
      for (let i = 0; i < scores.length; i++) {
        const x = scores[i]!;
        if (!(x > Number.NEGATIVE_INFINITY)) continue;
        const e = Math.exp(x - max);
        z += e;
        weighted += e * (x - max);
      }
    }
    const logZ = Math.log(z);
    const entropy = z > 0 ? logZ - weighted / z : 0;
    const count = topCandidates(
      [scores],
      [0],
      Math.min(this.topN, scores.length),
      this.topScores,
      this.topIndices,
    );
    const top: TraceCandidate[] = [];
    for (let i = 0; i < count; i++) {
      const score = this.topScores[i]!;
      top.push({
        id: this.topIndices[i]!,
        score,
        probability: z > 0 && score > Number.NEGATIVE_INFINITY ? Math.exp(score - max - logZ) : 0,
      });
    }
    return { top, entropy };
  }
}
