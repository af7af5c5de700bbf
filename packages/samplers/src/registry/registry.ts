import { ConfigError, NucleusError } from '../errors.js';
import type { LogitsProcessor, TokenSelector } from '../types.js';
import { SAMPLER_NAME_PATTERN, toFlagName, toKebabCase } from './names.js';
import {
  type OptionSpec,
  type OptionsFromSpecs,
  resolveOptionValues,
  validateOptionSpecs,
} from './options.js';

/** A sampler either changes scores (`processor`) or picks the token (`selector`). */
export type SamplerKind = 'processor' | 'selector';

/**
 * Where a processor runs in Hugging Face's order: `history` processors (penalties, bans) run on every
 * decoding strategy before the warpers; `warper` processors only when sampling, with the truncation
 * warpers (`temperature`, `topK`, `topP`, ...).
 */
export type SamplerStage = 'history' | 'warper';

/** What {@link SamplerDefinition.create} returns for each kind. */
export type SamplerInstance<Kind extends SamplerKind> = Kind extends 'processor'
  ? LogitsProcessor
  : TokenSelector;

/**
 * A sampler a registry can list, describe and create: a name, what it is, its options (self-describing,
 * so a CLI makes flags and a UI makes controls from them) and a factory.
 *
 * @typeParam Options - the options object `create` receives, already validated and defaulted.
 */
export interface SamplerDefinition<
  Options extends object = Record<string, unknown>,
  Kind extends SamplerKind = SamplerKind,
> {
  /** A camelCase or kebab-case identifier (`xtc`, `mirostatV2`); see {@link toFlagName}. */
  readonly name: string;
  readonly kind: Kind;
  /** One line for listings and `--help`. */
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Processors only: where it runs in Hugging Face's order. Defaults to `warper`. */
  readonly stage?: SamplerStage;
  /**
   * True for the descriptors that `@nucleus/samplers` itself registers. A built-in sampler's name is its
   * `GenerationConfig` key: set that key rather than passing an instance, so that HF's order and
   * neutral-value skipping apply.
   */
  readonly builtIn?: boolean;
  /** Makes one instance (one row's worth of state) from validated options. */
  create(options: Options): SamplerInstance<Kind>;
}

/** A sampler as the registry holds it: frozen, with `stage` and `builtIn` filled in. */
export interface RegisteredSampler<
  Options extends object = Record<string, unknown>,
  Kind extends SamplerKind = SamplerKind,
> extends SamplerDefinition<Options, Kind> {
  readonly stage: Kind extends 'processor' ? SamplerStage : undefined;
  readonly builtIn: boolean;
}

/** One command-line flag of a registry: which sampler option it sets. */
export interface SamplerFlag {
  /** `--xtc-threshold` */
  readonly flag: string;
  readonly sampler: string;
  readonly option: string;
  readonly spec: OptionSpec;
}

