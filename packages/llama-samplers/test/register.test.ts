import {
  ConfigError,
  createRandom,
  createSamplerRegistry,
  InvalidOptionError,
  type ProcessContext,
  samplerRegistry,
} from '@nucleus/samplers';
import { describe, expect, it } from 'vitest';
import { MirostatV2Selector, mirostatV2Sampler, register, XtcProcessor, xtcSampler } from '../src/index.js';

const ctx: ProcessContext = {
  tokens: new Int32Array([1]),
  length: 1,
  promptLength: 1,
  row: 0,
  eosTokenIds: [],
};

describe('register', () => {
  it('adds xtc (a warper-stage processor) and mirostatV2 (a selector) with their option specs', () => {
    const registry = createSamplerRegistry();
    register(registry);
    const xtc = registry.get('xtc')!;
    expect(xtc).toMatchObject({ kind: 'processor', stage: 'warper', builtIn: false });
    expect(xtc.options.map((option) => option.name)).toEqual(['probability', 'threshold', 'minKeep', 'seed']);
    expect(registry.get('mirostat-v2')).toMatchObject({ name: 'mirostatV2', kind: 'selector' });
    expect(registry.flags().map((flag) => flag.flag)).toEqual([
      '--xtc-probability',
      '--xtc-threshold',
      '--xtc-min-keep',
      '--xtc-seed',
      '--mirostat-v2-tau',
      '--mirostat-v2-eta',
    ]);
  });

  it('registers into the shared samplerRegistry by default, and twice is harmless', () => {
    register();
    register();
    expect(samplerRegistry.get('xtc')?.name).toBe('xtc');
    expect(samplerRegistry.get('mirostatV2')?.name).toBe('mirostatV2');
  });

  it('refuses to replace another sampler of the same name', () => {
    const registry = createSamplerRegistry();
    registry.register({ ...xtcSampler, description: 'someone else' });
    expect(() => register(registry)).toThrow(ConfigError);
  });
});

describe('created through the registry', () => {
  const registry = createSamplerRegistry();
  register(registry);

  it('turns command-line strings into a working XTC processor', () => {
    const processor = registry.createProcessor('xtc', {
      probability: '1',
      threshold: '0.15',
      'min-keep': '1',
      seed: '9',
    });
    expect(processor).toBeInstanceOf(XtcProcessor);
    // probabilities 0.2, 0.1, 0.4, 0.3: ids 2 and 3 go, id 0 (least likely top choice) stays
    const row = Float32Array.from([0.2, 0.1, 0.4, 0.3], Math.log);
    processor.process(row, ctx);
    expect([...row].map((value) => value > Number.NEGATIVE_INFINITY)).toEqual([true, true, false, false]);
  });

  it('treats probability 0 (the default) as neutral', () => {
    expect(registry.isNeutral('xtc', registry.resolveOptions('xtc'))).toBe(true);
    expect(registry.isNeutral('xtc', registry.resolveOptions('xtc', { probability: 0.5 }))).toBe(false);
  });

  it('creates a Mirostat selector with defaults and validated values', () => {
    const selector = registry.createSelector('mirostatV2', { tau: '3' });
    expect(selector).toBeInstanceOf(MirostatV2Selector);
    expect((selector as MirostatV2Selector).eta).toBe(0.1);
    expect((selector as MirostatV2Selector).mu).toBe(6);
    const token = selector.select(Float32Array.from([0, 5, 0]), { ...ctx, random: createRandom(1) });
    expect(token).toBe(1);
  });

  it('reports invalid values with the sampler, option and range', () => {
    expect(() => registry.create('xtc', { threshold: '0' })).toThrow(
      new InvalidOptionError('xtc.threshold', '0', 'a number in (0, 1]'),
    );
    expect(() => registry.create('mirostatV2', { eta: 'fast' })).toThrow(
      'mirostatV2.eta must be a number >= 0, got "fast"',
    );
    expect(() => registry.createSelector('xtc')).toThrow(/not a token selector/);
  });

  it('exposes the definitions for other registries', () => {
    expect(mirostatV2Sampler.create({ tau: 2, eta: 0.5 })).toBeInstanceOf(MirostatV2Selector);
    expect(xtcSampler.options).toHaveLength(4);
  });
});
