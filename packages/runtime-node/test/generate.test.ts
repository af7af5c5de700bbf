import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@nucleus/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedModel, loadModel } from '../src/index.js';
import { tinyModelDir } from './support/models.js';
import { argmax, FullRecomputeModel } from './support/reference-model.js';

let dir: string;
let model: LoadedModel;
let reference: FullRecomputeModel;

beforeAll(async () => {
  dir = await tinyModelDir();
  model = await loadModel(dir, { threads: 1 });
  reference = await FullRecomputeModel.load(
    dir,
    JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')),
  );
});
afterAll(async () => {
  await model?.dispose();
  await reference?.release();
});

/** Greedy decoding by hand: ORT calls over the whole sequence each step, argmax; no runtime code at all. */
async function bareGreedy(prompt: readonly number[], steps: number): Promise<number[]> {
  const tokens = [...prompt];
  for (let i = 0; i < steps; i++) tokens.push(argmax(await reference.logitsOf(tokens)));
  return tokens.slice(prompt.length);
}

const noEos = { eosTokenId: [] as number[] };

describe('generate on a seeded tiny GPT-2 (checked against an uncached reference)', () => {
  it('greedy equals a bare loop of ORT calls + argmax without KV cache, and decodes the text', async () => {
    const prompt = model.tokenizer.encode('Hello, my dog is');
    const result = await model.generate('Hello, my dog is', { maxNewTokens: 24, ...noEos });
    const [sequence] = result.sequences;
    expect(sequence!.newTokens).toEqual(await bareGreedy(prompt, 24));
    expect(sequence!.tokens).toEqual([...prompt, ...sequence!.newTokens]);
    expect(sequence!.text).toBe(model.tokenizer.decode(sequence!.newTokens));
    expect(sequence!.finishReason).toBe('length');
    expect(new Set(sequence!.newTokens).size).toBeGreaterThan(3); // the model does not just repeat itself
  });

  it('a left-padded batch gives each prompt what it gets alone', async () => {
    const texts = ['Hi', 'Long long ago, a beautiful girl', 'Hello, my dog is'];
    const batch = await model.generate(texts, { maxNewTokens: 16, ...noEos });
    for (const [i, text] of texts.entries()) {
      const alone = await model.generate(text, { maxNewTokens: 16, ...noEos });
      expect(batch.sequences[i]!.newTokens).toEqual(alone.sequences[0]!.newTokens);
      expect(batch.sequences[i]!.newTokens).toEqual(await bareGreedy(model.tokenizer.encode(text), 16));
    }
  });

  it('beam search with all beams in one call equals beam search over the uncached reference', async () => {
    const prompts = [model.tokenizer.encode('The quick brown fox'), model.tokenizer.encode('Hi')];
    const config = {
      maxNewTokens: 12,
      numBeams: 4,
      numReturnSequences: 3,
      lengthPenalty: 0.7,
      eosTokenId: 13,
    };
    const ours = await model.generate({ inputIds: prompts }, config);
    const truth = await generate(reference, prompts, config, { modelDefaults: model.generationConfig });
    expect(ours.sequences.map((s) => s.tokens)).toEqual(truth.sequences.map((s) => s.tokens));
    ours.sequences.forEach((sequence, i) => {
      expect(sequence.score).toBeCloseTo(truth.sequences[i]!.score!, 4);
      expect(sequence.finishReason).toBe(truth.sequences[i]!.finishReason);
    });
  });

  it('sampling with numReturnSequences expands rows after one prefill and matches the reference, seed for seed', async () => {
    const prompts = [model.tokenizer.encode('Once upon a time'), model.tokenizer.encode('Hi')];
    const config = {
      maxNewTokens: 10,
      doSample: true,
      topK: 0,
      topP: 0.95,
      numReturnSequences: 3,
      seed: 42,
      ...noEos,
    };
    const ours = await model.generate({ inputIds: prompts }, config);
    const truth = await generate(reference, prompts, config, { modelDefaults: model.generationConfig });
    expect(ours.sequences.map((s) => s.newTokens)).toEqual(truth.sequences.map((s) => s.newTokens));
    expect(ours.sequences.map((s) => s.promptIndex)).toEqual([0, 0, 0, 1, 1, 1]);
    // Three draws of one prompt differ (a seeded run whose rows all matched would mean shared state).
    expect(new Set(ours.sequences.slice(0, 3).map((s) => s.newTokens.join()))).not.toHaveProperty('size', 1);
  });

  it('rows that finish early are dropped and the others still match the reference', async () => {
    const prompts = ['Hello, my dog is', 'Long long ago, a beautiful girl', 'Hi'].map((t) =>
      model.tokenizer.encode(t),
    );
    // An EOS that the middle row reaches after a few tokens and the others never produce, so the session
    // drops row 1 and keeps rows 0 and 2 (a gather, not a contiguous view).
    const greedyTokens = (
      await model.generate({ inputIds: prompts }, { maxNewTokens: 16, ...noEos })
    ).sequences.map((s) => s.newTokens);
    const eos = greedyTokens[1]!.find(
      (token, i) => i >= 2 && !greedyTokens[0]!.includes(token) && !greedyTokens[2]!.includes(token),
    );
    expect(eos).toBeDefined();
    const config = { maxNewTokens: 16, eosTokenId: eos! };
    const ours = await model.generate({ inputIds: prompts }, config);
    const truth = await generate(reference, prompts, config, { modelDefaults: model.generationConfig });
    expect(ours.sequences.map((s) => s.newTokens)).toEqual(truth.sequences.map((s) => s.newTokens));
    expect(ours.sequences.map((s) => s.finishReason)).toEqual(['length', 'eos', 'length']);
    expect(ours.sequences[1]!.newTokens).toHaveLength(greedyTokens[1]!.indexOf(eos!) + 1);
    expect(ours.sequences[1]!.newTokens.length).toBeLessThan(16);
  });

  it('concurrent generate calls on one model give the results they give alone', async () => {
    const calls = [
      ['Hello, my dog is', { maxNewTokens: 20, ...noEos }],
      ['Long long ago', { maxNewTokens: 14, doSample: true, seed: 7, ...noEos }],
      ['The quick brown fox', { maxNewTokens: 10, numBeams: 3, ...noEos }],
      ['Hi', { maxNewTokens: 18, doSample: true, topP: 0.8, seed: 1, numReturnSequences: 2, ...noEos }],
    ] as const;
    const together = await Promise.all(calls.map(([text, config]) => model.generate(text, config)));
    for (const [i, [text, config]] of calls.entries()) {
      const alone = await model.generate(text, config);
      expect(together[i]!.sequences.map((s) => s.tokens)).toEqual(alone.sequences.map((s) => s.tokens));
    }
    expect(model.liveSessions).toBe(0);
  });

  it('uses generation_config.json defaults (EOS 50256, 20 tokens of maxLength) under the call config', async () => {
    expect(model.generationConfig).toMatchObject({ eosTokenId: 50256, bosTokenId: 50256, padTokenId: 50256 });
    const result = await model.generate('Hello', {});
    expect(result.config.eosTokenId).toBe(50256);
    expect(result.config.maxLength).toBe(20);
    const sequence = result.sequences[0]!;
    expect(sequence.tokens.length === 20 || sequence.finishReason === 'eos').toBe(true);
  });

  it('an empty text prompt starts from the BOS token', async () => {
    const result = await model.generate('', { maxNewTokens: 3, ...noEos });
    expect(result.sequences[0]!.tokens.slice(0, 1)).toEqual([50256]);
  });
});
