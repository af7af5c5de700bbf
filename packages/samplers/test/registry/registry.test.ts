import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfigError,
  createSamplerRegistry,
  defineSampler,
  InvalidOptionError,
  type LogitsProcessor,
  NucleusError,
  type SamplerDefinition,
  samplerRegistry,
  type TokenSelector,
  toFlagName,
  toKebabCase,
} from '../../src/index.js';

/** A processor that records the options it was made with. */
function recordingProcessor(name: string, options: unknown): LogitsProcessor & { options: unknown } {
  return { name, options, process() {} };
}

const xtcLike = defineSampler({
  name: 'xtc',
  kind: 'processor',
  description: 'Exclude top choices.',
  options: [
    { name: 'probability', type: 'number', min: 0, max: 1, default: 0, neutral: 0, help: 'Chance per step.' },
    { name: 'threshold', type: 'number', min: 0, max: 1, minExclusive: true, default: 0.1, help: 'Cut.' },
    { name: 'minKeep', type: 'integer', min: 1, default: 1, help: 'Tokens to keep.' },
    { name: 'seed', type: 'integer', min: 0, help: 'Seed.' },
  ],
  create: (options) => recordingProcessor('xtc', options),
});

const mirostatLike = defineSampler({
  name: 'mirostatV2',
  kind: 'selector',
  description: 'Mirostat 2.0.',
  options: [
    { name: 'tau', type: 'number', min: 0, required: true, help: 'Target surprise.' },
    { name: 'eta', type: 'number', min: 0, default: 0.1, help: 'Learning rate.' },
  ],
  create: ({ tau, eta }): TokenSelector & { tau: number; eta: number } => ({
    name: 'mirostatV2',
    tau,
    eta,
    select: () => 0,
  }),
});

function freshRegistry() {
  const registry = createSamplerRegistry();
  registry.register(xtcLike);
  registry.register(mirostatLike);
  return registry;
}

describe('names and flags', () => {
  it('maps camelCase to kebab-case and builds --<sampler>-<option> flags', () => {
    expect(toKebabCase('mirostatV2')).toBe('mirostat-v2');
    expect(toKebabCase('top-p')).toBe('top-p');
    expect(toFlagName('xtc', 'threshold')).toBe('--xtc-threshold');
    expect(toFlagName('mirostatV2', 'tau')).toBe('--mirostat-v2-tau');
    expect(toFlagName('xtc', 'minKeep')).toBe('--xtc-min-keep');
    expect(toFlagName('topP', 'topP')).toBe('--top-p');
    expect(toFlagName('topK', 'minTokensToKeep')).toBe('--top-k-min-tokens-to-keep');
  });
});

