import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, hasChromium, StaticServer } from '@nucleus/browser-testing';
import { demoModelPath } from '@nucleus/demo-model';
import { xtc } from '@nucleus/llama-samplers';
import type { LoadedModel } from '@nucleus/runtime-node';
import { loadModel as loadNodeModel } from '@nucleus/runtime-node';
import type { GenerationConfigInput } from '@nucleus/samplers';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPARE_SET } from '../../src/url-state.js';
import {
  appDir,
  distDir,
  ensureBuilt,
  openPage,
  type PageProblems,
  waitForIdle,
  waitForModel,
} from '../support/app.js';

const PROMPT = 'And the LORD said';

/** Sets a control by its field key (the ids are `field-<key>` with `.` as `-`). */
async function setField(page: Page, key: string, value: string): Promise<void> {
  const selector = `#field-${key.replace(/[^a-zA-Z0-9]/g, '-')}`;
  const tag = await page.$eval(selector, (element) => element.tagName);
  if (tag === 'SELECT') await page.selectOption(selector, value);
  else if ((await page.getAttribute(selector, 'type')) === 'checkbox')
    await page.setChecked(selector, value === 'true');
  else await page.fill(selector, value);
}

async function setMode(page: Page, mode: 'generate' | 'step' | 'compare'): Promise<void> {
  await page.check(`input[name="mode"][value="${mode}"]`);
}

/** Puts the controls the tests touch back to their defaults (disabled ones too), without reloading the model. */
async function resetSettings(page: Page): Promise<void> {
  await page.evaluate(
    (defaults) => {
      for (const [id, value] of Object.entries(defaults)) {
        const control = document.getElementById(id) as HTMLInputElement | HTMLSelectElement;
        if (control instanceof HTMLInputElement && control.type === 'checkbox')
          control.checked = value === 'true';
        else control.value = value;
        control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input'));
      }
    },
    {
      'field-xtc': 'false',
      'field-xtc-probability': '0',
      'field-xtc-threshold': '0.1',
      'field-maxNewTokens': '50',
      'field-minNewTokens': '0',
      'field-seed': '',
      'field-topK': '50',
      'field-topP': '1',
      'field-temperature': '1',
      'field-strategy': 'greedy',
    },
  );
  await setMode(page, 'generate');
  await page.fill('#prompt', PROMPT);
}

async function generatedText(page: Page): Promise<string> {
  return (await page.textContent('#output .generated')) ?? '';
}

