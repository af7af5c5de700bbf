/**
 * A sampler name: a camelCase (`mirostatV2`) or kebab-case (`mirostat-v2`) identifier, so that it can be
 * part of a command-line flag. No dots, spaces or underscores.
 */
export const SAMPLER_NAME_PATTERN: RegExp = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*|-[a-z0-9]+)*$/;

/** `mirostatV2` -> `mirostat-v2`, `topP` -> `top-p`; kebab-case names are returned unchanged. */
export function toKebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * The command-line flag of a sampler option: `--<sampler>-<option>` in kebab-case, or just `--<sampler>`
 * when the option has the sampler's own name (the primary option of a built-in, e.g. `topP.topP`).
 *
 * @example
 * ```ts
 * toFlagName('xtc', 'threshold');      // '--xtc-threshold'
 * toFlagName('mirostatV2', 'tau');     // '--mirostat-v2-tau'
 * toFlagName('topP', 'topP');          // '--top-p'
 * toFlagName('topK', 'minTokensToKeep'); // '--top-k-min-tokens-to-keep'
 * ```
 */
export function toFlagName(sampler: string, option: string): string {
  const samplerPart = toKebabCase(sampler);
  const optionPart = toKebabCase(option);
  return optionPart === samplerPart ? `--${samplerPart}` : `--${samplerPart}-${optionPart}`;
}