/** A registry of samplers. Create one with {@link createSamplerRegistry}, or use {@link samplerRegistry}. */
export interface SamplerRegistry {
  /**
   * Adds a sampler and returns the registered (frozen) definition. Registering the same definition object
   * again is a no-op that returns the same result, so a plugin's `register()` may run twice.
   * @throws {ConfigError} when the definition is malformed, its name (in any spelling: `mirostatV2` and
   *   `mirostat-v2` are the same name) is taken, or one of its flags collides with another sampler's.
   */
  register<Options extends object, Kind extends SamplerKind>(
    definition: SamplerDefinition<Options, Kind>,
  ): RegisteredSampler<Options, Kind>;
  /** Removes a sampler; returns whether it was there. */
  unregister(name: string): boolean;
  has(name: string): boolean;
  /** The sampler called `name` (camelCase or kebab-case spelling), or `undefined`. */
  get(name: string): RegisteredSampler | undefined;
  /** Every sampler in registration order, optionally only one kind. */
  list(filter?: { readonly kind?: SamplerKind }): readonly RegisteredSampler[];
  /**
   * Validates raw options against the sampler's specs and fills in defaults, without creating anything
   * (for UIs that check a form). Keys may be camelCase (`minKeep`) or kebab-case (`min-keep`); values may
   * be strings where {@link coerceOptionValue} allows.
   * @throws {ConfigError} for an unknown sampler or option.
   * @throws {InvalidOptionError} naming `<sampler>.<option>`, the value and what is allowed.
   */
  resolveOptions(name: string, rawOptions?: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** Validates the options (see {@link SamplerRegistry.resolveOptions}) and creates an instance. */
  create(name: string, rawOptions?: Readonly<Record<string, unknown>>): LogitsProcessor | TokenSelector;
  /** {@link SamplerRegistry.create} for a sampler that must be a processor (else a `ConfigError`). */
  createProcessor(name: string, rawOptions?: Readonly<Record<string, unknown>>): LogitsProcessor;
  /** {@link SamplerRegistry.create} for a sampler that must be a selector (else a `ConfigError`). */
  createSelector(name: string, rawOptions?: Readonly<Record<string, unknown>>): TokenSelector;
  /**
   * Whether validated options switch the sampler off: some option that declares a `neutral` value has
   * exactly that value (e.g. XTC with `probability: 0`). A CLI can then leave the sampler out.
   */
  isNeutral(name: string, options: Readonly<Record<string, unknown>>): boolean;
  /** Every flag of every sampler option, for building a command line. */
  flags(): readonly SamplerFlag[];
  /** The sampler option a flag sets (`--xtc-threshold` or `xtc-threshold`), or `undefined`. */
  resolveFlag(flag: string): SamplerFlag | undefined;
}

/**
 * Declares a sampler with its options object typed from its option specs (no registration yet; pass the
 * result to {@link SamplerRegistry.register}).
 *
 * @example
 * ```ts
 * const banWord = defineSampler({
 *   name: 'banWord',
 *   kind: 'processor',
 *   description: 'Bans one token.',
 *   options: [{ name: 'token', type: 'integer', min: 0, required: true, help: 'The token id to ban.' }],
 *   create: ({ token }) => ({ name: 'banWord', process: (logits) => { logits[token] = -Infinity; } }),
 * });
 * ```
 */
export function defineSampler<const Specs extends readonly OptionSpec[], Kind extends SamplerKind>(
  definition: SamplerDefinition<OptionsFromSpecs<Specs>, Kind> & { readonly options: Specs },
): SamplerDefinition<OptionsFromSpecs<Specs>, Kind> & { readonly options: Specs } {
  return definition;
}

const KINDS: ReadonlySet<string> = new Set(['processor', 'selector']);
const STAGES: ReadonlySet<string> = new Set(['history', 'warper']);

/** Makes an empty {@link SamplerRegistry}. */
export function createSamplerRegistry(): SamplerRegistry {
  const samplers = new Map<string, RegisteredSampler>();
  const flagIndex = new Map<string, SamplerFlag>();
  const registeredFrom = new WeakMap<object, RegisteredSampler>();

  const lookup = (name: string): RegisteredSampler | undefined =>
    typeof name === 'string' ? samplers.get(toKebabCase(name)) : undefined;

  const require = (name: string): RegisteredSampler => {
    const sampler = lookup(name);
    if (sampler) return sampler;
    const known = [...samplers.values()].map((entry) => entry.name);
    throw new ConfigError(
      `unknown sampler ${JSON.stringify(name)}; registered: ${known.length ? known.join(', ') : '(none)'}`,
    );
  };

  const resolveOptions = (name: string, rawOptions: Readonly<Record<string, unknown>> = {}) => {
    const sampler = require(name);
    return resolveOptionValues(sampler.name, sampler.options, rawOptions) as Record<string, unknown>;
  };

  const create = (
    name: string,
    rawOptions?: Readonly<Record<string, unknown>>,
  ): LogitsProcessor | TokenSelector => {
    const sampler = require(name);
    const options = resolveOptions(name, rawOptions);
    const instance: unknown = sampler.create(options);
    const method = sampler.kind === 'processor' ? 'process' : 'select';
    const candidate = instance as ({ readonly name?: unknown } & Record<string, unknown>) | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate[method] !== 'function' ||
      typeof candidate.name !== 'string'
    ) {
      throw new NucleusError(
        'INVALID_SAMPLER',
        `sampler ${sampler.name}: create() must return a ${sampler.kind === 'processor' ? 'LogitsProcessor' : 'TokenSelector'} (an object with a string \`name\` and a \`${method}\` function)`,
      );
    }
    return instance as LogitsProcessor | TokenSelector;
  };

