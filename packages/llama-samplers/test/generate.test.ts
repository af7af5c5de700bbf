import { createSamplerRegistry, type DecoderModel, generate } from '@nucleus/samplers';
import { describe, expect, it } from 'vitest';
import { mirostatV2, register, xtc } from '../src/index.js';

/** A toy model whose next-token distribution is `probs` after any input. */
function fixedDistribution(probs: readonly number[]): DecoderModel {
  const vocabSize = probs.length;
  const scores = Float32Array.from(probs, (p) => (p > 0 ? Math.log(p) : Number.NEGATIVE_INFINITY));
  return {
    vocabSize,
    createSession: () => ({
      vocabSize,
      async step(tokens) {
        const logits = new Float32Array(tokens.length * vocabSize);
        for (let row = 0; row < tokens.length; row++) logits.set(scores, row * vocabSize);
        return logits;
      },
      selectRows() {},
      dispose() {},
    }),
  };
}

describe('XTC inside generate()', () => {
  // probabilities 0.5, 0.3, 0.1, 0.1: with threshold 0.2, tokens 0 and 1 are top choices and 0 goes
  const model = fixedDistribution([0.5, 0.3, 0.1, 0.1]);

  it('greedy without XTC picks token 0; with XTC acting at every step it picks token 1', async () => {
    const plain = await generate(model, [[2]], { maxNewTokens: 5 });
    expect(plain.sequences[0]!.newTokens).toEqual([0, 0, 0, 0, 0]);
    const excluded = await generate(
      model,
      [[2], [3, 3]],
      { maxNewTokens: 5 },
      { processors: [xtc({ probability: 1, threshold: 0.2, seed: 1 })] },
    );
    expect(excluded.sequences.map((sequence) => sequence.newTokens)).toEqual([
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ]);
  });

  it('without its own seed, flips the coin from the generation random source: the config seed replays it', async () => {
    // Greedy picks 0 when XTC rests and 1 when it acts (probability 0.5), so the tokens spell the coin flips.
    const run = (seed: number) =>
      generate(
        model,
        [[2]],
        { maxNewTokens: 24, seed },
        { warpers: [xtc({ probability: 0.5, threshold: 0.2 })] },
      );
    const first = (await run(11)).sequences[0]!.newTokens;
    expect((await run(11)).sequences[0]!.newTokens).toEqual(first);
    expect(new Set(first)).toEqual(new Set([0, 1]));
    const others = await Promise.all(
      [12, 13, 14].map(async (seed) => (await run(seed)).sequences[0]!.newTokens.join()),
    );
    // Two seeds flipping the same 24 fair coins: probability 2^-24 each.
    expect(new Set([first.join(), ...others]).size).toBe(4);
  });

  it('works the same when created through the registry from command-line strings', async () => {
    const registry = createSamplerRegistry();
    register(registry);
    const processor = registry.createProcessor('xtc', { probability: '1', threshold: '0.2', seed: '1' });
    const result = await generate(model, [[2]], { maxNewTokens: 3 }, { processors: [processor] });
    expect(result.sequences[0]!.newTokens).toEqual([1, 1, 1]);
  });

  it('with sampling it never produces a token it removed', async () => {
    const result = await generate(
      model,
      [[2]],
      { maxNewTokens: 200, doSample: true, topK: 0, seed: 5 },
      { processors: [xtc({ probability: 1, threshold: 0.2, seed: 5 })] },
    );
    const tokens = result.sequences[0]!.newTokens;
    expect(tokens).not.toContain(0);
    expect(new Set(tokens)).toEqual(new Set([1, 2, 3]));
  });
});

describe('Mirostat v2 inside generate()', () => {
  // probabilities 0.5, 0.25, 0.25: surprises 1, 2 and 2 bits. tau 0.35, eta 1: mu starts at 0.7.
  // While only token 0 is kept its renormalised surprise is 0, so mu rises by eta * tau = 0.35 per step:
  // 0.7 (nothing within mu: token 0 alone), 1.05, 1.4, 1.75 (token 0 only), then 2.1 (all three kept).
  const model = fixedDistribution([0.5, 0.25, 0.25]);

  it('follows the hand-worked mu schedule: four forced steps, then sampling among all tokens', async () => {
    const result = await generate(
      model,
      [[1]],
      { maxNewTokens: 40, seed: 9 },
      { selector: mirostatV2({ tau: 0.35, eta: 1 }) },
    );
    const tokens = result.sequences[0]!.newTokens;
    expect(tokens.slice(0, 4)).toEqual([0, 0, 0, 0]);
    // with mu frozen at 0.7 (accept never called) every token would be 0
    expect(tokens.some((token) => token !== 0)).toBe(true);
  });

  it('keeps one mu per row: rows of a batch follow the schedule independently', async () => {
    const result = await generate(
      model,
      [[1], [2], [1, 2]],
      { maxNewTokens: 6, seed: 9 },
      { selector: mirostatV2({ tau: 0.35, eta: 1 }) },
    );
    for (const sequence of result.sequences) expect(sequence.newTokens.slice(0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('replays exactly with the same seed, and differs with another', async () => {
    const run = async (seed: number) =>
      (
        await generate(
          model,
          [[1]],
          { maxNewTokens: 60, seed },
          { selector: mirostatV2({ tau: 1.5, eta: 0.2 }) },
        )
      ).sequences[0]!.newTokens;
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    expect(await run(4)).not.toEqual(first);
  });
});
