import type { LoadedModel } from '@nucleus/runtime-node';
import type { PromptInput } from '../prompt-input.js';

/** What the runtime takes as a prompt. */
export function toModelInput(prompt: PromptInput): string | { inputIds: number[][] } {
  return prompt.kind === 'text' ? prompt.text : { inputIds: [prompt.ids] };
}

/** The prompt as text (decoded when it was given as ids). */
export function promptText(model: LoadedModel, prompt: PromptInput): string {
  return prompt.kind === 'text' ? prompt.text : model.tokenizer.decode(prompt.ids);
}

/** Ctrl-C stops the generation cleanly (the text so far is kept); a second Ctrl-C exits at once. */
export function abortOnInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}
