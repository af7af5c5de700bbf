import type { SamplerRequest } from '@nucleus/runtime-web';
import {
  builtInSamplers,
  coerceOptionValue,
  describeAllowed,
  type GenerationConfigInput,
  InvalidOptionError,
  type OptionSpec,
  qualifiedOptionName,
  resolveGenerationConfig,
  type SamplerRegistry,
} from '@nucleus/samplers';

/** The decoding strategies the strategy control offers. */
export const STRATEGIES = ['greedy', 'sample', 'beam', 'beam-sample'] as const;
/** A decoding strategy: how `doSample` and `numBeams` are set. */
export type Strategy = (typeof STRATEGIES)[number];

/** A group of controls, shown as one fieldset. */
export interface FieldGroup {
  readonly id: string;
  readonly legend: string;
  /** One line under the legend. */
  readonly note?: string;
  /** Set for a plugin sampler's group: its registered name (the group has an on/off switch). */
  readonly plugin?: string;
  readonly fields: readonly Field[];
}

/** One control: its key in the settings (and the URL), its spec, its default as text. */
export interface Field {
  /** `temperature`, `xtc.threshold`; a plugin's on/off switch is the plugin's name. */
  readonly key: string;
  readonly label: string;
  readonly spec: OptionSpec;
  /** The control's text when nothing was set; `''` means unset. */
  readonly defaultValue: string;
}

/** Settings as the controls hold them: text by field key (numbers stay text so bad input can be shown). */
export type FieldValues = Readonly<Record<string, string>>;

const strategySpec: OptionSpec = {
  name: 'strategy',
  type: 'enum',
  values: STRATEGIES,
  default: 'greedy',
  help: 'greedy: the most likely token; sample: draw from the processed distribution; beam: beam search; beam-sample: beam search with sampling.',
};

const basics: FieldGroup = {
  id: 'basics',
  legend: 'Decoding',
  fields: [
    { key: 'strategy', label: 'Strategy', spec: strategySpec, defaultValue: 'greedy' },
    {
      key: 'maxNewTokens',
      label: 'Max new tokens',
      spec: { name: 'maxNewTokens', type: 'integer', min: 1, help: 'Most new tokens per run.' },
      defaultValue: '50',
    },
    {
      key: 'seed',
      label: 'Seed',
      spec: {
        name: 'seed',
        type: 'integer',
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        help: 'Seed of the random source (sampling): the same seed gives the same text. Empty: a new one each run.',
      },
      defaultValue: '',
    },
    {
      key: 'stopStrings',
      label: 'Stop string',
      spec: {
        name: 'stopStrings',
        type: 'string',
        help: 'The text ends where this string appears (it is cut before it); write a newline as \\n. Empty: no stop string.',
      },
      defaultValue: '',
    },
  ],
};

const beams: FieldGroup = {
  id: 'beams',
  legend: 'Beam search',
  note: 'Used by the beam and beam-sample strategies.',
  fields: [
    {
      key: 'numBeams',
      label: 'Beams',
      spec: { name: 'numBeams', type: 'integer', min: 2, help: 'Number of beams kept at each step.' },
      defaultValue: '4',
    },
    {
      key: 'lengthPenalty',
      label: 'Length penalty',
      spec: {
        name: 'lengthPenalty',
        type: 'number',
        help: 'A finished beam scores its log-probability / length^this: above 0 favours longer text.',
      },
      defaultValue: '1',
    },
    {
      key: 'earlyStopping',
      label: 'Early stopping',
      spec: {
        name: 'earlyStopping',
        type: 'enum',
        values: ['false', 'true', 'never'],
        help: "false: HF's heuristic; true: stop when enough beams finished; never: the canonical search.",
      },
      defaultValue: 'false',
    },
  ],
};

/** Text of a spec's default (`''` when it has none). */
function defaultText(spec: OptionSpec): string {
  if (spec.default === undefined) return '';
  return Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default);
}

