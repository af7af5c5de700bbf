import { ConfigError, InvalidOptionError } from '../errors.js';
import { toKebabCase } from './names.js';

/** What every option spec has. */
interface OptionSpecBase {
  /** The option's key in the options object: a camelCase identifier (`threshold`, `minKeep`). */
  readonly name: string;
  /** One sentence for `--help` and tooltips. */
  readonly help: string;
  /** When true the option must be given (it then has no `default`). Otherwise it may be omitted. */
  readonly required?: boolean;
}

/** A real number (`type: 'number'`) or an integer (`type: 'integer'`), optionally bounded. */
export interface NumberOptionSpec extends OptionSpecBase {
  readonly type: 'number' | 'integer';
  /** Lower bound, inclusive unless `minExclusive`. */
  readonly min?: number;
  /** Upper bound, inclusive unless `maxExclusive`. */
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  /** Used when the option is omitted. */
  readonly default?: number;
  /** The value at which the sampler does nothing (UIs show it as "off"). */
  readonly neutral?: number;
}

/** `true` / `false` (from a string: `true`, `false`, `1`, `0`, `yes`, `no`, `on`, `off`). */
export interface BooleanOptionSpec extends OptionSpecBase {
  readonly type: 'boolean';
  readonly default?: boolean;
  readonly neutral?: boolean;
}

/** Free text. */
export interface StringOptionSpec extends OptionSpecBase {
  readonly type: 'string';
  readonly default?: string;
  readonly neutral?: string;
}

/** One of a fixed list of strings. */
export interface EnumOptionSpec extends OptionSpecBase {
  readonly type: 'enum';
  readonly values: readonly string[];
  readonly default?: string;
  readonly neutral?: string;
}

/** A list of token ids (integers >= 0); from a string: ids separated by commas or spaces (`"50256,198"`). */
export interface TokenIdsOptionSpec extends OptionSpecBase {
  readonly type: 'token-ids';
  readonly default?: readonly number[];
  readonly neutral?: readonly number[];
}

/**
 * A self-describing option of a registered sampler: enough for a CLI to make a flag and a UI to make a
 * control, and for {@link SamplerRegistry.create} to validate raw values (e.g. strings from a command line
 * or a URL).
 */
export type OptionSpec =
  | NumberOptionSpec
  | BooleanOptionSpec
  | StringOptionSpec
  | EnumOptionSpec
  | TokenIdsOptionSpec;

/** The kinds of option. */
export type OptionType = OptionSpec['type'];

/** The value type an option spec describes. */
export type OptionValue<Spec extends OptionSpec> = Spec extends NumberOptionSpec
  ? number
  : Spec extends BooleanOptionSpec
    ? boolean
    : Spec extends EnumOptionSpec
      ? Spec['values'][number]
      : Spec extends TokenIdsOptionSpec
        ? readonly number[]
        : string;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The options object a list of specs describes: required options and options with a default are always
 * present after validation; the others may be absent.
 *
 * @example
 * ```ts
 * // { threshold: number; seed?: number }
 * type XtcOptions = OptionsFromSpecs<[
 *   { name: 'threshold'; type: 'number'; default: 0.1; help: '...' },
 *   { name: 'seed'; type: 'integer'; help: '...' },
 * ]>;
 * ```
 */
export type OptionsFromSpecs<Specs extends readonly OptionSpec[]> = Simplify<
  {
    [S in Specs[number] as S extends { required: true } | { default: unknown }
      ? S['name']
      : never]: OptionValue<S>;
  } & {
    [S in Specs[number] as S extends { required: true } | { default: unknown }
      ? never
      : S['name']]?: OptionValue<S>;
  }
>;

const OPTION_NAME = /^[a-z][a-zA-Z0-9]*$/;
const OPTION_TYPES: ReadonlySet<string> = new Set([
  'number',
  'integer',
  'boolean',
  'string',
  'enum',
  'token-ids',
]);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const TRUE_WORDS: ReadonlySet<string> = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', '0', 'no', 'off']);

/**
 * Describes in words what an option accepts, as used in error messages and help texts:
 * `a number in (0, 1]`, `an integer >= 1`, `one of "a", "b"`, `true or false`, ...
 */
