import type { GenerationConfigInput } from '../config/types.js';
import type { DecoderModel } from '../types.js';
import { runGeneration } from './generate.js';
import type { GenerateOptions, GenerationResult, GenerationStream, TokenEvent } from './types.js';

/**
 * Like {@link generate}, but yields {@link TokenEvent}s as tokens are chosen (greedy and sampling; beam
 * search yields the returned hypotheses' tokens once the search has ended). The generation starts at once
 * and does not wait for the consumer: events are buffered. `result` resolves to the same
 * {@link GenerationResult} as `generate`; an error rejects `result` and is thrown by the iterator.
 * Stop early with `options.signal`.
 *
 * @example
 * ```ts
 * const stream = streamGeneration(model, [[464]], { maxNewTokens: 16 });
 * for await (const event of stream) process.stdout.write(`${event.token} `);
 * const { timings } = await stream.result;
 * ```
 */
export function streamGeneration(
  model: DecoderModel,
  prompts: readonly (readonly number[])[],
  config: GenerationConfigInput = {},
  options: GenerateOptions = {},
): GenerationStream {
  const queue: TokenEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const result: Promise<GenerationResult> = runGeneration(model, prompts, config, options, (event) => {
    queue.push(event);
    notify();
  }).then(
    (value) => {
      ended = true;
      notify();
      return value;
    },
    (error: unknown) => {
      ended = true;
      failure = { error };
      notify();
      throw error;
    },
  );
  // The iterator reports the error too; don't let an unobserved `result` crash the process.
  result.catch(() => {});

  return {
    result,
    async *[Symbol.asyncIterator]() {
      let index = 0;
      for (;;) {
        while (index < queue.length) yield queue[index++]!;
        queue.length = 0;
        index = 0;
        if (ended) {
          if (failure) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
