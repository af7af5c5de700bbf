import { loadModel, type WorkerModel } from '@nucleus/runtime-web';
import { samplerRegistry, type TraceOptions, type TraceRecord } from '@nucleus/samplers';
import './register-plugins.js';
import { createChartView } from './chart-view.js';
import { createCompareView } from './compare-view.js';
import { createControls } from './controls-view.js';
import { byId, el, tokenLabel } from './dom.js';
import { choiceFor, createModelPicker, type ModelChoice } from './model-picker.js';
import { buildRequest, fieldGroups, fieldsByKey, type GenerationRequest, messageOf } from './settings.js';
import {
  type CompareColumn,
  DEFAULT_COMPARE_SET,
  MODES,
  type Mode,
  type PlaygroundState,
  stateFromQuery,
  stateToQuery,
} from './url-state.js';

/** Candidates per stage in the trace the chart shows (of the first sequence only). */
const TRACE: TraceOptions = { topN: 10, rows: [0] };

const groups = fieldGroups(samplerRegistry);
const fields = fieldsByKey(groups);
const parsed = stateFromQuery(location.search, fields);
let state: PlaygroundState = parsed.state;

const promptInput = byId<HTMLTextAreaElement>('prompt');
const statusLine = byId('status');
const runError = byId('run-error');
const output = byId('output');
const buttons = {
  generate: byId<HTMLButtonElement>('generate'),
  step: byId<HTMLButtonElement>('step'),
  stepBack: byId<HTMLButtonElement>('step-back'),
  stepReset: byId<HTMLButtonElement>('step-reset'),
  compare: byId<HTMLButtonElement>('run-compare'),
  stop: byId<HTMLButtonElement>('stop'),
};
const modeInputs = [...document.querySelectorAll<HTMLInputElement>('input[name="mode"]')];
const controls = createControls(byId('controls'), groups, onSettingsChange);
const chart = createChartView(
  byId<HTMLCanvasElement>('chart'),
  byId<HTMLTableElement>('chart-table'),
  byId('chart-caption'),
);
const compareView = createCompareView(byId('compare-columns'));
const picker = createModelPicker(byId('model-picker'), (choice) => void loadChoice(choice));

let model: WorkerModel | undefined;
let running: AbortController | undefined;
/** Step-through: how many tokens are shown, with which seed, and whether the sequence ended. */
const stepState = { count: 0, seed: undefined as number | undefined, ended: false };

// On a narrow screen the options start folded, so that the output is not far below the prompt.
const options = byId<HTMLDetailsElement>('options');
if (window.matchMedia('(max-width: 56rem)').matches) options.open = false;

// Start: the link's settings, its errors, the model.
promptInput.value = state.prompt;
controls.setValues(state.values);
for (const input of modeInputs) input.checked = input.value === state.mode;
byId('url-errors').replaceChildren(...parsed.errors.map((message) => el('p', { text: message })));
renderColumns();
if (validate().fieldErrors.size > 0) options.open = true;
updateButtons();
chart.clear('Generate to see the distribution of each next token.');
void loadChoice(choiceFor(state.model));

promptInput.addEventListener('input', () => {
  state = { ...state, prompt: promptInput.value };
  syncUrl();
});
for (const input of modeInputs) {
  input.addEventListener('change', () => {
    if (input.checked && (MODES as readonly string[]).includes(input.value)) {
      state = { ...state, mode: input.value as Mode };
      syncUrl();
      updateButtons();
    }
  });
}
buttons.generate.addEventListener('click', () => void runGenerate());
buttons.step.addEventListener('click', () => void runStep(stepState.count + 1));
buttons.stepBack.addEventListener('click', () => void runStep(stepState.count - 1));
buttons.stepReset.addEventListener('click', () => void runStep(0));
buttons.compare.addEventListener('click', () => void runCompare());
buttons.stop.addEventListener('click', stop);
byId('add-column').addEventListener('click', addColumn);
byId('reset-columns').addEventListener('click', () => {
  state = { ...state, compare: DEFAULT_COMPARE_SET };
  renderColumns();
  syncUrl();
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && running) {
    event.preventDefault();
    stop();
  } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !running) {
    event.preventDefault();
    if (state.mode === 'generate') void runGenerate();
    else if (state.mode === 'step') void runStep(stepState.count + 1);
    else void runCompare();
  }
});

function onSettingsChange(): void {
  state = { ...state, values: controls.values() };
  validate();
  syncUrl();
}

/** Checks the settings and shows the errors next to their controls. */
function validate(): GenerationRequest {
  const request = buildRequest(controls.values(), groups, samplerRegistry);
  controls.showErrors(request.fieldErrors);
  runError.textContent =
    request.fieldErrors.size > 0
      ? `Fix the highlighted setting${request.fieldErrors.size > 1 ? 's' : ''}: ${[...request.fieldErrors.values()].join('; ')}`
      : (request.error ?? '');
  return request;
}

