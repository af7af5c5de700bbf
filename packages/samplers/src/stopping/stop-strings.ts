/** Turns token ids into text (a tokenizer's decode). */
export type DecodeFn = (tokens: readonly number[]) => string;

/**
 * Detects stop strings in generated text incrementally. After each new token it decodes only a window of
 * the last tokens (enough to hold the longest stop string even at 4 tokens per character), twice: with and
 * without the new token; a stop string counts when an occurrence ends inside the text the new token added
 * (like HF's `StopStringCriteria`, a match may end in the middle of the token). So the cost per step does
 * not grow with the sequence.
 */
export class StopStringMatcher {
  readonly stopStrings: readonly string[];
  private readonly decode: DecodeFn;
  private readonly window: number;

  constructor(stopStrings: readonly string[], decode: DecodeFn) {
    this.stopStrings = stopStrings;
    this.decode = decode;
    const longest = Math.max(...stopStrings.map((text) => text.length));
    this.window = 4 * longest + 8;
  }

  /**
   * The stop string completed by the last generated token, or `undefined`. The generated tokens are
   * `tokens[start, end)` followed by `next` when given (a beam candidate not yet appended). When several
   * complete at once, the one that starts first wins.
   */
  check(tokens: Int32Array, start: number, end: number, next?: number): string | undefined {
    const total = end - start + (next === undefined ? 0 : 1);
    if (total <= 0) return undefined;
    const from = Math.max(start, end - (next === undefined ? this.window : this.window - 1));
    const window = Array.from(tokens.subarray(from, end));
    if (next !== undefined) window.push(next);
    const withToken = this.decode(window);
    const withoutToken = window.length > 1 ? this.decode(window.slice(0, -1)) : '';
    let common = 0;
    const limit = Math.min(withToken.length, withoutToken.length);
    while (common < limit && withToken.charCodeAt(common) === withoutToken.charCodeAt(common)) common++;
    let found: string | undefined;
    let foundAt = Number.POSITIVE_INFINITY;
    for (const stop of this.stopStrings) {
      const at = withToken.indexOf(stop, Math.max(0, common - stop.length + 1));
      if (at >= 0 && at < foundAt) {
        found = stop;
        foundAt = at;
      }
    }
    return found;
  }
}

/**
 * Cuts `text` before the first occurrence of any stop string (the OpenAI / vLLM convention: the stop
 * string itself is not part of the returned text). Returns the text unchanged when none occurs.
 */
export function cutBeforeStopString(text: string, stopStrings: readonly string[]): string {
  let cut = text.length;
  for (const stop of stopStrings) {
    const at = text.indexOf(stop);
    if (at >= 0 && at < cut) cut = at;
  }
  return text.slice(0, cut);
}
