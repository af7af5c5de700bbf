import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';

/** The app's folder. */
export const appDir = fileURLToPath(new URL('../../', import.meta.url));
/** The production build the e2e tests serve. */
export const distDir = path.join(appDir, 'dist');

async function newestChange(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestChange(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

/**
 * Builds the app (`pnpm build`: vite build + bundle sizes) unless `dist/` is newer than every source file,
 * as it is when turbo ran `build` before `test`.
 */
export async function ensureBuilt(): Promise<void> {
  const built = path.join(distDir, 'index.html');
  if (existsSync(built)) {
    const sources = Math.max(
      await newestChange(path.join(appDir, 'src')),
      (await stat(path.join(appDir, 'index.html'))).mtimeMs,
      (await stat(path.join(appDir, 'vite.config.ts'))).mtimeMs,
    );
    if ((await stat(built)).mtimeMs > sources) return;
  }
  await promisify(execFile)('pnpm', ['run', 'build'], { cwd: appDir });
}

/** What a page reported that a test must not see: CSP violations, console errors, uncaught errors. */
export interface PageProblems {
  readonly list: string[];
}

/** Opens a page that records CSP violations, console errors and uncaught errors. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 900 },
): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: PageProblems = { list: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.list.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.list.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.list.push(`page error: ${error.message}`));
  await page.exposeFunction('__reportViolation', (text: string) => problems.list.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportViolation(text: string): void }).__reportViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  await page.goto(url);
  return { page, problems };
}

/** Waits until the page's model is loaded (or failed, which fails the test with the page's message). */
export async function waitForModel(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.body.dataset['model'] !== 'loading' && document.body.dataset['model'] !== undefined,
    undefined,
    {
      timeout: 170_000,
    },
  );
  const state = await page.evaluate(() => document.body.dataset['model']);
  if (state !== 'ready')
    throw new Error(`the model did not load: ${await page.textContent('#model-status')}`);
}

/** Waits until no run is going on. */
export async function waitForIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset['running'] === 'false', undefined, {
    timeout: 170_000,
  });
}
