import { describe, expect, it } from 'vitest';
import { ConfigError, generate, streamGeneration } from '../../src/index.js';
import { FakeModel, type LogitsFn } from '../support/fake-models.js';
import { decode, PIECES } from '../support/toy-tokenizer.js';

const VOCAB = PIECES.length;

/** Emits the given tokens in order after the prompt, then token 10 ('a') forever. */
function script(tokens: number[]): LogitsFn {
  return (history) => {
    const row = new Float32Array(VOCAB);
    row[tokens[history.length - 1] ?? 10] = 1;
    return row;
  };
}

describe('stop strings', () => {
  it('end a sequence when the text completes one across tokens, and cut the text before it', async () => {
    // "He" + "llo" + " " + "ST" + "OP" + "!" -> "llo STOP" completes at "OP".
    const model = new FakeModel(VOCAB, script([2, 9, 6, 7, 8, 8]));
    const result = await generate(
      model,
      [[1]],
      { maxNewTokens: 10, stopStrings: ['STOP', 'zzz'] },
      { decode },
    );
    const [sequence] = result.sequences;
    expect(sequence!.newTokens).toEqual([2, 9, 6, 7]);
    expect(sequence!.finishReason).toBe('stop');
    expect(sequence!.stopString).toBe('STOP');
    expect(sequence!.text).toBe('llo ');
  });

  it('need a decode callback', async () => {
    const model = new FakeModel(VOCAB, script([]));
    await expect(generate(model, [[1]], { stopStrings: 'x' })).rejects.toThrow(ConfigError);
  });

  it('give text without the final EOS token', async () => {
    const model = new FakeModel(VOCAB, script([2, 0]));
    const result = await generate(
      model,
      [[1]],
      { maxNewTokens: 5, eosTokenId: 0 },
      { decode: (t) => t.map((x) => `<${x}>`).join('') },
    );
    expect(result.sequences[0]!.newTokens).toEqual([2, 0]);
    expect(result.sequences[0]!.text).toBe('<2>');
  });
});

describe('abort', () => {
  it('stops cleanly mid-generation, keeping what was generated', async () => {
    const controller = new AbortController();
    const model = new FakeModel(VOCAB, script([11, 12, 13, 14, 15]));
    const promise = generate(model, [[1], [2, 2]], { maxNewTokens: 10 }, { signal: controller.signal });
    model.sessions[0]!.onStep = (step) => {
      if (step === 2) controller.abort();
    };
    const result = await promise;
    // Steps 0, 1, 2 ran; the abort is seen after step 2, whose tokens are kept.
    expect(result.sequences.map((s) => s.newTokens)).toEqual([
      [11, 12, 13],
      [12, 13, 14],
    ]);
    expect(result.sequences.map((s) => s.finishReason)).toEqual(['aborted', 'aborted']);
    expect(model.sessions[0]!.disposed).toBe(true);
  });

  it('returns the prompts untouched when already aborted, without opening a session', async () => {
    const model = new FakeModel(VOCAB, script([]));
    const result = await generate(model, [[1]], { maxNewTokens: 3 }, { signal: { aborted: true } });
    expect(result.sequences[0]).toMatchObject({ tokens: [1], newTokens: [], finishReason: 'aborted' });
    expect(model.sessions).toHaveLength(0);
  });
});

describe('maxTime', () => {
  it('ends every sequence with finish reason time once the clock passes the limit', async () => {
    let time = 0;
    const model = new FakeModel(VOCAB, script([]));
    const promise = generate(model, [[1]], { maxNewTokens: 50, maxTime: 2.5 }, { now: () => time });
    model.sessions[0]!.onStep = () => {
      time += 1000;
    };
    const result = await promise;
    // After step k (0-based) the clock reads (k + 1) s; 3 s > 2.5 s after the third step.
    expect(result.sequences[0]!.newTokens).toHaveLength(3);
    expect(result.sequences[0]!.finishReason).toBe('time');
  });
});

describe('streamGeneration', () => {
  it('yields every token as it is chosen and resolves the same result', async () => {
    const model = new FakeModel(VOCAB, script([11, 12, 0]));
    const stream = streamGeneration(model, [[1], [3]], { maxNewTokens: 4, eosTokenId: 0 });
    const events = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    for (const [index, sequence] of result.sequences.entries()) {
      const mine = events.filter((event) => event.sequence === index);
      expect(mine.map((event) => event.token)).toEqual(sequence.newTokens);
      expect(mine.map((event) => event.step)).toEqual(sequence.newTokens.map((_, step) => step));
      expect(mine.at(-1)).toMatchObject({ finished: true, finishReason: sequence.finishReason });
      expect(mine.slice(0, -1).every((event) => !event.finished)).toBe(true);
    }
  });

  it('throws the generation error from the iterator and rejects the result', async () => {
    const model = new FakeModel(VOCAB, () => {
      throw new Error('boom');
    });
    const stream = streamGeneration(model, [[1]], { maxNewTokens: 2 });
    await expect(async () => {
      for await (const _ of stream) {
        // drain
      }
    }).rejects.toThrow('boom');
    await expect(stream.result).rejects.toThrow('boom');
  });
});
