import { el } from './dom.js';
import type { CompareColumn } from './url-state.js';

/** One column's output area. */
export interface ColumnOutput {
  append(text: string): void;
  finish(text: string, note: string): void;
  reset(): void;
}

/** The compare columns: a heading, the config, the text as it streams, how it ended. */
export interface CompareView {
  /** Redraws the columns; `onRemove` is called with a column's index. */
  render(columns: readonly CompareColumn[], onRemove: (index: number) => void): ColumnOutput[];
}

/** A column's settings in one line: `doSample true, temperature 0.5, topK 0`. */
export function describeColumn(column: CompareColumn): string {
  const parts = Object.entries(column.config).map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  for (const sampler of column.samplers ?? []) {
    const options = Object.entries(sampler.options ?? {})
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(', ');
    parts.push(`${sampler.name}(${options})`);
  }
  return parts.length === 0 ? 'greedy (no options)' : parts.join(', ');
}

/** Creates the view over the columns' container. */
export function createCompareView(container: HTMLElement): CompareView {
  return {
    render(columns, onRemove) {
      const outputs: ColumnOutput[] = [];
      container.replaceChildren(
        ...columns.map((column, index) => {
          const text = el('p', { className: 'column-text' });
          const note = el('p', { className: 'help column-note' });
          const remove = el('button', {
            text: 'Remove',
            className: 'small',
            attrs: { type: 'button', 'aria-label': `Remove the column ${column.name}` },
          });
          remove.addEventListener('click', () => onRemove(index));
          remove.disabled = columns.length === 1;
          outputs.push({
            append: (delta) => text.append(delta),
            finish(full, ending) {
              text.textContent = full;
              note.textContent = ending;
            },
            reset() {
              text.textContent = '';
              note.textContent = '';
            },
          });
          return el('article', { className: 'column', attrs: { 'aria-label': column.name } }, [
            el('header', { className: 'column-header' }, [el('h4', { text: column.name }), remove]),
            el('p', { className: 'help column-config', text: describeColumn(column) }),
            text,
            note,
          ]);
        }),
      );
      return outputs;
    },
  };
}
