import { describe, expect, it } from 'vitest';
import { InvalidOptionError, NucleusError } from '../src/index.js';

describe('InvalidOptionError', () => {
  it('names the option, the value and what is allowed', () => {
    const error = new InvalidOptionError('topP', 1.5, 'a number in [0, 1]');
    expect(error).toBeInstanceOf(NucleusError);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe('topP must be a number in [0, 1], got 1.5');
    expect(new InvalidOptionError('topK', Number.NaN, 'an integer >= 0').message).toContain('got NaN');
  });
});
