import type { FinishReason } from '../beam/beam-search.js';
import type { GenerationConfig } from '../config/types.js';
import type { SeededRandom } from '../random/xoshiro.js';
import { cutBeforeStopString, type DecodeFn, type StopStringMatcher } from '../stopping/stop-strings.js';
import type { DecoderModel, LogitsProcessor, ModelSession, TokenSelector } from '../types.js';
import { buildProcessors } from './pipeline.js';
import type { Tracer } from './trace.js';
import type { GeneratedSequence, TokenEvent } from './types.js';

/** Everything a decode loop needs, prepared and validated by `generate`. */
export interface GenerationRun {
  readonly model: DecoderModel;
  readonly session: ModelSession;
  readonly config: GenerationConfig;
  readonly prompts: readonly (readonly number[])[];
  readonly vocabSize: number;
  /** New tokens every sequence may generate. */
  readonly budget: number;
  readonly longestPrompt: number;
  readonly eosTokenIds: readonly number[];
  readonly random: SeededRandom;
  readonly decode: DecodeFn | undefined;
  readonly stopMatcher: StopStringMatcher | undefined;
  readonly tracer: Tracer | undefined;
  readonly userProcessors: readonly LogitsProcessor[] | undefined;
  readonly userWarpers: readonly LogitsProcessor[] | undefined;
  readonly selector: TokenSelector | undefined;
  readonly emit: ((event: TokenEvent) => void) | undefined;
  /** Streaming: resolves once the consumer took the events emitted so far. */
  readonly waitForConsumer: (() => Promise<void>) | undefined;
  /** True once the abort signal fired (checked before each forward call). */
  readonly aborted: () => boolean;
  /** Abort or time limit, checked after each step's tokens were chosen; `null` to go on. */
  readonly externalStop: () => FinishReason | null;
  /** Called once the first forward call (the prefill) returned. */
  readonly markPrefillDone: () => void;
}

/**
 * Builds one result sequence, decoding its text when a decoder was given: without a final EOS token, and
 * cut before the stop string that ended it (`matchedStopString`, or the first stop string in the text).
 */
export function makeSequence(
  run: GenerationRun,
  promptIndex: number,
  tokens: ArrayLike<number>,
  promptLength: number,
  finishReason: FinishReason,
  score: number | null,
  matchedStopString?: string,
): GeneratedSequence {
  const all = Array.from(tokens);
  const newTokens = all.slice(promptLength);
  const sequence: {
    promptIndex: number;
    tokens: number[];
    newTokens: number[];
    score: number | null;
    finishReason: FinishReason;
    stopString?: string;
    text?: string;
  } = { promptIndex, tokens: all, newTokens, score, finishReason };
  if (run.decode) {
    const last = newTokens[newTokens.length - 1];
    const textTokens =
      finishReason === 'eos' && last !== undefined && run.eosTokenIds.includes(last)
        ? newTokens.slice(0, -1)
        : newTokens;
    let text = run.decode(textTokens);
    if (finishReason === 'stop' && run.stopMatcher) {
      // The matcher saw the stop string in a window of the last tokens; find it in the whole text.
      const cut = cutBeforeStopString(
        text,
        matchedStopString ? [matchedStopString] : run.stopMatcher.stopStrings,
      );
      const stopString =
        matchedStopString ?? run.stopMatcher.stopStrings.find((stop) => text.startsWith(stop, cut.length));
      if (stopString !== undefined) sequence.stopString = stopString;
      text = cut;
    }
    sequence.text = text;
  }
  return sequence;
}

/** Each distinct prompt once, for the prefill, and the prefill row of every prompt. */
export function distinctPrefill(prompts: readonly (readonly number[])[]): {
  readonly prefillTokens: readonly (readonly number[])[];
  readonly prefillRowOf: readonly number[];
} {
  const rowByKey = new Map<string, number>();
  const prefillTokens: (readonly number[])[] = [];
  const prefillRowOf = prompts.map((prompt) => {
    const key = prompt.join(',');
    let row = rowByKey.get(key);
    if (row === undefined) {
      row = prefillTokens.length;
      rowByKey.set(key, row);
      prefillTokens.push(prompt);
    }
    return row;
  });
  return { prefillTokens, prefillRowOf };
}

/** The processors of one prompt's rows (a template: rows clone it). */
export function promptProcessors(run: GenerationRun, prompt: readonly number[]): LogitsProcessor[] {
  return buildProcessors(run.config, {
    budget: run.budget,
    promptLength: prompt.length,
    longestPrompt: run.longestPrompt,
    ...(run.userProcessors ? { userProcessors: run.userProcessors } : {}),
    ...(run.userWarpers ? { userWarpers: run.userWarpers } : {}),
  });
}
