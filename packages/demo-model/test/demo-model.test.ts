import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ensureModel } from '@nucleus/gpt2-onnx';
import { type LoadedModel, loadModel } from '@nucleus/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelInfo, demoModelPath } from '../src/index.js';
import { type LogitsRunner, openLogitsRunner } from './logits-runner.js';

const HUB_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'README.md',
];
const VOCAB_SIZE = 50257;
const EOS_ID = 50256;
const SAMPLING = { maxNewTokens: 40, doSample: true, topP: 0.9, topK: 0, seed: 7, numReturnSequences: 4 };

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
/** Every distinct lowercase word of the corpus (written by tools/train-demo-model). */
const corpusWords = new Set(fixture('kjv-words.txt').split('\n').filter(Boolean));
/** A chapter the model was not trained on (Genesis 20), formatted as in the corpus. */
const heldOutChapter = fixture('heldout-chapter.txt');

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)*/g) ?? [];
}

/** Share of the words of `text` that occur in the corpus. */
function corpusWordShare(text: string): number {
  const words = wordsOf(text);
  return words.filter((word) => corpusWords.has(word)).length / words.length;
}

/** Mean next-token cross-entropy (nats) of `ids`, in windows of `context` predicted tokens. */
async function meanLoss(runner: LogitsRunner, ids: number[], context: number): Promise<number> {
  let total = 0;
  let count = 0;
  for (let start = 0; start + 1 < ids.length; start += context) {
    const window = ids.slice(start, start + context + 1);
    const logits = await runner.logits(window.slice(0, -1));
    for (let position = 0; position + 1 < window.length; position++) {
      const row = logits.subarray(position * VOCAB_SIZE, (position + 1) * VOCAB_SIZE);
      let max = -Infinity;
      for (const value of row) max = Math.max(max, value);
      let sum = 0;
      for (const value of row) sum += Math.exp(value - max);
      total += max + Math.log(sum) - row[window[position + 1]!]!;
      count++;
    }
  }
  return total / count;
}

const modelDir = demoModelPath();
const card = readFileSync(join(modelDir, 'README.md'), 'utf8');
const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;

describe('the model folder', () => {
  it('is an absolute path holding every hub-layout file', () => {
    expect(isAbsolute(modelDir)).toBe(true);
    for (const file of HUB_FILES) expect(existsSync(join(modelDir, file)), file).toBe(true);
  });

  it('has the GPT-2 shape that demoModelInfo and the model card state', () => {
    const { architecture } = demoModelInfo;
    expect(config).toMatchObject({
      model_type: 'gpt2',
      n_layer: architecture.nLayer,
      n_head: architecture.nHead,
      n_embd: architecture.nEmbd,
      n_positions: architecture.nPositions,
      vocab_size: VOCAB_SIZE,
    });
    expect(architecture.vocabSize).toBe(VOCAB_SIZE);
    expect(card).toContain(
      `| layers / heads / width | ${architecture.nLayer} / ${architecture.nHead} / ${architecture.nEmbd}`,
    );
    expect(card).toContain(`| context                | ${architecture.nPositions} tokens |`);
  });

  it('has a card with the held-out figures of demoModelInfo, perplexity = exp(loss)', () => {
    const { evaluation } = demoModelInfo;
    expect(card).toMatch(
      new RegExp(`\\| held-out loss \\(nats per token\\) +\\| ${evaluation.heldOutLoss.toFixed(4)} \\|`),
    );
    expect(card).toMatch(
      new RegExp(`\\| held-out perplexity +\\| ${evaluation.heldOutPerplexity.toFixed(2)} \\|`),
    );
    expect(evaluation.heldOutPerplexity).toBeCloseTo(Math.exp(evaluation.heldOutLoss), 1);
    expect(evaluation.onnxMaxAbsDiff).toBeLessThan(1e-4);
  });

  it('holds fp32 weights for the parameter count demoModelInfo states', () => {
    const bytes = readFileSync(join(modelDir, 'onnx/model.onnx')).byteLength;
    // The weights are nearly all of the file: the graph itself is a few kilobytes.
    expect(bytes).toBeGreaterThan(demoModelInfo.architecture.parameters * 4);
    expect(bytes).toBeLessThan(demoModelInfo.architecture.parameters * 4 + 200_000);
  });
});