/** A sampler option's label: its kebab-case name, as in Hugging Face's docs and the CLI's flags. */
function labelOf(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Controls for the built-in samplers, from the registry's descriptors (their primary option). */
function builtInGroup(id: string, legend: string, stage: 'warper' | 'history', note: string): FieldGroup {
  const fields: Field[] = [];
  for (const sampler of builtInSamplers) {
    if (sampler.kind !== 'processor' || sampler.stage !== stage) continue;
    const spec = sampler.options.find((option) => option.name === sampler.name);
    if (spec === undefined) continue;
    fields.push({ key: spec.name, label: labelOf(spec.name), spec, defaultValue: defaultText(spec) });
  }
  return { id, legend, note, fields };
}

/** Controls for every plugin sampler of the registry (not built in), from its option specs. */
function pluginGroups(registry: SamplerRegistry): FieldGroup[] {
  return registry
    .list()
    .filter((sampler) => !sampler.builtIn)
    .map((sampler) => ({
      id: `plugin-${sampler.name}`,
      legend: `${sampler.name} (${sampler.kind === 'selector' ? 'token selector' : `${sampler.stage} processor`})`,
      note: sampler.description,
      plugin: sampler.name,
      fields: [
        {
          key: sampler.name,
          label: `Use ${sampler.name}`,
          spec: {
            name: 'enabled',
            type: 'boolean',
            default: false,
            help:
              sampler.kind === 'selector'
                ? 'Replaces greedy / sampling by this selector (not with beam search).'
                : `Adds this processor ${sampler.stage === 'history' ? 'before' : 'after'} the built-in warpers.`,
          },
          defaultValue: 'false',
        },
        ...sampler.options.map((spec) => ({
          key: `${sampler.name}.${spec.name}`,
          label: labelOf(spec.name),
          spec,
          defaultValue: defaultText(spec),
        })),
      ],
    }));
}

/** Every control group: decoding basics, sampling warpers, penalties, beams, then one per plugin. */
export function fieldGroups(registry: SamplerRegistry): readonly FieldGroup[] {
  return [
    basics,
    builtInGroup('sampling', 'Sampling', 'warper', 'Used by the sample and beam-sample strategies.'),
    builtInGroup('penalties', 'Penalties and bans', 'history', 'Used by every strategy.'),
    beams,
    ...pluginGroups(registry),
  ];
}

/** The fields of some groups, by key. */
export function fieldsByKey(groups: readonly FieldGroup[]): ReadonlyMap<string, Field> {
  return new Map(groups.flatMap((group) => group.fields.map((field) => [field.key, field] as const)));
}

/** Every field at its default. */
export function defaultValues(groups: readonly FieldGroup[]): Record<string, string> {
  return Object.fromEntries(groups.flatMap((group) => group.fields.map((f) => [f.key, f.defaultValue])));
}

/** A generate call the settings describe, or what is wrong with them. */
export interface GenerationRequest {
  readonly config: GenerationConfigInput;
  /** Plugin samplers switched on, for runtime-web's `samplers` option. */
  readonly samplers: readonly SamplerRequest[];
  /** Messages by field key, shown next to the control. */
  readonly fieldErrors: ReadonlyMap<string, string>;
  /** A problem of the settings as a whole (options that contradict each other). */
  readonly error: string | undefined;
}

const BEAM_KEYS: ReadonlySet<string> = new Set(['numBeams', 'lengthPenalty', 'earlyStopping']);

/**
 * Turns control values into a generation config and plugin sampler requests, validating each value with
 * its spec and the whole config with `resolveGenerationConfig` (the same checks the worker runs), so
 * errors show next to the control before anything is sent. Values equal to their default are left out (the
 * library's defaults are Hugging Face's), except `maxNewTokens`, which is always set.
 */
export function buildRequest(
  values: FieldValues,
  groups: readonly FieldGroup[],
  registry: SamplerRegistry,
): GenerationRequest {
  const fieldErrors = new Map<string, string>();
  const config: Record<string, unknown> = {};
  const strategy = (values['strategy'] ?? 'greedy') as Strategy;
  const beamSearch = strategy === 'beam' || strategy === 'beam-sample';
  for (const group of groups) {
    if (group.plugin !== undefined) continue;
    for (const field of group.fields) {
      if (field.key === 'strategy') {
        if (!STRATEGIES.includes(strategy)) fieldErrors.set('strategy', invalid(field, values['strategy']));
        continue;
      }
      const text = values[field.key] ?? field.defaultValue;
      const raw = field.key === 'stopStrings' ? unescapeStopString(text) : text.trim();
      const always = field.key === 'maxNewTokens' || (beamSearch && field.key === 'numBeams');
      if (raw === '' || (raw === field.defaultValue && !always)) continue;
      if (BEAM_KEYS.has(field.key) && !beamSearch) continue;
      try {
        const value = coerceOptionValue(field.spec, raw, field.key);
        config[field.key] = field.key === 'earlyStopping' && value !== 'never' ? value === 'true' : value;
      } catch (error) {
        fieldErrors.set(field.key, messageOf(error));
      }
    }
  }
  if (strategy === 'sample' || strategy === 'beam-sample') config['doSample'] = true;

  const samplers: SamplerRequest[] = [];
  for (const group of groups) {
    const name = group.plugin;
    if (name === undefined || (values[name] ?? 'false') !== 'true') continue;
    const options: Record<string, string> = {};
    for (const field of group.fields.slice(1)) {
      const raw = (values[field.key] ?? field.defaultValue).trim();
      if (raw !== '') options[field.spec.name] = raw;
    }
    try {
      registry.resolveOptions(name, options);
      samplers.push({ name, options });
    } catch (error) {
      const option = error instanceof InvalidOptionError ? error.option : undefined;
      const field = group.fields.find(
        (candidate) => option !== undefined && qualifiedOptionName(name, candidate.spec.name) === option,
      );
      fieldErrors.set(field?.key ?? name, messageOf(error));
    }
  }

  let error: string | undefined;
  if (fieldErrors.size === 0) {
    try {
      resolveGenerationConfig(config as GenerationConfigInput);
    } catch (caught) {
      const option = caught instanceof InvalidOptionError ? caught.option : undefined;
      if (option !== undefined && values[option] !== undefined) fieldErrors.set(option, messageOf(caught));
      else error = messageOf(caught);
    }
    const selectors = samplers.filter((request) => registry.get(request.name)?.kind === 'selector');
    if (selectors.length > 1)
      error = `use one token selector at a time, not ${selectors.map((s) => s.name).join(' and ')}`;
    else if (selectors.length === 1 && beamSearch) {
      error = `${selectors[0]!.name} picks the token itself: choose the greedy or sample strategy to use it`;
    }
  }
  return { config: config as GenerationConfigInput, samplers, fieldErrors, error };
}

/** A stop string as typed in a one-line field: `\n` and `\t` stand for a newline and a tab, `\\` for `\`. */
export function unescapeStopString(text: string): string {
  return text.replace(/\\([nt\\])/g, (_, letter: string) =>
    letter === 'n' ? '\n' : letter === 't' ? '\t' : '\\',
  );
}

function invalid(field: Field, value: unknown): string {
  return new InvalidOptionError(field.key, value, describeAllowed(field.spec)).message;
}

/** An error's message (anything thrown). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
