import type { SamplerRequest } from '@nucleus/runtime-web';
import { type GenerationConfigInput, SEED_NOTEBOOK_CONFIGS } from '@nucleus/samplers';
import type { Field } from './settings.js';

/** What the page does with the prompt. */
export const MODES = ['generate', 'step', 'compare'] as const;
/** One of {@link MODES}. */
export type Mode = (typeof MODES)[number];

/** One column of compare mode: a name and the config (and plugin samplers) that differ from the base. */
export interface CompareColumn {
  readonly name: string;
  readonly config: GenerationConfigInput;
  readonly samplers?: readonly SamplerRequest[];
}

/** The seed notebook's compare set (`SEED_NOTEBOOK_CONFIGS`, as the CLI's `nucleus compare`). */
export const DEFAULT_COMPARE_SET: readonly CompareColumn[] = SEED_NOTEBOOK_CONFIGS;

/** The demo model's suggested prompt. */
export const DEFAULT_PROMPT = 'And the LORD said';

/** Everything a shared link carries. */
export interface PlaygroundState {
  readonly prompt: string;
  readonly mode: Mode;
  /** `''` for the demo model served with the app; else a hub id or a model folder URL. */
  readonly model: string;
  /** Control values by field key (only those that differ from the default go in the URL). */
  readonly values: Readonly<Record<string, string>>;
  readonly compare: readonly CompareColumn[];
}

/** URL keys that are not control fields. */
const RESERVED = ['prompt', 'mode', 'model', 'compare'] as const;

/**
 * The query string of a state: only what differs from the defaults, so a link stays short and readable
 * (`?mode=compare&temperature=0.7&xtc=true&xtc.probability=0.5`).
 */
export function stateToQuery(state: PlaygroundState, fields: ReadonlyMap<string, Field>): string {
  const params = new URLSearchParams();
  if (state.prompt !== DEFAULT_PROMPT) params.set('prompt', state.prompt);
  if (state.mode !== 'generate') params.set('mode', state.mode);
  if (state.model !== '') params.set('model', state.model);
  for (const [key, field] of fields) {
    const value = state.values[key];
    if (value !== undefined && value !== field.defaultValue) params.set(key, value);
  }
  if (JSON.stringify(state.compare) !== JSON.stringify(DEFAULT_COMPARE_SET)) {
    params.set('compare', JSON.stringify(state.compare));
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** A state read from a URL, and what in it could not be used (shown to the user, not thrown). */
export interface ParsedState {
  readonly state: PlaygroundState;
  readonly errors: readonly string[];
}

/**
 * Reads a query string. Control values are kept as text even when invalid (the control shows them with
 * its error); unknown keys, a bad mode or a malformed compare set are reported and ignored.
 */
export function stateFromQuery(query: string, fields: ReadonlyMap<string, Field>): ParsedState {
  const params = new URLSearchParams(query);
  const errors: string[] = [];
  const values: Record<string, string> = {};
  for (const [key, field] of fields) values[key] = field.defaultValue;
  for (const [key, value] of params) {
    if ((RESERVED as readonly string[]).includes(key)) continue;
    if (fields.has(key)) values[key] = value;
    else errors.push(`The link sets ${JSON.stringify(key)}, which is not a setting here; it was ignored.`);
  }
  let mode: Mode = 'generate';
  const modeText = params.get('mode');
  if (modeText !== null) {
    if ((MODES as readonly string[]).includes(modeText)) mode = modeText as Mode;
    else errors.push(`The link's mode ${JSON.stringify(modeText)} is not one of ${MODES.join(', ')}.`);
  }
  let compare = DEFAULT_COMPARE_SET;
  const compareText = params.get('compare');
  if (compareText !== null) {
    const parsed = parseCompareSet(compareText);
    if (typeof parsed === 'string') errors.push(`The link's compare set was ignored: ${parsed}.`);
    else compare = parsed;
  }
  return {
    state: {
      prompt: params.get('prompt') ?? DEFAULT_PROMPT,
      mode,
      model: params.get('model') ?? '',
      values,
      compare,
    },
    errors,
  };
}

/** A compare set from JSON, or why it is not one. */
export function parseCompareSet(text: string): CompareColumn[] | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'it is not valid JSON';
  }
  if (!Array.isArray(data) || data.length === 0) return 'it must be a non-empty list of columns';
  const columns: CompareColumn[] = [];
  for (const item of data) {
    const column = item as Partial<CompareColumn> | null;
    if (
      typeof column !== 'object' ||
      column === null ||
      typeof column.name !== 'string' ||
      typeof column.config !== 'object' ||
      column.config === null ||
      Array.isArray(column.config) ||
      (column.samplers !== undefined && !Array.isArray(column.samplers))
    ) {
      return 'each column must be { "name": string, "config": object, "samplers"?: list }';
    }
    columns.push({
      name: column.name,
      config: column.config,
      ...(column.samplers !== undefined && { samplers: column.samplers }),
    });
  }
  return columns;
}
