import { eosTokenIdsOf } from '../config/resolve.js';
import type { GenerationConfig } from '../config/types.js';
import {
  badWordsIds,
  beginSuppressTokens,
  epsilonCutoff,
  etaCutoff,
  forcedBosTokenId,
  forcedEosTokenId,
  frequencyPenalty,
  logitBias,
  minLength,
  minNewTokens,
  minP,
  noRepeatNgramSize,
  presencePenalty,
  repetitionPenalty,
  sequenceBias,
  suppressTokens,
  temperature,
  topK,
  topP,
  typicalP,
} from '../processors/index.js';
import type { LogitsProcessor } from '../types.js';
import { renormalizeLogits } from './log-softmax.js';

/** What {@link buildProcessors} needs besides the config. */
export interface PipelineContext {
  /** New tokens every row may generate. */
  readonly budget: number;
  /** This prompt's length. */
  readonly promptLength: number;
  /** The longest prompt of the batch (length options count it, as HF does with left padding). */
  readonly longestPrompt: number;
  /** Extra user processors, run after the history processors and before the warpers. */
  readonly userProcessors?: readonly LogitsProcessor[];
  /** Extra user warpers, run after the built-in warpers (whether or not sampling). */
  readonly userWarpers?: readonly LogitsProcessor[];
}

/**
 * The processors of one prompt's rows, in HF `generate()` order (semantics page, "One step, in order"):
 * 1. history processors: sequenceBias, repetitionPenalty, noRepeatNgramSize, badWordsIds, minLength,
 *    minNewTokens, forcedBosTokenId, forcedEosTokenId, suppressTokens, beginSuppressTokens; then the Nucleus
 *    extras frequencyPenalty, presencePenalty, logitBias;
 * 2. the user's processors;
 * 3. when sampling, the warpers temperature, topK, topP, minP, typicalP, epsilonCutoff, etaCutoff, each
 *    skipped at its neutral value, with `minTokensToKeep` 1, or in beam search 1 + #eos (2 without EOS);
 * 4. the user's warpers (plugins registered with `stage: 'warper'`, such as XTC);
 * 5. renormalizeLogits (log-softmax) when asked.
 *
 * Length options count the prompt as the longest prompt of the batch (HF's left-padded length): for this
 * prompt, `minLength` becomes `minLength - (longest - promptLength)` and forcedEosTokenId fires at
 * `promptLength + budget - 1`.
 */
export function buildProcessors(config: GenerationConfig, context: PipelineContext): LogitsProcessor[] {
  const eos = eosTokenIdsOf(config);
  const padding = context.longestPrompt - context.promptLength;
  const list: LogitsProcessor[] = [];
  if (config.sequenceBias) list.push(sequenceBias(config.sequenceBias));
  if (config.repetitionPenalty !== 1) list.push(repetitionPenalty(config.repetitionPenalty));
  if (config.noRepeatNgramSize > 0) list.push(noRepeatNgramSize(config.noRepeatNgramSize));
  if (config.badWordsIds) list.push(badWordsIds(config.badWordsIds));
  if (eos.length > 0 && config.minLength - padding > 0) list.push(minLength(config.minLength - padding));
  if (eos.length > 0 && config.minNewTokens !== undefined && config.minNewTokens > 0) {
    list.push(minNewTokens(config.minNewTokens));
  }
  // HF forces BOS when the (padded) length is 1: only when every prompt of the batch is one token long.
  if (config.forcedBosTokenId !== undefined && context.longestPrompt === 1) {
    list.push(forcedBosTokenId(config.forcedBosTokenId));
  }
  if (config.forcedEosTokenId !== undefined) {
    list.push(forcedEosTokenId(config.forcedEosTokenId, context.promptLength + context.budget));
  }
  if (config.suppressTokens && config.suppressTokens.length > 0)
    list.push(suppressTokens(config.suppressTokens));
  if (config.beginSuppressTokens && config.beginSuppressTokens.length > 0) {
    list.push(beginSuppressTokens(config.beginSuppressTokens));
  }
  if (config.frequencyPenalty !== 0) list.push(frequencyPenalty(config.frequencyPenalty));
  if (config.presencePenalty !== 0) list.push(presencePenalty(config.presencePenalty));
  if (config.logitBias && Object.keys(config.logitBias).length > 0) list.push(logitBias(config.logitBias));
  if (context.userProcessors) list.push(...context.userProcessors);
  if (config.doSample) {
    const keep = { minTokensToKeep: config.numBeams > 1 ? (eos.length > 0 ? eos.length + 1 : 2) : 1 };
    if (config.temperature !== 1) list.push(temperature(config.temperature));
    if (config.topK !== 0) list.push(topK(config.topK, keep));
    if (config.topP < 1) list.push(topP(config.topP, keep));
    if (config.minP !== undefined) list.push(minP(config.minP, keep));
    if (config.typicalP < 1) list.push(typicalP(config.typicalP, keep));
    if (config.epsilonCutoff > 0) list.push(epsilonCutoff(config.epsilonCutoff, keep));
    if (config.etaCutoff > 0) list.push(etaCutoff(config.etaCutoff, keep));
  }
  if (context.userWarpers) list.push(...context.userWarpers);
  if (config.renormalizeLogits) list.push(renormalizeLogits());
  return list;
}

/** An independent copy of a row's processors (stateless ones, without `clone`, are shared). */
export function cloneProcessors(processors: readonly LogitsProcessor[]): LogitsProcessor[] {
  return processors.map((processor) => processor.clone?.() ?? processor);
}