/** The settings as a request, or undefined (with the first bad control focused) when they are invalid. */
function validRequest(): GenerationRequest | undefined {
  const request = validate();
  const firstBad = [...request.fieldErrors.keys()][0];
  if (firstBad !== undefined) {
    options.open = true;
    controls.control(firstBad)?.focus();
  }
  return firstBad === undefined && request.error === undefined ? request : undefined;
}

function syncUrl(): void {
  history.replaceState(null, '', `${location.pathname}${stateToQuery(state, fields)}${location.hash}`);
}

function updateButtons(): void {
  const busy = running !== undefined;
  const ready = model !== undefined && !busy;
  const mode = state.mode;
  document.body.dataset['mode'] = mode;
  document.body.dataset['running'] = String(busy);
  buttons.generate.hidden = mode !== 'generate';
  buttons.compare.hidden = mode !== 'compare';
  for (const button of [buttons.step, buttons.stepBack, buttons.stepReset]) button.hidden = mode !== 'step';
  byId('single-output').hidden = mode === 'compare';
  byId('compare-panel').hidden = mode !== 'compare';
  buttons.generate.disabled = !ready;
  buttons.compare.disabled = !ready;
  buttons.step.disabled = !ready || stepState.ended;
  buttons.stepBack.disabled = !ready || stepState.count === 0;
  buttons.stepReset.disabled = !ready || stepState.count === 0;
  buttons.stop.disabled = !busy;
}

function begin(): AbortController {
  running = new AbortController();
  runError.textContent = '';
  updateButtons();
  return running;
}

function end(): void {
  running = undefined;
  updateButtons();
}

function stop(): void {
  running?.abort();
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
}

/** Shows the prompt then the generated text, both as text nodes. */
function showText(generated: string): HTMLElement {
  const continuation = el('span', { className: 'generated', text: generated });
  output.replaceChildren(el('span', { className: 'prompt', text: promptInput.value }), continuation);
  return continuation;
}

function decoder(loaded: WorkerModel): (id: number) => string {
  return (id) => loaded.tokenizer.decode([id]);
}

async function runGenerate(): Promise<void> {
  const request = validRequest();
  const loaded = model;
  if (request === undefined || loaded === undefined || running) return;
  const controller = begin();
  const generated = showText('');
  statusLine.textContent = 'Generating…';
  chart.clear('Waiting for the first step…');
  let latest: TraceRecord | undefined;
  let frame = 0;
  const drawLatest = () => {
    frame = 0;
    if (latest) chart.show(latest, decoder(loaded));
  };
  try {
    const stream = loaded.stream(promptInput.value, request.config, {
      signal: controller.signal,
      trace: TRACE,
      samplers: request.samplers,
    });
    let tokens = 0;
    for await (const event of stream) {
      if (event.sequence !== 0) continue;
      generated.append(event.text);
      tokens += 1;
      statusLine.textContent = `Generating… ${tokens} token${tokens === 1 ? '' : 's'}`;
      if (event.trace) {
        latest = event.trace;
        frame ||= requestAnimationFrame(drawLatest);
      }
    }
    const result = await stream.result;
    const sequence = result.sequences[0]!;
    generated.textContent = sequence.text;
    latest = result.trace?.filter((record) => record.row === 0).at(-1) ?? latest;
    if (frame) cancelAnimationFrame(frame);
    drawLatest();
    statusLine.textContent = `Done: ${sequence.newTokens.length} new tokens, finish reason ${sequence.finishReason}, seed ${result.seed}, ${result.timings.tokensPerSecond.toFixed(1)} tokens/s.`;
    document.body.dataset['finishReason'] = sequence.finishReason;
  } catch (error) {
    runError.textContent = messageOf(error);
    statusLine.textContent = 'Failed.';
  } finally {
    end();
  }
}

