import { resolveGenerationConfig } from '../config/resolve.js';
import type { GenerationConfigInput } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { TopCandidates } from '../kernels/select.js';
import {
  isValueOnly,
  Survivors,
  type Truncator,
  temperatureDivisorOf,
  topKSizeOf,
  truncatorOf,
} from '../processors/value-only.js';
import { greedy } from '../selection/greedy.js';
import { sample } from '../selection/sample.js';
import type { LogitsProcessor, ProcessContext, SelectContext, TokenSelector } from '../types.js';
import { buildProcessors } from './pipeline.js';
import type { Tracer } from './trace.js';

/**
 * How a step can skip the full vocabulary after its first truncation: the processors before it (`head`,
 * on the full row), the cut (top-k, with an optional temperature right before it applied to the
 * survivors only; or a truncator such as top-p or min-p), and the value-only processors after it (`tail`,
 * run on the compacted row of survivors).
 */
/** Which step, sequence and prompt a traced row belongs to. */
interface TracePosition {
  readonly step: number;
  readonly sequence: number;
  readonly promptIndex: number;
}

interface CompactionPlan {
  readonly head: readonly LogitsProcessor[];
  /** A top-k cut (heap scan), with the temperature before it folded in... */
  readonly topK?: { readonly keep: number; readonly divisor: number | undefined };
  /** ...or another truncation (top-p, min-p) that lists its survivors. */
  readonly truncate?: Truncator;
  readonly tail: readonly LogitsProcessor[];
}

/**
 * One row's processors and token selector, run on a row of logits exactly as `generate()` runs them
 * each step: the processors in order on a copy of the row, then the selector. The source row is never
 * modified.
 *
 * When the row is cut by top-k (k <= 512), top-p or min-p and everything after the cut is a built-in,
 * value-only processor or selector (temperature, topP, minP, typicalP, epsilonCutoff, etaCutoff,
 * sampling, greedy), the step keeps only the surviving tokens and runs the rest on that short row, in
 * token-id order: same tokens, same draws, without further passes over the vocabulary. A temperature
 * right before a top-k is applied to the survivors only; when float32 rounding could make a token just
 * below the k-th score tie with it after the division, that step falls back to the full row.
 */
export class DecodingStep {
  readonly processors: readonly LogitsProcessor[];
  readonly selector: TokenSelector;
  private readonly plan: CompactionPlan | undefined;
  private buffers = new StepBuffers();

  constructor(processors: readonly LogitsProcessor[], selector: TokenSelector) {
    this.processors = processors;
    this.selector = selector;
    this.plan = compactionPlan(processors, selector);
  }

  /**
   * Runs the processors and the selector on `logits` (one row of vocabulary size, left unchanged) and
   * returns the chosen token.
   */
  select(logits: Float32Array, ctx: SelectContext): number {
    if (this.plan) return this.selectCompacted(logits, ctx, this.plan);
    if (this.processors.length === 0 && isValueOnly(this.selector)) return this.selector.select(logits, ctx);
    return this.finishOnFullRow(this.copyOf(logits), 0, ctx);
  }

  /**
   * {@link DecodingStep.select} on the full row, recording it before and after each processor.
   * @internal
   */
  selectTraced(logits: Float32Array, ctx: SelectContext, tracer: Tracer, at: TracePosition): number {
    const scores = this.copyOf(logits);
    tracer.begin(at.step, at.sequence, at.promptIndex, scores);
    for (const processor of this.processors) {
      processor.process(scores, ctx);
      tracer.stage(processor.name, scores);
    }
    return this.selector.select(scores, ctx);
  }

  /** Tells the processors and the selector which token was chosen. */
  accept(token: number, ctx: ProcessContext): void {
    for (const processor of this.processors) processor.accept?.(token, ctx);
    this.selector.accept?.(token, ctx);
  }

