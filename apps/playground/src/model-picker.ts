import {
  clearCachedModels,
  type HubProgressEvent,
  listCachedModels,
  type WorkerModelSource,
} from '@nucleus/runtime-web';
import { el } from './dom.js';
import { messageOf } from './settings.js';

/** What the picker asks the app to load. */
export interface ModelChoice {
  readonly source: WorkerModelSource;
  /** Shown in the status line. */
  readonly label: string;
  /** What a shared link stores (`''` for the demo model; undefined for picked files, which cannot be shared). */
  readonly shareAs: string | undefined;
}

/** The model picker: demo model, hub id, folder URL, picked folder or files; a progress bar; the cache. */
export interface ModelPicker {
  /** Reports download progress of one file; the bar shows all files so far. */
  progress(event: HubProgressEvent): void;
  /** Starts a load: resets the bar (indeterminate until bytes arrive) and disables the load buttons. */
  begin(label: string): void;
  /** Ends a load with a message (an error message when `failed`). */
  end(message: string, failed: boolean): void;
  /** Re-reads the list of cached hub models. */
  refreshCache(): Promise<void>;
}

/** The URL of the demo model served with the app. */
export const DEMO_MODEL_URL = './models/demo/';

/** A model setting from a link or the fields: a folder URL (absolute or starting with `/` or `.`) or a hub id. */
export function choiceFor(model: string): ModelChoice {
  if (model === '')
    return { source: DEMO_MODEL_URL, label: 'demo model (King James Bible GPT-2)', shareAs: '' };
  return { source: model, label: model, shareAs: model };
}

/** Builds the picker into `container`; `load` is called with the user's choice. */
export function createModelPicker(container: HTMLElement, load: (choice: ModelChoice) => void): ModelPicker {
  const demo = el('button', { text: 'Demo model', attrs: { type: 'button', id: 'load-demo' } });
  const hubInput = el('input', {
    attrs: {
      id: 'hub-id',
      type: 'text',
      placeholder: 'Xenova/gpt2',
      autocomplete: 'off',
      spellcheck: 'false',
    },
  });
  const hubButton = el('button', {
    text: 'Load',
    attrs: { type: 'button', id: 'load-hub', 'aria-label': 'Load the hub model' },
  });
  const urlInput = el('input', {
    attrs: {
      id: 'model-url',
      type: 'url',
      placeholder: 'https://example.com/models/gpt2/',
      autocomplete: 'off',
    },
  });
  const urlButton = el('button', {
    text: 'Load',
    attrs: { type: 'button', id: 'load-url', 'aria-label': 'Load the model folder URL' },
  });
  const folderInput = el('input', { attrs: { id: 'model-folder', type: 'file', webkitdirectory: '' } });
  const filesInput = el('input', { attrs: { id: 'model-files', type: 'file', multiple: '' } });
  const bar = el('progress', {
    attrs: { id: 'model-progress', max: '1', 'aria-labelledby': 'model-status' },
  });
  const status = el('p', { className: 'status', attrs: { id: 'model-status', role: 'status' } });
  const cacheList = el('ul', { className: 'cache-list', attrs: { id: 'cache-list' } });
  const clearAll = el('button', {
    text: 'Clear the whole cache',
    attrs: { type: 'button', id: 'clear-cache' },
  });
  const buttons = [demo, hubButton, urlButton, folderInput, filesInput];

  const row = (label: string, id: string, ...children: HTMLElement[]) =>
    el('div', { className: 'field model-row' }, [
      el('label', { text: label, attrs: { for: id } }),
      el('div', { className: 'inline' }, children),
    ]);
  container.append(
    el('div', { className: 'model-row' }, [demo]),
    row('Hugging Face hub id', 'hub-id', hubInput, hubButton),
    row('Model folder URL (hub layout)', 'model-url', urlInput, urlButton),
    row('A model folder on this computer', 'model-folder', folderInput),
    row('Or its files (config.json, tokenizer.json, model.onnx)', 'model-files', filesInput),
    bar,
    status,
    el('details', { className: 'cache' }, [
      el('summary', { text: 'Cached hub models' }),
      cacheList,
      clearAll,
    ]),
  );

  demo.addEventListener('click', () => load(choiceFor('')));
  const loadHub = () => {
    const id = hubInput.value.trim();
    if (id !== '') load({ source: id, label: id, shareAs: id });
  };
  const loadUrl = () => {
    const url = urlInput.value.trim();
    if (url !== '') load({ source: url, label: url, shareAs: url });
  };
  hubButton.addEventListener('click', loadHub);
  urlButton.addEventListener('click', loadUrl);
  hubInput.addEventListener('keydown', (event) => event.key === 'Enter' && loadHub());
  urlInput.addEventListener('keydown', (event) => event.key === 'Enter' && loadUrl());
  for (const input of [folderInput, filesInput]) {
    input.addEventListener('change', () => {
      const files = input.files;
      if (files !== null && files.length > 0) {
        load({ source: files, label: `picked files (${files.length})`, shareAs: undefined });
      }
    });
  }

  const loaded = new Map<string, { loaded: number; total: number }>();
  const picker: ModelPicker = {
    progress(event) {
      loaded.set(event.file, { loaded: event.loaded, total: event.total ?? event.loaded });
      let done = 0;
      let total = 0;
      for (const file of loaded.values()) {
        done += file.loaded;
        total += file.total;
      }
      if (total > 0) {
        bar.max = total;
        bar.value = done;
        bar.textContent = `${Math.round((100 * done) / total)}%`;
      }
      status.textContent = `Downloading ${event.file}: ${(event.loaded / 2 ** 20).toFixed(1)}${event.total ? ` of ${(event.total / 2 ** 20).toFixed(1)}` : ''} MiB`;
    },
    begin(label) {
      loaded.clear();
      bar.removeAttribute('value');
      bar.hidden = false;
      status.textContent = `Loading ${label}…`;
      for (const button of buttons) button.disabled = true;
    },
    end(message, failed) {
      bar.hidden = true;
      status.textContent = message;
      status.classList.toggle('error', failed);
      for (const button of buttons) button.disabled = false;
      void picker.refreshCache();
    },
    async refreshCache() {
      let models: Awaited<ReturnType<typeof listCachedModels>>;
      try {
        models = await listCachedModels();
      } catch (error) {
        cacheList.replaceChildren(el('li', { text: `The cache cannot be read: ${messageOf(error)}` }));
        return;
      }
      clearAll.disabled = models.length === 0;
      if (models.length === 0) {
        cacheList.replaceChildren(el('li', { text: 'No hub model is cached.' }));
        return;
      }
      cacheList.replaceChildren(
        ...models.map((model) => {
          const clear = el('button', {
            text: 'Clear',
            attrs: { type: 'button', 'aria-label': `Clear ${model.repoId} from the cache` },
          });
          clear.addEventListener('click', async () => {
            await clearCachedModels(model.repoId);
            await picker.refreshCache();
          });
          return el('li', {}, [
            el('span', { text: `${model.repoId} (${(model.size / 2 ** 20).toFixed(1)} MiB) ` }),
            clear,
          ]);
        }),
      );
    },
  };
  clearAll.addEventListener('click', async () => {
    await clearCachedModels();
    await picker.refreshCache();
  });
  return picker;
}
