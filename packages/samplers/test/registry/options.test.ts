import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfigError,
  coerceOptionValue,
  describeAllowed,
  InvalidOptionError,
  type NumberOptionSpec,
  type OptionSpec,
  qualifiedOptionName,
  resolveOptionValues,
  validateOptionSpecs,
} from '../../src/index.js';

const number = (extra: Partial<NumberOptionSpec> = {}): NumberOptionSpec => ({
  name: 'value',
  type: 'number',
  help: 'A value.',
  ...extra,
});

describe('describeAllowed', () => {
  it('writes ranges in interval notation, or as one-sided bounds', () => {
    expect(describeAllowed(number({ min: 0, max: 1, minExclusive: true }))).toBe('a number in (0, 1]');
    expect(describeAllowed(number({ min: 0, max: 1, maxExclusive: true }))).toBe('a number in [0, 1)');
    expect(describeAllowed(number({ min: 0, max: 1 }))).toBe('a number in [0, 1]');
    expect(describeAllowed(number({ min: 0, minExclusive: true }))).toBe('a number > 0');
    expect(describeAllowed(number({ min: 0 }))).toBe('a number >= 0');
    expect(describeAllowed(number({ max: 2, maxExclusive: true }))).toBe('a number < 2');
    expect(describeAllowed(number())).toBe('a finite number');
    expect(describeAllowed(number({ type: 'integer', min: 1 }))).toBe('an integer >= 1');
    expect(describeAllowed(number({ type: 'integer' }))).toBe('an integer');
  });

  it('describes the other types', () => {
    expect(describeAllowed({ name: 'on', type: 'boolean', help: 'h' })).toBe('true or false');
    expect(describeAllowed({ name: 'text', type: 'string', help: 'h' })).toBe('a string');
    expect(describeAllowed({ name: 'mode', type: 'enum', values: ['fast', 'exact'], help: 'h' })).toBe(
      'one of "fast", "exact"',
    );
    expect(describeAllowed({ name: 'ids', type: 'token-ids', help: 'h' })).toMatch(/^a list of token ids/);
  });
});

