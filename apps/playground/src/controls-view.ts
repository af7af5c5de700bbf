import { el } from './dom.js';
import type { Field, FieldGroup } from './settings.js';

/** The settings form: one fieldset per group, one labelled control per field. */
export interface ControlsView {
  /** Every control's text by field key. */
  values(): Record<string, string>;
  /** Sets controls (keys not given keep their value). */
  setValues(values: Readonly<Record<string, string>>): void;
  /** Shows these messages next to their controls and clears the others. */
  showErrors(errors: ReadonlyMap<string, string>): void;
  /** The control of a field (to focus it). */
  control(key: string): HTMLInputElement | HTMLSelectElement | undefined;
}

/** The id of a field's control: `field-top-p`-like, safe in CSS selectors. */
export function controlId(key: string): string {
  return `field-${key.replace(/[^a-zA-Z0-9]/g, '-')}`;
}

type Control = HTMLInputElement | HTMLSelectElement;

/**
 * Builds the controls from the field groups (themselves built from the sampler registry's option specs)
 * into `container`. `onChange` runs after every edit.
 */
export function createControls(
  container: HTMLElement,
  groups: readonly FieldGroup[],
  onChange: () => void,
): ControlsView {
  const controls = new Map<string, Control>();
  const errors = new Map<string, HTMLElement>();
  const fieldsOf = new Map<string, Field>();

  for (const group of groups) {
    const fieldset = el('fieldset', { className: 'group', attrs: { id: `group-${group.id}` } }, [
      el('legend', { text: group.legend }),
    ]);
    if (group.note !== undefined) fieldset.append(el('p', { className: 'help', text: group.note }));
    const grid = el('div', { className: group.plugin === undefined ? 'grid' : 'grid plugin-grid' });
    for (const field of group.fields) {
      const { wrapper, control, error } = createField(field);
      controls.set(field.key, control);
      errors.set(field.key, error);
      fieldsOf.set(field.key, field);
      control.addEventListener(control instanceof HTMLSelectElement ? 'change' : 'input', () => {
        refreshEnabled();
        onChange();
      });
      grid.append(wrapper);
    }
    fieldset.append(grid);
    container.append(fieldset);
  }

  const textOf = (control: Control) =>
    control instanceof HTMLInputElement && control.type === 'checkbox'
      ? String(control.checked)
      : control.value;

  /** Controls that cannot matter are disabled: warpers without sampling, beams without beam search, plugin options while it is off. */
  function refreshEnabled(): void {
    const strategy = controls.get('strategy')?.value ?? 'greedy';
    const sampling = strategy === 'sample' || strategy === 'beam-sample';
    const beams = strategy === 'beam' || strategy === 'beam-sample';
    for (const group of groups) {
      for (const [index, field] of group.fields.entries()) {
        const control = controls.get(field.key)!;
        let enabled = true;
        if (group.id === 'sampling') enabled = sampling;
        else if (group.id === 'beams') enabled = beams;
        else if (group.plugin !== undefined && index > 0)
          enabled = textOf(controls.get(group.plugin)!) === 'true';
        control.disabled = !enabled;
      }
    }
  }
  refreshEnabled();

  return {
    values: () => Object.fromEntries([...controls].map(([key, control]) => [key, textOf(control)])),
    setValues(values) {
      for (const [key, value] of Object.entries(values)) {
        const control = controls.get(key);
        if (control === undefined) continue;
        if (control instanceof HTMLInputElement && control.type === 'checkbox')
          control.checked = value === 'true';
        else if (
          control instanceof HTMLSelectElement &&
          ![...control.options].some((o) => o.value === value)
        ) {
          // A value from a link that is not an option: show it, so its error is visible next to it.
          control.append(el('option', { text: value, attrs: { value } }));
          control.value = value;
        } else control.value = value;
      }
      refreshEnabled();
    },
    showErrors(messages) {
      for (const [key, error] of errors) {
        const message = messages.get(key) ?? '';
        error.textContent = message;
        const control = controls.get(key)!;
        if (message === '') control.removeAttribute('aria-invalid');
        else control.setAttribute('aria-invalid', 'true');
      }
    },
    control: (key) => controls.get(key),
  };
}

function createField(field: Field): { wrapper: HTMLElement; control: Control; error: HTMLElement } {
  const id = controlId(field.key);
  const help = el('p', { className: 'help', attrs: { id: `${id}-help` } });
  help.textContent =
    field.defaultValue === '' && field.spec.type !== 'string'
      ? `${field.spec.help} Empty: off.`
      : field.spec.help;
  const error = el('p', { className: 'field-error', attrs: { id: `${id}-error` } });
  const described = `${id}-help ${id}-error`;
  let control: Control;
  const spec = field.spec;
  if (spec.type === 'enum') {
    control = el(
      'select',
      { attrs: { id, name: field.key, 'aria-describedby': described } },
      spec.values.map((value) => el('option', { text: value, attrs: { value } })),
    );
    control.value = field.defaultValue;
  } else if (spec.type === 'boolean') {
    control = el('input', {
      attrs: { id, name: field.key, type: 'checkbox', 'aria-describedby': described },
    });
    control.checked = field.defaultValue === 'true';
  } else {
    // Text, not type=number: a browser would blank an invalid number, hiding what is wrong with it.
    const inputMode = spec.type === 'integer' ? 'numeric' : spec.type === 'number' ? 'decimal' : undefined;
    control = el('input', {
      attrs: {
        id,
        name: field.key,
        type: 'text',
        inputmode: inputMode,
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: field.defaultValue === '' ? 'off' : undefined,
        'aria-describedby': described,
      },
    });
    control.value = field.defaultValue;
  }
  const label = el('label', { text: field.label, attrs: { for: id } });
  const wrapper = el('div', { className: spec.type === 'boolean' ? 'field checkbox-field' : 'field' });
  if (spec.type === 'boolean') wrapper.append(control, label, help, error);
  else wrapper.append(label, control, help, error);
  return { wrapper, control, error };
}