async function runStep(target: number): Promise<void> {
  const request = validRequest();
  const loaded = model;
  if (request === undefined || loaded === undefined || running) return;
  if ((request.config.numBeams ?? 1) > 1) {
    runError.textContent = 'Step-through follows one sequence: choose the greedy or sample strategy.';
    return;
  }
  if (target <= 0) {
    Object.assign(stepState, { count: 0, seed: undefined, ended: false });
    showText('');
    chart.clear('Step to see the distribution of each next token.');
    statusLine.textContent = 'Step-through reset.';
    updateButtons();
    return;
  }
  const limit = request.config.maxNewTokens ?? 50;
  stepState.seed = request.config.seed ?? stepState.seed ?? randomSeed();
  const controller = begin();
  statusLine.textContent = `Step ${target}…`;
  try {
    // Generating k tokens from scratch with the same seed extends the run of k - 1 tokens: exact, no state.
    const result = await loaded.generate(
      promptInput.value,
      { ...request.config, seed: stepState.seed, maxNewTokens: Math.min(target, limit) },
      { signal: controller.signal, trace: TRACE, samplers: request.samplers },
    );
    const sequence = result.sequences[0]!;
    if (sequence.finishReason === 'aborted') {
      statusLine.textContent = 'Step stopped.';
      return;
    }
    stepState.count = sequence.newTokens.length;
    stepState.ended = sequence.finishReason !== 'length' || stepState.count >= limit;
    showText(sequence.text);
    const last = result.trace?.filter((record) => record.row === 0).at(-1);
    if (last) chart.show(last, decoder(loaded));
    const token = sequence.newTokens.at(-1);
    statusLine.textContent = `Step ${stepState.count} of at most ${limit}: ${token === undefined ? 'no token' : tokenLabel(decoder(loaded)(token))}, seed ${stepState.seed}${stepState.ended ? `; finished (${sequence.finishReason === 'length' ? 'max new tokens' : sequence.finishReason})` : ''}.`;
  } catch (error) {
    runError.textContent = messageOf(error);
  } finally {
    end();
  }
}

function renderColumns(): ReturnType<typeof compareView.render> {
  return compareView.render(state.compare, (index) => {
    state = { ...state, compare: state.compare.filter((_, i) => i !== index) };
    renderColumns();
    syncUrl();
  });
}

function addColumn(): void {
  const request = validRequest();
  if (request === undefined) return;
  const { maxNewTokens: _max, seed: _seed, ...config } = request.config;
  const nameInput = byId<HTMLInputElement>('column-name');
  const column: CompareColumn = {
    name: nameInput.value.trim() || `column ${state.compare.length + 1}`,
    config,
    ...(request.samplers.length > 0 && { samplers: request.samplers }),
  };
  state = { ...state, compare: [...state.compare, column] };
  renderColumns();
  syncUrl();
}

async function runCompare(): Promise<void> {
  const request = validRequest();
  const loaded = model;
  if (request === undefined || loaded === undefined || running) return;
  const controller = begin();
  const seed = request.config.seed ?? randomSeed();
  const base = { maxNewTokens: request.config.maxNewTokens, seed };
  const outputs = renderColumns();
  let done = 0;
  for (const [index, column] of state.compare.entries()) {
    const out = outputs[index]!;
    if (controller.signal.aborted) {
      out.finish('', 'Not run: stopped.');
      continue;
    }
    statusLine.textContent = `Running ${column.name} (${index + 1} of ${state.compare.length}), seed ${seed}…`;
    try {
      const stream = loaded.stream(
        promptInput.value,
        { ...column.config, ...base },
        { signal: controller.signal, ...(column.samplers && { samplers: column.samplers }) },
      );
      for await (const event of stream) if (event.sequence === 0) out.append(event.text);
      const sequence = (await stream.result).sequences[0]!;
      out.finish(
        sequence.text,
        `${sequence.newTokens.length} tokens, finish reason ${sequence.finishReason}.`,
      );
      done += 1;
    } catch (error) {
      out.finish('', messageOf(error));
    }
  }
  statusLine.textContent = `Compared ${done} of ${state.compare.length} configs on the same prompt with seed ${seed}.`;
  end();
}

async function loadChoice(choice: ModelChoice): Promise<void> {
  stop();
  const previous = model;
  model = undefined;
  document.body.dataset['model'] = 'loading';
  updateButtons();
  picker.begin(choice.label);
  try {
    const loaded = await loadModel(choice.source, {
      wasmPaths: new URL('./ort/', document.baseURI).href,
      worker: () => new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module' }),
      onProgress: (event) => picker.progress(event),
    });
    await previous?.dispose();
    model = loaded;
    picker.end(
      `Ready: ${choice.label} (${loaded.onnxFile}, ${loaded.config.numLayers} layers, ${loaded.maxPositions} positions).`,
      false,
    );
    if (choice.shareAs !== undefined) {
      state = { ...state, model: choice.shareAs };
      syncUrl();
    }
    document.body.dataset['model'] = 'ready';
  } catch (error) {
    model = previous;
    picker.end(`Could not load ${choice.label}: ${messageOf(error)}`, true);
    document.body.dataset['model'] = previous ? 'ready' : 'failed';
  } finally {
    Object.assign(stepState, { count: 0, seed: undefined, ended: false });
    updateButtons();
  }
}

// Surface an unexpected failure instead of a silent page.
window.addEventListener('unhandledrejection', (event) => {
  runError.textContent = messageOf(event.reason);
});
