import type { FinishReason } from '../beam/beam-search.js';
import { greedy } from '../selection/greedy.js';
import { sample } from '../selection/sample.js';
import type { LogitsProcessor, SelectContext, TokenSelector } from '../types.js';
import { cloneProcessors } from './pipeline.js';
import { distinctPrefill, type GenerationRun, makeSequence, promptProcessors } from './run.js';
import { TokenBuffer } from './token-buffer.js';
import type { GeneratedSequence, TraceRecord } from './types.js';

/** One sequence being generated (greedy or sampling). */
interface Row {
  readonly sequence: number;
  readonly promptIndex: number;
  readonly history: TokenBuffer;
  readonly processors: LogitsProcessor[];
  readonly selector: TokenSelector;
  readonly context: RowContext;
  /** The row's position in the session's current batch. */
  sessionRow: number;
  finishReason: FinishReason | null;
  stopString: string | undefined;
  readonly feed: [number];
}

/** A reusable, mutable `SelectContext` for one row. */
class RowContext implements SelectContext {
  tokens: Int32Array;
  length: number;
  promptLength: number;
  row = 0;
  readonly eosTokenIds: readonly number[];
  readonly random: SelectContext['random'];
  constructor(history: TokenBuffer, eosTokenIds: readonly number[], random: SelectContext['random']) {
    this.tokens = history.data;
    this.length = history.length;
    this.promptLength = history.promptLength;
    this.eosTokenIds = eosTokenIds;
    this.random = random;
  }
  sync(history: TokenBuffer, row: number): void {
    this.tokens = history.data;
    this.length = history.length;
    this.row = row;
  }
}

/**
 * Greedy decoding and multinomial sampling (HF `_sample`) over a batch of prompts, `numReturnSequences`
 * rows per prompt. Each distinct prompt is prefilled once; its rows are made by `selectRows` after the
 * first step, and finished rows are dropped from the session at once (no forward compute is spent on
 * them). Logits rows are copied into a scratch buffer before processors (or a custom selector) see them:
 * the session's buffer is never modified.
 */
export async function runSamplingLoop(run: GenerationRun): Promise<GeneratedSequence[]> {
  const { config, prompts, vocabSize, tracer } = run;
  const perPrompt = config.numReturnSequences;
  const baseSelector = run.selector ?? (config.doSample ? sample() : greedy());

  // Distinct prompts are prefilled once each.
  const { prefillTokens, prefillRowOf } = distinctPrefill(prompts);
  const rows: Row[] = [];
  prompts.forEach((prompt, promptIndex) => {
    const prefillRow = prefillRowOf[promptIndex]!;
    const template = promptProcessors(run, prompt);
    for (let copy = 0; copy < perPrompt; copy++) {
      const history = new TokenBuffer(prompt, prompt.length + Math.min(run.budget, 256));
      rows.push({
        sequence: promptIndex * perPrompt + copy,
        promptIndex,
        history,
        processors: cloneProcessors(template),
        selector: baseSelector.clone?.() ?? baseSelector,
        context: new RowContext(history, run.eosTokenIds, run.random),
        sessionRow: prefillRow,
        finishReason: null,
        stopString: undefined,
        feed: [0],
      });
    }
  });

  const scratch = new Float32Array(vocabSize);
  let active = rows;
  let feed: readonly (readonly number[])[] = prefillTokens;
  let sessionRows = prefillTokens.length;
  for (let step = 0; active.length > 0; step++) {
    if (step > 0) {
      await run.waitForConsumer?.();
      if (run.aborted()) {
        for (const row of active) row.finishReason = 'aborted';
        break;
      }
    }
    const logits = await run.session.step(feed);
    if (step === 0) run.markPrefillDone();
    const external = run.externalStop();
    for (let r = 0; r < active.length; r++) {
      const row = active[r]!;
      const start = row.sessionRow * vocabSize;
      const raw = logits.subarray(start, start + vocabSize);
      const traced = tracer?.wants(row.sequence) ? tracer : undefined;
      row.context.sync(row.history, r);
      let scores = raw;
      // A custom selector may write into the row: it gets a copy, like the processors.
      if (row.processors.length > 0 || traced || run.selector) {
        scratch.set(raw);
        scores = scratch;
        traced?.begin(step, row.sequence, row.promptIndex, scores);
        for (const processor of row.processors) {
          processor.process(scores, row.context);
          traced?.stage(processor.name, scores);
        }
      }
      const token = row.selector.select(scores, row.context);
      const record: TraceRecord | undefined = traced?.end(token);
      row.history.push(token);
      row.context.sync(row.history, r);
      for (const processor of row.processors) processor.accept?.(token, row.context);
      row.selector.accept?.(token, row.context);
      row.finishReason = finishReasonOf(run, row, token, external);
      row.feed[0] = token;
      run.emit?.({
        sequence: row.sequence,
        promptIndex: row.promptIndex,
        token,
        step,
        finished: row.finishReason !== null,
        ...(row.finishReason !== null ? { finishReason: row.finishReason } : {}),
        ...(record ? { trace: record } : {}),
      });
    }
    const next = active.filter((row) => row.finishReason === null);
    if (next.length === 0) break;
    const keep = next.map((row) => row.sessionRow);
    if (keep.length !== sessionRows || keep.some((sessionRow, index) => sessionRow !== index)) {
      await run.session.selectRows(keep);
      next.forEach((row, index) => {
        row.sessionRow = index;
      });
      sessionRows = keep.length;
    }
    active = next;
    feed = active.map((row) => row.feed);
  }

  return rows.map((row) =>
    makeSequence(
      run,
      row.promptIndex,
      row.history.data.subarray(0, row.history.length),
      row.history.promptLength,
      row.finishReason ?? 'length',
      null,
      row.stopString,
    ),
  );
}

function finishReasonOf(
  run: GenerationRun,
  row: Row,
  token: number,
  external: FinishReason | null,
): FinishReason | null {
  if (run.eosTokenIds.includes(token)) return 'eos';
  if (run.stopMatcher) {
    const stop = run.stopMatcher.check(row.history.data, row.history.promptLength, row.history.length);
    if (stop !== undefined) {
      row.stopString = stop;
      return 'stop';
    }
  }
  if (row.history.generatedLength >= run.budget) return 'length';
  return external;
}
