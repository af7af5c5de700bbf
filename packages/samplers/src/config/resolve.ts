import { ConfigError, formatValue, InvalidOptionError } from '../errors.js';
import {
  BEAM_HARMLESS_VALUES,
  OPTION_NAMES,
  OPTIONS,
  SAMPLING_HARMLESS_VALUES,
  UNSUPPORTED_OPTIONS,
} from './options.js';
import { closestName } from './suggest.js';
import type { GenerationConfig, GenerationConfigInput } from './types.js';

const MODEL_DEFAULT_HINT = "from the model's generation config";
const KNOWN_NAMES: readonly string[] = OPTION_NAMES;

/**
 * Turns a user configuration (and optionally a model's defaults, e.g. from its `generation_config.json` via
 * {@link fromHuggingFace}) into a frozen, validated, fully defaulted {@link GenerationConfig}.
 * Precedence: user value, then model default, then HF's default.
 *
 * Rejected with a typed error, never silently ignored:
 * - a bad value: {@link InvalidOptionError} naming the option, the value and what is allowed;
 * - an unknown key: {@link ConfigError} naming it and suggesting the closest known key (`top_p` -> `topP`);
 * - an HF feature Nucleus does not implement (group beam search, contrastive search, guidance, constraints,
 *   watermarking, assistants, ...) at a non-neutral value: {@link ConfigError} saying it is not supported;
 * - contradictions: `numReturnSequences > 1` with greedy decoding, `numReturnSequences > numBeams` in beam
 *   search, `temperature <= 0` with `doSample`, a sampling option (temperature, topK, topP, minP, typicalP,
 *   epsilonCutoff, etaCutoff) set by the user to an active value while `doSample` is false, a beam option
 *   (lengthPenalty, earlyStopping) set by the user while `numBeams` is 1, and minimum lengths above maximum
 *   lengths. Values that come from `modelDefaults` are not the user's choice and never count as a
 *   contradiction of this kind.
 *
 * @example
 * ```ts
 * const config = resolveGenerationConfig({ doSample: true, topP: 0.9, maxNewTokens: 32 });
 * config.topK; // 50, HF's default: pass topK: 0 to turn it off
 * ```
 */
export function resolveGenerationConfig(
  userConfig: GenerationConfigInput = {},
  modelDefaults?: GenerationConfigInput,
): GenerationConfig {
  const user = checkKeys(userConfig, 'generation config');
  const defaults = modelDefaults === undefined ? {} : checkKeys(modelDefaults, 'modelDefaults');

  const resolved: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const descriptor = OPTIONS[name];
    if (user[name] !== undefined) {
      descriptor.validate(name, user[name]);
      resolved[name] = normalize(name, user[name]);
    } else if (defaults[name] !== undefined) {
      descriptor.validate(name, defaults[name], MODEL_DEFAULT_HINT);
      resolved[name] = normalize(name, defaults[name]);
    } else {
      resolved[name] = descriptor.defaultValue;
    }
  }
  const config = resolved as unknown as GenerationConfig;
  checkContradictions(config, user);
  return Object.freeze(config);
}

/** The end-of-sequence ids of a config as a list (empty when none). */
export function eosTokenIdsOf(config: Pick<GenerationConfig, 'eosTokenId'>): readonly number[] {
  const eos = config.eosTokenId;
  return eos === undefined ? [] : typeof eos === 'number' ? [eos] : eos;
}

function checkKeys(input: unknown, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(`the ${what} must be an object of options, got ${formatValue(input)}`);
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (Object.hasOwn(OPTIONS, key)) continue;
    const unsupported = UNSUPPORTED_OPTIONS[key];
    if (unsupported) {
      if (unsupported.isNeutral(record[key])) continue;
      throw new ConfigError(`${key} (${unsupported.hfName}) is not supported: ${unsupported.reason}`);
    }
    const suggestion = closestName(key, KNOWN_NAMES);
    throw new ConfigError(
      `unknown option "${key}" in the ${what}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
    );
  }
  return record;
}

function normalize(name: keyof GenerationConfig, value: unknown): unknown {
  if (name === 'stopStrings' && typeof value === 'string') return Object.freeze([value]);
  if (name === 'logitBias') {
    const entries =
      value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, number>);
    return Object.freeze(Object.fromEntries(entries.map(([id, bias]) => [Number(id), bias])));
  }
  return deepFreezeCopy(value);
}

function deepFreezeCopy(value: unknown): unknown {
  return Array.isArray(value) ? Object.freeze(value.map(deepFreezeCopy)) : value;
}

function checkContradictions(config: GenerationConfig, user: Record<string, unknown>): void {
  const setByUser = (name: string, harmless: readonly unknown[]) =>
    user[name] !== undefined && !harmless.includes(user[name]);

  if (config.doSample && config.temperature <= 0) {
    throw new InvalidOptionError(
      'temperature',
      config.temperature,
      'a number > 0 when doSample is true',
      'for deterministic output use greedy decoding: doSample: false',
    );
  }
  if (!config.doSample) {
    for (const [name, harmless] of Object.entries(SAMPLING_HARMLESS_VALUES)) {
      if (setByUser(name, harmless)) {
        throw new ConfigError(
          `${name} = ${formatValue(user[name])} only applies when sampling, but doSample is false: ` +
            `set doSample: true to sample, or remove ${name} for ${config.numBeams > 1 ? 'beam search' : 'greedy decoding'}`,
        );
      }
    }
  }
  if (config.numBeams === 1) {
    for (const [name, harmless] of Object.entries(BEAM_HARMLESS_VALUES)) {
      if (setByUser(name, harmless)) {
        throw new ConfigError(
          `${name} = ${formatValue(user[name])} only applies to beam search, but numBeams is 1: ` +
            `set numBeams > 1 or remove ${name}`,
        );
      }
    }
    if (!config.doSample && config.numReturnSequences > 1) {
      throw new ConfigError(
        `greedy decoding returns one sequence per prompt, but numReturnSequences is ${config.numReturnSequences}: ` +
          `set doSample: true, or numBeams >= ${config.numReturnSequences} for beam search`,
      );
    }
  } else if (config.numReturnSequences > config.numBeams) {
    throw new ConfigError(
      `numReturnSequences (${config.numReturnSequences}) must be <= numBeams (${config.numBeams}) in beam search`,
    );
  }
  if (
    config.minNewTokens !== undefined &&
    config.maxNewTokens !== undefined &&
    config.minNewTokens > config.maxNewTokens
  ) {
    throw new ConfigError(
      `minNewTokens (${config.minNewTokens}) is larger than maxNewTokens (${config.maxNewTokens})`,
    );
  }
  if (config.maxNewTokens === undefined && config.minLength > config.maxLength) {
    throw new ConfigError(`minLength (${config.minLength}) is larger than maxLength (${config.maxLength})`);
  }
}
