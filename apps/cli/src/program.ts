import { samplerRegistry } from '@nucleus/samplers';
import { Command, Option } from 'commander';
import { runCompare } from './commands/compare.js';
import { runConvert } from './commands/convert.js';
import { runGenerate } from './commands/generate.js';
import { runInspect } from './commands/inspect.js';
import { runModels } from './commands/models.js';
import { runPull } from './commands/pull.js';
import { GENERATION_FLAGS, type GenerationFlag } from './generation-flags.js';
import { pluginFlags } from './sampler-flags.js';
import { VERSION } from './version.js';

/** The options every model-using command shares. */
export interface ModelFlags {
  model?: string;
  revision?: string;
  dtype?: string;
  threads?: string;
}

/** Global flags. */
export interface GlobalFlags {
  verbose?: boolean;
  color?: boolean;
}

function addModelOptions(command: Command): Command {
  return command
    .option(
      '-m, --model <folder|hub-id>',
      'a model folder (hub layout) or a hub id such as Xenova/gpt2; default: the embedded demo model',
    )
    .option('--revision <rev>', 'hub revision (branch, tag or commit) for a hub id', 'main')
    .option('--dtype <dtype>', 'which ONNX file to load: fp32, fp16, q8 (quantized), q4, ...')
    .option('--threads <n>', 'onnxruntime intra-op threads');
}

function describeFlag(flag: GenerationFlag): string {
  if (flag.type === 'boolean') return `--${flag.flag}`;
  return `--${flag.flag} <${flag.value ?? (flag.type === 'integer' ? 'int' : 'number')}>`;
}

/** Adds the HF generation flags and every registered plugin sampler's flags. */
function addGenerationOptions(command: Command): Command {
  for (const flag of GENERATION_FLAGS) {
    const option = new Option(describeFlag(flag), flag.help);
    if (flag.type === 'string-list')
      option.argParser((value: string, previous: string[] = []) => [...previous, value]);
    command.addOption(option);
  }
  for (const flag of pluginFlags(samplerRegistry)) {
    const spec = flag.spec;
    const range = 'min' in spec || 'max' in spec ? ` [${describeRange(spec)}]` : '';
    command.addOption(new Option(`${flag.flag} <value>`, `${flag.sampler} plugin: ${spec.help}${range}`));
  }
  return command;
}

function describeRange(spec: { min?: number; max?: number }): string {
  return `${spec.min ?? '-inf'}..${spec.max ?? 'inf'}`;
}

/** Builds the `nucleus` command. */
export function createProgram(): Command {
  const program = new Command('nucleus')
    .description('GPT-2 text generation with every decoding strategy, exact to Hugging Face generate()')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces and timings')
    .option('--no-color', 'no colours (also NO_COLOR=1; off when not a terminal)')
    .option('--plugin <module>', 'load a sampler plugin module before parsing (repeatable; see README)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortOptions: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Examples:
  $ nucleus generate "And the LORD said"
  $ nucleus generate "In the beginning" --do-sample --top-p 0.9 --seed 42
  $ nucleus compare "And the LORD said" --max-new-tokens 30
  $ nucleus inspect "In the beginning" --do-sample --top-k 50 --top-p 0.9 --steps 3
  $ nucleus pull Xenova/gpt2 && nucleus generate --model Xenova/gpt2 "Hello"`,
    );

  addGenerationOptions(
    addModelOptions(
      program
        .command('generate')
        .description('generate text from a prompt (streams to a terminal)')
        .argument('[prompt]', 'the prompt; - reads it from stdin')
        .option('--input-ids <ids>', 'exact prompt token ids, comma-separated, instead of text')
        .option('--json', 'print one JSON object {"sequences":[{"text","tokenIds","score"}]}'),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ nucleus generate "And the LORD said" --max-new-tokens 40
  $ nucleus generate "Hello" --do-sample --temperature 0.7 --top-k 50 --seed 1
  $ nucleus generate "Hello" --num-beams 4 --num-return-sequences 2 --early-stopping true --json
  $ echo "Once upon a time" | nucleus generate - --stop "." --json
  $ nucleus generate --input-ids 15496,11,616,3290,318 --json`,
    )
    .action(runGenerate);

  addGenerationOptions(
    addModelOptions(
      program
        .command('compare')
        .description('run several decoding configs side by side on the same prompt and seed')
        .argument('[prompt]', 'the prompt; - reads it from stdin')
        .option(
          '--config <name=flags>',
          'a config to compare, e.g. "hot=--do-sample --temperature 1.5 --top-k 0" (repeatable; replaces the default set)',
          (value: string, previous: string[] = []) => [...previous, value],
        )
        .option('--table', 'one table row per config instead of columns')
        .option('--json', 'print the results as JSON'),
    ),
  )
    .addHelpText(
      'after',
      `
The default set (the seed notebook's): greedy; temperature 0.5, 1.0 and 1.5 with top-k off; top-k 50;
top-p 0.9; 4 beams. Generation flags given outside --config (e.g. --max-new-tokens, --seed) apply to all.

Examples:
  $ nucleus compare "And the LORD said" --seed 7 --max-new-tokens 30
  $ nucleus compare "Hello" --config "greedy=" --config "t0.8=--do-sample --temperature 0.8 --top-k 0" --json`,
    )
    .action(runCompare);

  addGenerationOptions(
    addModelOptions(
      program
        .command('inspect')
        .description('show the next-token distribution before and after each processor')
        .argument('[prompt]', 'the prompt; - reads it from stdin')
        .option('--steps <n>', 'walk this many tokens forward', '1')
        .option('--top <n>', 'candidates shown per stage', '10')
        .option('--json', 'print the trace as JSON'),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ nucleus inspect "In the beginning" --do-sample --temperature 0.7 --top-k 50 --top-p 0.9
  $ nucleus inspect "Long long ago" --do-sample --min-p 0.05 --top-k 0 --steps 5 --seed 3`,
    )
    .action(runInspect);

  program
    .command('pull')
    .description('download a model from the Hugging Face hub into the hub cache')
    .argument('<hub-id>', 'a repo id such as Xenova/gpt2 (optionally @revision)')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--dtype <dtype>', 'which ONNX file to fetch: fp32, fp16, q8, q4, ...')
    .addHelpText(
      'after',
      `
Honours HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE and HF_HUB_OFFLINE, like Python's huggingface_hub.

Examples:
  $ nucleus pull Xenova/gpt2
  $ nucleus pull Xenova/distilgpt2 --dtype q8`,
    )
    .action(runPull);

  program
    .command('models')
    .description('list the models in the Hugging Face hub cache and the embedded demo model, with sizes')
    .option('--json', 'print the list as JSON')
    .addHelpText('after', '\nExample:\n  $ nucleus models')
    .action(runModels);

  program
    .command('convert')
    .description('convert a GPT-2 safetensors checkpoint into a hub-layout ONNX folder (no Python)')
    .argument('<checkpoint>', 'a model.safetensors file or a folder with one (and its config.json)')
    .argument('<out-folder>', 'where to write the hub-layout folder')
    .option('--overwrite', 'replace a non-empty output folder')
    .option('--n-head <n>', 'number of attention heads, when there is no config.json')
    .addHelpText(
      'after',
      '\nExample:\n  $ nucleus convert ./gpt2/model.safetensors ./gpt2-onnx && nucleus generate --model ./gpt2-onnx "Hi"',
    )
    .action(runConvert);

  return program;
}
