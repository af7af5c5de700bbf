import {
  ConfigError,
  InvalidOptionError,
  type LogitsProcessor,
  type SamplerRegistry,
  samplerRegistry,
  type TokenSelector,
} from '@nucleus/samplers';

/**
 * A registered sampler named in a generate call, with its raw options (validated by the registry:
 * camelCase or kebab-case keys, values as their type or as strings). Plain data, so it crosses into the
 * model worker, where the worker's own `samplerRegistry` creates the instance.
 */
export interface SamplerRequest {
  /** The registered name, e.g. `xtc` or `mirostatV2`. */
  readonly name: string;
  /** Option values; omitted options take their defaults. */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
}

/** Registry samplers sorted into what `generate()` takes. */
export interface RegistrySamplers {
  /** `stage: 'history'` processors: after the history processors, before the sampling warpers. */
  readonly processors: LogitsProcessor[];
  /** `stage: 'warper'` processors: after the built-in warpers. */
  readonly warpers: LogitsProcessor[];
  /** The one selector named, if any: it replaces greedy / sampling. */
  readonly selector: TokenSelector | undefined;
}

/**
 * Creates the samplers a generate call names, in the order given, from a registry (the model worker uses
 * the shared `samplerRegistry` of `@nucleus/samplers`, so register plugins in the worker before it runs:
 * see the README).
 *
 * @throws {InvalidOptionError} when `requests` is not a list of `{ name, options }`.
 * @throws {ConfigError} for an unknown sampler or option, a built-in sampler (set its `GenerationConfig`
 *   key instead), or more than one selector.
 * @throws {InvalidOptionError} for an option value the sampler does not allow.
 */
export function createRegistrySamplers(
  requests: readonly SamplerRequest[],
  registry: SamplerRegistry = samplerRegistry,
): RegistrySamplers {
  if (!Array.isArray(requests)) {
    throw new InvalidOptionError('samplers', requests, 'a list of { name, options } objects');
  }
  const processors: LogitsProcessor[] = [];
  const warpers: LogitsProcessor[] = [];
  let selector: TokenSelector | undefined;
  for (const request of requests) {
    if (typeof request !== 'object' || request === null || typeof request.name !== 'string') {
      throw new InvalidOptionError('samplers[]', request, 'an object { name: string, options?: object }');
    }
    const { name, options = {} } = request;
    const sampler = registry.get(name);
    if (sampler === undefined) {
      const known = registry
        .list()
        .filter((entry) => !entry.builtIn)
        .map((entry) => entry.name);
      throw new ConfigError(
        `unknown sampler ${JSON.stringify(name)} in samplers; registered plugins: ${known.length ? known.join(', ') : '(none: register them in the model worker)'}`,
      );
    }
    if (sampler.builtIn) {
      throw new ConfigError(
        `sampler ${sampler.name} is built in: set ${sampler.name} in the generation config instead of naming it in samplers`,
      );
    }
    if (sampler.kind === 'selector') {
      if (selector !== undefined) {
        throw new ConfigError(
          `only one token selector can be used in samplers, got ${selector.name} and ${sampler.name}`,
        );
      }
      selector = registry.createSelector(sampler.name, options);
    } else {
      const processor = registry.createProcessor(sampler.name, options);
      (sampler.stage === 'history' ? processors : warpers).push(processor);
    }
  }
  return { processors, warpers, selector };
}
