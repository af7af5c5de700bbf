import type { LogitsProcessor, SamplerFlag, SamplerRegistry, TokenSelector } from '@nucleus/samplers';
import { UsageError } from './errors.js';

/** The flags of every registered plugin sampler (built-in samplers have their own HF-named flags). */
export function pluginFlags(registry: SamplerRegistry): readonly SamplerFlag[] {
  const plugins = new Set(
    registry
      .list()
      .filter((sampler) => !sampler.builtIn)
      .map((sampler) => sampler.name),
  );
  return registry.flags().filter((flag) => plugins.has(flag.sampler));
}

/** The plugin samplers a command line switched on, ready for `generate()`'s options. */
export interface PluginSamplers {
  /** Processors registered with `stage: 'history'`: they run before the built-in warpers. */
  readonly processors: LogitsProcessor[];
  /** Processors registered with `stage: 'warper'` (the default): they run after the built-in warpers. */
  readonly warpers: LogitsProcessor[];
  readonly selector: TokenSelector | undefined;
  /** `name(option=value, ...)` of each active sampler, for headers. */
  readonly labels: string[];
}

/**
 * Creates the plugin samplers whose flags were given. `values` maps a flag (`--xtc-threshold`) to its raw
 * text; the registry validates and coerces it. Samplers whose options are all neutral are left out.
 */
export function createPluginSamplers(
  registry: SamplerRegistry,
  values: ReadonlyMap<string, string>,
): PluginSamplers {
  const optionsBySampler = new Map<string, Record<string, unknown>>();
  for (const [flagName, raw] of values) {
    const flag = registry.resolveFlag(flagName);
    if (!flag) throw new UsageError(`unknown option '${flagName}'`);
    const options = optionsBySampler.get(flag.sampler) ?? {};
    options[flag.option] = raw;
    optionsBySampler.set(flag.sampler, options);
  }
  const processors: LogitsProcessor[] = [];
  const warpers: LogitsProcessor[] = [];
  const labels: string[] = [];
  let selector: TokenSelector | undefined;
  for (const [name, raw] of optionsBySampler) {
    const sampler = registry.get(name)!;
    const options = registry.resolveOptions(name, raw);
    if (registry.isNeutral(name, options)) continue;
    labels.push(
      `${name}(${Object.entries(raw)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ')})`,
    );
    if (sampler.kind === 'selector') {
      if (selector)
        throw new UsageError(`only one token selector can be used, got ${selector.name} and ${name}`);
      selector = registry.createSelector(name, raw);
    } else {
      const processor = registry.createProcessor(name, raw);
      (sampler.stage === 'history' ? processors : warpers).push(processor);
    }
  }
  return { processors, warpers, selector, labels };
}
