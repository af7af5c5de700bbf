import { ConfigError, formatValue } from '../errors.js';
import { HF_METADATA_KEYS, OPTION_NAMES, OPTIONS, UNSUPPORTED_OPTIONS } from './options.js';
import { closestName } from './suggest.js';
import type { GenerationConfig, GenerationConfigInput } from './types.js';

const FROM_HF_NAME = new Map<string, keyof GenerationConfig>(
  OPTION_NAMES.flatMap((name) => {
    const hfName = OPTIONS[name].hfName;
    return hfName === undefined ? [] : [[hfName, name] as const];
  }),
);
const UNSUPPORTED_BY_HF_NAME = new Map(
  Object.values(UNSUPPORTED_OPTIONS).map((entry) => [entry.hfName, entry]),
);
const KNOWN_HF_NAMES = [...FROM_HF_NAME.keys(), ...UNSUPPORTED_BY_HF_NAME.keys(), ...HF_METADATA_KEYS];

/**
 * Reads a Hugging Face `generation_config.json` object (snake_case) into a partial config for
 * {@link resolveGenerationConfig} (typically as `modelDefaults`).
 *
 * - Every known option is renamed to camelCase and validated; `null` means "not set".
 * - Metadata and HF-only output or performance keys (`_from_model_config`, `transformers_version`,
 *   `output_scores`, `return_dict_in_generate`, `cache_implementation`, ...) are accepted and have no effect.
 * - Options of features Nucleus does not implement (`num_beam_groups`, `penalty_alpha`, `guidance_scale`,
 *   `constraints`, `watermarking_config`, `use_cache: false`, ...) are accepted at their neutral values and
 *   rejected otherwise with a {@link ConfigError} saying they are not supported.
 * - Unknown keys are rejected with a {@link ConfigError} naming them.
 *
 * @example
 * ```ts
 * const defaults = fromHuggingFace({ bos_token_id: 50256, eos_token_id: 50256, transformers_version: '5.12.1' });
 * // { bosTokenId: 50256, eosTokenId: 50256 }
 * ```
 */
export function fromHuggingFace(json: unknown): GenerationConfigInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`a generation_config.json must hold a JSON object, got ${formatValue(json)}`);
  }
  const out: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const name = FROM_HF_NAME.get(key);
    if (name !== undefined) {
      if (value === null) continue;
      OPTIONS[name].validate(name, value, `generation_config.json key "${key}"`);
      out[name] = value;
      continue;
    }
    const unsupported = UNSUPPORTED_BY_HF_NAME.get(key);
    if (unsupported) {
      if (unsupported.isNeutral(value)) continue;
      throw new ConfigError(
        `generation_config.json: ${key} = ${formatValue(value)} is not supported: ${unsupported.reason}`,
      );
    }
    if (HF_METADATA_KEYS.has(key)) continue;
    if (key === 'generation_kwargs' && isEmptyObject(value)) continue;
    unknown.push(key);
  }
  if (unknown.length > 0) {
    const described = unknown.map((key) => {
      const suggestion = closestName(key, KNOWN_HF_NAMES);
      return suggestion ? `"${key}" (did you mean "${suggestion}"?)` : `"${key}"`;
    });
    throw new ConfigError(
      `unknown key${unknown.length > 1 ? 's' : ''} in generation_config.json: ${described.join(', ')}`,
    );
  }
  return out as GenerationConfigInput;
}

/**
 * Writes a config as a Hugging Face `generation_config.json` object (snake_case), keeping only the values
 * that differ from HF's defaults, as HF does when it saves one. The Nucleus extras (`seed`,
 * `frequencyPenalty`, `presencePenalty`, `logitBias`) have no HF equivalent and are left out.
 */
export function toHuggingFace(config: GenerationConfig | GenerationConfigInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const { hfName, defaultValue } = OPTIONS[name];
    const value = (config as Record<string, unknown>)[name];
    if (hfName === undefined || value === undefined || sameValue(value, defaultValue)) continue;
    out[hfName] = Array.isArray(value) ? structuredCloneArray(value) : value;
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function structuredCloneArray(value: readonly unknown[]): unknown[] {
  return value.map((entry) => (Array.isArray(entry) ? structuredCloneArray(entry) : entry));
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
