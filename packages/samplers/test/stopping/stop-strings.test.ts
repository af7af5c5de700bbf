import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  cutBeforeStopString,
  InvalidOptionError,
  PromptTooLongError,
  resolveLengthBudget,
} from '../../src/index.js';
import { StopStringMatcher } from '../../src/stopping/stop-strings.js';
import { decode } from '../support/toy-tokenizer.js';

/** Feeds tokens one at a time after `prompt` and returns the step (0-based) and string of the first match. */
function firstMatch(stops: string[], prompt: number[], generated: number[]) {
  const matcher = new StopStringMatcher(stops, decode);
  const tokens = Int32Array.from([...prompt, ...generated]);
  for (let i = 1; i <= generated.length; i++) {
    const found = matcher.check(tokens, prompt.length, prompt.length + i);
    if (found !== undefined) return { step: i - 1, found };
  }
  return undefined;
}

describe('StopStringMatcher', () => {
  it('matches a stop string spread over several tokens when its last piece arrives', () => {
    // "ST" + "OP" -> "STOP" completes at the second token.
    expect(firstMatch(['STOP'], [1], [2, 6, 7, 8])).toEqual({ step: 2, found: 'STOP' });
  });

  it('matches a stop string that ends inside a token', () => {
    // " wor" contains "wo": completes at step 0 although the token goes on.
    expect(firstMatch(['wo'], [1], [3, 4])).toEqual({ step: 0, found: 'wo' });
  });

  it('ignores stop strings inside the prompt and earlier text', () => {
    // The prompt "HeSTOP" holds STOP; generation "llo" does not.
    expect(firstMatch(['STOP'], [1, 6, 7], [2, 2])).toBeUndefined();
  });

  it('prefers the stop string that starts first', () => {
    expect(firstMatch(['lo wor', 'wor'], [1], [2, 3])).toEqual({ step: 1, found: 'lo wor' });
  });

  it('finds matches far into a long generation (window, not whole text)', () => {
    const generated = [...Array.from({ length: 200 }, (_, i) => 10 + (i % 6)), 6, 7];
    expect(firstMatch(['STOP'], [1], generated)).toEqual({ step: 201, found: 'STOP' });
  });

  it('checks a candidate token before it is appended (beam search)', () => {
    const matcher = new StopStringMatcher(['STOP'], decode);
    const tokens = Int32Array.from([1, 6]);
    expect(matcher.check(tokens, 1, 2, 7)).toBe('STOP');
    expect(matcher.check(tokens, 1, 2, 8)).toBeUndefined();
  });

  it('cuts text before the first stop string', () => {
    expect(cutBeforeStopString('Hello STOP world END', ['END', 'STOP'])).toBe('Hello ');
    expect(cutBeforeStopString('no stop here', ['END'])).toBe('no stop here');
  });
});

describe('resolveLengthBudget', () => {
  const lengths = (maxLength: number, maxNewTokens?: number) => ({ maxLength, maxNewTokens });

  it('maxNewTokens wins over maxLength', () => {
    expect(resolveLengthBudget([[1, 2, 3]], lengths(20, 5), 10, undefined)).toBe(5);
  });

  it('maxLength counts the longest prompt of the batch (HF padded length)', () => {
    // prompts of 3 and 5 tokens, maxLength 12: HF pads to 5 and generates 12 - 5 = 7 per row.
    expect(
      resolveLengthBudget(
        [
          [1, 2, 3],
          [1, 2, 3, 4, 5],
        ],
        lengths(12),
        10,
        undefined,
      ),
    ).toBe(7);
  });

  it('rejects a maxLength that leaves no room', () => {
    expect(() => resolveLengthBudget([[1, 2, 3]], lengths(3), 10, undefined)).toThrow(ConfigError);
    expect(() => resolveLengthBudget([[1, 2, 3]], lengths(3), 10, undefined)).toThrow(/set maxNewTokens/);
  });

  it('rejects prompts that do not fit the model', () => {
    expect(() => resolveLengthBudget([[1, 2, 3, 4, 5]], lengths(20, 1), 10, 4)).toThrow(PromptTooLongError);
    expect(() => resolveLengthBudget([[1, 2, 3]], lengths(20, 2), 10, 4)).toThrow(
      /a 3-token prompt plus 2 new tokens \(maxNewTokens\) exceeds the model's 4 positions: generate at most 1 new tokens/,
    );
    expect(resolveLengthBudget([[1, 2, 3]], lengths(20, 1), 10, 4)).toBe(1);
  });

  it('rejects empty or out-of-vocabulary prompts', () => {
    expect(() => resolveLengthBudget([], lengths(20), 10, undefined)).toThrow(InvalidOptionError);
    expect(() => resolveLengthBudget([[]], lengths(20), 10, undefined)).toThrow(
      /prompts\[0\] must be a non-empty/,
    );
    expect(() => resolveLengthBudget([[1], [10]], lengths(20), 10, undefined)).toThrow(
      /prompts\[1\] must be token ids in \[0, 9\], got 10/,
    );
  });
});
