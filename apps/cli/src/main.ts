import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register as registerLlamaSamplers } from '@nucleus/llama-samplers';
import {
  ConfigError,
  InvalidOptionError,
  NucleusError,
  samplerRegistry,
  toFlagName,
} from '@nucleus/samplers';
import { CommanderError } from 'commander';
import { EXIT, UsageError } from './errors.js';
import { flagForOption } from './generation-flags.js';
import { createProgram } from './program.js';

/** Loads `--plugin <module>` arguments before the command line is parsed, so their flags exist. */
async function loadPlugins(argv: readonly string[]): Promise<void> {
  registerLlamaSamplers(samplerRegistry);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const spec = arg === '--plugin' ? argv[i + 1] : arg.startsWith('--plugin=') ? arg.slice(9) : undefined;
    if (spec === undefined) continue;
    const url = spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(spec)).href : spec;
    let plugin: { register?: (registry: typeof samplerRegistry) => void };
    try {
      plugin = await import(url);
    } catch (error) {
      throw new UsageError(`--plugin ${spec}: cannot load it (${(error as Error).message})`);
    }
    if (typeof plugin.register !== 'function') {
      throw new UsageError(`--plugin ${spec}: the module has no register(registry) export`);
    }
    plugin.register(samplerRegistry);
  }
}

/** One line for the user; the stack only with --verbose. */
function report(error: unknown, verbose: boolean): number {
  const stderr = process.stderr;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  let code: number = EXIT.runtime;
  let message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || error instanceof ConfigError) code = EXIT.usage;
  if (error instanceof InvalidOptionError) {
    code = EXIT.usage;
    const [sampler, option] = error.option.split('.');
    const flag = option !== undefined ? toFlagName(sampler!, option) : flagForOption(error.option);
    if (flag) message = `${flag} must be ${error.allowed}, got ${String(error.value)}`;
  }
  const label = error instanceof NucleusError ? `${error.code}: ` : '';
  stderr.write(`nucleus: error: ${code === EXIT.usage ? '' : label}${message}\n`);
  if (verbose && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return code;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    await loadPlugins(argv.slice(2));
    const program = createProgram();
    program.exitOverride();
    for (const command of program.commands) command.exitOverride();
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return report(error, verbose);
  }
}
