import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { samplerRegistry } from '@nucleus/samplers';
import { describe, expect, it, vi } from 'vitest';
import { XtcProcessor } from '../src/index.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('README examples', () => {
  it('every marked example is the tested file, importing from the package name', () => {
    const readme = readFileSync(path.join(packageRoot, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)];
    expect(examples.map((match) => match[1])).toEqual([
      'test/examples/with-generate.ts',
      'test/examples/with-registry.ts',
    ]);
    for (const [, file, code] of examples) {
      const source = readFileSync(path.join(packageRoot, file!), 'utf8').replaceAll(
        "'../../src/index.js'",
        "'@nucleus/llama-samplers'",
      );
      expect(code, file).toBe(source);
    }
  });

  it('the registry example registers into the shared registry and creates from strings', async () => {
    const { processor, flags } = await import('./examples/with-registry.js');
    expect(processor).toBeInstanceOf(XtcProcessor);
    expect((processor as XtcProcessor).seed).toBe(7);
    expect((processor as XtcProcessor).probability).toBe(0.5);
    expect(flags).toEqual(['--mirostat-v2-tau', '--mirostat-v2-eta']);
    expect(samplerRegistry.has('xtc')).toBe(true);
  });

  // last: it resets the module registry
  it('the generate example replays exactly: same seeds, same tokens', async () => {
    const { newTokens } = await import('./examples/with-generate.js');
    expect(newTokens).toHaveLength(12);
    expect(newTokens.every((token) => Number.isInteger(token) && token >= 0 && token < 16)).toBe(true);
    vi.resetModules();
    const again = await import('./examples/with-generate.js');
    expect(again.newTokens).not.toBe(newTokens); // a second run, not the cached module
    expect(again.newTokens).toEqual(newTokens);
  });
});
