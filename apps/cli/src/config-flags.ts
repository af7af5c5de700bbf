import type { GenerationConfigInput } from '@nucleus/samplers';
import { samplerRegistry } from '@nucleus/samplers';
import type { Command } from 'commander';
import { GENERATION_FLAGS, parseFlagValue } from './generation-flags.js';
import { pluginFlags } from './sampler-flags.js';

/** New tokens when neither --max-new-tokens nor --max-length is given (HF's max_length 20 counts the prompt). */
export const DEFAULT_MAX_NEW_TOKENS = 50;

/** The generation config a command line asked for. */
export function configFromFlags(
  options: Readonly<Record<string, unknown>>,
  { applyDefaults = true }: { applyDefaults?: boolean } = {},
): GenerationConfigInput {
  const config: Record<string, unknown> = {};
  for (const flag of GENERATION_FLAGS) {
    const raw = options[flag.key === 'stopStrings' ? 'stop' : flag.key];
    if (raw === undefined) continue;
    if (flag.type === 'boolean') config[flag.key] = raw === true;
    else if (flag.type === 'string-list') config[flag.key] = raw;
    else config[flag.key] = parseFlagValue(flag, String(raw));
  }
  if (applyDefaults && config['maxNewTokens'] === undefined && config['maxLength'] === undefined) {
    config['maxNewTokens'] = DEFAULT_MAX_NEW_TOKENS;
  }
  return config as GenerationConfigInput;
}

/** The raw values of the plugin sampler flags that were given, by flag (`--xtc-threshold`). */
export function pluginFlagValues(command: Command): Map<string, string> {
  const values = new Map<string, string>();
  const known = new Set(pluginFlags(samplerRegistry).map((flag) => flag.flag));
  for (const option of command.options) {
    if (!option.long || !known.has(option.long)) continue;
    const value = command.getOptionValue(option.attributeName());
    if (value !== undefined) values.set(option.long, String(value));
  }
  return values;
}