  const registry: SamplerRegistry = {
    register<Options extends object, Kind extends SamplerKind>(
      definition: SamplerDefinition<Options, Kind>,
    ): RegisteredSampler<Options, Kind> {
      const already = registeredFrom.get(definition as object);
      if (already && samplers.get(toKebabCase(already.name)) === already) {
        return already as RegisteredSampler<Options, Kind>;
      }
      const registered = validateDefinition(definition);
      const key = toKebabCase(registered.name);
      const existing = samplers.get(key);
      if (existing) {
        throw new ConfigError(
          `a sampler named ${JSON.stringify(existing.name)} is already registered${existing.name === registered.name ? '' : ` (same name as ${JSON.stringify(registered.name)})`}; choose another name or unregister it first`,
        );
      }
      const newFlags = registered.options.map((spec) => ({
        flag: toFlagName(registered.name, spec.name),
        sampler: registered.name,
        option: spec.name,
        spec,
      }));
      for (const entry of newFlags) {
        const clash = flagIndex.get(entry.flag);
        if (clash) {
          throw new ConfigError(
            `sampler ${registered.name}: option ${entry.option} would use the flag ${entry.flag}, which already sets ${clash.sampler}.${clash.option}; rename the sampler or the option`,
          );
        }
      }
      samplers.set(key, registered);
      registeredFrom.set(definition as object, registered);
      for (const entry of newFlags) flagIndex.set(entry.flag, Object.freeze(entry));
      return registered as RegisteredSampler<Options, Kind>;
    },
    unregister(name) {
      const sampler = lookup(name);
      if (!sampler) return false;
      samplers.delete(toKebabCase(sampler.name));
      for (const spec of sampler.options) flagIndex.delete(toFlagName(sampler.name, spec.name));
      return true;
    },
    has: (name) => lookup(name) !== undefined,
    get: lookup,
    list(filter = {}) {
      const all = [...samplers.values()];
      return filter.kind === undefined ? all : all.filter((sampler) => sampler.kind === filter.kind);
    },
    resolveOptions,
    create,
    createProcessor(name, rawOptions) {
      const sampler = require(name);
      if (sampler.kind !== 'processor') {
        throw new ConfigError(`sampler ${sampler.name} is a token selector, not a logits processor`);
      }
      return create(name, rawOptions) as LogitsProcessor;
    },
    createSelector(name, rawOptions) {
      const sampler = require(name);
      if (sampler.kind !== 'selector') {
        throw new ConfigError(`sampler ${sampler.name} is a logits processor, not a token selector`);
      }
      return create(name, rawOptions) as TokenSelector;
    },
    isNeutral(name, options) {
      const sampler = require(name);
      return sampler.options.some(
        (spec) => spec.neutral !== undefined && sameValue(options[spec.name], spec.neutral),
      );
    },
    flags: () => [...flagIndex.values()],
    resolveFlag(flag) {
      if (typeof flag !== 'string') return undefined;
      return flagIndex.get(flag.startsWith('--') ? flag : `--${flag}`);
    },
  };
  return registry;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => item === b[i]);
  return Object.is(a, b);
}

function validateDefinition(definition: SamplerDefinition<object, SamplerKind>): RegisteredSampler {
  if (typeof definition !== 'object' || definition === null) {
    throw new ConfigError(
      'a sampler definition must be an object with name, kind, description, options and create',
    );
  }
  const { name, kind, description, options, stage, create, builtIn } = definition;
  if (typeof name !== 'string' || !SAMPLER_NAME_PATTERN.test(name)) {
    throw new ConfigError(
      `invalid sampler name ${JSON.stringify(name)}: use a camelCase or kebab-case identifier usable in a flag, like "mirostatV2" or "mirostat-v2"`,
    );
  }
  if (!KINDS.has(kind)) {
    throw new ConfigError(
      `sampler ${name}: kind must be "processor" or "selector", got ${JSON.stringify(kind)}`,
    );
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new ConfigError(`sampler ${name}: needs a description`);
  }
  if (typeof create !== 'function') throw new ConfigError(`sampler ${name}: create must be a function`);
  if (stage !== undefined && (kind !== 'processor' || !STAGES.has(stage))) {
    throw new ConfigError(
      kind === 'processor'
        ? `sampler ${name}: stage must be "history" or "warper", got ${JSON.stringify(stage)}`
        : `sampler ${name}: a selector has no stage`,
    );
  }
  validateOptionSpecs(name, options);
  return Object.freeze({
    name,
    kind,
    description,
    options: Object.freeze(options.map((spec) => Object.freeze({ ...spec }))),
    stage: kind === 'processor' ? (stage ?? 'warper') : undefined,
    builtIn: builtIn === true,
    create: create.bind(definition) as SamplerDefinition['create'],
  }) as RegisteredSampler;
}
