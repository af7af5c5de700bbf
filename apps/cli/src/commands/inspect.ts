import {
  resolveGenerationConfig,
  samplerRegistry,
  type TraceCandidate,
  type TraceRecord,
} from '@nucleus/samplers';
import Chartscii from 'chartscii';
import type { Command } from 'commander';
import { configFromFlags, pluginFlagValues } from '../config-flags.js';
import { UsageError } from '../errors.js';
import { openModel } from '../model-source.js';
import { createOutput, type Output, terminalSafe } from '../output.js';
import type { GlobalFlags, ModelFlags } from '../program.js';
import { readPrompt } from '../prompt-input.js';
import { createPluginSamplers } from '../sampler-flags.js';
import { abortOnInterrupt, promptText, toModelInput } from './shared.js';

interface InspectFlags extends ModelFlags, GlobalFlags {
  steps: string;
  top: string;
  json?: boolean;
  [option: string]: unknown;
}

const BAR_WIDTH = 40;

function positiveInteger(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${name} must be an integer in [1, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

/** `nucleus inspect [prompt]` */
export async function runInspect(
  promptArgument: string | undefined,
  _flags: InspectFlags,
  command: Command,
): Promise<void> {
  const flags = command.optsWithGlobals<InspectFlags>();
  const output = createOutput(flags.color === false);
  const steps = positiveInteger('--steps', flags.steps, 1000);
  const topN = positiveInteger('--top', flags.top, 100);
  const prompt = await readPrompt(promptArgument, undefined);
  const config = { ...configFromFlags(flags, { applyDefaults: false }), maxNewTokens: steps };
  const resolved = resolveGenerationConfig(config);
  if (resolved.numBeams > 1) throw new UsageError('inspect follows one sequence: use it without --num-beams');
  if (resolved.numReturnSequences > 1)
    throw new UsageError('inspect follows one sequence: drop --num-return-sequences');
  const plugins = createPluginSamplers(samplerRegistry, pluginFlagValues(command));

  const model = await openModel(flags, output);
  const interrupt = abortOnInterrupt();
  try {
    const result = await model.generate(toModelInput(prompt), config, {
      signal: interrupt.signal,
      trace: { topN },
      processors: plugins.processors,
      warpers: plugins.warpers,
      ...(plugins.selector ? { selector: plugins.selector } : {}),
    });
    const token = (id: number) => JSON.stringify(model.tokenizer.decode([id]));
    const records = result.trace ?? [];
    if (flags.json) {
      const withText = (candidates: readonly TraceCandidate[]) =>
        candidates.map((candidate) => ({ ...candidate, text: model.tokenizer.decode([candidate.id]) }));
      const trace = records.map((record) => ({
        ...record,
        before: { ...record.before, top: withText(record.before.top) },
        stages: record.stages.map((stage) => ({ ...stage, top: withText(stage.top) })),
      }));
      output.out(`${JSON.stringify({ prompt: promptText(model, prompt), seed: result.seed, trace })}\n`);
      return;
    }
    let context = model.tokenizer.encode(promptText(model, prompt));
    if (prompt.kind === 'ids') context = prompt.ids;
    for (const record of records) {
      printStep(output, record, model.tokenizer.decode(context.slice(-12)), token);
      if (record.chosen !== null) context = [...context, record.chosen];
    }
    output.out(
      `${output.color.bold('text:')} ${terminalSafe(promptText(model, prompt) + (result.sequences[0]?.text ?? ''))}\n`,
    );
    if (resolved.doSample && resolved.seed === undefined)
      output.err(output.errColor.dim(`seed: ${result.seed}\n`));
  } finally {
    interrupt.dispose();
    await model.dispose();
  }
}

function printStep(
  output: Output,
  record: TraceRecord,
  context: string,
  token: (id: number) => string,
): void {
  const { color } = output;
  const chosen = record.chosen === null ? '' : ` -> chose ${color.green(token(record.chosen))}`;
  output.out(
    `${color.bold(`step ${record.step + 1}`) + color.dim(` after ...${JSON.stringify(context)}`)}${chosen}\n`,
  );
  output.out(`${color.cyan('logits')} ${color.dim(`entropy ${record.before.entropy.toFixed(3)} nats`)}\n`);
  output.out(renderBars(output, record.before.top, token));
  for (const stage of record.stages) {
    const removed =
      stage.removedCount > 0 ? `, removed ${stage.removedCount.toLocaleString('en-US')} tokens` : '';
    const fromTop =
      stage.removedFromTop.length > 0 ? ` (${stage.removedFromTop.map(token).join(', ')} from the top)` : '';
    output.out(
      `${color.cyan(stage.name)} ${color.dim(`entropy ${stage.entropy.toFixed(3)} nats${removed}`)}${color.yellow(fromTop)}\n`,
    );
    output.out(renderBars(output, stage.top, token));
  }
  output.out('\n');
}

/** Horizontal bars of the candidates' probabilities, on an absolute 0..1 scale. */
function renderBars(
  output: Output,
  candidates: readonly TraceCandidate[],
  token: (id: number) => string,
): string {
  const shown = candidates.filter((candidate) => candidate.probability > 0);
  if (shown.length === 0) return '';
  const top = Math.max(...shown.map((candidate) => candidate.probability));
  const chart = new Chartscii(
    shown.map((candidate) => ({ label: `  ${token(candidate.id)}`, value: candidate.probability })),
    {
      width: Math.max(1, Math.round(BAR_WIDTH * top)),
      barSize: 1,
      padding: 0,
      naked: true,
      valueLabels: true,
      valueLabelsFloatingPoint: 4,
      ...(output.color.isColorSupported ? { color: 'green' } : {}),
    },
  );
  return `${chart.create().replace(/^\n+|\n+$/g, '')}\n`;
}
