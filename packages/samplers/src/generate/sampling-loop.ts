import type { FinishReason } from '../beam/beam-search.js';
import { greedy } from '../selection/greedy.js';
import { sample } from '../selection/sample.js';
import type { SelectContext } from '../types.js';
import { DecodingStep } from './decoding-step.js';
import { distinctPrefill, type GenerationRun, makeSequence, promptProcessors } from './run.js';
import { TokenBuffer } from './token-buffer.js';
import type { GeneratedSequence, TraceRecord } from './types.js';

/** One sequence being generated (greedy or sampling). */
interface Row {
  readonly sequence: number;
  readonly promptIndex: number;
  readonly history: TokenBuffer;
  readonly step: DecodingStep;
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
    const template = new DecodingStep(promptProcessors(run, prompt), baseSelector);
    for (let copy = 0; copy < perPrompt; copy++) {
      const history = new TokenBuffer(prompt, prompt.length + Math.min(run.budget, 256));
      rows.push({
        sequence: promptIndex * perPrompt + copy,
        promptIndex,
        history,
        step: template.clone(),
        context: new RowContext(history, run.eosTokenIds, run.random),
        sessionRow: prefillRow,
        finishReason: null,
        stopString: undefined,
        feed: [0],
      });
    }
  });

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
      const token = traced
        ? row.step.selectTraced(raw, row.context, traced, {
            step,
            sequence: row.sequence,
            promptIndex: row.promptIndex,
          })
        : row.step.select(raw, row.context);
      const record: TraceRecord | undefined = traced?.end(token);
      row.history.push(token);
      row.context.sync(row.history, r);
      row.step.accept(token, row.context);
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
