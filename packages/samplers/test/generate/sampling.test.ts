import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generate, type LogitsProcessor, type TokenSelector } from '../../src/index.js';
import { FakeModel, hashLogits } from '../support/fake-models.js';

const VOCAB = 24;

describe('sampling generate', () => {
  it('reproduces a run from its seed, and reports a seed when none was given', async () => {
    const model = new FakeModel(VOCAB, hashLogits(VOCAB, 1));
    const config = { doSample: true, topK: 0, maxNewTokens: 30 } as const;
    const a = await generate(model, [[1, 2]], { ...config, seed: 99 });
    const b = await generate(model, [[1, 2]], { ...config, seed: 99 });
    expect(a.seed).toBe(99);
    expect(b.sequences[0]!.tokens).toEqual(a.sequences[0]!.tokens);

    const unseeded = await generate(model, [[1, 2]], config);
    expect(Number.isSafeInteger(unseeded.seed)).toBe(true);
    const replay = await generate(model, [[1, 2]], { ...config, seed: unseeded.seed });
    expect(replay.sequences[0]!.tokens).toEqual(unseeded.sequences[0]!.tokens);
  });

  it('different seeds give different samples', async () => {
    // Flat logits over 24 tokens: two seeds agreeing on all 40 tokens has probability 24^-40.
    const model = new FakeModel(VOCAB, () => new Float32Array(VOCAB));
    const config = { doSample: true, topK: 0, maxNewTokens: 40 } as const;
    const runs = await Promise.all([1, 2, 3].map((seed) => generate(model, [[0]], { ...config, seed })));
    const outputs = new Set(runs.map((run) => run.sequences[0]!.newTokens.join(',')));
    expect(outputs.size).toBe(3);
  });

  it('never samples a token a processor removed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.uniqueArray(fc.integer({ min: 0, max: VOCAB - 1 }), { maxLength: VOCAB - 1 }),
        async (seed, banned) => {
          const ban: LogitsProcessor = {
            name: 'ban',
            process(logits) {
              for (const id of banned) logits[id] = Number.NEGATIVE_INFINITY;
            },
          };
          const model = new FakeModel(VOCAB, hashLogits(VOCAB, seed));
          const result = await generate(
            model,
            [[1]],
            { doSample: true, topK: 0, maxNewTokens: 10, seed },
            { processors: [ban] },
          );
          for (const token of result.sequences[0]!.newTokens) expect(banned).not.toContain(token);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('expands numReturnSequences rows after one prefill per distinct prompt', async () => {
    const model = new FakeModel(VOCAB, hashLogits(VOCAB, 5));
    const result = await generate(model, [[1, 2], [3], [1, 2]], {
      doSample: true,
      topK: 0,
      numReturnSequences: 2,
      maxNewTokens: 3,
      seed: 4,
    });
    expect(result.sequences).toHaveLength(6);
    expect(result.sequences.map((s) => s.promptIndex)).toEqual([0, 0, 1, 1, 2, 2]);
    const calls = model.calls;
    // Prompt [1, 2] appears twice but is prefilled once: 2 prefill rows, then 6 rows.
    expect(calls[0]).toMatchObject({ kind: 'step', rows: 2, tokens: [[1, 2], [3]] });
    expect(calls[1]).toEqual({ kind: 'selectRows', rows: [0, 0, 1, 1, 0, 0] });
    expect(calls[2]).toMatchObject({ kind: 'step', rows: 6 });
    // Each row continues from its own history: rows of one prompt may differ.
    for (const sequence of result.sequences) expect(sequence.newTokens).toHaveLength(3);
  });

  it('runs history processors, then user processors, then warpers, and clones per row', async () => {
    const log: string[] = [];
    const recorder = (name: string): LogitsProcessor => ({
      name,
      process: (_logits, ctx) => {
        log.push(`${name}@${ctx.length}`);
      },
    });
    let clones = 0;
    const accepted: number[][] = [];
    const stateful: LogitsProcessor = {
      name: 'stateful',
      process: () => {},
      clone() {
        clones++;
        const mine: number[] = [];
        accepted.push(mine);
        return { ...stateful, accept: (token: number) => mine.push(token) };
      },
    };
    const model = new FakeModel(VOCAB, hashLogits(VOCAB, 9));
    const result = await generate(
      model,
      [[1]],
      {
        doSample: true,
        temperature: 0.5,
        repetitionPenalty: 1.2,
        numReturnSequences: 2,
        maxNewTokens: 2,
        seed: 1,
      },
      { processors: [recorder('user'), stateful] },
    );
    // Two rows, each with its own clone, which saw exactly its row's tokens.
    expect(clones).toBe(2);
    expect(accepted).toEqual(result.sequences.map((s) => s.newTokens));
    expect(log.slice(0, 2)).toEqual(['user@1', 'user@1']);
    // The trace names the stages in order.
    const traced = await generate(
      model,
      [[1]],
      { doSample: true, temperature: 0.5, repetitionPenalty: 1.2, topK: 5, maxNewTokens: 1, seed: 1 },
      { processors: [recorder('user')], trace: true },
    );
    expect(traced.trace![0]!.stages.map((stage) => stage.name)).toEqual([
      'repetitionPenalty',
      'user',
      'temperature',
      'topK',
    ]);
  });

  it('uses a custom selector', async () => {
    const last: TokenSelector = {
      name: 'last',
      select: (logits) => logits.length - 1,
    };
    const model = new FakeModel(VOCAB, hashLogits(VOCAB));
    const result = await generate(model, [[1]], { maxNewTokens: 3 }, { selector: last });
    expect(result.sequences[0]!.newTokens).toEqual([VOCAB - 1, VOCAB - 1, VOCAB - 1]);
    await expect(generate(model, [[1]], { numBeams: 2 }, { selector: last })).rejects.toThrow(
      /cannot be used with numBeams > 1/,
    );
    // A selector that scribbles on its row must not corrupt the session's buffer (the fake session checks).
    const scribbler: TokenSelector = {
      name: 'scribbler',
      select: (logits) => {
        logits.fill(0);
        return 3;
      },
    };
    const scribbled = await generate(model, [[1], [1]], { maxNewTokens: 3 }, { selector: scribbler });
    expect(scribbled.sequences.map((s) => s.newTokens)).toEqual([
      [3, 3, 3],
      [3, 3, 3],
    ]);
  });
});
