import { eosTokenIdsOf, resolveGenerationConfig } from '../config/resolve.js';
import type { GenerationConfig, GenerationConfigInput } from '../config/types.js';
import { ConfigError, InvalidOptionError } from '../errors.js';
import { createRandom, randomSeed } from '../random/xoshiro.js';
import { resolveLengthBudget } from '../stopping/limits.js';
import { StopStringMatcher } from '../stopping/stop-strings.js';
import type { DecoderModel, ModelSession } from '../types.js';
import { runBeamLoop } from './beam-loop.js';
import { type GenerationRun, makeSequence } from './run.js';
import { runSamplingLoop } from './sampling-loop.js';
import { Tracer } from './trace.js';
import type { GeneratedSequence, GenerateOptions, GenerationResult, TokenEvent } from './types.js';

/**
 * Generates continuations of a batch of prompts with `model`, exactly as Hugging Face `model.generate()`
 * decodes (greedy, multinomial sampling, beam search, beam sampling), with seeded sampling, stop strings,
 * an abort signal and a time limit.
 *
 * - The configuration is resolved with {@link resolveGenerationConfig} (user config over
 *   `options.modelDefaults` over HF's defaults); every problem is a typed error before any forward call,
 *   including prompts that do not fit `model.maxPositions`.
 * - Processor history counts only real tokens, never padding (HF counts the pad tokens of a left-padded
 *   batch, e.g. in the repetition penalty), so a prompt decodes the same alone or in a batch. Length
 *   options (`maxLength`, `minLength`, `forcedEosTokenId`) do count the prompt as the longest prompt of the
 *   batch, like HF's padded length, so every row gets the same budget of new tokens.
 * - Sequences are returned at their own length; {@link toPaddedSequences} gives HF's padded layout.
 * - Stop strings end a sequence when its generated text contains one; `text` is cut before it (tokens are
 *   kept). An aborted signal or `maxTime` ends every sequence cleanly with finish reason `'aborted'` or
 *   `'time'`, keeping what was generated.
 * - The session is disposed in every case (success, error, abort).
 *
 * @param prompts - token ids per prompt (non-empty, within the vocabulary).
 *
 * @example
 * ```ts
 * const result = await generate(model, [[464, 2068]], { maxNewTokens: 8, doSample: true, topP: 0.9, seed: 1 });
 * result.sequences[0].newTokens; // the same 8 tokens on every run with seed 1
 * ```
 */
export function generate(
  model: DecoderModel,
  prompts: readonly (readonly number[])[],
  config: GenerationConfigInput = {},
  options: GenerateOptions = {},
): Promise<GenerationResult> {
  return runGeneration(model, prompts, config, options, undefined);
}

