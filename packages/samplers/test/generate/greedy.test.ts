import { describe, expect, it } from 'vitest';
import { argmax, generate, PromptTooLongError, toPaddedSequences } from '../../src/index.js';
import { FakeModel, hashLogits, type LogitsFn } from '../support/fake-models.js';

const VOCAB = 32;

/** The obvious greedy loop, written without the library: full history, argmax, stop on EOS or budget. */
function referenceGreedy(logits: LogitsFn, prompt: number[], maxNew: number, eos: number[] = []): number[] {
  const tokens = [...prompt];
  for (let i = 0; i < maxNew; i++) {
    const row = logits(tokens);
    let best = 0;
    for (let j = 1; j < VOCAB; j++) if (row[j]! > row[best]!) best = j;
    tokens.push(best);
    if (eos.includes(best)) break;
  }
  return tokens;
}

describe('greedy generate', () => {
  it('equals a plain argmax loop on a hash model', async () => {
    const logits = hashLogits(VOCAB, 7);
    const model = new FakeModel(VOCAB, logits);
    const result = await generate(model, [[1, 2, 3]], { maxNewTokens: 12 });
    expect(result.sequences).toHaveLength(1);
    expect(result.sequences[0]!.tokens).toEqual(referenceGreedy(logits, [1, 2, 3], 12));
    expect(result.sequences[0]!.finishReason).toBe('length');
    expect(result.sequences[0]!.score).toBeNull();
    expect(argmax).toBeTypeOf('function');
  });

  it('decodes a batch like each prompt alone', async () => {
    const logits = hashLogits(VOCAB, 3);
    const prompts = [[5], [6, 7, 8], [9, 10]];
    const batch = await generate(new FakeModel(VOCAB, logits), prompts, { maxNewTokens: 6 });
    for (const [i, prompt] of prompts.entries()) {
      expect(batch.sequences[i]!.tokens).toEqual(referenceGreedy(logits, prompt, 6));
    }
  });

  it('stops a row on EOS, drops it from the session, and pads it in the HF view', async () => {
    // Row 0 (prompt [1]) produces 4 then EOS 31; row 1 (prompt [2, 3]) never meets EOS.
    const logits: LogitsFn = (history) => {
      const row = new Float32Array(VOCAB);
      const last = history[history.length - 1]!;
      row[history[0] === 1 ? (last === 4 ? 31 : 4) : (last + 1) % 30] = 5;
      return row;
    };
    const model = new FakeModel(VOCAB, logits);
    const result = await generate(model, [[1], [2, 3]], { maxNewTokens: 4, eosTokenId: 31, padTokenId: 0 });
    expect(result.sequences.map((s) => s.newTokens)).toEqual([
      [4, 31],
      [4, 5, 6, 7],
    ]);
    expect(result.sequences.map((s) => s.finishReason)).toEqual(['eos', 'length']);
    // HF layout: prompts left-padded to 2, new tokens right-padded to 4, pad 0.
    expect(toPaddedSequences(result)).toEqual([
      [0, 1, 4, 31, 0, 0],
      [2, 3, 4, 5, 6, 7],
    ]);
    // Session: prefill 2 rows, step with 2 rows, then row 0 is dropped: selectRows([1]), 1-row steps.
    expect(
      model.calls.map((c) =>
        c.kind === 'step' ? `step:${c.rows}` : c.kind === 'selectRows' ? `select:${c.rows}` : c.kind,
      ),
    ).toEqual(['step:2', 'step:2', 'select:1', 'step:1', 'step:1', 'dispose']);
  });

  it('stops on any id of an EOS list', async () => {
    const logits: LogitsFn = (history) => {
      const row = new Float32Array(VOCAB);
      row[history[0] === 1 ? 20 : history.length > 3 ? 21 : 10] = 1;
      return row;
    };
    const result = await generate(new FakeModel(VOCAB, logits), [[1], [2]], {
      maxNewTokens: 8,
      eosTokenId: [20, 21],
    });
    expect(result.sequences.map((s) => s.newTokens)).toEqual([[20], [10, 10, 10, 21]]);
    expect(result.sequences.map((s) => s.finishReason)).toEqual(['eos', 'eos']);
  });

  it('uses maxLength as prompt + new tokens, counted from the longest prompt', async () => {
    const model = new FakeModel(VOCAB, hashLogits(VOCAB));
    const result = await generate(
      model,
      [
        [1, 2],
        [3, 4, 5, 6],
      ],
      { maxLength: 10 },
    );
    // HF pads to 4 tokens and generates 10 - 4 = 6 new tokens per row.
    expect(result.sequences.map((s) => s.newTokens.length)).toEqual([6, 6]);
    const withNew = await generate(model, [[1, 2]], { maxLength: 10, maxNewTokens: 3 });
    expect(withNew.sequences[0]!.newTokens).toHaveLength(3);
  });

  it('rejects prompts beyond maxPositions before any forward call', async () => {
    const model = new FakeModel(VOCAB, hashLogits(VOCAB), 8);
    await expect(generate(model, [[1, 2, 3, 4, 5, 6]], { maxNewTokens: 3 })).rejects.toThrow(
      PromptTooLongError,
    );
    await expect(generate(model, [Array.from({ length: 9 }, () => 1)], { maxNewTokens: 1 })).rejects.toThrow(
      /attends to at most 8/,
    );
    expect(model.sessions).toHaveLength(0);
  });

  it('rejects token options outside the vocabulary', async () => {
    const model = new FakeModel(VOCAB, hashLogits(VOCAB));
    await expect(generate(model, [[1]], { eosTokenId: 40 })).rejects.toThrow(
      "eosTokenId must be token ids in [0, 31] (the model's vocabulary), got 40",
    );
  });

  it('disposes the session when the model fails', async () => {
    const model = new FakeModel(VOCAB, (history) => {
      if (history.length > 3) throw new Error('model exploded');
      return hashLogits(VOCAB)(history);
    });
    await expect(generate(model, [[1, 2]], { maxNewTokens: 5 })).rejects.toThrow('model exploded');
    expect(model.sessions[0]!.disposed).toBe(true);
  });

  it('reports timings from the injected clock', async () => {
    let time = 0;
    const model = new FakeModel(VOCAB, hashLogits(VOCAB));
    const now = () => time;
    const promise = generate(model, [[1]], { maxNewTokens: 4 }, { now });
    model.sessions[0]!.onStep = () => {
      time += 10;
    };
    const result = await promise;
    // 4 steps of 10 ms each: the prefill step ends at 10 ms, the last at 40 ms.
    expect(result.timings.prefillMs).toBe(10);
    expect(result.timings.decodeMs).toBe(30);
    expect(result.timings.newTokens).toBe(4);
    expect(result.timings.tokensPerSecond).toBeCloseTo(100, 6);
  });
});
