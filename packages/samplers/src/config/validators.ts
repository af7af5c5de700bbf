import { InvalidOptionError } from '../errors.js';
import { validateSeed } from '../random/xoshiro.js';

/** Checks one option value; throws {@link InvalidOptionError} naming `option` when it is not allowed. */
export type Validator = (option: string, value: unknown, hint?: string) => void;

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** An integer >= `min`. */
export const integerAtLeast =
  (min: number): Validator =>
  (option, value, hint) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidOptionError(option, value, `an integer >= ${min}`, hint);
    }
  };

/** A finite number in a range; `open` ends exclude the bound. */
export const numberIn =
  (min: number, max: number, { minOpen = false, maxOpen = false } = {}): Validator =>
  (option, value, hint) => {
    const ok =
      isFiniteNumber(value) &&
      (minOpen ? value > min : value >= min) &&
      (maxOpen ? value < max : value <= max);
    if (!ok) {
      throw new InvalidOptionError(
        option,
        value,
        `a number in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`,
        hint,
      );
    }
  };

/** A finite number > 0. */
export const positiveNumber: Validator = (option, value, hint) => {
  if (!isFiniteNumber(value) || value <= 0) throw new InvalidOptionError(option, value, 'a number > 0', hint);
};

/** Any finite number. */
export const finiteNumber: Validator = (option, value, hint) => {
  if (!isFiniteNumber(value)) throw new InvalidOptionError(option, value, 'a finite number', hint);
};

/** `true` or `false`. */
export const boolean: Validator = (option, value, hint) => {
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'true or false', hint);
};

/** `true`, `false` or `'never'`. */
export const earlyStopping: Validator = (option, value, hint) => {
  if (typeof value !== 'boolean' && value !== 'never') {
    throw new InvalidOptionError(option, value, "true, false or 'never'", hint);
  }
};

/** A token id: an integer >= 0 (checked against the vocabulary size when the generation starts). */
export const tokenId: Validator = (option, value, hint) => {
  if (!isTokenId(value)) throw new InvalidOptionError(option, value, 'a token id (an integer >= 0)', hint);
};

/** A list of token ids (may be empty). */
export const tokenIds: Validator = (option, value, hint) => {
  if (!Array.isArray(value) || !value.every(isTokenId)) {
    throw new InvalidOptionError(option, value, 'an array of token ids (integers >= 0)', hint);
  }
};

/** A token id or a list of token ids. */
export const tokenIdOrIds: Validator = (option, value, hint) => {
  if (!isTokenId(value) && !(Array.isArray(value) && value.every(isTokenId))) {
    throw new InvalidOptionError(option, value, 'a token id or an array of token ids (integers >= 0)', hint);
  }
};

/** A non-empty list of non-empty token id lists. */
export const tokenSequences: Validator = (option, value, hint) => {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((entry) => Array.isArray(entry) && entry.length > 0 && entry.every(isTokenId))
  ) {
    throw new InvalidOptionError(
      option,
      value,
      'a non-empty array of non-empty arrays of token ids, e.g. [[464], [1110, 290]]',
      hint,
    );
  }
};

/** A non-empty list of `[tokenIds, bias]` pairs. */
export const sequenceBias: Validator = (option, value, hint) => {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (entry) =>
        Array.isArray(entry) &&
        entry.length === 2 &&
        Array.isArray(entry[0]) &&
        entry[0].length > 0 &&
        entry[0].every(isTokenId) &&
        isFiniteNumber(entry[1]),
    );
  if (!ok) {
    throw new InvalidOptionError(
      option,
      value,
      'a non-empty array of [tokenIds, bias] pairs, e.g. [[[464], -2.5], [[1110, 290], 1]]',
      hint,
    );
  }
};

/** A non-empty string or a non-empty list of non-empty strings. */
export const stopStrings: Validator = (option, value, hint) => {
  const ok =
    (typeof value === 'string' && value.length > 0) ||
    (Array.isArray(value) &&
      value.length > 0 &&
      value.every((entry) => typeof entry === 'string' && entry.length > 0));
  if (!ok) {
    throw new InvalidOptionError(option, value, 'a non-empty string or a non-empty array of them', hint);
  }
};

/** A record or map from token id to a finite bias. */
export const logitBias: Validator = (option, value, hint) => {
  const entries: [unknown, unknown][] | undefined =
    value instanceof Map
      ? [...value.entries()]
      : typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(value).map(([key, bias]) => [key === '' ? Number.NaN : Number(key), bias])
        : undefined;
  if (!entries?.every(([id, bias]) => isTokenId(id) && isFiniteNumber(bias))) {
    throw new InvalidOptionError(
      option,
      value,
      'a record or Map from token id to a finite bias, e.g. { 50256: -100 }',
      hint,
    );
  }
};

/** A seed: an integer in [0, 2^53 - 1]. */
export const seed: Validator = (option, value) => validateSeed(value, option);

function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
