import type { LoadedModel } from '@nucleus/runtime-core';
import { loadModel as loadNodeModel } from '@nucleus/runtime-node';
import {
  ConfigError,
  createSamplerRegistry,
  defineSampler,
  InvalidOptionError,
  registerBuiltInSamplers,
  type SamplerRegistry,
} from '@nucleus/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistrySamplers, loadModelInThisThread } from '../src/index.js';
import { readModelFolder, tinyModelDir } from './support/models.js';

const PROMPT = 'Once upon a time';

/** A history-stage plugin that bans one token: the same effect as HF's `suppress_tokens`. */
const banToken = defineSampler({
  name: 'banToken',
  kind: 'processor',
  stage: 'history',
  description: 'Bans one token.',
  options: [{ name: 'token', type: 'integer', min: 0, required: true, help: 'The token id to ban.' }],
  create: ({ token }) => ({
    name: 'banToken',
    process: (logits) => {
      logits[token] = Number.NEGATIVE_INFINITY;
    },
  }),
});

/** A warper-stage plugin that changes nothing (its trace stage shows where it ran). */
const passWarper = defineSampler({
  name: 'passWarper',
  kind: 'processor',
  stage: 'warper',
  description: 'Changes nothing.',
  options: [],
  create: () => ({ name: 'passWarper', process: () => {} }),
});

/** A selector plugin taking the highest score (lowest id on a tie): greedy under another name. */
const argmax = defineSampler({
  name: 'argmax',
  kind: 'selector',
  description: 'Takes the most likely token.',
  options: [],
  create: () => ({
    name: 'argmax',
    select: (logits: Float32Array) => {
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
      return best;
    },
  }),
});

function testRegistry(): SamplerRegistry {
  const registry = createSamplerRegistry();
  registerBuiltInSamplers(registry);
  registry.register(banToken);
  registry.register(passWarper);
  registry.register(argmax);
  return registry;
}

describe('createRegistrySamplers: plugin samplers named in a generate call', () => {
  const registry = testRegistry();

  it('sorts processors by stage and keeps the one selector', () => {
    const made = createRegistrySamplers(
      [{ name: 'pass-warper' }, { name: 'banToken', options: { token: '3' } }, { name: 'argmax' }],
      registry,
    );
    expect(made.processors.map((p) => p.name)).toEqual(['banToken']);
    expect(made.warpers.map((p) => p.name)).toEqual(['passWarper']);
    expect(made.selector?.name).toBe('argmax');
  });

  it('rejects unknown names, built-in samplers, two selectors and bad options with typed errors', () => {
    const attempt = (requests: unknown) => () => createRegistrySamplers(requests as never, registry);
    expect(attempt([{ name: 'nope' }])).toThrow(ConfigError);
    expect(attempt([{ name: 'nope' }])).toThrow(/unknown sampler "nope".*banToken, passWarper, argmax/);
    expect(attempt([{ name: 'topK', options: { topK: 5 } }])).toThrow(/built in: set topK in the generation/);
    expect(attempt([{ name: 'argmax' }, { name: 'argmax' }])).toThrow(/only one token selector/);
    expect(attempt([{ name: 'banToken', options: { token: -1 } }])).toThrow(InvalidOptionError);
    expect(attempt([{ name: 'banToken', options: { token: -1 } }])).toThrow(/banToken\.token must be/);
    expect(attempt([{ name: 'banToken' }])).toThrow(/required/);
    expect(attempt([{ name: 'banToken', options: { tokn: 1 } }])).toThrow(/unknown option "tokn"/);
    expect(attempt({ name: 'banToken' })).toThrow(InvalidOptionError);
    expect(attempt([42])).toThrow(/samplers\[\] must be/);
  });

  it('the default registry knows no plugins: naming one is an error that says to register it', () => {
    expect(() => createRegistrySamplers([{ name: 'xtc' }])).toThrow(/register them in the model worker/);
  });
});

describe('registry samplers in a generation (onnxruntime-web in this thread) match the config equivalents of runtime-node', () => {
  let reference: LoadedModel;
  let web: LoadedModel;
  const registry = testRegistry();

  beforeAll(async () => {
    const dir = await tinyModelDir();
    reference = await loadNodeModel(dir);
    const files = await readModelFolder(dir);
    web = await loadModelInThisThread(
      Object.fromEntries([...files].map(([relative, bytes]) => [relative, new Blob([bytes])])),
    );
  });

  afterAll(async () => {
    await Promise.all([reference?.dispose(), web?.dispose()]);
  });

  it('a history plugin banning a token gives the tokens of suppressTokens; a plugin selector those of greedy', async () => {
    const plain = await reference.generate(PROMPT, { maxNewTokens: 10 });
    const banned = plain.sequences[0]!.newTokens[0]!;
    const expected = await reference.generate(PROMPT, { maxNewTokens: 10, suppressTokens: [banned] });
    expect(expected.sequences[0]!.newTokens).not.toEqual(plain.sequences[0]!.newTokens);

    const made = createRegistrySamplers(
      [{ name: 'banToken', options: { token: banned } }, { name: 'argmax' }],
      registry,
    );
    // Sampling is on, but the plugin selector replaces it: greedy with the ban.
    const actual = await web.generate(
      PROMPT,
      { maxNewTokens: 10, doSample: true, seed: 3 },
      {
        processors: made.processors,
        warpers: made.warpers,
        ...(made.selector && { selector: made.selector }),
      },
    );
    expect(actual.sequences[0]!.tokens).toEqual(expected.sequences[0]!.tokens);
  });

  it('history plugins run before the built-in warpers and warper plugins after them (trace stage order)', async () => {
    const made = createRegistrySamplers(
      [{ name: 'passWarper' }, { name: 'banToken', options: { token: 0 } }],
      registry,
    );
    const result = await web.generate(
      PROMPT,
      { maxNewTokens: 1, doSample: true, temperature: 0.7, topK: 5, seed: 1 },
      { processors: made.processors, warpers: made.warpers, trace: true },
    );
    expect(result.trace![0]!.stages.map((stage) => stage.name)).toEqual([
      'banToken',
      'temperature',
      'topK',
      'passWarper',
    ]);
  });
});
