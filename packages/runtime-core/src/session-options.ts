import { InvalidOptionError } from '@nucleus/samplers';
import type { ExecutionProviderConfig, OrtSessionOptions } from './ort.js';

/** How the ONNX runtime runs the model. */
export interface SessionConfig {
  /** Threads for one operator (ORT `intraOpNumThreads`); 0 or unset lets the runtime decide. */
  readonly threads?: number;
  /** Threads across operators (ORT `interOpNumThreads`); 0 or unset lets the runtime decide. */
  readonly interOpThreads?: number;
  /** ORT graph optimisation level. Default `'all'`. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Execution providers in order of preference, e.g. `['cuda', 'cpu']`: names or `{ name, ...options }`
   * objects, passed through to the runtime. Default `['cpu']` (the web runtime: `['wasm']`).
   */
  readonly executionProviders?: readonly ExecutionProviderConfig[];
  /** Any other ORT session options, applied over the ones above. */
  readonly sessionOptions?: OrtSessionOptions;
}

/** What a platform runtime tells the core about its ONNX runtime. */
export interface PlatformInfo {
  /** Execution providers this build of the runtime has; other names are rejected up front. */
  readonly executionProviders?: readonly string[];
  /** Used when the caller names none. */
  readonly defaultExecutionProviders?: readonly ExecutionProviderConfig[];
}

const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/**
 * Validates a {@link SessionConfig} and turns it into ORT session options.
 *
 * @throws `InvalidOptionError` naming the option, the value and what is allowed.
 */
export function toOrtSessionOptions(config: SessionConfig, platform: PlatformInfo = {}): OrtSessionOptions {
  const options: Record<string, unknown> = {
    graphOptimizationLevel: 'all',
    executionProviders: platform.defaultExecutionProviders ?? ['cpu'],
    logSeverityLevel: 3,
  };
  for (const [name, key] of [
    ['threads', 'intraOpNumThreads'],
    ['interOpThreads', 'interOpNumThreads'],
  ] as const) {
    const value = config[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1024) {
      throw new InvalidOptionError(name, value, 'an integer in [0, 1024] (0 lets the runtime decide)');
    }
    if (value > 0) options[key] = value;
  }
  const level = config.graphOptimizationLevel;
  if (level !== undefined) {
    if (!(OPTIMIZATION_LEVELS as readonly unknown[]).includes(level)) {
      throw new InvalidOptionError(
        'graphOptimizationLevel',
        level,
        `one of ${OPTIMIZATION_LEVELS.map((l) => `'${l}'`).join(', ')}`,
      );
    }
    options['graphOptimizationLevel'] = level;
  }
  const providers = config.executionProviders;
  if (providers !== undefined) {
    const available = platform.executionProviders;
    const allowed = available
      ? `a list of execution providers among ${available.map((p) => `'${p}'`).join(', ')}`
      : 'a non-empty list of execution provider names or { name } objects';
    if (!Array.isArray(providers) || providers.length === 0) {
      throw new InvalidOptionError('executionProviders', providers, allowed);
    }
    for (const provider of providers) {
      const name = typeof provider === 'string' ? provider : (provider as { name?: unknown } | null)?.name;
      if (typeof name !== 'string' || name === '' || (available && !available.includes(name))) {
        throw new InvalidOptionError(
          'executionProviders',
          provider,
          allowed,
          available && typeof name === 'string'
            ? `this runtime has no '${name}' execution provider`
            : undefined,
        );
      }
    }
    options['executionProviders'] = providers;
  }
  if (config.sessionOptions !== undefined) {
    if (typeof config.sessionOptions !== 'object' || config.sessionOptions === null) {
      throw new InvalidOptionError(
        'sessionOptions',
        config.sessionOptions,
        'an object of ORT session options',
      );
    }
    Object.assign(options, config.sessionOptions);
  }
  return options as OrtSessionOptions;
}
