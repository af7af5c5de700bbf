import { resolveGenerationConfig, samplerRegistry } from '@nucleus/samplers';
import type { Command } from 'commander';
import { configFromFlags, pluginFlagValues } from '../config-flags.js';
import { openModel } from '../model-source.js';
import { createOutput, terminalSafe } from '../output.js';
import type { GlobalFlags, ModelFlags } from '../program.js';
import { readPrompt } from '../prompt-input.js';
import { createPluginSamplers } from '../sampler-flags.js';
import { abortOnInterrupt, promptText, toModelInput } from './shared.js';

interface GenerateFlags extends ModelFlags, GlobalFlags {
  inputIds?: string;
  json?: boolean;
  [option: string]: unknown;
}

/** `nucleus generate [prompt]` */
export async function runGenerate(
  promptArgument: string | undefined,
  _flags: GenerateFlags,
  command: Command,
): Promise<void> {
  const flags = command.optsWithGlobals<GenerateFlags>();
  const output = createOutput(flags.color === false);
  const prompt = await readPrompt(promptArgument, flags.inputIds);
  const config = configFromFlags(flags);
  const resolved = resolveGenerationConfig(config);
  const plugins = createPluginSamplers(samplerRegistry, pluginFlagValues(command));

  const model = await openModel(flags, output);
  const interrupt = abortOnInterrupt();
  try {
    const input = toModelInput(prompt);
    const head = promptText(model, prompt);
    const options = {
      signal: interrupt.signal,
      processors: plugins.processors,
      warpers: plugins.warpers,
      ...(plugins.selector ? { selector: plugins.selector } : {}),
    };
    const streamed = !flags.json && resolved.numBeams === 1 && resolved.numReturnSequences === 1;
    if (streamed) {
      output.out(output.color.dim(terminalSafe(head)));
      const stream = model.stream(input, config, options);
      for await (const event of stream) output.out(terminalSafe(event.text));
      const result = await stream.result;
      output.out('\n');
      const sequence = result.sequences[0]!;
      if (sequence.finishReason === 'aborted') output.err(output.errColor.yellow('(stopped)\n'));
      if (resolved.doSample && resolved.seed === undefined)
        output.err(output.errColor.dim(`seed: ${result.seed}\n`));
      if (flags.verbose) output.err(output.errColor.dim(describeTimings(result.timings)));
      return;
    }
    const result = await model.generate(input, config, options);
    if (flags.json) {
      const sequences = result.sequences.map((sequence) => ({
        text: head + (sequence.text ?? ''),
        tokenIds: [...sequence.tokens],
        score: sequence.score,
        finishReason: sequence.finishReason,
      }));
      output.out(`${JSON.stringify({ sequences })}\n`);
      return;
    }
    result.sequences.forEach((sequence, index) => {
      const score = sequence.score === null ? '' : ` score ${sequence.score.toFixed(4)}`;
      output.out(output.color.bold(`── ${index + 1}${score} (${sequence.finishReason}) ──\n`));
      output.out(`${output.color.dim(terminalSafe(head))}${terminalSafe(sequence.text ?? '')}\n`);
    });
    if (resolved.doSample && resolved.seed === undefined)
      output.err(output.errColor.dim(`seed: ${result.seed}\n`));
    if (flags.verbose) output.err(output.errColor.dim(describeTimings(result.timings)));
  } finally {
    interrupt.dispose();
    await model.dispose();
  }
}

function describeTimings(timings: {
  prefillMs: number;
  decodeMs: number;
  newTokens: number;
  tokensPerSecond: number;
}): string {
  return `prefill ${timings.prefillMs.toFixed(1)} ms, decode ${timings.decodeMs.toFixed(1)} ms, ${timings.newTokens} tokens, ${timings.tokensPerSecond.toFixed(1)} tokens/s\n`;
}