describe('coerceOptionValue', () => {
  const unit = number({ min: 0, max: 1, minExclusive: true });

  it('accepts numbers and decimal strings within the range', () => {
    expect(coerceOptionValue(unit, 0.5, 'x.p')).toBe(0.5);
    expect(coerceOptionValue(unit, '0.25', 'x.p')).toBe(0.25);
    expect(coerceOptionValue(unit, ' 1 ', 'x.p')).toBe(1);
    expect(coerceOptionValue(unit, '5e-1', 'x.p')).toBe(0.5);
    expect(coerceOptionValue(unit, '.5', 'x.p')).toBe(0.5);
  });

  it('rejects bounds, non-numbers and non-decimal strings with the qualified name and the range', () => {
    expect(() => coerceOptionValue(unit, 0, 'xtc.threshold')).toThrow(
      new InvalidOptionError('xtc.threshold', 0, 'a number in (0, 1]'),
    );
    expect(() => coerceOptionValue(unit, '1.5', 'xtc.threshold')).toThrow(
      'xtc.threshold must be a number in (0, 1], got "1.5"',
    );
    for (const bad of [
      '',
      '  ',
      'abc',
      '0x1',
      '1/2',
      'NaN',
      'Infinity',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      null,
      [0.5],
    ]) {
      expect(() => coerceOptionValue(unit, bad, 'x.p')).toThrow(InvalidOptionError);
    }
    expect(() => coerceOptionValue(number(), Number.NEGATIVE_INFINITY, 'x.p')).toThrow(/a finite number/);
  });

  it('honours exclusive and inclusive bounds exactly at the boundary', () => {
    const spec = number({ min: 1, max: 2, maxExclusive: true });
    expect(coerceOptionValue(spec, 1, 'x.v')).toBe(1);
    expect(() => coerceOptionValue(spec, 2, 'x.v')).toThrow('x.v must be a number in [1, 2), got 2');
  });

  it('requires integers where the type says so', () => {
    const spec = number({ type: 'integer', min: 1 });
    expect(coerceOptionValue(spec, '3', 'x.n')).toBe(3);
    expect(coerceOptionValue(spec, 4, 'x.n')).toBe(4);
    expect(() => coerceOptionValue(spec, '2.5', 'x.n')).toThrow('x.n must be an integer >= 1, got "2.5"');
    expect(() => coerceOptionValue(spec, 0, 'x.n')).toThrow(InvalidOptionError);
  });

  it('reads booleans from the usual words', () => {
    const spec: OptionSpec = { name: 'on', type: 'boolean', help: 'h' };
    for (const word of ['true', 'TRUE', '1', 'yes', 'on'])
      expect(coerceOptionValue(spec, word, 'x.on')).toBe(true);
    for (const word of ['false', '0', 'no', 'Off']) expect(coerceOptionValue(spec, word, 'x.on')).toBe(false);
    expect(coerceOptionValue(spec, false, 'x.on')).toBe(false);
    expect(() => coerceOptionValue(spec, 'maybe', 'x.on')).toThrow('x.on must be true or false, got "maybe"');
    expect(() => coerceOptionValue(spec, 1, 'x.on')).toThrow(InvalidOptionError);
  });

  it('checks strings and enums without coercion', () => {
    const text: OptionSpec = { name: 'text', type: 'string', help: 'h' };
    expect(coerceOptionValue(text, '', 'x.text')).toBe('');
    expect(() => coerceOptionValue(text, 3, 'x.text')).toThrow('x.text must be a string, got 3');
    const mode: OptionSpec = { name: 'mode', type: 'enum', values: ['fast', 'exact'], help: 'h' };
    expect(coerceOptionValue(mode, 'exact', 'x.mode')).toBe('exact');
    expect(() => coerceOptionValue(mode, 'Exact', 'x.mode')).toThrow(
      'x.mode must be one of "fast", "exact", got "Exact"',
    );
  });

  it('reads token-id lists from arrays, single numbers and separated strings', () => {
    const spec: OptionSpec = { name: 'ids', type: 'token-ids', help: 'h' };
    expect(coerceOptionValue(spec, [50256, 0], 'x.ids')).toEqual([50256, 0]);
    expect(coerceOptionValue(spec, 198, 'x.ids')).toEqual([198]);
    expect(coerceOptionValue(spec, '50256, 198 7', 'x.ids')).toEqual([50256, 198, 7]);
    expect(coerceOptionValue(spec, '[1,2]', 'x.ids')).toEqual([1, 2]);
    expect(coerceOptionValue(spec, '', 'x.ids')).toEqual([]);
    expect(Object.isFrozen(coerceOptionValue(spec, [1], 'x.ids'))).toBe(true);
    expect(() => coerceOptionValue(spec, [1, -2], 'x.ids')).toThrow(
      /x\.ids must be a list of token ids.*\(-2 is not a token id\)/,
    );
    expect(() => coerceOptionValue(spec, '1,a', 'x.ids')).toThrow(/"a" is not a token id/);
    expect(() => coerceOptionValue(spec, [1.5], 'x.ids')).toThrow(InvalidOptionError);
    expect(() => coerceOptionValue(spec, { 0: 1 }, 'x.ids')).toThrow(InvalidOptionError);
  });

  it('property: a number is accepted exactly when it lies within the bounds, as a number or as its string', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.boolean(),
        fc.boolean(),
        fc.double({ min: -20, max: 20, noNaN: true }),
        (a, b, minExclusive, maxExclusive, value) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const spec = number({ min, max, minExclusive, maxExclusive });
          const inside =
            (minExclusive ? value > min : value >= min) && (maxExclusive ? value < max : value <= max);
          for (const raw of [value, String(value)]) {
            if (inside) expect(coerceOptionValue(spec, raw, 's.v')).toBe(Number(raw));
            else expect(() => coerceOptionValue(spec, raw, 's.v')).toThrow(InvalidOptionError);
          }
        },
      ),
    );
  });
});

