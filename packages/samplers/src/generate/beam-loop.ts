import { BeamSearch, type FinishReason } from '../beam/beam-search.js';
import type { LogitsProcessor, ProcessContext } from '../types.js';
import { logSoftmaxInPlace, logSoftmaxTerms } from './log-softmax.js';
import { cloneProcessors } from './pipeline.js';
import { distinctPrefill, type GenerationRun, makeSequence, promptProcessors } from './run.js';
import type { TokenBuffer } from './token-buffer.js';
import type { GeneratedSequence } from './types.js';

interface Item {
  readonly promptIndex: number;
  readonly search: BeamSearch<LogitsProcessor[]>;
  /** Session row of each running beam (before the first step: the prompt's prefill row for all). */
  sessionRows: number[];
}

/**
 * Beam search and beam sampling over a batch of prompts (HF `_beam_search`), all running beams of all
 * prompts in one batch: each prompt is prefilled once, the first step expands it to its B beams with
 * `selectRows`, every later step reorders the cache rows to follow the surviving beams, and a prompt's rows
 * leave the session as soon as its search is done.
 *
 * Per beam: `log_softmax` of the logits (in float32), then the history processors, the user processors
 * and, for beam sampling, the warpers, on the log-probabilities; a beam's processors move to its only
 * child and are cloned for extra children. See {@link BeamSearch} for the bookkeeping.
 */
export async function runBeamLoop(run: GenerationRun): Promise<GeneratedSequence[]> {
  const { config, prompts, session, vocabSize } = run;
  const B = config.numBeams;
  const { prefillTokens, prefillRowOf } = distinctPrefill(prompts);
  const items: Item[] = prompts.map((prompt, promptIndex) => {
    const prefillRow = prefillRowOf[promptIndex]!;
    const processors = promptProcessors(run, prompt);
    const search = new BeamSearch<LogitsProcessor[]>(
      prompt,
      {
        numBeams: B,
        eosCount: run.eosTokenIds.length,
        lengthPenalty: config.lengthPenalty,
        earlyStopping: config.earlyStopping,
        maxNewTokens: run.budget,
        doSample: config.doSample,
      },
      cloneProcessors(processors),
      cloneProcessors,
    );
    return { promptIndex, search, sessionRows: new Array<number>(B).fill(prefillRow) };
  });

  const buffers: RowBuffers = {
    scratch: Array.from({ length: B }, () => new Float32Array(vocabSize)),
    rowsView: new Array(B),
    rawViews: new Array(B),
    maxes: new Float64Array(B),
    logSums: new Float64Array(B),
    context: { tokens: new Int32Array(0), length: 0, promptLength: 0, row: 0, eosTokenIds: run.eosTokenIds },
  };
  const context = buffers.context;
  let active = items;
  let feed: readonly (readonly number[])[] = prefillTokens;
  let sessionRowCount = prefillTokens.length;

  for (let step = 0; active.length > 0; step++) {
    if (step > 0 && run.aborted()) {
      for (const item of active) item.search.finishRunning('aborted');
      break;
    }
    const logits = await session.step(feed);
    if (step === 0) run.markPrefillDone();
    const external = run.externalStop();
    const nextRows: number[] = [];
    const nextFeed: number[][] = [];
    const stillActive: Item[] = [];
    for (const item of active) {
      const { search } = item;
      const fused = prepareRows(item, logits, step, buffers, run);
      const candidates = search.selectCandidates(buffers.rowsView, run.random, fused);
      const beamsBefore = search.beams;
      const { parents, tokens } = search.step(candidates, (beam, token) => {
        if (run.eosTokenIds.includes(token)) return 'eos';
        const history = beamsBefore[beam]!;
        if (run.stopMatcher?.check(history.data, history.promptLength, history.length, token) !== undefined) {
          return 'stop';
        }
        return external;
      });
      if (search.done) continue;
      const previousRows = item.sessionRows;
      item.sessionRows = Array.from(parents, (parent) => previousRows[parent]!);
      for (let b = 0; b < B; b++) {
        const history = search.beams[b]!;
        setContext(context, history, nextRows.length);
        for (const processor of search.states[b]!) processor.accept?.(tokens[b]!, context);
        nextRows.push(item.sessionRows[b]!);
        nextFeed.push([tokens[b]!]);
      }
      stillActive.push(item);
    }
    if (stillActive.length === 0) break;
    if (nextRows.length !== sessionRowCount || nextRows.some((row, index) => row !== index)) {
      await session.selectRows(nextRows);
    }
    let offset = 0;
    for (const item of stillActive) {
      item.sessionRows = item.sessionRows.map((_, b) => offset + b);
      offset += B;
    }
    sessionRowCount = nextRows.length;
    active = stillActive;
    feed = nextFeed;
  }

  const sequences: GeneratedSequence[] = [];
  for (const item of items) {
    const prompt = prompts[item.promptIndex]!;
    const best = item.search.best(config.numReturnSequences);
    for (const hypothesis of best) {
      sequences.push(
        makeSequence(
          run,
          item.promptIndex,
          hypothesis.tokens,
          prompt.length,
          hypothesis.finishReason,
          hypothesis.score,
        ),
      );
    }
    for (let missing = best.length; missing < config.numReturnSequences; missing++) {
      sequences.push(makeSequence(run, item.promptIndex, prompt, prompt.length, externalReason(run), null));
    }
  }
  return sequences;
}

