import type { GenerationConfigInput } from '../config/types.js';
import type { DecoderModel } from '../types.js';
import { runGeneration } from './generate.js';
import type { GenerateOptions, GenerationResult, GenerationStream, TokenEvent } from './types.js';

/**
 * Like {@link generate}, but yields {@link TokenEvent}s as tokens are chosen (greedy and sampling; beam
 * search yields the returned hypotheses' tokens once the search has ended). `result` resolves to the same
 * {@link GenerationResult} as `generate`; an error rejects `result` and is thrown by the iterator.
 *
 * While the stream is being iterated, the loop waits for the consumer to take a step's events before it
 * runs the next forward call, so an abort signalled from the consumer's loop stops the generation right
 * there (no token is generated after it). Without an iterating consumer (only `result` awaited) the loop
 * runs freely and events are buffered. Breaking out of the `for await` stops the waiting, not the
 * generation: use `options.signal` to stop it.
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
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  let consuming = false;
  let ended = false;
  let failure: { error: unknown } | undefined;
  const notifyConsumer = () => {
    const resolve = wakeConsumer;
    wakeConsumer = undefined;
    resolve?.();
  };
  const notifyProducer = () => {
    const resolve = wakeProducer;
    wakeProducer = undefined;
    resolve?.();
  };
  const waitForConsumer = (): Promise<void> =>
    consuming && queue.length > 0
      ? new Promise<void>((resolve) => {
          wakeProducer = resolve;
        })
      : Promise.resolve();

  const result: Promise<GenerationResult> = runGeneration(
    model,
    prompts,
    config,
    options,
    (event) => {
      queue.push(event);
      notifyConsumer();
    },
    waitForConsumer,
  ).then(
    (value) => {
      ended = true;
      notifyConsumer();
      return value;
    },
    (error: unknown) => {
      ended = true;
      failure = { error };
      notifyConsumer();
      throw error;
    },
  );
  // The iterator reports the error too; don't let an unobserved `result` crash the process.
  result.catch(() => {});

  return {
    result,
    async *[Symbol.asyncIterator]() {
      consuming = true;
      try {
        for (;;) {
          while (queue.length > 0) yield queue.shift()!;
          notifyProducer();
          if (ended) {
            if (failure) throw failure.error;
            return;
          }
          await new Promise<void>((resolve) => {
            wakeConsumer = resolve;
          });
        }
      } finally {
        consuming = false;
        notifyProducer();
      }
    },
  };
}