describe.skipIf(!hasChromium())(
  'the playground in headless Chromium (skipped: /usr/bin/chromium not installed)',
  { timeout: 240_000 },
  () => {
    let server: StaticServer;
    let browser: Browser;
    let reference: LoadedModel;
    let page: Page;
    let problems: PageProblems;

    beforeAll(async () => {
      await ensureBuilt();
      server = await StaticServer.start({ '/': distDir });
      reference = await loadNodeModel(demoModelPath());
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_FLAGS],
      });
      ({ page, problems } = await openPage(browser, `${server.url}/`));
      await waitForModel(page);
    });

    afterAll(async () => {
      await browser?.close();
      await Promise.all([server?.close(), reference?.dispose()]);
    });

    /** Runs a generation in the page with these control values and returns the streamed text. */
    async function generateInPage(
      values: Record<string, string>,
    ): Promise<{ text: string; streamed: string[] }> {
      await resetSettings(page);
      for (const [key, value] of Object.entries(values)) await setField(page, key, value);
      // Record what the output shows after each streamed token, to see that it streams.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __seen: string[] }).__seen = seen;
        const observer = new MutationObserver(() =>
          seen.push(document.querySelector('#output .generated')?.textContent ?? ''),
        );
        observer.observe(document.querySelector('#output')!, {
          childList: true,
          subtree: true,
          characterData: true,
        });
      });
      await page.click('#generate');
      await waitForIdle(page);
      const streamed = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
      return { text: await generatedText(page), streamed };
    }

    it('loads the demo model with no CSP violation or console error; the built page has no inline script or style; every control is labelled', async () => {
      expect(await page.title()).toBe('Nucleus playground');
      expect(await page.textContent('#model-status')).toMatch(/^Ready: demo model/);
      expect(await page.isEnabled('#generate')).toBe(true);
      expect(await page.isDisabled('#stop')).toBe(true);
      const html = await readFile(path.join(distDir, 'index.html'), 'utf8');
      expect(html).toContain(`script-src 'self' 'wasm-unsafe-eval'`);
      for (const match of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
        expect(match[0]).toMatch(/\bsrc=/);
        expect(match[1]!.trim()).toBe('');
      }
      expect(html).not.toMatch(/<style\b|\sstyle=/);
      const unlabelled = await page.$$eval('input, select, textarea, button', (elements) =>
        elements
          .filter((element) => {
            const labels = (element as HTMLInputElement).labels;
            const named =
              element.getAttribute('aria-label') ||
              (element.tagName === 'BUTTON' && element.textContent?.trim());
            return !named && (labels === null || labels.length === 0);
          })
          .map((element) => element.outerHTML.slice(0, 80)),
      );
      expect(unlabelled).toEqual([]);
      expect(await page.getAttribute('#output', 'aria-live')).toBe('polite');
      expect(problems.list).toEqual([]);
    });

    it('builds controls for every plugin sampler of the registry (llama-samplers: XTC, Mirostat v2) from their option specs', async () => {
      const legends = await page.$$eval('#controls legend', (elements) => elements.map((e) => e.textContent));
      expect(legends).toEqual(
        expect.arrayContaining(['xtc (warper processor)', 'mirostatV2 (token selector)']),
      );
      for (const id of [
        'field-xtc',
        'field-xtc-probability',
        'field-xtc-threshold',
        'field-xtc-minKeep',
        'field-xtc-seed',
        'field-mirostatV2',
        'field-mirostatV2-tau',
        'field-mirostatV2-eta',
      ]) {
        expect(await page.$(`#${id}`), id).not.toBeNull();
      }
      expect(await page.inputValue('#field-xtc-threshold')).toBe('0.1');
      expect(await page.inputValue('#field-mirostatV2-tau')).toBe('5');
      // Options of a plugin that is off are disabled; switching it on enables them.
      expect(await page.isDisabled('#field-xtc-threshold')).toBe(true);
      await setField(page, 'xtc', 'true');
      expect(await page.isEnabled('#field-xtc-threshold')).toBe(true);
      await setField(page, 'xtc.threshold', '2');
      expect(await page.textContent('#field-xtc-threshold-error')).toMatch(
        /xtc\.threshold must be a number in \(0, 1\]/,
      );
      expect(await page.getAttribute('#field-xtc-threshold', 'aria-invalid')).toBe('true');
      await setField(page, 'xtc.threshold', '0.1');
      await setField(page, 'xtc', 'false');
      expect(await page.textContent('#field-xtc-threshold-error')).toBe('');
    });

    it('streams greedy and seeded top-p text equal to runtime-node`s for the same prompt, config and seed; the chart renders', async () => {
      const greedy = await generateInPage({ maxNewTokens: '20' });
      const greedyExpected = await reference.generate(PROMPT, { maxNewTokens: 20 });
      expect(greedy.text).toBe(greedyExpected.sequences[0]!.text);

      const sampled = await generateInPage({
        strategy: 'sample',
        topK: '0',
        topP: '0.9',
        seed: '1234',
        maxNewTokens: '24',
      });
      const sampledExpected = await reference.generate(PROMPT, {
        maxNewTokens: 24,
        doSample: true,
        topK: 0,
        topP: 0.9,
        seed: 1234,
      });
      expect(sampled.text).toBe(sampledExpected.sequences[0]!.text);
      expect(sampled.text).not.toBe(greedy.text.slice(0, sampled.text.length));
      // It streamed: the output grew through several partial texts, each a prefix of the final one.
      const partial = [...new Set(sampled.streamed)].filter((text) => text !== '' && text !== sampled.text);
      expect(partial.length).toBeGreaterThan(3);
      for (const text of partial) expect(sampled.text.startsWith(text)).toBe(true);
      expect(await page.textContent('#status')).toMatch(/finish reason (length|eos), seed 1234/);

      // The chart of the last step: the table lists the raw distribution and top-p; the canvas has bars.
      const rows = await page.$$eval('#chart-table tbody th', (cells) =>
        cells.map((cell) => cell.textContent),
      );
      expect(rows).toEqual(['raw logits', 'topP']);
      const steps = sampledExpected.sequences[0]!.newTokens.length;
      expect(await page.textContent('#chart-caption')).toMatch(new RegExp(`^Step ${steps}: chose `));
      const painted = await page.$eval('#chart', (canvas) => {
        const context = (canvas as HTMLCanvasElement).getContext('2d')!;
        const { data } = context.getImageData(
          0,
          0,
          (canvas as HTMLCanvasElement).width,
          (canvas as HTMLCanvasElement).height,
        );
        let colored = 0;
        for (let i = 0; i < data.length; i += 4)
          if (data[i + 3]! > 0 && (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2])) colored++;
        return colored;
      });
      expect(painted).toBeGreaterThan(500);
      await mkdir(path.join(appDir, 'test-results'), { recursive: true });
      await page.screenshot({ path: path.join(appDir, 'test-results', 'playground.png'), fullPage: true });
    });

    it('runs a plugin sampler (XTC) in the worker with the tokens of runtime-node given the same processor', async () => {
      const values = {
        strategy: 'sample',
        topK: '0',
        seed: '7',
        maxNewTokens: '16',
        xtc: 'true',
        'xtc.probability': '1',
        'xtc.threshold': '0.05',
      };
      const withXtc = await generateInPage(values);
      const config: GenerationConfigInput = { maxNewTokens: 16, doSample: true, topK: 0, seed: 7 };
      const expected = await reference.generate(PROMPT, config, {
        warpers: [xtc({ probability: 1, threshold: 0.05 })],
      });
      const without = await reference.generate(PROMPT, config);
      expect(withXtc.text).toBe(expected.sequences[0]!.text);
      expect(expected.sequences[0]!.text).not.toBe(without.sequences[0]!.text);
      const rows = await page.$$eval('#chart-table tbody th', (cells) =>
        cells.map((cell) => cell.textContent),
      );
      expect(rows).toContain('xtc');
    });

    it('Stop ends a long generation early (finish reason aborted) and restores the buttons; Ctrl+Enter and Escape do the same', async () => {
      const config = { strategy: 'sample', seed: '5', maxNewTokens: '200', minNewTokens: '200' };
      const expected = await reference.generate(PROMPT, {
        doSample: true,
        seed: 5,
        maxNewTokens: 200,
        minNewTokens: 200,
      });
      const fullText = expected.sequences[0]!.text;
      for (const how of ['buttons', 'keyboard'] as const) {
        await resetSettings(page);
        for (const [key, value] of Object.entries(config)) await setField(page, key, value);
        if (how === 'buttons') await page.click('#generate');
        else {
          await page.focus('#prompt');
          await page.keyboard.press('Control+Enter');
        }
        await page.waitForFunction(
          () => (document.querySelector('#output .generated')?.textContent ?? '').length > 20,
        );
        expect(await page.isDisabled('#generate')).toBe(true);
        expect(await page.isEnabled('#stop')).toBe(true);
        if (how === 'buttons') await page.click('#stop');
        else await page.keyboard.press('Escape');
        await waitForIdle(page);
        expect(await page.evaluate(() => document.body.dataset['finishReason'])).toBe('aborted');
        expect(await page.textContent('#status')).toMatch(/finish reason aborted/);
        const text = await generatedText(page);
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThan(fullText.length);
        expect(fullText.startsWith(text)).toBe(true);
        expect(await page.isEnabled('#generate')).toBe(true);
        expect(await page.isDisabled('#stop')).toBe(true);
      }
    });

    it('shows a prompt with markup as text: nothing is parsed or run', async () => {
      const payload = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
      await resetSettings(page);
      await page.fill('#prompt', payload);
      await setField(page, 'maxNewTokens', '5');
      await page.click('#generate');
      await waitForIdle(page);
      const expected = await reference.generate(payload, { maxNewTokens: 5 });
      expect(await page.textContent('#output .prompt')).toBe(payload);
      expect(await generatedText(page)).toBe(expected.sequences[0]!.text);
      expect(await page.$$('#output script, #output img')).toHaveLength(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(new URL(page.url()).searchParams.get('prompt')).toBe(payload);
    });

    it('step-through advances one token at a time with the tokens of a normal run', async () => {
      await resetSettings(page);
      const values = {
        strategy: 'sample',
        topK: '0',
        topP: '0.9',
        temperature: '0.8',
        seed: '11',
        maxNewTokens: '6',
      };
      for (const [key, value] of Object.entries(values)) await setField(page, key, value);
      const config = { doSample: true, topK: 0, topP: 0.9, temperature: 0.8, seed: 11 };
      await setMode(page, 'step');
      expect(await page.isVisible('#generate')).toBe(false);
      const texts: string[] = [];
      for (let k = 1; k <= 6; k++) {
        await page.click('#step');
        await waitForIdle(page);
        texts.push(await generatedText(page));
        expect(await page.textContent('#chart-caption')).toMatch(new RegExp(`^Step ${k}: chose `));
        const expected = await reference.generate(PROMPT, { ...config, maxNewTokens: k });
        expect(texts[k - 1]).toBe(expected.sequences[0]!.text);
      }
      expect(await page.isDisabled('#step')).toBe(true);
      await page.click('#step-back');
      await waitForIdle(page);
      expect(await generatedText(page)).toBe(texts[4]);
      // The last step's text is what a normal run of 6 tokens streams.
      await setMode(page, 'generate');
      await page.click('#generate');
      await waitForIdle(page);
      expect(await generatedText(page)).toBe(texts[5]);
      await setMode(page, 'generate');
    });

    it('compare mode runs the seed notebook`s 7 configs on the same prompt and seed, each equal to runtime-node`s', async () => {
      await resetSettings(page);
      await setField(page, 'maxNewTokens', '12');
      await setField(page, 'seed', '21');
      await setMode(page, 'compare');
      await page.click('#run-compare');
      await waitForIdle(page);
      const columns = await page.$$eval('#compare-columns .column', (elements) =>
        elements.map((element) => ({
          name: element.querySelector('h4')!.textContent,
          text: element.querySelector('.column-text')!.textContent,
        })),
      );
      expect(columns.map((column) => column.name)).toEqual(DEFAULT_COMPARE_SET.map((column) => column.name));
      expect(columns).toHaveLength(7);
      for (const [index, { config }] of DEFAULT_COMPARE_SET.entries()) {
        const expected = await reference.generate(PROMPT, { ...config, maxNewTokens: 12, seed: 21 });
        expect(columns[index]!.text, DEFAULT_COMPARE_SET[index]!.name).toBe(expected.sequences[0]!.text);
      }
      expect(new Set(columns.map((column) => column.text)).size).toBeGreaterThan(3);

      // Columns can be removed, added from the current settings, and reset; the set goes in the URL.
      await page.click('#compare-columns .column:nth-child(2) button');
      expect(await page.$$eval('#compare-columns h4', (h) => h.map((e) => e.textContent))).not.toContain(
        'T=0.5',
      );
      await setField(page, 'strategy', 'sample');
      await setField(page, 'topK', '5');
      await page.fill('#column-name', 'top-k 5');
      await page.click('#add-column');
      const names = await page.$$eval('#compare-columns h4', (h) => h.map((e) => e.textContent));
      expect(names).toHaveLength(7);
      expect(names.at(-1)).toBe('top-k 5');
      const compare = JSON.parse(new URL(page.url()).searchParams.get('compare')!);
      expect(compare.at(-1)).toEqual({ name: 'top-k 5', config: { doSample: true, topK: 5 } });
      await page.click('#reset-columns');
      expect(await page.$$('#compare-columns .column')).toHaveLength(7);
      expect(new URL(page.url()).searchParams.has('compare')).toBe(false);
      await setMode(page, 'generate');
    });

    it('keeps the settings in the URL: a link restores them; bad values in a link show errors, not a crash', async () => {
      await resetSettings(page);
      await page.fill('#prompt', 'In the beginning');
      await setField(page, 'strategy', 'sample');
      await setField(page, 'temperature', '0.7');
      await setField(page, 'xtc', 'true');
      await setField(page, 'xtc.probability', '0.5');
      await setMode(page, 'step');
      const link = new URL(page.url());
      expect(Object.fromEntries(link.searchParams)).toEqual({
        prompt: 'In the beginning',
        mode: 'step',
        strategy: 'sample',
        temperature: '0.7',
        xtc: 'true',
        'xtc.probability': '0.5',
      });
      await setMode(page, 'generate');

      const shared = await openPage(browser, link.href);
      try {
        await shared.page.waitForSelector('#field-xtc-probability');
        expect(await shared.page.inputValue('#prompt')).toBe('In the beginning');
        expect(await shared.page.inputValue('#field-strategy')).toBe('sample');
        expect(await shared.page.inputValue('#field-temperature')).toBe('0.7');
        expect(await shared.page.isChecked('#field-xtc')).toBe(true);
        expect(await shared.page.inputValue('#field-xtc-probability')).toBe('0.5');
        expect(await shared.page.isChecked('input[name="mode"][value="step"]')).toBe(true);
        expect(await shared.page.isVisible('#step')).toBe(true);
        expect(shared.page.url()).toBe(link.href);
      } finally {
        await shared.page.context().close();
      }

      const bad = await openPage(browser, `${server.url}/?strategy=sample&topP=2&bogus=1&mode=zzz`);
      try {
        await bad.page.waitForSelector('#field-topP');
        expect(await bad.page.textContent('#field-topP-error')).toMatch(
          /topP must be a number in \[0, 1\], got "2"/,
        );
        expect(await bad.page.textContent('#url-errors')).toMatch(/"bogus"/);
        expect(await bad.page.textContent('#url-errors')).toMatch(/mode "zzz"/);
        expect(await bad.page.isChecked('input[name="mode"][value="generate"]')).toBe(true);
        expect(bad.problems.list.filter((line) => line.startsWith('page error'))).toEqual([]);
      } finally {
        await bad.page.context().close();
      }
    });

    it('the model picker loads a folder URL with a progress bar, a picked folder, and shows a bad hub id`s error', async () => {
      // Record the progress bar's values while the served demo model loads by URL.
      await page.evaluate(() => {
        const values: number[] = [];
        (window as unknown as { __progress: number[] }).__progress = values;
        const bar = document.querySelector<HTMLProgressElement>('#model-progress')!;
        new MutationObserver(() => bar.hasAttribute('value') && values.push(bar.value / bar.max)).observe(
          bar,
          {
            attributes: true,
          },
        );
      });
      const url = `${server.url}/models/demo/`;
      await page.fill('#model-url', url);
      await page.click('#load-url');
      await waitForModel(page);
      expect(await page.textContent('#model-status')).toBe(
        `Ready: ${url} (onnx/model.onnx, 4 layers, 256 positions).`,
      );
      const progress = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(1);
      expect(new URL(page.url()).searchParams.get('model')).toBe(url);
      await resetSettings(page);
      await setField(page, 'maxNewTokens', '8');
      await page.click('#generate');
      await waitForIdle(page);
      expect(await generatedText(page)).toBe(
        (await reference.generate(PROMPT, { maxNewTokens: 8 })).sequences[0]!.text,
      );

      await page.setInputFiles('#model-folder', demoModelPath());
      await waitForModel(page);
      expect(await page.textContent('#model-status')).toMatch(/^Ready: picked files \(\d+\)/);
      await page.click('#generate');
      await waitForIdle(page);
      expect(await generatedText(page)).toBe(
        (await reference.generate(PROMPT, { maxNewTokens: 8 })).sequences[0]!.text,
      );

      await page.fill('#hub-id', 'not a hub id');
      await page.click('#load-hub');
      await page.waitForFunction(() =>
        document.querySelector('#model-status')?.textContent?.startsWith('Could not load'),
      );
      expect(await page.textContent('#model-status')).toMatch(/^Could not load not a hub id: /);
      // The model loaded before stays in use.
      expect(await page.evaluate(() => document.body.dataset['model'])).toBe('ready');
      expect(await page.isEnabled('#generate')).toBe(true);
    });

    it('fits a 360 px wide screen without horizontal scrolling', async () => {
      const narrow = await openPage(browser, `${server.url}/`, { width: 360, height: 740 });
      try {
        // The layout does not wait for the model (its status line wraps like any other text).
        await narrow.page.waitForSelector('#group-plugin-mirostatV2', { state: 'attached' });
        // The options start folded so the output is near the prompt; unfolded they fit too.
        expect(
          await narrow.page.evaluate(() => (document.getElementById('options') as HTMLDetailsElement).open),
        ).toBe(false);
        for (const unfolded of [false, true]) {
          if (unfolded) await narrow.page.click('#options > summary');
          for (const mode of ['generate', 'step', 'compare'] as const) {
            await setMode(narrow.page, mode);
            const widths = await narrow.page.evaluate(() => [
              document.documentElement.scrollWidth,
              document.documentElement.clientWidth,
            ]);
            expect(widths[0], `${mode}, options ${unfolded ? 'unfolded' : 'folded'}`).toBeLessThanOrEqual(
              widths[1]!,
            );
          }
        }
        await setMode(narrow.page, 'generate');
        await narrow.page.screenshot({
          path: path.join(appDir, 'test-results', 'playground-narrow.png'),
          fullPage: true,
        });
        expect(narrow.problems.list).toEqual([]);
      } finally {
        await narrow.page.context().close();
      }
    });

    it('has seen no CSP violation, console error or failed request on the main page', () => {
      expect(problems.list).toEqual([]);
    });
  },
);