describe('running the model', () => {
  let model: LoadedModel;
  let runner: LogitsRunner;

  beforeAll(async () => {
    model = await loadModel(modelDir, { threads: 1 });
    runner = await openLogitsRunner(modelDir);
  });
  afterAll(async () => {
    await model?.dispose();
    await runner?.release();
  });

  it('gives finite logits of shape [1, tokens, 50257]; tokens the corpus never uses get the fixed logit', async () => {
    const ids = model.tokenizer.encode('And the LORD said unto Moses');
    const logits = await runner.logits(ids);
    expect(runner.lastDims).toEqual([1, ids.length, VOCAB_SIZE]);
    expect(logits.every(Number.isFinite)).toBe(true);

    const unseen = model.tokenizer.tokenToId('ĠJavaScript')!; // not a King James word
    for (let position = 0; position < ids.length; position++) {
      const row = logits.subarray(position * VOCAB_SIZE, (position + 1) * VOCAB_SIZE);
      expect(row[unseen]).toBe(demoModelInfo.corpus.unusedTokenLogit);
      let max = -Infinity;
      for (const value of row) max = Math.max(max, value);
      expect(max).toBeGreaterThan(demoModelInfo.corpus.unusedTokenLogit + 20);
    }
  });

  it('predicts a held-out chapter about as well as the card says', async () => {
    const ids = [EOS_ID, ...model.tokenizer.encode(heldOutChapter)];
    const loss = await meanLoss(runner, ids, demoModelInfo.architecture.nPositions);
    expect(loss).toBeLessThan(demoModelInfo.evaluation.heldOutLoss + 0.5);
  });

  it('continues the suggested prompt greedily with words of the corpus', async () => {
    const { sequences } = await model.generate(demoModelInfo.suggestedPrompt, { maxNewTokens: 30 });
    const text = sequences[0]!.text;
    expect(wordsOf(text).length).toBeGreaterThanOrEqual(10);
    expect(corpusWordShare(text)).toBeGreaterThanOrEqual(0.9);
  });

  it('samples (top-p 0.9, seeded) mostly words of the corpus', async () => {
    const { sequences } = await model.generate(demoModelInfo.suggestedPrompt, SAMPLING);
    const text = sequences.map((sequence) => sequence.text).join(' ');
    expect(corpusWordShare(text)).toBeGreaterThanOrEqual(0.9);
  });

  it('writes the greedy sample that the model card shows', async () => {
    const greedy = /### greedy\n\n`(\{.*\})`.*\n\n```text\n([\s\S]*?)\n```/.exec(card);
    expect(greedy).not.toBeNull();
    const cardConfig = JSON.parse(greedy![1]!) as { maxNewTokens: number };
    const { sequences } = await model.generate(demoModelInfo.suggestedPrompt, cardConfig);
    expect(`${demoModelInfo.suggestedPrompt}${sequences[0]!.text}`).toBe(greedy![2]);
  });
});

describe('the checks above, on a model with random weights', () => {
  let random: LoadedModel;
  let runner: LogitsRunner;

  beforeAll(async () => {
    const dir = await ensureModel('tiny');
    random = await loadModel(dir, { threads: 1 });
    runner = await openLogitsRunner(dir);
  });
  afterAll(async () => {
    await random?.dispose();
    await runner?.release();
  });

  it('fail: its samples are not corpus words', async () => {
    const { sequences } = await random.generate(demoModelInfo.suggestedPrompt, SAMPLING);
    const text = sequences.map((sequence) => sequence.text).join(' ');
    expect(corpusWordShare(text)).toBeLessThan(0.5);
  });

  it('fail: its loss on the held-out chapter is far above the card figure', async () => {
    const ids = [EOS_ID, ...random.tokenizer.encode(heldOutChapter)];
    const loss = await meanLoss(runner, ids, 128);
    expect(loss).toBeGreaterThan(demoModelInfo.evaluation.heldOutLoss + 3);
  });
});
