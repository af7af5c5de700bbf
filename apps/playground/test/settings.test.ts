import { register } from '@nucleus/llama-samplers';
import { createSamplerRegistry, registerBuiltInSamplers } from '@nucleus/samplers';
import { describe, expect, it } from 'vitest';
import { buildRequest, defaultValues, fieldGroups, fieldsByKey } from '../src/settings.js';
import {
  DEFAULT_COMPARE_SET,
  DEFAULT_PROMPT,
  parseCompareSet,
  stateFromQuery,
  stateToQuery,
} from '../src/url-state.js';

const registry = createSamplerRegistry();
registerBuiltInSamplers(registry);
register(registry);
const groups = fieldGroups(registry);
const fields = fieldsByKey(groups);
const defaults = defaultValues(groups);
const request = (values: Record<string, string>) =>
  buildRequest({ ...defaults, ...values }, groups, registry);

describe('controls built from the registry', () => {
  it('has a control for every option the issue lists, the other built-in samplers, and each plugin option', () => {
    for (const key of [
      'strategy',
      'maxNewTokens',
      'seed',
      'temperature',
      'topK',
      'topP',
      'minP',
      'typicalP',
      'epsilonCutoff',
      'etaCutoff',
      'repetitionPenalty',
      'frequencyPenalty',
      'presencePenalty',
      'noRepeatNgramSize',
      'numBeams',
      'xtc',
      'xtc.probability',
      'xtc.threshold',
      'xtc.minKeep',
      'xtc.seed',
      'mirostatV2',
      'mirostatV2.tau',
      'mirostatV2.eta',
    ]) {
      expect(fields.has(key), key).toBe(true);
    }
    // Defaults come from the option specs: HF's top-k 50, XTC's threshold 0.1, Mirostat's tau 5; unset min-p.
    expect([
      defaults['topK'],
      defaults['xtc.threshold'],
      defaults['mirostatV2.tau'],
      defaults['minP'],
    ]).toEqual(['50', '0.1', '5', '']);
  });

  it('a plugin registered later gets controls too, with no code for it in the app', () => {
    const own = createSamplerRegistry();
    registerBuiltInSamplers(own);
    own.register({
      name: 'banWord',
      kind: 'processor',
      stage: 'history',
      description: 'Bans one token.',
      options: [{ name: 'token', type: 'integer', min: 0, required: true, help: 'The token id.' }],
      create: () => ({ name: 'banWord', process: () => {} }),
    });
    const group = fieldGroups(own).find((candidate) => candidate.plugin === 'banWord');
    expect(group?.fields.map((field) => field.key)).toEqual(['banWord', 'banWord.token']);
    expect(group?.legend).toBe('banWord (history processor)');
  });
});

describe('buildRequest: control values to a generation config and plugin samplers', () => {
  it('defaults: greedy with max new tokens only', () => {
    expect(request({})).toMatchObject({ config: { maxNewTokens: 50 }, samplers: [], error: undefined });
    expect(request({}).fieldErrors.size).toBe(0);
  });

  it('sampling with top-p, a seed and a stop string; beam options only with a beam strategy', () => {
    const sampled = request({
      strategy: 'sample',
      topK: '0',
      topP: '0.9',
      seed: '42',
      stopStrings: '\\n\\n',
      numBeams: '3',
    });
    expect(sampled.config).toEqual({
      maxNewTokens: 50,
      doSample: true,
      topK: 0,
      topP: 0.9,
      seed: 42,
      stopStrings: '\n\n',
    });
    expect(request({ strategy: 'beam', earlyStopping: 'never' }).config).toEqual({
      maxNewTokens: 50,
      numBeams: 4,
      earlyStopping: 'never',
    });
    expect(request({ strategy: 'beam-sample', earlyStopping: 'true', numBeams: '2' }).config).toEqual({
      maxNewTokens: 50,
      numBeams: 2,
      earlyStopping: true,
      doSample: true,
    });
  });

  it('plugins that are on become sampler requests with their values', () => {
    const withXtc = request({ strategy: 'sample', xtc: 'true', 'xtc.probability': '0.5' });
    expect(withXtc.samplers).toEqual([
      { name: 'xtc', options: { probability: '0.5', threshold: '0.1', minKeep: '1' } },
    ]);
    expect(request({ 'xtc.probability': '0.5' }).samplers).toEqual([]);
  });

  it('puts each error next to its control, with the library`s message', () => {
    const bad = request({
      strategy: 'sample',
      topP: '1.5',
      maxNewTokens: 'ten',
      xtc: 'true',
      'xtc.threshold': '0',
    });
    expect(Object.fromEntries(bad.fieldErrors)).toEqual({
      topP: 'topP must be a number in [0, 1], got "1.5"',
      maxNewTokens: 'maxNewTokens must be an integer >= 1, got "ten"',
      'xtc.threshold': 'xtc.threshold must be a number in (0, 1], got "0"',
    });
    expect(request({ strategy: 'fast' }).fieldErrors.get('strategy')).toMatch(
      /strategy must be one of "greedy"/,
    );
  });

  it('reports contradictions of the whole config: a plugin selector with beam search', () => {
    expect(request({ strategy: 'beam', mirostatV2: 'true' }).error).toMatch(
      /mirostatV2 picks the token itself/,
    );
  });
});

describe('settings in the URL', () => {
  const base = {
    prompt: DEFAULT_PROMPT,
    mode: 'generate' as const,
    model: '',
    values: defaults,
    compare: DEFAULT_COMPARE_SET,
  };

  it('the default state is an empty query; only what differs is written, and it reads back the same', () => {
    expect(stateToQuery(base, fields)).toBe('');
    const changed = {
      ...base,
      prompt: 'In the beginning <b>',
      mode: 'compare' as const,
      model: 'Xenova/gpt2',
      values: { ...defaults, temperature: '0.7', xtc: 'true', 'xtc.probability': '0.5' },
      compare: [
        ...DEFAULT_COMPARE_SET.slice(0, 2),
        { name: 'mine', config: { doSample: true }, samplers: [{ name: 'xtc' }] },
      ],
    };
    const query = stateToQuery(changed, fields);
    expect([...new URLSearchParams(query).keys()]).toEqual([
      'prompt',
      'mode',
      'model',
      'temperature',
      'xtc',
      'xtc.probability',
      'compare',
    ]);
    expect(stateFromQuery(query, fields)).toEqual({ state: changed, errors: [] });
  });

  it('keeps invalid values as text (their control shows the error) and reports what it cannot use', () => {
    const { state, errors } = stateFromQuery('?topP=2&nope=1&mode=fast&compare=%5B1%5D', fields);
    expect(state.values['topP']).toBe('2');
    expect(state.mode).toBe('generate');
    expect(state.compare).toBe(DEFAULT_COMPARE_SET);
    expect(errors).toHaveLength(3);
    expect(errors.join(' ')).toMatch(/"nope".*mode "fast".*compare set was ignored/);
    expect(parseCompareSet('{')).toBe('it is not valid JSON');
    expect(parseCompareSet('[]')).toBe('it must be a non-empty list of columns');
  });
});
