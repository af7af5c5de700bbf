import { InvalidOptionError } from '../errors.js';
import type { GenerationResult } from './types.js';

/**
 * The result in Hugging Face's `generate()` layout: one row per sequence, the prompt left-padded with
 * `padTokenId` to the longest prompt of the batch, then the new tokens, right-padded with `padTokenId` to
 * the longest new-token count over all sequences (HF fills a finished row with `pad_token_id` while the
 * others go on, and pads shorter beam hypotheses the same way). Conformance tests compare this with HF's
 * `sequences`.
 *
 * @param padTokenId - defaults to the result config's `padTokenId`, then its first EOS id (as HF does).
 */
export function toPaddedSequences(result: GenerationResult, padTokenId?: number): number[][] {
  const eos = result.config.eosTokenId;
  const pad = padTokenId ?? result.config.padTokenId ?? (typeof eos === 'number' ? eos : eos?.[0]);
  if (pad === undefined || !Number.isInteger(pad) || pad < 0) {
    throw new InvalidOptionError('padTokenId', pad, 'a token id (set padTokenId or eosTokenId)');
  }
  const longestPrompt = Math.max(...result.prompts.map((prompt) => prompt.length));
  const longestNew = Math.max(0, ...result.sequences.map((sequence) => sequence.newTokens.length));
  return result.sequences.map((sequence) => {
    const promptLength = sequence.tokens.length - sequence.newTokens.length;
    const row = new Array<number>(longestPrompt + longestNew).fill(pad);
    const promptStart = longestPrompt - promptLength;
    for (let i = 0; i < sequence.tokens.length; i++) row[promptStart + i] = sequence.tokens[i]!;
    return row;
  });
}
