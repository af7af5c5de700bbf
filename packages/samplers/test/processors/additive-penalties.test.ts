import { describe, expect, it } from 'vitest';
import { frequencyPenalty, InvalidOptionError, presencePenalty } from '../../src/index.js';
import { context, NEG, run } from './helpers.js';

// prompt [7, 3], generated [3, 3, 5]: counts over generated tokens only: 3 -> 2, 5 -> 1 (7 is prompt-only).
const history = context([7, 3, 3, 3, 5], { promptLength: 2 });
const row = () => [0, 0, 0, 1, 0, 2, 0, 4];

describe('frequencyPenalty', () => {
  it('subtracts count * f for generated tokens only', () => {
    // token 3: 1 - 2 * 0.5 = 0; token 5: 2 - 1 * 0.5 = 1.5; token 7 (prompt) unchanged.
    expect(run(frequencyPenalty(0.5), row(), history)).toEqual([0, 0, 0, 0, 0, 1.5, 0, 4]);
  });

  it('adds for a negative f and keeps -Infinity', () => {
    expect(run(frequencyPenalty(-1), [0, 0, 0, NEG, 0, 2], history)).toEqual([0, 0, 0, NEG, 0, 3]);
  });

  it('recounts when the prompt length of the row changes', () => {
    const processor = frequencyPenalty(1);
    expect(run(processor, row(), history)[3]).toBe(-1); // 3 generated twice
    expect(run(processor, row(), context([7, 3, 3, 3, 5], { promptLength: 4 }))[3]).toBe(1); // now prompt
  });

  it('does nothing before the first generated token', () => {
    expect(run(frequencyPenalty(3), row(), context([3, 5]))).toEqual(row());
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, '1'])('rejects %s', (f) => {
    expect(() => frequencyPenalty(f as number)).toThrow(InvalidOptionError);
    expect(() => frequencyPenalty(f as number)).toThrow(/^frequencyPenalty must be a finite number, got /);
  });
});

describe('presencePenalty', () => {
  it('subtracts p once per distinct generated token', () => {
    // token 3: 1 - 0.75; token 5: 2 - 0.75.
    expect(run(presencePenalty(0.75), row(), history)).toEqual([0, 0, 0, 0.25, 0, 1.25, 0, 4]);
  });

  it.each([Number.NaN, Number.NEGATIVE_INFINITY, undefined])('rejects %s', (p) => {
    expect(() => presencePenalty(p as number)).toThrow(/^presencePenalty must be a finite number, got /);
  });
});
