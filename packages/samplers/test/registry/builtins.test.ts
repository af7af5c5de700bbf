import { describe, expect, it } from 'vitest';
import {
  builtInSamplers,
  createRandom,
  createSamplerRegistry,
  InvalidOptionError,
  type NumberOptionSpec,
  type ProcessContext,
  registerBuiltInSamplers,
  resolveOptionValues,
  samplerRegistry,
} from '../../src/index.js';

const ctx: ProcessContext = {
  tokens: new Int32Array([1, 2]),
  length: 2,
  promptLength: 1,
  row: 0,
  eosTokenIds: [0],
};
const NINF = Number.NEGATIVE_INFINITY;

/** A value the spec allows, for samplers that need one. */
function sampleValue(name: string): unknown {
  return name === 'suppressTokens' || name === 'beginSuppressTokens' ? [1] : name === 'minP' ? 0.1 : 3;
}

describe('built-in sampler descriptors', () => {
  it('are registered in samplerRegistry, marked built-in, named after GenerationConfig keys', () => {
    const names = samplerRegistry
      .list()
      .filter((sampler) => sampler.builtIn)
      .map((sampler) => sampler.name);
    expect(names).toEqual(builtInSamplers.map((definition) => definition.name));
    expect(names).toEqual(
      expect.arrayContaining([
        'temperature',
        'topK',
        'topP',
        'minP',
        'typicalP',
        'epsilonCutoff',
        'etaCutoff',
      ]),
    );
    expect(samplerRegistry.get('topP')).toMatchObject({ kind: 'processor', stage: 'warper', builtIn: true });
    expect(samplerRegistry.get('repetitionPenalty')).toMatchObject({ stage: 'history' });
    expect(samplerRegistry.get('sample')).toMatchObject({ kind: 'selector', stage: undefined });
  });

  it('use the plain flag and the plain option name for their primary option', () => {
    expect(samplerRegistry.resolveFlag('--top-p')).toMatchObject({ sampler: 'topP', option: 'topP' });
    expect(samplerRegistry.resolveFlag('--top-k-min-tokens-to-keep')).toMatchObject({
      sampler: 'topK',
      option: 'minTokensToKeep',
    });
    expect(() => samplerRegistry.create('topP', { topP: '1.5' })).toThrow(
      new InvalidOptionError('topP', '1.5', 'a number in [0, 1]'),
    );
  });

  it('create working processors from strings', () => {
    // probabilities 0.5, 0.3, 0.2: top-p 0.5 keeps token 0 alone; top-k 2 keeps tokens 0 and 1
    const row = () => Float32Array.from([0.5, 0.3, 0.2], Math.log);
    const nucleus = row();
    samplerRegistry.createProcessor('topP', { topP: '0.5' }).process(nucleus, ctx);
    expect([...nucleus].map((value) => value > NINF)).toEqual([true, false, false]);
    const topTwo = row();
    samplerRegistry.createProcessor('top-k', { 'top-k': '2' }).process(topTwo, ctx);
    expect([...topTwo].map((value) => value > NINF)).toEqual([true, true, false]);
    const greedy = samplerRegistry.createSelector('greedy');
    expect(greedy.select(row(), { ...ctx, random: createRandom(1) })).toBe(0);
  });

  it("agree with the factories' own validation at every bound", () => {
    for (const definition of builtInSamplers) {
      for (const spec of definition.options) {
        const required: Record<string, unknown> = {};
        for (const other of definition.options) {
          if (other.required) required[other.name] = sampleValue(definition.name);
        }
        const base = resolveOptionValues(definition.name, definition.options, required);
        // defaults, neutral values and inclusive bounds must be accepted by the factory itself
        const accepted: unknown[] = [spec.default, spec.neutral];
        if (spec.type === 'number' || spec.type === 'integer') {
          if (spec.min !== undefined && !spec.minExclusive) accepted.push(spec.min);
          if (spec.max !== undefined && !spec.maxExclusive) accepted.push(spec.max);
        }
        for (const value of accepted) {
          if (value === undefined) continue;
          expect(
            () => definition.create({ ...base, [spec.name]: value }),
            `${definition.name}.${spec.name} = ${value}`,
          ).not.toThrow();
        }
        // just outside a bound: rejected by the registry, and by the factory too
        if (spec.type !== 'number' && spec.type !== 'integer') continue;
        const numberSpec: NumberOptionSpec = spec;
        const step = numberSpec.type === 'integer' ? 1 : 1e-9;
        const outside: number[] = [];
        if (numberSpec.min !== undefined)
          outside.push(numberSpec.minExclusive ? numberSpec.min : numberSpec.min - step);
        if (numberSpec.max !== undefined)
          outside.push(numberSpec.maxExclusive ? numberSpec.max : numberSpec.max + step);
        for (const value of outside) {
          const options = { ...base, [spec.name]: value };
          expect(() => samplerRegistry.create(definition.name, options)).toThrow(InvalidOptionError);
          expect(
            () => definition.create(options),
            `factory ${definition.name}.${spec.name} = ${value}`,
          ).toThrow(InvalidOptionError);
        }
      }
    }
  });

  it('know their neutral values', () => {
    expect(samplerRegistry.isNeutral('topP', samplerRegistry.resolveOptions('topP'))).toBe(true);
    expect(samplerRegistry.isNeutral('topK', samplerRegistry.resolveOptions('topK', { topK: 0 }))).toBe(true);
    expect(samplerRegistry.isNeutral('topK', samplerRegistry.resolveOptions('topK'))).toBe(false); // HF default 50
    expect(samplerRegistry.isNeutral('temperature', { temperature: 0.7 })).toBe(false);
  });

  it('can be registered into a private registry, and plugins cannot take their names', () => {
    const registry = createSamplerRegistry();
    registerBuiltInSamplers(registry);
    expect(registry.list()).toHaveLength(builtInSamplers.length);
    expect(() =>
      registry.register({
        name: 'top-p',
        kind: 'processor',
        description: 'an impostor',
        options: [],
        create: () => ({ name: 'x', process() {} }),
      }),
    ).toThrow(/"topP" is already registered/);
  });
});