  /** An independent step for another row (stateful processors and selectors are cloned). */
  clone(): DecodingStep {
    const copy = new DecodingStep(
      this.processors.map((processor) => processor.clone?.() ?? processor),
      this.selector.clone?.() ?? this.selector,
    );
    // Steps run one at a time (select is synchronous), so clones share the scratch buffers.
    copy.buffers = this.buffers;
    return copy;
  }

  /** Clears the state of stateful processors and the selector (a new sequence starts). */
  reset(): void {
    for (const processor of this.processors) processor.reset?.();
    this.selector.reset?.();
  }

  /**
   * The compacted path. Where a row cannot be compacted, it goes on with the full row from the first
   * processor not yet run, so no processor runs twice in a step.
   */
  private selectCompacted(logits: Float32Array, ctx: SelectContext, plan: CompactionPlan): number {
    const headCount = plan.head.length;
    if (plan.truncate) {
      // Truncators work in place when they cannot list survivors, so they always get a copy.
      const row = this.copyOf(logits);
      for (const processor of plan.head) processor.process(row, ctx);
      const survivors = this.buffers.survivors;
      if (plan.truncate(row, survivors))
        return this.selectAmong(survivors.ids, survivors.values, survivors.count, plan, ctx);
      return this.finishOnFullRow(row, headCount + 1, ctx);
    }
    let row = logits;
    if (headCount > 0) {
      row = this.copyOf(logits);
      for (const processor of plan.head) processor.process(row, ctx);
    }
    const { keep, divisor } = plan.topK!;
    const fullRow = () => this.finishOnFullRow(row === logits ? this.copyOf(logits) : row, headCount, ctx);
    if (keep >= row.length) return fullRow();
    const { candidates } = this.buffers;
    const kth = candidates.scan(row, keep);
    if (!(kth > Number.NEGATIVE_INFINITY && kth < Number.POSITIVE_INFINITY)) return fullRow();
    if (
      divisor !== undefined &&
      Math.fround(nextFloat32Below(kth) / divisor) === Math.fround(kth / divisor)
    ) {
      return fullRow();
    }
    const { indices, values, count } = candidates;
    const buffers = this.buffers;
    if (buffers.compactValues.length < count) {
      buffers.compactValues = new Float32Array(count);
      buffers.compactIds = new Int32Array(count);
    }
    const compact = buffers.compactValues;
    const ids = buffers.compactIds;
    let size = 0;
    for (let j = 0; j < count; j++) {
      const x = values[j]!;
      if (!(x >= kth)) continue;
      compact[size] = divisor === undefined ? x : x / divisor;
      ids[size++] = indices[j]!;
    }
    return this.selectAmong(ids, compact, size, plan, ctx);
  }

  /** Runs the tail processors and the selector on `values[0 .. count)` and maps the pick to its token id. */
  private selectAmong(
    ids: Int32Array,
    values: Float32Array,
    count: number,
    plan: CompactionPlan,
    ctx: SelectContext,
  ): number {
    const row = values.subarray(0, count);
    for (const processor of plan.tail) processor.process(row, ctx);
    return ids[this.selector.select(row, ctx)]!;
  }

  /** Runs the processors from index `from` on `scores` (a copy of the row), then the selector. */
  private finishOnFullRow(scores: Float32Array, from: number, ctx: SelectContext): number {
    for (let i = from; i < this.processors.length; i++) this.processors[i]!.process(scores, ctx);
    return this.selector.select(scores, ctx);
  }

  private copyOf(logits: Float32Array): Float32Array {
    const buffers = this.buffers;
    if (buffers.row.length !== logits.length) buffers.row = new Float32Array(logits.length);
    buffers.row.set(logits);
    return buffers.row;
  }
}

/** Scratch space of a step and its clones: a copy of the row, the top-k scan, the compacted survivors. */
class StepBuffers {
  row = new Float32Array(0);
  readonly candidates = new TopCandidates();
  compactValues = new Float32Array(0);
  compactIds = new Int32Array(0);
  readonly survivors = new Survivors();
}