export function describeAllowed(spec: OptionSpec): string {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return describeRange(spec);
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'enum':
      return `one of ${spec.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'token-ids':
      return 'a list of token ids (integers >= 0), e.g. [50256] or "50256,198"';
  }
}

function describeRange(spec: NumberOptionSpec): string {
  const noun = spec.type === 'integer' ? 'an integer' : 'a number';
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) {
    return `${noun} in ${spec.minExclusive ? '(' : '['}${min}, ${max}${spec.maxExclusive ? ')' : ']'}`;
  }
  if (min !== undefined) return `${noun} ${spec.minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${noun} ${spec.maxExclusive ? '<' : '<='} ${max}`;
  return spec.type === 'integer' ? 'an integer' : 'a finite number';
}

/**
 * Converts and checks one raw option value against its spec. Numbers, booleans and token-id lists may
 * come as strings (command lines, URLs, form fields); everything else must already have the right type.
 *
 * @param qualifiedName - the name used in the error, e.g. `xtc.threshold`.
 * @throws {InvalidOptionError} naming `qualifiedName`, the value and what is allowed.
 */
export function coerceOptionValue(spec: OptionSpec, raw: unknown, qualifiedName: string): unknown {
  const fail = (hint?: string): never => {
    throw new InvalidOptionError(qualifiedName, raw, describeAllowed(spec), hint);
  };
  switch (spec.type) {
    case 'number':
    case 'integer': {
      let value: number;
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string' && DECIMAL.test(raw.trim())) value = Number(raw.trim());
      else return fail();
      if (!Number.isFinite(value)) return fail();
      if (spec.type === 'integer' && !Number.isInteger(value)) return fail();
      if (!inRange(spec, value)) return fail();
      return value;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string') {
        const word = raw.trim().toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        if (FALSE_WORDS.has(word)) return false;
      }
      return fail();
    }
    case 'string':
      return typeof raw === 'string' ? raw : fail();
    case 'enum':
      return typeof raw === 'string' && spec.values.includes(raw) ? raw : fail();
    case 'token-ids': {
      let items: readonly unknown[];
      if (Array.isArray(raw)) items = raw;
      else if (typeof raw === 'number') items = [raw];
      else if (typeof raw === 'string') {
        const text = raw
          .trim()
          .replace(/^\[(.*)\]$/s, '$1')
          .trim();
        items =
          text === '' ? [] : text.split(/[\s,]+/).map((part) => (DECIMAL.test(part) ? Number(part) : part));
      } else return fail();
      const ids: number[] = [];
      for (const item of items) {
        if (typeof item !== 'number' || !Number.isInteger(item) || item < 0) {
          return fail(`${JSON.stringify(item) ?? String(item)} is not a token id`);
        }
        ids.push(item);
      }
      return Object.freeze(ids);
    }
  }
}

function inRange(spec: NumberOptionSpec, value: number): boolean {
  if (spec.min !== undefined && (spec.minExclusive ? value <= spec.min : value < spec.min)) return false;
  if (spec.max !== undefined && (spec.maxExclusive ? value >= spec.max : value > spec.max)) return false;
  return true;
}

/**
 * Checks that a sampler's option specs are well formed: names are camelCase identifiers and unique,
 * types known, bounds ordered, enum values present, and each `default` / `neutral` allowed by its own spec.
 *
 * @throws {ConfigError} naming the sampler and the faulty option.
 */
export function validateOptionSpecs(samplerName: string, specs: readonly OptionSpec[]): void {
  if (!Array.isArray(specs)) {
    throw new ConfigError(`sampler ${samplerName}: options must be an array of option specs`);
  }
  const seen = new Set<string>();
  for (const spec of specs) {
    const where = `sampler ${samplerName}, option ${JSON.stringify(spec?.name)}`;
    if (typeof spec !== 'object' || spec === null) throw new ConfigError(`${where}: not an option spec`);
    if (typeof spec.name !== 'string' || !OPTION_NAME.test(spec.name)) {
      throw new ConfigError(`${where}: the name must be a camelCase identifier like "minKeep"`);
    }
    if (seen.has(spec.name)) throw new ConfigError(`${where}: declared twice`);
    seen.add(spec.name);
    if (!OPTION_TYPES.has(spec.type)) {
      throw new ConfigError(
        `${where}: unknown type ${JSON.stringify(spec.type)}; allowed: ${[...OPTION_TYPES].join(', ')}`,
      );
    }
    if (typeof spec.help !== 'string' || spec.help.trim() === '') {
      throw new ConfigError(`${where}: needs a help text`);
    }
    if (spec.type === 'number' || spec.type === 'integer') {
      for (const bound of ['min', 'max'] as const) {
        const value = spec[bound];
        if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value))) {
          throw new ConfigError(`${where}: ${bound} must be a number`);
        }
      }
      if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
        throw new ConfigError(`${where}: min ${spec.min} is greater than max ${spec.max}`);
      }
    }
    if (spec.type === 'enum') {
      if (
        !Array.isArray(spec.values) ||
        spec.values.length === 0 ||
        spec.values.some((value: unknown) => typeof value !== 'string')
      ) {
        throw new ConfigError(`${where}: an enum needs a non-empty list of string values`);
      }
    }
    if (spec.required && spec.default !== undefined) {
      throw new ConfigError(`${where}: a required option cannot have a default`);
    }
    for (const key of ['default', 'neutral'] as const) {
      const value = spec[key];
      if (value === undefined) continue;
      if (typeof value === 'string' && spec.type !== 'string' && spec.type !== 'enum') {
        throw new ConfigError(`${where}: its ${key} must be given as a ${spec.type} value, not a string`);
      }
      try {
        coerceOptionValue(spec, value, `${samplerName}.${spec.name}`);
      } catch (error) {
        throw new ConfigError(`${where}: its ${key} ${(error as Error).message.replace(/^\S+ /, '')}`);
      }
    }
  }
}

/**
 * The name of a sampler option in messages: `<sampler>.<option>` (`xtc.threshold`), or just the sampler's
 * name for its primary option, the one named like the sampler (`topP` rather than `topP.topP`).
 */
export function qualifiedOptionName(samplerName: string, optionName: string): string {
  return toKebabCase(optionName) === toKebabCase(samplerName) ? samplerName : `${samplerName}.${optionName}`;
}

/**
 * Validates a raw options object against option specs and fills in defaults: what
 * {@link SamplerRegistry.resolveOptions} does, usable without a registry (e.g. by a plugin's factory, so
 * that direct calls are checked like registry calls). Keys may be camelCase (`minKeep`) or kebab-case
 * (`min-keep`); values may be strings where {@link coerceOptionValue} allows. Options that are absent, have
 * no default and are not required stay absent.
 *
 * @throws {ConfigError} for an unknown option or one given in both spellings.
 * @throws {InvalidOptionError} naming the option as {@link qualifiedOptionName} does, the value and what
 *   is allowed.
 */
export function resolveOptionValues<const Specs extends readonly OptionSpec[]>(
  samplerName: string,
  specs: Specs,
  rawOptions: Readonly<Record<string, unknown>> = {},
): OptionsFromSpecs<Specs> {
  if (typeof rawOptions !== 'object' || rawOptions === null || Array.isArray(rawOptions)) {
    throw new InvalidOptionError(`${samplerName} options`, rawOptions, 'an object of option values');
  }
  const byKey = new Map<string, OptionSpec>();
  for (const spec of specs) {
    byKey.set(spec.name, spec);
    byKey.set(toKebabCase(spec.name), spec);
  }
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(rawOptions)) {
    const spec = byKey.get(key);
    if (!spec) {
      const known = specs.map((option) => option.name);
      throw new ConfigError(
        `unknown option ${JSON.stringify(key)} for sampler ${samplerName}; its options: ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
    if (given.has(spec.name)) {
      throw new ConfigError(
        `option ${qualifiedOptionName(samplerName, spec.name)} is given twice (as ${spec.name} and ${toKebabCase(spec.name)})`,
      );
    }
    given.set(spec.name, value);
  }
  const resolved: Record<string, unknown> = {};
  for (const spec of specs) {
    const qualified = qualifiedOptionName(samplerName, spec.name);
    const raw = given.get(spec.name);
    if (raw === undefined) {
      if (spec.default !== undefined) resolved[spec.name] = spec.default;
      else if (spec.required)
        throw new InvalidOptionError(qualified, undefined, describeAllowed(spec), 'required');
      continue;
    }
    resolved[spec.name] = coerceOptionValue(spec, raw, qualified);
  }
  return resolved as OptionsFromSpecs<Specs>;
}