describe('createSamplerRegistry', () => {
  it('registers, finds (in either spelling), lists and unregisters samplers', () => {
    const registry = freshRegistry();
    expect(registry.has('xtc')).toBe(true);
    expect(registry.get('mirostat-v2')?.name).toBe('mirostatV2');
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.list().map((sampler) => sampler.name)).toEqual(['xtc', 'mirostatV2']);
    expect(registry.list({ kind: 'selector' }).map((sampler) => sampler.name)).toEqual(['mirostatV2']);
    expect(registry.unregister('mirostat-v2')).toBe(true);
    expect(registry.unregister('mirostatV2')).toBe(false);
    expect(registry.resolveFlag('--mirostat-v2-tau')).toBeUndefined();
    expect(registry.list()).toHaveLength(1);
  });

  it('fills in stage and builtIn and freezes what it holds', () => {
    const registry = freshRegistry();
    const xtc = registry.get('xtc')!;
    expect(xtc.stage).toBe('warper');
    expect(xtc.builtIn).toBe(false);
    expect(registry.get('mirostatV2')!.stage).toBeUndefined();
    expect(Object.isFrozen(xtc)).toBe(true);
    expect(Object.isFrozen(xtc.options[0])).toBe(true);
  });

  it('treats registering the same definition object again as a no-op', () => {
    const registry = freshRegistry();
    const first = registry.get('xtc');
    expect(registry.register(xtcLike)).toBe(first);
    expect(registry.list()).toHaveLength(2);
    registry.unregister('xtc');
    expect(registry.register(xtcLike)).not.toBe(first);
    expect(registry.has('xtc')).toBe(true);
  });

  it('rejects a duplicate name, also in another spelling', () => {
    const registry = freshRegistry();
    expect(() => registry.register({ ...xtcLike })).toThrow(ConfigError);
    expect(() => registry.register({ ...mirostatLike, name: 'mirostat-v2' })).toThrow(
      /"mirostatV2" is already registered \(same name as "mirostat-v2"\)/,
    );
  });

  it('rejects names that cannot be flags', () => {
    const registry = createSamplerRegistry();
    for (const name of ['my.xtc', 'my_xtc', 'Xtc', '2xtc', 'x tc', '', 'xtc-', 'xtc--a']) {
      expect(() => registry.register({ ...xtcLike, name })).toThrow(/invalid sampler name/);
    }
    for (const name of ['xtc', 'mirostatV2', 'mirostat-v2', 'top-n-sigma', 'a1']) {
      expect(() => createSamplerRegistry().register({ ...xtcLike, name })).not.toThrow();
    }
  });

  it('rejects malformed definitions with a message that says what is wrong', () => {
    const registry = createSamplerRegistry();
    expect(() => registry.register({ ...xtcLike, kind: 'warper' } as never)).toThrow(
      /kind must be "processor" or "selector"/,
    );
    expect(() => registry.register({ ...xtcLike, description: '' })).toThrow(/needs a description/);
    expect(() => registry.register({ ...xtcLike, create: undefined as never })).toThrow(
      /create must be a function/,
    );
    expect(() => registry.register({ ...xtcLike, stage: 'late' as never })).toThrow(
      /stage must be "history" or "warper"/,
    );
    expect(() => registry.register({ ...mirostatLike, stage: 'warper' })).toThrow(/a selector has no stage/);
    expect(() =>
      registry.register({
        ...xtcLike,
        options: [{ name: 'p', type: 'number', max: 1, default: 3, help: 'h' }],
      }),
    ).toThrow(/sampler xtc, option "p": its default must be a number <= 1, got 3/);
    expect(() => registry.register(null as never)).toThrow(ConfigError);
    expect(registry.list()).toHaveLength(0);
  });

  it('rejects a sampler whose flags would collide with another sampler', () => {
    const registry = freshRegistry();
    const clash = defineSampler({
      name: 'xtcMin',
      kind: 'processor',
      description: 'Clashes with xtc.minKeep.',
      options: [{ name: 'keep', type: 'integer', help: 'h' }],
      create: () => recordingProcessor('xtcMin', {}),
    });
    expect(() => registry.register(clash)).toThrow(
      'sampler xtcMin: option keep would use the flag --xtc-min-keep, which already sets xtc.minKeep; rename the sampler or the option',
    );
    expect(registry.has('xtcMin')).toBe(false);
  });

  it('lists every flag and resolves a flag to its sampler option', () => {
    const registry = freshRegistry();
    expect(registry.flags().map((flag) => flag.flag)).toEqual([
      '--xtc-probability',
      '--xtc-threshold',
      '--xtc-min-keep',
      '--xtc-seed',
      '--mirostat-v2-tau',
      '--mirostat-v2-eta',
    ]);
    expect(registry.resolveFlag('--xtc-min-keep')).toMatchObject({ sampler: 'xtc', option: 'minKeep' });
    expect(registry.resolveFlag('mirostat-v2-eta')).toMatchObject({ sampler: 'mirostatV2', option: 'eta' });
    expect(registry.resolveFlag('--xtc')).toBeUndefined();
  });
});

