import { describe, expect, it } from 'vitest';
import { generate, type LogitsProcessor } from '../../src/index.js';
import { FakeModel } from '../support/fake-models.js';

// Logits [ln 4, ln 2, ln 1, ln 1, -inf]: probabilities 0.5, 0.25, 0.125, 0.125, 0;
// entropy = -(0.5 ln 0.5 + 0.25 ln 0.25 + 2 * 0.125 ln 0.125) = 0.3466 + 0.3466 + 0.5199 = 1.2130 nats.
const ROW = [Math.log(4), Math.log(2), 0, 0, Number.NEGATIVE_INFINITY];

/** Removes every token but the best two (a hand-rolled top-2 with known effect). */
const keepTwo: LogitsProcessor = {
  name: 'keepTwo',
  process(logits) {
    logits[2] = Number.NEGATIVE_INFINITY;
    logits[3] = Number.NEGATIVE_INFINITY;
  },
};

describe('trace', () => {
  it('records top candidates, removals and entropy per stage', async () => {
    const model = new FakeModel(5, () => ROW);
    const result = await generate(
      model,
      [[1]],
      { maxNewTokens: 2 },
      { processors: [keepTwo], trace: { topN: 3 } },
    );
    expect(result.trace).toHaveLength(2);
    const record = result.trace![0]!;
    expect(record).toMatchObject({ step: 0, row: 0, promptIndex: 0, chosen: 0 });
    expect(record.before.top.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(record.before.top.map((c) => c.probability)).toEqual([
      expect.closeTo(0.5, 6),
      expect.closeTo(0.25, 6),
      expect.closeTo(0.125, 6),
    ]);
    expect(record.before.entropy).toBeCloseTo(1.213, 3);
    const [stage] = record.stages;
    expect(stage!.name).toBe('keepTwo');
    expect(stage!.removedCount).toBe(2);
    expect(stage!.removedFromTop).toEqual([2]);
    // After: probabilities 2/3, 1/3: entropy = ln 3 - (2/3) ln 2 = 0.6365.
    expect(stage!.top.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(stage!.top[0]!.probability).toBeCloseTo(2 / 3, 6);
    expect(stage!.top[2]!.probability).toBe(0);
    expect(record.entropyAfter).toBeCloseTo(Math.log(3) - (2 / 3) * Math.log(2), 5);
  });

  it('is attached to token events and limited to the requested rows', async () => {
    const model = new FakeModel(5, () => ROW);
    const result = await generate(model, [[1], [2]], { maxNewTokens: 1 }, { trace: { rows: [1] } });
    expect(result.trace!.map((record) => record.row)).toEqual([1]);
    expect(result.trace![0]!.stages).toEqual([]);
  });

  it('is absent when off', async () => {
    const result = await generate(new FakeModel(5, () => ROW), [[1]], { maxNewTokens: 1 });
    expect(result.trace).toBeUndefined();
  });

  it('records beam rows with the log-softmax stage and no chosen token', async () => {
    const result = await generate(
      new FakeModel(5, () => ROW),
      [[1]],
      { numBeams: 2, maxNewTokens: 2 },
      { trace: true },
    );
    const first = result.trace![0]!;
    expect(first.chosen).toBeNull();
    expect(first.stages[0]!.name).toBe('logSoftmax');
    expect(first.stages[0]!.top[0]!.score).toBeCloseTo(Math.log(0.5), 6);
    // Step 0 processes beam 0 only; step 1 both beams.
    expect(result.trace!.map((r) => `${r.step}:${r.row}`)).toEqual(['0:0', '1:0', '1:1']);
  });
});
