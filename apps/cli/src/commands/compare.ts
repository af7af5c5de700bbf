import { randomInt } from 'node:crypto';
import {
  type GenerationConfigInput,
  type NamedGenerationConfig,
  resolveGenerationConfig,
  SEED_NOTEBOOK_CONFIGS,
} from '@nucleus/samplers';
import Table from 'cli-table3';
import { Command } from 'commander';
import { configFromFlags } from '../config-flags.js';
import { UsageError } from '../errors.js';
import { GENERATION_FLAGS } from '../generation-flags.js';
import { openModel } from '../model-source.js';
import { createOutput, terminalSafe } from '../output.js';
import type { GlobalFlags, ModelFlags } from '../program.js';
import { readPrompt } from '../prompt-input.js';
import { abortOnInterrupt, promptText, toModelInput } from './shared.js';

interface CompareFlags extends ModelFlags, GlobalFlags {
  config?: string[];
  table?: boolean;
  json?: boolean;
  [option: string]: unknown;
}

/** A named config of a comparison. */
export type NamedConfig = NamedGenerationConfig;

/** The seed notebook's set: greedy; T = 0.5, 1.0, 1.5 with top-k off; top-k 50; top-p 0.9; 4 beams. */
export const DEFAULT_COMPARE_SET: readonly NamedConfig[] = SEED_NOTEBOOK_CONFIGS;

/** Splits `--do-sample --stop "a b"` into arguments (double or single quotes group words). */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) args.push(match[1] ?? match[2] ?? match[3]!);
  return args;
}

/** Parses `name=flags` with the same generation flags as `generate`. */
export function parseNamedConfig(text: string): NamedConfig {
  const equals = text.indexOf('=');
  if (equals <= 0)
    throw new UsageError(`--config must look like "name=--flag value ...", got ${JSON.stringify(text)}`);
  const name = text.slice(0, equals).trim();
  const parser = new Command(`--config ${name}`).exitOverride().allowExcessArguments(false);
  parser.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const flag of GENERATION_FLAGS) {
    if (flag.type === 'boolean') parser.option(`--${flag.flag}`);
    else if (flag.type === 'string-list')
      parser.option(`--${flag.flag} <value>`, '', (value: string, previous: string[] = []) => [
        ...previous,
        value,
      ]);
    else parser.option(`--${flag.flag} <value>`);
  }
  try {
    parser.parse(splitArguments(text.slice(equals + 1)), { from: 'user' });
  } catch (error) {
    throw new UsageError(`--config ${name}: ${(error as Error).message.replace(/^error: /, '')}`);
  }
  const config = configFromFlags(parser.opts(), { applyDefaults: false });
  return { name, config };
}

/** `nucleus compare [prompt]` */
export async function runCompare(
  promptArgument: string | undefined,
  _flags: CompareFlags,
  command: Command,
): Promise<void> {
  const flags = command.optsWithGlobals<CompareFlags>();
  const output = createOutput(flags.color === false);
  const prompt = await readPrompt(promptArgument, undefined);
  const shared = configFromFlags(flags);
  const set = flags.config?.length ? flags.config.map(parseNamedConfig) : DEFAULT_COMPARE_SET;
  const seed = shared.seed ?? randomInt(2 ** 31);
  const runs = set.map(({ name, config }) => {
    const merged: GenerationConfigInput = { ...shared, ...config, seed };
    try {
      resolveGenerationConfig(merged);
    } catch (error) {
      throw new UsageError(`config ${name}: ${(error as Error).message}`);
    }
    return { name, config: merged };
  });

  const model = await openModel(flags, output);
  const interrupt = abortOnInterrupt();
  try {
    const head = promptText(model, prompt);
    const results = [];
    for (const run of runs) {
      const result = await model.generate(toModelInput(prompt), run.config, { signal: interrupt.signal });
      const sequence = result.sequences[0]!;
      results.push({
        name: run.name,
        config: run.config,
        text: sequence.text ?? '',
        tokenIds: [...sequence.tokens],
        score: sequence.score,
        finishReason: sequence.finishReason,
      });
    }
    if (flags.json) {
      output.out(`${JSON.stringify({ prompt: head, seed, results })}\n`);
      return;
    }
    output.out(`${output.color.dim(`prompt: ${JSON.stringify(head)}  seed: ${seed}`)}\n`);
    const width = process.stdout.columns || 120;
    const columnWidth = Math.floor((width - 1) / results.length) - 1;
    if (!flags.table && columnWidth >= 18) {
      const table = new Table({
        head: results.map((result) => result.name),
        colWidths: results.map(() => columnWidth),
        wordWrap: true,
        wrapOnWordBoundary: false,
        style: { head: output.isTTY && output.color.isColorSupported ? ['cyan'] : [], border: [] },
      });
      table.push(results.map((result) => terminalSafe(result.text)));
      output.out(`${table.toString()}\n`);
    } else {
      const textWidth = Math.max(width - 20, 20);
      const table = new Table({
        head: ['config', 'continuation'],
        colWidths: [16, textWidth],
        wordWrap: true,
        wrapOnWordBoundary: false,
        style: { head: output.isTTY && output.color.isColorSupported ? ['cyan'] : [], border: [] },
      });
      for (const result of results) table.push([result.name, terminalSafe(result.text)]);
      output.out(`${table.toString()}\n`);
    }
  } finally {
    interrupt.dispose();
    await model.dispose();
  }
}