describe('registry.create', () => {
  it('coerces raw strings, fills defaults and leaves optional options without a default absent', () => {
    const registry = freshRegistry();
    const processor = registry.create('xtc', { probability: '0.5', 'min-keep': '2' }) as ReturnType<
      typeof recordingProcessor
    >;
    expect(processor.options).toEqual({ probability: 0.5, threshold: 0.1, minKeep: 2 });
    expect(registry.resolveOptions('xtc', { seed: 7 })).toEqual({
      probability: 0,
      threshold: 0.1,
      minKeep: 1,
      seed: 7,
    });
  });

  it('names <sampler>.<option>, the value and the allowed range in errors', () => {
    const registry = freshRegistry();
    expect(() => registry.create('xtc', { threshold: '0' })).toThrow(
      new InvalidOptionError('xtc.threshold', '0', 'a number in (0, 1]'),
    );
    expect(() => registry.create('xtc', { threshold: '0' })).toThrow(
      'xtc.threshold must be a number in (0, 1], got "0"',
    );
    expect(() => registry.create('xtc', { minKeep: 1.5 })).toThrow(
      'xtc.minKeep must be an integer >= 1, got 1.5',
    );
    expect(() => registry.create('mirostatV2', {})).toThrow(
      'mirostatV2.tau must be a number >= 0, got undefined (required)',
    );
  });

  it('rejects unknown samplers and options, listing what exists', () => {
    const registry = freshRegistry();
    expect(() => registry.create('xtx')).toThrow('unknown sampler "xtx"; registered: xtc, mirostatV2');
    expect(() => registry.create('xtc', { treshold: 0.2 })).toThrow(
      'unknown option "treshold" for sampler xtc; its options: probability, threshold, minKeep, seed',
    );
    expect(() => registry.create('xtc', { minKeep: 1, 'min-keep': 2 })).toThrow(/given twice/);
    expect(() => registry.create('xtc', 'probability=1' as never)).toThrow(InvalidOptionError);
    expect(() => createSamplerRegistry().create('xtc')).toThrow('unknown sampler "xtc"; registered: (none)');
  });

  it('checks the kind with createProcessor / createSelector', () => {
    const registry = freshRegistry();
    expect(registry.createSelector('mirostat-v2', { tau: '5' })).toMatchObject({ tau: 5, eta: 0.1 });
    expect(registry.createProcessor('xtc').name).toBe('xtc');
    expect(() => registry.createProcessor('mirostatV2', { tau: 5 })).toThrow(
      /is a token selector, not a logits processor/,
    );
    expect(() => registry.createSelector('xtc')).toThrow(ConfigError);
  });

  it('fails clearly when a plugin factory returns something of the wrong shape', () => {
    const registry = createSamplerRegistry();
    registry.register({
      name: 'broken',
      kind: 'processor',
      description: 'Returns a selector by mistake.',
      options: [],
      create: () => ({ name: 'broken', select: () => 0 }) as never,
    });
    let error: unknown;
    try {
      registry.create('broken');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NucleusError);
    expect((error as NucleusError).code).toBe('INVALID_SAMPLER');
    expect((error as Error).message).toMatch(/must return a LogitsProcessor .* `process` function/);
  });

  it('knows when options switch a sampler off', () => {
    const registry = freshRegistry();
    expect(registry.isNeutral('xtc', registry.resolveOptions('xtc', {}))).toBe(true);
    expect(registry.isNeutral('xtc', registry.resolveOptions('xtc', { probability: 0.5 }))).toBe(false);
    expect(registry.isNeutral('mirostatV2', { tau: 5, eta: 0.1 })).toBe(false);
  });
});

describe('defineSampler', () => {
  it('types the options object from the specs', () => {
    type XtcOptions = Parameters<typeof xtcLike.create>[0];
    expectTypeOf<XtcOptions>().toEqualTypeOf<{
      probability: number;
      threshold: number;
      minKeep: number;
      seed?: number;
    }>();
    const enumSampler = defineSampler({
      name: 'e',
      kind: 'processor',
      description: 'd',
      options: [
        { name: 'mode', type: 'enum', values: ['fast', 'exact'], required: true, help: 'h' },
        { name: 'ids', type: 'token-ids', default: [], help: 'h' },
        { name: 'flag', type: 'boolean', help: 'h' },
      ],
      create: () => recordingProcessor('e', {}),
    });
    expectTypeOf<Parameters<typeof enumSampler.create>[0]>().toEqualTypeOf<{
      mode: 'fast' | 'exact';
      ids: readonly number[];
      flag?: boolean;
    }>();
    expectTypeOf(mirostatLike.create).returns.toExtend<TokenSelector>();
    const asDefinition: SamplerDefinition = xtcLike;
    expect(asDefinition.name).toBe('xtc');
  });
});

describe('samplerRegistry', () => {
  it('is a shared registry instance', () => {
    expect(typeof samplerRegistry.register).toBe('function');
    expect(samplerRegistry.list().every((sampler) => sampler.builtIn)).toBe(true);
  });
});
