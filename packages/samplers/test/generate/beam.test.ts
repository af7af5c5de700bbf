import { describe, expect, it } from 'vitest';
import { generate, type LogitsProcessor, streamGeneration, toPaddedSequences } from '../../src/index.js';
import { A, B, EOS, lnProduct, scriptProbabilities } from '../support/beam-script.js';
import { FakeModel, type LogitsFn } from '../support/fake-models.js';

const PROMPTS = [[7], [8, 8]];

/** Logits = log-probabilities of the hand-made script; prompt [8, 8] uses the mirrored script (A <-> B). */
const logits: LogitsFn = (history) => {
  const promptLength = history[0] === 7 ? 1 : 2;
  const probabilities = scriptProbabilities(history.slice(promptLength), history[0] === 8);
  // The 4 script tokens in a vocabulary of 10; tokens 4 to 9 are impossible.
  return [...probabilities.map(Math.log), ...new Array<number>(6).fill(Number.NEGATIVE_INFINITY)];
};

const swap = (token: number) => (token === A ? B : token === B ? A : token);

describe('beam search through generate (hand-computed, see test/beam/beam-search.test.ts)', () => {
  it('lengthPenalty 2: both prompts of a batch, two hypotheses each, with HF sequences_scores', async () => {
    const model = new FakeModel(10, logits);
    const result = await generate(model, PROMPTS, {
      numBeams: 2,
      numReturnSequences: 2,
      lengthPenalty: 2,
      maxNewTokens: 3,
      eosTokenId: EOS,
    });
    // Prompt 0: [B,B,EOS] ln(.2*.6*.9)/9 and [A,A,EOS] ln(.3*.25*.5)/9; prompt 1: the same mirrored.
    expect(result.sequences.map((s) => s.newTokens)).toEqual([
      [B, B, EOS],
      [A, A, EOS],
      [B, B, EOS].map(swap),
      [A, A, EOS].map(swap),
    ]);
    const expected = [lnProduct(0.2, 0.6, 0.9) / 9, lnProduct(0.3, 0.25, 0.5) / 9];
    result.sequences.forEach((sequence, i) => {
      expect(sequence.score!).toBeCloseTo(expected[i % 2]!, 5);
      expect(sequence.finishReason).toBe('eos');
    });
    expect(result.sequences[2]!.tokens).toEqual([8, 8, ...[B, B, EOS].map(swap)]);

    // One prefill row per prompt, expanded to 2 beams each after the first step; 4 rows afterwards.
    const calls = model.calls;
    expect(calls[0]).toMatchObject({ kind: 'step', rows: 2 });
    expect(calls[1]).toEqual({ kind: 'selectRows', rows: [0, 0, 1, 1] });
    expect(calls[2]).toMatchObject({ kind: 'step', rows: 4, tokens: [[A], [B], [B], [A]] });
    // After step 2 the beams are reordered: new beam 0 = old beam 1 (B,B), new beam 1 = old beam 0 (A,A).
    expect(calls[3]).toEqual({ kind: 'selectRows', rows: [1, 0, 3, 2] });
    expect(calls.at(-1)).toEqual({ kind: 'dispose' });
  });

  it('lengthPenalty 1: returns the best hypothesis at its own length, padded only in the HF view', async () => {
    const model = new FakeModel(10, logits);
    const result = await generate(model, PROMPTS, {
      numBeams: 2,
      maxNewTokens: 3,
      eosTokenId: EOS,
      padTokenId: 9,
    });
    // lengthPenalty 1, earlyStopping false: [A,EOS] with ln(.18)/2 (see the state machine test).
    expect(result.sequences.map((s) => s.newTokens)).toEqual([
      [A, EOS],
      [B, EOS],
    ]);
    expect(result.sequences[0]!.score!).toBeCloseTo(lnProduct(0.3, 0.6) / 2, 5);
    expect(toPaddedSequences(result)).toEqual([
      [9, 7, A, EOS],
      [8, 8, B, EOS],
    ]);
  });

  it('drops a finished prompt from the session while the other goes on', async () => {
    // Prompt 0 with lengthPenalty 1 is done after step 2; prompt 1 gets a script where EOS never wins.
    const mixed: LogitsFn = (history) =>
      history[0] === 7
        ? logits(history)
        : [-5, Math.log(0.5), Math.log(0.5) - 0.01, -6, -7, -8, -9, -9, -9, -9];
    const model = new FakeModel(10, mixed);
    const result = await generate(model, PROMPTS, { numBeams: 2, maxNewTokens: 4, eosTokenId: EOS });
    expect(result.sequences[1]!.newTokens).toHaveLength(4);
    const stepRows = model.calls
      .filter((c) => c.kind === 'step')
      .map((c) => (c.kind === 'step' ? c.rows : 0));
    expect(stepRows).toEqual([2, 4, 2, 2]);
  });

  it('emits token events for the returned hypotheses at the end', async () => {
    const stream = streamGeneration(new FakeModel(10, logits), [[7]], {
      numBeams: 2,
      maxNewTokens: 3,
      eosTokenId: EOS,
    });
    const tokens: number[] = [];
    for await (const event of stream) tokens.push(event.token);
    expect(tokens).toEqual([A, EOS]);
  });

  it('beam sampling is reproducible from its seed and returns valid hypotheses', async () => {
    const config = { numBeams: 2, doSample: true, topK: 0, maxNewTokens: 3, eosTokenId: EOS, seed: 3 };
    const a = await generate(new FakeModel(10, logits), PROMPTS, config);
    const b = await generate(new FakeModel(10, logits), PROMPTS, config);
    expect(a.sequences).toEqual(b.sequences);
    for (const sequence of a.sequences) {
      expect(sequence.newTokens.every((t) => t < 4)).toBe(true);
      expect(sequence.score).not.toBeNull();
    }
  });

  it('gives every beam the processor state of its parent (moved or cloned)', async () => {
    // A stateful processor that remembers the tokens accepted on its row; at every call that memory must
    // equal the row's generated tokens, which fails if beams got another beam's (or prompt's) instance.
    let instances = 0;
    let checks = 0;
    const make = (seen: number[]): LogitsProcessor => ({
      name: 'memory',
      process(_logits, ctx) {
        expect(seen).toEqual(Array.from(ctx.tokens.subarray(ctx.promptLength, ctx.length)));
        checks++;
      },
      accept(token) {
        seen.push(token);
      },
      clone() {
        instances++;
        return make([...seen]);
      },
    });
    const model = new FakeModel(10, logits);
    await generate(
      model,
      PROMPTS,
      { numBeams: 2, lengthPenalty: 2, maxNewTokens: 3, eosTokenId: EOS },
      { processors: [make([])] },
    );
    // 2 prompts x (1 initial clone + 1 extra child per branching step) at least; 6 processed rows checked.
    expect(instances).toBeGreaterThanOrEqual(4);
    expect(checks).toBe(2 + 4 + 4);
  });

  it('an abort ends the search cleanly with the hypotheses so far', async () => {
    // lengthPenalty 2 normally runs 3 steps. Aborted during the second forward call, step 2 treats every
    // candidate as finished; the first two candidates are A,EOS (an EOS: -1.7148 / 2^2 = -0.4287) and B,B
    // (aborted: -2.1203 / 4 = -0.5301); with [EOS] (-0.9163) from step 1 the best two are A,EOS and B,B.
    const controller = new AbortController();
    const model = new FakeModel(10, logits);
    const promise = generate(
      model,
      [[7]],
      { numBeams: 2, numReturnSequences: 2, lengthPenalty: 2, maxNewTokens: 3, eosTokenId: EOS },
      { signal: controller.signal },
    );
    model.sessions[0]!.onStep = (step) => {
      if (step === 1) controller.abort();
    };
    const result = await promise;
    expect(result.sequences.map((s) => [s.newTokens, s.finishReason])).toEqual([
      [[A, EOS], 'eos'],
      [[B, B], 'aborted'],
    ]);
    expect(result.sequences[1]!.score!).toBeCloseTo(lnProduct(0.2, 0.6) / 4, 5);
    expect(model.sessions[0]!.disposed).toBe(true);
  });

  it('selects the same with and without processors (fused and plain log-softmax paths)', async () => {
    const noop: LogitsProcessor = { name: 'noop', process: () => {} };
    const hashRow: LogitsFn = (history) =>
      Array.from({ length: 10 }, (_, j) => Math.sin(history.reduce((a, t) => a * 31 + t, 7) + j * 1.7) * 3);
    const config = {
      numBeams: 3,
      numReturnSequences: 3,
      maxNewTokens: 6,
      eosTokenId: 0,
      earlyStopping: 'never',
    } as const;
    const fused = await generate(new FakeModel(10, hashRow), PROMPTS, config);
    const plain = await generate(new FakeModel(10, hashRow), PROMPTS, config, { processors: [noop] });
    expect(fused.sequences).toEqual(plain.sequences);
  });
});
