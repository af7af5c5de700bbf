/**
 * Parameter checks shared by the processor factories. Each throws {@link InvalidOptionError} naming the
 * option, the value and what is allowed.
 */
import { ConfigError, formatValue, InvalidOptionError } from '../errors.js';

/** Options common to the truncation warpers. */
export interface MinTokensToKeepOptions {
  /**
   * The warper never removes the best `minTokensToKeep` tokens (an integer >= 1, default 1). Beam search
   * uses 1 + the number of EOS ids.
   */
  readonly minTokensToKeep?: number;
}

/** A finite number within bounds; `allowed` describes them for the error message. */
export function requireNumber(
  option: string,
  value: unknown,
  allowed: string,
  inRange: (x: number) => boolean = () => true,
  hint?: string,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value)) {
    throw new InvalidOptionError(option, value, allowed, hint);
  }
  return value;
}

/** A safe integer >= `min`. */
export function requireInteger(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionError(option, value, `an integer >= ${min}`);
  }
  return value;
}

/**
 * Reads `minTokensToKeep` from the options object of warper `factory` (default 1). An unknown key (a typo
 * such as `minTokenToKeep`) is a {@link ConfigError}, not silently ignored.
 */
export function readMinTokensToKeep(options: MinTokensToKeepOptions | undefined, factory: string): number {
  if (options === undefined) return 1;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object like { minTokensToKeep: 1 } or undefined');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'minTokensToKeep') {
      throw new ConfigError(`unknown option "${key}" of ${factory}(); the only option is minTokensToKeep`);
    }
  }
  const value = options.minTokensToKeep;
  return value === undefined ? 1 : requireInteger('minTokensToKeep', value, 1);
}

const TOKEN_ID = 'a token id (an integer >= 0)';

/** A token id: a safe integer >= 0. */
export function requireTokenId(option: string, value: unknown): number {
  if (!isTokenId(value)) throw new InvalidOptionError(option, value, TOKEN_ID);
  return value;
}

/** True for a safe integer >= 0. */
export function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A non-empty array of token ids, copied. */
export function requireTokenIdList(option: string, value: unknown): number[] {
  const allowed = 'a non-empty array of token ids (integers >= 0)';
  if (!Array.isArray(value) || value.length === 0) throw new InvalidOptionError(option, value, allowed);
  value.forEach((id, index) => {
    if (!isTokenId(id))
      throw new InvalidOptionError(option, value, allowed, `entry [${index}] is ${formatValue(id)}`);
  });
  return [...(value as number[])];
}
