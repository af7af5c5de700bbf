import type { GenerationConfigInput } from '@nucleus/samplers';
import { UsageError } from './errors.js';

type ConfigKey = keyof GenerationConfigInput;

/** How a flag's text becomes a value. */
export type FlagType = 'integer' | 'number' | 'boolean' | 'early-stopping' | 'string-list' | 'id-list';

/** One command-line flag that maps to one `GenerationConfig` option. */
export interface GenerationFlag {
  readonly flag: string;
  readonly key: ConfigKey;
  readonly type: FlagType;
  readonly help: string;
  /** Placeholder shown in `--help`. */
  readonly value?: string;
}

/** The Hugging Face `generate()` options, in kebab-case, in the order `--help` shows them. */
export const GENERATION_FLAGS: readonly GenerationFlag[] = [
  {
    flag: 'max-new-tokens',
    key: 'maxNewTokens',
    type: 'integer',
    help: 'most new tokens per sequence (default 50)',
  },
  { flag: 'max-length', key: 'maxLength', type: 'integer', help: 'most tokens in all, prompt included' },
  {
    flag: 'min-new-tokens',
    key: 'minNewTokens',
    type: 'integer',
    help: 'no end-of-text before this many new tokens',
  },
  { flag: 'min-length', key: 'minLength', type: 'integer', help: 'no end-of-text before this total length' },
  { flag: 'do-sample', key: 'doSample', type: 'boolean', help: 'sample instead of taking the best token' },
  { flag: 'temperature', key: 'temperature', type: 'number', help: 'softmax temperature, > 0 (sampling)' },
  {
    flag: 'top-k',
    key: 'topK',
    type: 'integer',
    help: 'keep the k best tokens, 0 = off (sampling; HF default 50)',
  },
  {
    flag: 'top-p',
    key: 'topP',
    type: 'number',
    help: 'nucleus: smallest set with this mass, in [0, 1] (sampling)',
  },
  {
    flag: 'min-p',
    key: 'minP',
    type: 'number',
    help: 'drop tokens below min-p x the best one, in [0, 1] (sampling)',
  },
  {
    flag: 'typical-p',
    key: 'typicalP',
    type: 'number',
    help: 'locally typical sampling mass, in (0, 1] (sampling)',
  },
  {
    flag: 'epsilon-cutoff',
    key: 'epsilonCutoff',
    type: 'number',
    help: 'drop tokens with p < e, in [0, 1) (sampling)',
  },
  { flag: 'eta-cutoff', key: 'etaCutoff', type: 'number', help: 'eta sampling cutoff, in [0, 1) (sampling)' },
  {
    flag: 'repetition-penalty',
    key: 'repetitionPenalty',
    type: 'number',
    help: 'CTRL penalty for seen tokens, > 0',
  },
  {
    flag: 'no-repeat-ngram-size',
    key: 'noRepeatNgramSize',
    type: 'integer',
    help: 'never repeat an n-gram of this size',
  },
  {
    flag: 'frequency-penalty',
    key: 'frequencyPenalty',
    type: 'number',
    help: 'subtract count x this from generated tokens',
  },
  {
    flag: 'presence-penalty',
    key: 'presencePenalty',
    type: 'number',
    help: 'subtract this from every generated token',
  },
  { flag: 'num-beams', key: 'numBeams', type: 'integer', help: 'beam search with this many beams (1 = off)' },
  {
    flag: 'num-return-sequences',
    key: 'numReturnSequences',
    type: 'integer',
    help: 'sequences returned per prompt',
  },
  {
    flag: 'length-penalty',
    key: 'lengthPenalty',
    type: 'number',
    help: 'beam score / length^this (default 1)',
  },
  {
    flag: 'early-stopping',
    key: 'earlyStopping',
    type: 'early-stopping',
    value: 'true|false|never',
    help: 'beam search stopping rule (default false)',
  },
  {
    flag: 'seed',
    key: 'seed',
    type: 'integer',
    help: 'seed of the random source (sampling); printed when not given',
  },
  {
    flag: 'stop',
    key: 'stopStrings',
    type: 'string-list',
    value: 'text',
    help: 'stop at this text (repeatable)',
  },
  {
    flag: 'max-time',
    key: 'maxTime',
    type: 'number',
    value: 'seconds',
    help: 'stop after this many seconds',
  },
  {
    flag: 'suppress-tokens',
    key: 'suppressTokens',
    type: 'id-list',
    value: 'ids',
    help: 'token ids never generated',
  },
  { flag: 'eos-token-id', key: 'eosTokenId', type: 'id-list', value: 'ids', help: 'end-of-text token id(s)' },
];

/** Parses one flag's text into the value its config option takes. Throws {@link UsageError} when it can't. */
export function parseFlagValue(flag: GenerationFlag, text: string): unknown {
  const name = `--${flag.flag}`;
  switch (flag.type) {
    case 'integer': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isInteger(value)) {
        throw new UsageError(`${name} must be an integer, got ${JSON.stringify(text)}`);
      }
      return value;
    }
    case 'number': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) {
        throw new UsageError(`${name} must be a finite number, got ${JSON.stringify(text)}`);
      }
      return value;
    }
    case 'boolean': {
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new UsageError(`${name} must be true or false, got ${JSON.stringify(text)}`);
    }
    case 'early-stopping': {
      if (text === 'true') return true;
      if (text === 'false') return false;
      if (text === 'never') return 'never';
      throw new UsageError(`${name} must be one of true, false, never, got ${JSON.stringify(text)}`);
    }
    case 'string-list':
      return [text];
    case 'id-list':
      return parseIdList(name, text);
  }
}

/** `"1,2, 3"` -> `[1, 2, 3]`; every entry a non-negative integer. */
export function parseIdList(name: string, text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const ids = parts.map(Number);
  if (parts.some((part) => part === '') || ids.some((id) => !Number.isInteger(id) || id < 0)) {
    throw new UsageError(
      `${name} must be comma-separated token ids (integers >= 0), got ${JSON.stringify(text)}`,
    );
  }
  return ids;
}

/** Maps a config option name (`topP`) back to its flag (`--top-p`), for error messages. */
export function flagForOption(option: string): string | undefined {
  const found = GENERATION_FLAGS.find((flag) => flag.key === option);
  return found ? `--${found.flag}` : undefined;
}
