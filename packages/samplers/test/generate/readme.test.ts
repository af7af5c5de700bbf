import { expect, it } from 'vitest';
import {
  createDecodingStep,
  createRandom,
  type DecoderModel,
  generate,
  streamGeneration,
  toPaddedSequences,
} from '../../src/index.js';

// The README's Generation example, run as written (with the values it shows checked).
it('README generation example', async () => {
  // A toy model over 8 tokens: after token t, token (t + 1) % 8 is the most likely next token.
  const toy: DecoderModel = {
    vocabSize: 8,
    createSession() {
      let last: number[] = [];
      return {
        vocabSize: 8,
        async step(tokens) {
          // The first call gets whole prompts, later calls one token per row.
          last = tokens.map((row) => row[row.length - 1]!);
          const logits = new Float32Array(last.length * 8);
          last.forEach((t, r) => {
            for (let j = 0; j < 8; j++) logits[r * 8 + j] = j === (t + 1) % 8 ? 2 : j === (t + 2) % 8 ? 1 : 0;
          });
          return logits;
        },
        selectRows(rows) {
          last = rows.map((r) => last[r]!); // follow reordered, expanded or dropped rows (the KV cache)
        },
        dispose() {},
      };
    },
  };

  // Greedy, a batch of two prompts.
  const greedy = await generate(toy, [[0], [5, 6]], { maxNewTokens: 4 });
  greedy.sequences.map((s) => s.newTokens); // [[1, 2, 3, 4], [7, 0, 1, 2]]

  // Seeded sampling: the same seed gives the same tokens in Node and browsers. HF's default topK is 50
  // (pass topK: 0 to turn it off). `result.seed` is reported even when you pass none, to replay a run.
  const sampled = await generate(toy, [[0]], {
    doSample: true,
    temperature: 0.8,
    topP: 0.9,
    maxNewTokens: 8,
    seed: 42,
  });

  // Beam search: the best hypotheses with their final scores (HF `sequences_scores`), each at its own length.
  const beams = await generate(toy, [[0]], {
    numBeams: 3,
    numReturnSequences: 2,
    maxNewTokens: 5,
    eosTokenId: 4,
  });
  beams.sequences.map((s) => [s.newTokens, s.score, s.finishReason]); // [[[1, 2, 3, 4], -1.27..., 'eos'], ...]

  // HF's padded layout (prompts left-padded, finished rows right-padded), e.g. to compare with HF output.
  toPaddedSequences(greedy, 0); // [[0, 0, 1, 2, 3, 4], [5, 6, 7, 0, 1, 2]]

  // Stop strings need a decode callback; `text` is cut before the stop string (OpenAI/vLLM convention).
  const decode = (ids: readonly number[]) => ids.map((id) => 'abcdefgh'[id]).join('');
  const stopped = await generate(toy, [[0]], { maxNewTokens: 10, stopStrings: ['de'] }, { decode });
  stopped.sequences[0]; // { newTokens: [1, 2, 3, 4], text: 'bc', stopString: 'de', finishReason: 'stop', ... }

  // Streaming, with an abort signal: the result keeps what was generated (finishReason 'aborted').
  const controller = new AbortController();
  const stream = streamGeneration(toy, [[0]], { maxNewTokens: 100 }, { signal: controller.signal });
  for await (const event of stream) if (event.step === 2) controller.abort();
  (await stream.result).sequences[0]!.newTokens; // [1, 2, 3]

  expect(greedy.sequences.map((s) => s.newTokens)).toEqual([
    [1, 2, 3, 4],
    [7, 0, 1, 2],
  ]);
  expect(sampled.sequences[0]!.newTokens).toHaveLength(8);
  // Beam scores by hand: logits 2 / 1 / 0 x 6 give log-probabilities 2 - ln(e^2 + e + 6) = -0.7793 (best)
  // and -1.7793 (second); [1,2,3,4]: 4 x -0.7793 / 4; [1,2,3,5,6]: (4 x -0.7793 - 1.7793) / 5 = -0.9793.
  const best = 2 - Math.log(Math.exp(2) + Math.E + 6);
  expect(beams.sequences.map((s) => s.newTokens)).toEqual([
    [1, 2, 3, 4],
    [1, 2, 3, 5, 6],
  ]);
  expect(beams.sequences[0]!.score!).toBeCloseTo(best, 5);
  expect(beams.sequences[1]!.score!).toBeCloseTo((4 * best + best - 1) / 5, 5);
  expect(beams.sequences.map((s) => s.finishReason)).toEqual(['eos', 'length']);
  expect(toPaddedSequences(greedy, 0)).toEqual([
    [0, 0, 1, 2, 3, 4],
    [5, 6, 7, 0, 1, 2],
  ]);
  expect(stopped.sequences[0]).toMatchObject({
    newTokens: [1, 2, 3, 4],
    text: 'bc',
    stopString: 'de',
    finishReason: 'stop',
  });
  expect((await stream.result).sequences[0]).toMatchObject({ newTokens: [1, 2, 3], finishReason: 'aborted' });
});

// The README's "Your own decode loop" example, run as written.
it('README decoding step example', () => {
  const step = createDecodingStep({ doSample: true, temperature: 0.7, topK: 50 });
  const tokens = new Int32Array(64);
  const ctx = { tokens, length: 0, promptLength: 0, row: 0, eosTokenIds: [], random: createRandom(1) };
  const logits = new Float32Array(50_257).map((_, id) => -Math.abs(id - 500) / 50);
  const before = logits.slice();
  const seen = new Set<number>();
  for (let i = 0; i < 60; i++) {
    const token = step.select(logits, ctx);
    tokens[ctx.length++] = token;
    step.accept(token, ctx);
    seen.add(token);
  }
  for (const token of seen) expect(Math.abs(token - 500)).toBeLessThanOrEqual(25);
  expect(seen.size).toBeGreaterThan(20);
  expect(logits).toEqual(before);
});
