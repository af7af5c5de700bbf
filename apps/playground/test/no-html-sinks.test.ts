import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

/** DOM APIs that parse a string as HTML: the playground must never use them (text goes in as text). */
const HTML_SINKS =
  /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write(ln)?|createContextualFragment|srcdoc|DOMParser)\b/g;

/** The HTML sinks used in some source text, as `file:line: match`. */
function findSinks(file: string, text: string): string[] {
  const found: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    for (const match of line.matchAll(HTML_SINKS)) found.push(`${file}:${index + 1}: ${match[0]}`);
  }
  return found;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else files.push(full);
  }
  return files;
}

describe('generated text is only ever set as text', () => {
  it('the check finds each sink it looks for', () => {
    const sample = [
      'out.innerHTML = text;',
      'el.outerHTML = x',
      "el.insertAdjacentHTML('beforeend', x)",
      'document.write(x)',
      'document.writeln(x)',
      'range.createContextualFragment(x)',
      'frame.srcdoc = x',
      'new DOMParser()',
      'out.textContent = text; // fine',
    ].join('\n');
    expect(findSinks('sample.ts', sample)).toHaveLength(8);
  });

  it('apps/playground/src uses none of innerHTML, outerHTML, insertAdjacentHTML, document.write, ...', async () => {
    const files = await sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(5);
    const found: string[] = [];
    for (const file of files)
      found.push(...findSinks(path.relative(srcDir, file), await readFile(file, 'utf8')));
    expect(found).toEqual([]);
  });
});
