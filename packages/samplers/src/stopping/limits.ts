import { ConfigError, InvalidOptionError, NucleusError } from '../errors.js';

/** A prompt (with the tokens to generate) does not fit the model's context. */
export class PromptTooLongError extends NucleusError {
  readonly promptLength: number;
  readonly limit: number;
  constructor(message: string, promptLength: number, limit: number) {
    super('PROMPT_TOO_LONG', message);
    this.promptLength = promptLength;
    this.limit = limit;
  }
}

/** What {@link resolveLengthBudget} needs from the config. */
export interface LengthOptions {
  readonly maxLength: number;
  readonly maxNewTokens: number | undefined;
}

/**
 * The number of new tokens every sequence of a batch may generate, checked before any forward call.
 *
 * `maxNewTokens` wins when set. Otherwise `maxLength - longest prompt`: like HF with a left-padded batch,
 * `maxLength` counts the prompt as the longest prompt of the batch, so every row gets the same budget.
 *
 * @throws InvalidOptionError for an empty prompt list, an empty prompt or a token id outside the vocabulary.
 * @throws ConfigError when `maxLength` leaves no room for a new token (set `maxNewTokens`).
 * @throws PromptTooLongError when a prompt, or prompt + budget, exceeds `maxPositions`.
 */
export function resolveLengthBudget(
  prompts: readonly (readonly number[])[],
  options: LengthOptions,
  vocabSize: number,
  maxPositions: number | undefined,
): number {
  if (!Array.isArray(prompts) || prompts.length === 0) {
    throw new InvalidOptionError('prompts', prompts, 'a non-empty array of token id arrays');
  }
  let longest = 0;
  prompts.forEach((prompt, index) => {
    if (!Array.isArray(prompt) || prompt.length === 0) {
      throw new InvalidOptionError(
        `prompts[${index}]`,
        prompt,
        'a non-empty array of token ids',
        'to start from nothing, pass [bosTokenId]',
      );
    }
    for (const token of prompt) {
      if (!Number.isInteger(token) || token < 0 || token >= vocabSize) {
        throw new InvalidOptionError(`prompts[${index}]`, token, `token ids in [0, ${vocabSize - 1}]`);
      }
    }
    longest = Math.max(longest, prompt.length);
  });
  if (maxPositions !== undefined && longest > maxPositions) {
    throw new PromptTooLongError(
      `a prompt has ${longest} tokens but the model attends to at most ${maxPositions}`,
      longest,
      maxPositions,
    );
  }
  let budget: number;
  if (options.maxNewTokens !== undefined) {
    budget = options.maxNewTokens;
  } else {
    budget = options.maxLength - longest;
    if (budget < 1) {
      throw new ConfigError(
        `maxLength (${options.maxLength}) leaves no room to generate after a ${longest}-token prompt: ` +
          'set maxNewTokens (or a larger maxLength)',
      );
    }
  }
  if (maxPositions !== undefined && longest + budget > maxPositions) {
    throw new PromptTooLongError(
      `a ${longest}-token prompt plus ${budget} new tokens (${options.maxNewTokens !== undefined ? 'maxNewTokens' : 'maxLength'}) ` +
        `exceeds the model's ${maxPositions} positions: generate at most ${maxPositions - longest} new tokens`,
      longest,
      maxPositions,
    );
  }
  return budget;
}
