import type { TokenSelector } from '@nucleus/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedModel, loadModel, type TextTokenEvent } from '../src/index.js';
import { tinyModelDir } from './support/models.js';

let model: LoadedModel;
beforeAll(async () => {
  model = await loadModel(await tinyModelDir(), { threads: 1 });
});
afterAll(() => model?.dispose());

/** A selector that ignores the logits and plays back `script` (one token per step). */
function scripted(script: readonly number[]): TokenSelector {
  return {
    name: 'scripted',
    select: (_logits, ctx) => script[ctx.length - ctx.promptLength]!,
  };
}

async function collect(stream: AsyncIterable<TextTokenEvent>): Promise<TextTokenEvent[]> {
  const events: TextTokenEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function textsBySequence(events: readonly TextTokenEvent[]): string[] {
  const texts: string[] = [];
  for (const event of events) texts[event.sequence] = (texts[event.sequence] ?? '') + event.text;
  return texts;
}

describe('stream', () => {
  it('emits one event per token whose text deltas concatenate to the final text of every sequence', async () => {
    const stream = model.stream(['Hello, my dog is', 'Hi'], {
      maxNewTokens: 20,
      doSample: true,
      seed: 3,
      numReturnSequences: 2,
      eosTokenId: [],
    });
    const events = await collect(stream);
    const result = await stream.result;
    expect(events).toHaveLength(result.sequences.reduce((n, s) => n + s.newTokens.length, 0));
    expect(textsBySequence(events)).toEqual(result.sequences.map((s) => s.text));
    for (const [i, sequence] of result.sequences.entries()) {
      expect(events.filter((e) => e.sequence === i).map((e) => e.token)).toEqual(sequence.newTokens);
    }
  });

  it('never shows U+FFFD for characters split across tokens (emoji, CJK, accents)', async () => {
    const text = ' 🤗 emojis 🚀, 中文 and Ünïcödé';
    const script = model.tokenizer.encode(text);
    expect(script.length).toBeGreaterThan(12); // the characters do span several byte-level tokens
    const stream = model.stream(
      'Hello',
      { maxNewTokens: script.length, eosTokenId: [] },
      { selector: scripted(script) },
    );
    const events = await collect(stream);
    for (const event of events) expect(event.text).not.toContain('\uFFFD');
    expect(events.some((event) => event.text === '')).toBe(true); // some tokens only started a character
    expect(events.map((event) => event.text).join('')).toBe(text);
    expect((await stream.result).sequences[0]!.text).toBe(text);
  });

  it('holds back text that may begin a stop string and cuts before it', async () => {
    const script = model.tokenizer.encode(' The end is here. The end.');
    const stream = model.stream(
      'Story:',
      { maxNewTokens: script.length, stopStrings: ['end.', 'is there'], eosTokenId: [] },
      { selector: scripted(script) },
    );
    const events = await collect(stream);
    const result = await stream.result;
    const sequence = result.sequences[0]!;
    expect(sequence.finishReason).toBe('stop');
    expect(sequence.stopString).toBe('end.');
    expect(sequence.text).toBe(' The end is here. The ');
    expect(events.map((event) => event.text).join('')).toBe(sequence.text);
    // "is" might have begun "is there": it was held until " here" showed it did not.
    const released: string[] = [];
    let soFar = '';
    for (const event of events) {
      soFar += event.text;
      released.push(soFar);
    }
    expect(released.some((text) => text.endsWith(' The end is'))).toBe(false);
  });

  it('leaves the final EOS token out of the text', async () => {
    const script = [...model.tokenizer.encode(' done'), 50256];
    const stream = model.stream('We are', { maxNewTokens: 10 }, { selector: scripted(script) });
    const events = await collect(stream);
    const sequence = (await stream.result).sequences[0]!;
    expect(sequence.finishReason).toBe('eos');
    expect(events.at(-1)!.token).toBe(50256);
    expect(events.map((event) => event.text).join('')).toBe(' done');
    expect(sequence.text).toBe(' done');
  });

  it('beam search streams the returned hypotheses once the search is over', async () => {
    const stream = model.stream('The quick brown fox', {
      maxNewTokens: 8,
      numBeams: 3,
      numReturnSequences: 2,
      eosTokenId: [],
    });
    const events = await collect(stream);
    const result = await stream.result;
    expect(textsBySequence(events)).toEqual(result.sequences.map((s) => s.text));
    expect(result.sequences[0]!.score).toBeGreaterThanOrEqual(result.sequences[1]!.score!);
  });

  it('an abort signal stops the generation cleanly, keeping what was generated', async () => {
    const controller = new AbortController();
    const stream = model.stream(
      'Hello, my dog is',
      { maxNewTokens: 100, eosTokenId: [] },
      { signal: controller.signal },
    );
    const events: TextTokenEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 4) controller.abort();
    }
    const sequence = (await stream.result).sequences[0]!;
    expect(sequence.finishReason).toBe('aborted');
    expect(sequence.newTokens.length).toBeGreaterThanOrEqual(4);
    expect(sequence.newTokens.length).toBeLessThan(100);
    expect(events.map((e) => e.token)).toEqual(sequence.newTokens);
    // Stopped between two steps: no closing event, so text still held back (at most an incomplete
    // character here) is only in the result.
    expect(sequence.text!.startsWith(events.map((e) => e.text).join(''))).toBe(true);
    expect(model.liveSessions).toBe(0);

    const aborted = await model.generate('Hi', { maxNewTokens: 5 }, { signal: AbortSignal.abort() });
    expect(aborted.sequences[0]!.newTokens).toEqual([]);
    expect(aborted.sequences[0]!.finishReason).toBe('aborted');
  });
});