/** @internal Shared by {@link generate} and {@link streamGeneration}. */
export async function runGeneration(
  model: DecoderModel,
  prompts: readonly (readonly number[])[],
  userConfig: GenerationConfigInput,
  options: GenerateOptions,
  emit: ((event: TokenEvent) => void) | undefined,
  waitForConsumer?: () => Promise<void>,
): Promise<GenerationResult> {
  const now = options.now ?? defaultClock();
  const started = now();
  const config = resolveGenerationConfig(userConfig, options.modelDefaults);
  const vocabSize = model.vocabSize;
  const budget = resolveLengthBudget(prompts, config, vocabSize, model.maxPositions);
  checkAgainstVocabulary(config, vocabSize);
  const eosTokenIds = eosTokenIdsOf(config);
  if (config.stopStrings && !options.decode) {
    throw new ConfigError('stopStrings need a decode callback (options.decode) to match generated text');
  }
  if (options.selector && config.numBeams > 1) {
    throw new ConfigError(
      'a custom selector replaces greedy or sampling; it cannot be used with numBeams > 1',
    );
  }
  if (
    config.numBeams > 1 &&
    Math.max(2, 1 + eosTokenIds.length) * config.numBeams > config.numBeams * vocabSize
  ) {
    throw new ConfigError(
      `numBeams ${config.numBeams} needs a vocabulary of at least ${Math.max(2, 1 + eosTokenIds.length)} tokens`,
    );
  }
  const seed = config.seed ?? randomSeed();
  const longestPrompt = Math.max(...prompts.map((prompt) => prompt.length));
  const traceOptions = options.trace === true ? {} : options.trace || undefined;
  const tracer = traceOptions ? new Tracer(traceOptions) : undefined;
  let prefillDone: number | undefined;
  const finish = (sequences: GeneratedSequence[]): GenerationResult => {
    const ended = now();
    const prefillMs = (prefillDone ?? ended) - started;
    const decodeMs = ended - (prefillDone ?? ended);
    const newTokens = sequences.reduce((sum, sequence) => sum + sequence.newTokens.length, 0);
    const seconds = (prefillMs + decodeMs) / 1000;
    return {
      sequences,
      numReturnSequences: config.numReturnSequences,
      prompts: prompts.map((prompt) => [...prompt]),
      seed,
      config,
      timings: { prefillMs, decodeMs, newTokens, tokensPerSecond: seconds > 0 ? newTokens / seconds : 0 },
      ...(tracer ? { trace: tracer.records } : {}),
    };
  };

  const stopMatcher =
    config.stopStrings && options.decode
      ? new StopStringMatcher(config.stopStrings, options.decode)
      : undefined;
  const externalStop = () => {
    if (options.signal?.aborted) return 'aborted' as const;
    if (config.maxTime !== undefined && now() - started > config.maxTime * 1000) return 'time' as const;
    return null;
  };

  let session: ModelSession | undefined;
  const runBase = {
    model,
    config,
    prompts,
    vocabSize,
    budget,
    longestPrompt,
    eosTokenIds,
    random: createRandom(seed),
    decode: options.decode,
    stopMatcher,
    tracer,
    userProcessors: options.processors,
    userWarpers: options.warpers,
    selector: options.selector,
    emit,
    waitForConsumer,
    aborted: () => options.signal?.aborted === true,
    externalStop,
    markPrefillDone: () => {
      prefillDone = now();
    },
  };

  if (options.signal?.aborted) {
    // Nothing generated: every sequence is its prompt.
    const run = { ...runBase, session: undefined as unknown as ModelSession };
    const sequences = prompts.flatMap((prompt, promptIndex) =>
      Array.from({ length: config.numReturnSequences }, () =>
        makeSequence(run, promptIndex, prompt, prompt.length, 'aborted', null),
      ),
    );
    return finish(sequences);
  }

  try {
    session = await model.createSession();
    const run: GenerationRun = { ...runBase, session };
    const sequences = config.numBeams > 1 ? await runBeamLoop(run) : await runSamplingLoop(run);
    if (config.numBeams > 1 && emit) emitBeamEvents(sequences, emit);
    return finish(sequences);
  } finally {
    await session?.dispose();
  }
}

function emitBeamEvents(sequences: readonly GeneratedSequence[], emit: (event: TokenEvent) => void): void {
  sequences.forEach((sequence, index) => {
    sequence.newTokens.forEach((token, step) => {
      const finished = step === sequence.newTokens.length - 1;
      emit({
        sequence: index,
        promptIndex: sequence.promptIndex,
        token,
        step,
        finished,
        ...(finished ? { finishReason: sequence.finishReason } : {}),
      });
    });
  });
}

function checkAgainstVocabulary(config: GenerationConfig, vocabSize: number): void {
  const allowed = `token ids in [0, ${vocabSize - 1}] (the model's vocabulary)`;
  const check = (option: string, ids: readonly number[]) => {
    for (const id of ids) if (id >= vocabSize) throw new InvalidOptionError(option, id, allowed);
  };
  const asList = (value: number | readonly number[] | undefined) =>
    value === undefined ? [] : typeof value === 'number' ? [value] : value;
  check('eosTokenId', asList(config.eosTokenId));
  check('padTokenId', asList(config.padTokenId));
  check('bosTokenId', asList(config.bosTokenId));
  check('forcedBosTokenId', asList(config.forcedBosTokenId));
  check('forcedEosTokenId', asList(config.forcedEosTokenId));
  check('suppressTokens', config.suppressTokens ?? []);
  check('beginSuppressTokens', config.beginSuppressTokens ?? []);
  check('badWordsIds', (config.badWordsIds ?? []).flat());
  check(
    'sequenceBias',
    (config.sequenceBias ?? []).flatMap(([ids]) => ids),
  );
  check('logitBias', Object.keys(config.logitBias ?? {}).map(Number));
}

function defaultClock(): () => number {
  const performance = (globalThis as { performance?: { now(): number } }).performance;
  return performance ? () => performance.now() : () => Date.now();
}
