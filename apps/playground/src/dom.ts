/** Attributes and properties {@link el} sets: strings become attributes, `text` the text content. */
export interface ElementOptions {
  readonly text?: string;
  readonly className?: string;
  readonly attrs?: Readonly<Record<string, string | undefined>>;
}

/**
 * Creates an element. Text only ever goes in through `textContent` (never parsed as HTML), and attributes
 * through `setAttribute`, so generated text, token strings and error messages cannot inject markup.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className !== undefined) element.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value !== undefined) element.setAttribute(name, value);
  }
  if (options.text !== undefined) element.textContent = options.text;
  element.append(...children);
  return element;
}

/** The element with this id, typed; throws when the page lacks it (a bug, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A token's text as shown in charts and tables: quoted, with spaces and newlines visible. */
export function tokenLabel(text: string): string {
  return JSON.stringify(text);
}