type MutableContext = { -readonly [K in keyof ProcessContext]: ProcessContext[K] };

/** Buffers reused by every step of the beam loop. */
interface RowBuffers {
  /** One processed row per beam. */
  readonly scratch: Float32Array[];
  /** What each beam's candidates are read from this step (beam 0's row for all beams on the first step). */
  readonly rowsView: Float32Array[];
  readonly rawViews: Float32Array[];
  readonly maxes: Float64Array;
  readonly logSums: Float64Array;
  readonly context: MutableContext;
}

/**
 * Fills `buffers.rowsView` with each running beam's scores for this step. Without processors (and without
 * tracing or sampling) the views are the session's raw logits and the returned log-softmax terms are fused
 * into the candidate selection; otherwise each beam's logits are copied, log-softmaxed and processed.
 * On the first step only beam 0 is computed: every beam still holds the prompt.
 */
function prepareRows(
  item: Item,
  logits: Float32Array,
  step: number,
  buffers: RowBuffers,
  run: GenerationRun,
): { maxes: Float64Array; logSums: Float64Array } | undefined {
  const { search } = item;
  const { vocabSize, tracer, config } = run;
  const B = search.numBeams;
  const beamsToProcess = step === 0 ? 1 : B;
  const { scratch, rowsView, rawViews, maxes, logSums, context } = buffers;
  if (!tracer && !config.doSample && search.states[0]!.length === 0) {
    for (let b = 0; b < beamsToProcess; b++) {
      const sessionRow = item.sessionRows[b]!;
      const raw = logits.subarray(sessionRow * vocabSize, (sessionRow + 1) * vocabSize);
      const { max, logSum } = logSoftmaxTerms(raw);
      const degenerate = !(max > Number.NEGATIVE_INFINITY) || max === Number.POSITIVE_INFINITY;
      maxes[b] = degenerate ? 0 : max;
      logSums[b] = degenerate ? 0 : logSum;
      rawViews[b] = raw;
    }
    for (let b = 0; b < B; b++) {
      const source = step === 0 ? 0 : b;
      rowsView[b] = rawViews[source]!;
      maxes[b] = maxes[source]!;
      logSums[b] = logSums[source]!;
    }
    return { maxes, logSums };
  }
  for (let b = 0; b < beamsToProcess; b++) {
    const sessionRow = item.sessionRows[b]!;
    const row = scratch[b]!;
    row.set(logits.subarray(sessionRow * vocabSize, (sessionRow + 1) * vocabSize));
    const beamRow = item.promptIndex * B + b;
    const traced = tracer?.wants(beamRow) ? tracer : undefined;
    traced?.begin(step, beamRow, item.promptIndex, row);
    logSoftmaxInPlace(row);
    traced?.stage('logSoftmax', row);
    setContext(context, search.beams[b]!, sessionRow);
    for (const processor of search.states[b]!) {
      processor.process(row, context);
      traced?.stage(processor.name, row);
    }
    traced?.end(null);
  }
  for (let b = 0; b < B; b++) rowsView[b] = scratch[step === 0 ? 0 : b]!;
  return undefined;
}

function setContext(context: MutableContext, history: TokenBuffer, row: number): void {
  context.tokens = history.data;
  context.length = history.length;
  context.promptLength = history.promptLength;
  context.row = row;
}

function externalReason(run: GenerationRun): FinishReason {
  return run.externalStop() ?? 'aborted';
}