describe('validateOptionSpecs', () => {
  const bad = (spec: unknown) => () => validateOptionSpecs('demo', [spec as OptionSpec]);

  it('accepts well-formed specs', () => {
    expect(() =>
      validateOptionSpecs('demo', [
        number({ min: 0, max: 1, default: 0.5, neutral: 0 }),
        { name: 'mode', type: 'enum', values: ['a', 'b'], default: 'a', help: 'h' },
        { name: 'ids', type: 'token-ids', default: [], help: 'h' },
        { name: 'seed', type: 'integer', required: true, help: 'h' },
      ]),
    ).not.toThrow();
  });

  it('names the sampler and option of a malformed spec', () => {
    expect(bad(number({ name: 'min_keep' }))).toThrow(
      /sampler demo, option "min_keep": the name must be a camelCase identifier/,
    );
    expect(bad(number({ name: 'Keep' }))).toThrow(ConfigError);
    expect(bad({ ...number(), type: 'float' })).toThrow(/unknown type "float"/);
    expect(bad(number({ help: ' ' }))).toThrow(/needs a help text/);
    expect(bad(number({ min: 2, max: 1 }))).toThrow(/min 2 is greater than max 1/);
    expect(bad({ name: 'mode', type: 'enum', values: [], help: 'h' })).toThrow(/non-empty list/);
    expect(bad(number({ required: true, default: 1 }))).toThrow(/required option cannot have a default/);
    expect(bad(number({ min: 0, max: 1, default: 2 }))).toThrow(
      'sampler demo, option "value": its default must be a number in [0, 1], got 2',
    );
    expect(bad(number({ min: 0, max: 1, neutral: -1 }))).toThrow(/its neutral must be a number in \[0, 1\]/);
    expect(bad({ ...number(), default: '0.5' })).toThrow(/must be given as a number value, not a string/);
    expect(() => validateOptionSpecs('demo', [number(), number()])).toThrow(/declared twice/);
    expect(() => validateOptionSpecs('demo', 'x' as never)).toThrow(/options must be an array/);
  });
});

describe('resolveOptionValues', () => {
  const specs = [
    { name: 'threshold', type: 'number', min: 0, max: 1, default: 0.1, help: 'h' },
    { name: 'minKeep', type: 'integer', min: 1, required: true, help: 'h' },
    { name: 'seed', type: 'integer', help: 'h' },
  ] as const;

  it('validates without a registry, with the same names in errors, and types the result', () => {
    const options = resolveOptionValues('xtc', specs, { 'min-keep': '2' });
    expect(options).toEqual({ threshold: 0.1, minKeep: 2 });
    expectTypeOf(options).toEqualTypeOf<{ threshold: number; minKeep: number; seed?: number }>();
    expect(() => resolveOptionValues('xtc', specs, {})).toThrow(
      'xtc.minKeep must be an integer >= 1, got undefined (required)',
    );
    expect(() => resolveOptionValues('xtc', specs, { minKeep: 1, threshold: -1 })).toThrow(
      'xtc.threshold must be a number in [0, 1], got -1',
    );
    expect(() => resolveOptionValues('xtc', specs, { minKeep: 1, thresh: 1 })).toThrow(ConfigError);
    expect(() => resolveOptionValues('xtc', specs, null as never)).toThrow(
      'xtc options must be an object of option values, got null',
    );
  });
});

describe('qualifiedOptionName', () => {
  it('is <sampler>.<option>, or the sampler alone for its primary option', () => {
    expect(qualifiedOptionName('xtc', 'minKeep')).toBe('xtc.minKeep');
    expect(qualifiedOptionName('topP', 'topP')).toBe('topP');
    expect(qualifiedOptionName('top-p', 'topP')).toBe('top-p');
    const specs = [{ name: 'topP', type: 'number', min: 0, max: 1, default: 1, help: 'h' }] as const;
    expect(() => resolveOptionValues('topP', specs, { topP: '1.5' })).toThrow(
      'topP must be a number in [0, 1], got "1.5"',
    );
  });
});
