import { describe, expect, it } from 'vitest';
import { generate, type LogitsProcessor, type ProcessContext } from '../../src/index.js';
import { FakeModel } from '../support/fake-models.js';

const VOCAB = 8;
// Logits 0..7: token 7 is the best. With topK 3 only tokens 5, 6, 7 survive the built-in warpers.
const rising = () => Float32Array.from({ length: VOCAB }, (_, token) => token);

function recorder(name: string, seen: number[][], contexts: ProcessContext[]): LogitsProcessor {
  return {
    name,
    process(logits, ctx) {
      seen.push(
        [...logits]
          .map((value, token) => (value === Number.NEGATIVE_INFINITY ? -1 : token))
          .filter((t) => t >= 0),
      );
      contexts.push(ctx);
    },
  };
}

describe('user processors and user warpers', () => {
  it('runs processors before the built-in warpers and warpers after them, with the random source', async () => {
    const beforeWarpers: number[][] = [];
    const afterWarpers: number[][] = [];
    const contexts: ProcessContext[] = [];
    await generate(
      new FakeModel(VOCAB, rising),
      [[0]],
      { doSample: true, topK: 3, maxNewTokens: 2, seed: 5 },
      {
        processors: [recorder('early', beforeWarpers, [])],
        warpers: [recorder('late', afterWarpers, contexts)],
      },
    );
    expect(beforeWarpers).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 1, 2, 3, 4, 5, 6, 7],
    ]);
    expect(afterWarpers).toEqual([
      [5, 6, 7],
      [5, 6, 7],
    ]);
    expect(typeof contexts[0]!.random?.next()).toBe('number');
  });

  it('a warper that removes the best token changes what greedy picks', async () => {
    const banBest: LogitsProcessor = {
      name: 'banBest',
      process(logits) {
        logits[VOCAB - 1] = Number.NEGATIVE_INFINITY;
      },
    };
    const result = await generate(
      new FakeModel(VOCAB, rising),
      [[0]],
      { maxNewTokens: 3 },
      { warpers: [banBest] },
    );
    expect(result.sequences[0]!.newTokens).toEqual([6, 6, 6]);
  });
});
