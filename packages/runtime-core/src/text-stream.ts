import type { GenerationResult, GenerationStream, TokenEvent } from '@nucleus/samplers';
import { type DecodeFunction, IncrementalDecoder } from './incremental-decoder.js';

/** A generated sequence with its text. */
export type TextSequence = GenerationResult['sequences'][number] & {
  /**
   * The generated text (the prompt is not included): the new tokens decoded, without a final EOS token,
   * cut before the stop string that ended the sequence.
   */
  readonly text: string;
};

/** The outcome of `LoadedModel.generate`: the decode loop's result with every sequence's text. */
export type TextGenerationResult = Omit<GenerationResult, 'sequences'> & {
  readonly sequences: readonly TextSequence[];
};

/** One token of `LoadedModel.stream`, with the text it adds. */
export interface TextTokenEvent extends TokenEvent {
  /**
   * Text this token adds to its sequence. Empty while a character is still incomplete (its UTF-8 bytes
   * span several tokens) or while the text might be the start of a stop string; the sequence's last event
   * carries everything held back. The deltas of a sequence concatenate to its final `text`, except when
   * an abort ends the generation between two steps: then there is no closing event, and what is still held
   * back (an incomplete character, a possible stop-string start) is only in the result's `text`.
   */
  readonly text: string;
}

/** The stream of `LoadedModel.stream`: token events with text deltas, and the final result. */
export interface TextGenerationStream extends AsyncIterable<TextTokenEvent> {
  readonly result: Promise<TextGenerationResult>;
}

interface SequenceText {
  readonly decoder: IncrementalDecoder;
  released: number;
}

/**
 * Adds text deltas to the token events of a decode-loop stream: one {@link IncrementalDecoder} per
 * sequence, a final EOS token left out, and text that could begin a stop string held back until it is
 * known not to (so nothing past the cut ever reaches the caller).
 */
export function withTextDeltas(
  stream: GenerationStream,
  decode: DecodeFunction,
  eosTokenIds: readonly number[],
  stopStrings: readonly string[],
): TextGenerationStream {
  const sequences = new Map<number, SequenceText>();
  const textOf = (event: TokenEvent): string => {
    let state = sequences.get(event.sequence);
    if (!state) {
      state = { decoder: new IncrementalDecoder(decode), released: 0 };
      sequences.set(event.sequence, state);
    }
    const endsOnEos = event.finished && event.finishReason === 'eos' && eosTokenIds.includes(event.token);
    if (!endsOnEos) state.decoder.push(event.token);
    let end: number;
    let full: string;
    if (event.finished) {
      state.decoder.flush();
      full = state.decoder.text;
      end = event.finishReason === 'stop' ? firstStop(full, stopStrings, 0) : full.length;
      sequences.delete(event.sequence);
    } else {
      full = state.decoder.text;
      end = stopStrings.length > 0 ? releasableEnd(full, state.released, stopStrings) : full.length;
    }
    if (end <= state.released) return '';
    const delta = full.slice(state.released, end);
    state.released = end;
    return delta;
  };
  return {
    result: stream.result as Promise<TextGenerationResult>,
    async *[Symbol.asyncIterator]() {
      for await (const event of stream) yield { ...event, text: textOf(event) };
    },
  };
}

/** Index of the first complete stop string at or after `from` (minus its length), or `text.length`. */
function firstStop(text: string, stopStrings: readonly string[], from: number): number {
  let end = text.length;
  for (const stop of stopStrings) {
    const at = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (at >= 0 && at < end) end = at;
  }
  return end;
}

/**
 * How far `text` can be released: up to a complete stop string, and short of a suffix that is the
 * beginning of one.
 */
function releasableEnd(text: string, released: number, stopStrings: readonly string[]): number {
  let end = firstStop(text, stopStrings, released);
  for (const stop of stopStrings) {
    for (let k = Math.min(stop.length - 1, text.length); k > 0; k--) {
      if (text.endsWith(stop.slice(0, k))) {
        end = Math.min(end, text.length - k);
        break;
      }
    }
  }
  return Math.max(end, released);
}