function compactionPlan(
  processors: readonly LogitsProcessor[],
  selector: TokenSelector,
): CompactionPlan | undefined {
  if (!isValueOnly(selector)) return undefined;
  const at = processors.findIndex(
    (processor) => topKSizeOf(processor) !== undefined || truncatorOf(processor) !== undefined,
  );
  if (at < 0) return undefined;
  const tail = processors.slice(at + 1);
  if (!tail.every(isValueOnly)) return undefined;
  const cut = processors[at]!;
  const truncate = truncatorOf(cut);
  if (truncate) return { head: processors.slice(0, at), truncate, tail };
  const before = at > 0 ? processors[at - 1]! : undefined;
  const divisor = before ? temperatureDivisorOf(before) : undefined;
  return {
    head: processors.slice(0, divisor === undefined ? at : at - 1),
    topK: { keep: topKSizeOf(cut)!, divisor },
    tail,
  };
}

const bits = new Float32Array(1);
const bitsAsInt = new Int32Array(bits.buffer);

/** The largest float32 below the finite float32 `x`. */
function nextFloat32Below(x: number): number {
  if (x === 0) return -1.401298464324817e-45;
  bits[0] = x;
  bitsAsInt[0]! += x > 0 ? -1 : 1;
  return bits[0]!;
}

/** Options of {@link createDecodingStep}. */
export interface DecodingStepOptions {
  /** The prompt length (length options such as `minLength` count it). Defaults to 0. */
  readonly promptLength?: number;
  /** Extra processors, as `GenerateOptions.processors`. */
  readonly processors?: readonly LogitsProcessor[];
  /** Extra warpers, as `GenerateOptions.warpers`. */
  readonly warpers?: readonly LogitsProcessor[];
  /** A custom selector, as `GenerateOptions.selector`. */
  readonly selector?: TokenSelector;
  /** `generation_config.json` defaults under the user's config, as `GenerateOptions.modelDefaults`. */
  readonly modelDefaults?: GenerationConfigInput;
}

/**
 * The per-row step that `generate()` runs for a greedy or sampling config: its processors in Hugging
 * Face's order and its selector, for driving your own decode loop (or for benchmarks). Call
 * `step.select(logitsRow, ctx)` with `ctx.random` set (`createRandom(seed)`), then
 * `step.accept(token, ctx)` after appending the token to `ctx.tokens`.
 *
 * @throws {@link ConfigError} for beam search (`numBeams > 1`): it ranks rows together, see `BeamSearch`.
 * @throws {@link InvalidOptionError} / {@link ConfigError} for invalid configs, as `generate()`.
 *
 * @example
 * ```ts
 * const step = createDecodingStep({ doSample: true, temperature: 0.7, topK: 50 });
 * const ctx = { tokens: new Int32Array(0), length: 0, promptLength: 0, row: 0, eosTokenIds: [], random: createRandom(1) };
 * const token = step.select(logits, ctx); // logits: a Float32Array of vocabulary size, left unchanged
 * ```
 */
export function createDecodingStep(
  config: GenerationConfigInput = {},
  options: DecodingStepOptions = {},
): DecodingStep {
  const resolved = resolveGenerationConfig(config, options.modelDefaults);
  if (resolved.numBeams > 1) {
    throw new ConfigError(
      'createDecodingStep is for greedy decoding and sampling; use BeamSearch for numBeams > 1',
    );
  }
  const promptLength = options.promptLength ?? 0;
  const processors = buildProcessors(resolved, {
    budget: resolved.maxNewTokens ?? Math.max(1, resolved.maxLength - promptLength),
    promptLength,
    longestPrompt: promptLength,
    ...(options.processors ? { userProcessors: options.processors } : {}),
    ...(options.warpers ? { userWarpers: options.warpers } : {}),
  });
  return new DecodingStep(processors, options.selector ?? (resolved.doSample ? sample() : greedy()));
}
