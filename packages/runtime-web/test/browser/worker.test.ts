import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, hasChromium, StaticServer } from '@nucleus/browser-testing';
import type { LoadedModel } from '@nucleus/runtime-core';
import { loadModel as loadNodeModel } from '@nucleus/runtime-node';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as RuntimeWeb from '../../src/index.js';
import { readModelFolder, SHARED_CONFIGS, tinyModelDir } from '../support/models.js';
import { fakeHubRoute } from './fake-hub.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ortDist = path.dirname(
  createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
);
const REPO_ID = 'nucleus-test/tiny-gpt2';
const COMMIT = 'c0ffee'.padEnd(40, '0');
const PROMPT = 'Once upon a time';

type Nucleus = typeof RuntimeWeb;
declare const nucleus: Nucleus;

describe.skipIf(!hasChromium())(
  'in headless Chromium, the worker-based loadModel (skipped: /usr/bin/chromium not installed)',
  // A headless browser compiling ORT's wasm on a shared CPU is slow: each test loads a model in a new worker.
  { timeout: 300_000 },
  () => {
    let workDir: string;
    let site: StaticServer;
    let hub: StaticServer;
    let context: BrowserContext;
    let page: Page;
    let reference: LoadedModel;
    let modelDir: string;

    beforeAll(async () => {
      modelDir = await tinyModelDir();
      workDir = await mkdtemp(path.join(tmpdir(), 'nucleus-runtime-web-'));
      const pageDir = path.join(workDir, 'page');
      await build({
        configFile: false,
        root: path.join(here, 'page'),
        logLevel: 'error',
        build: {
          outDir: pageDir,
          emptyOutDir: true,
          minify: false,
          target: 'es2022',
          reportCompressedSize: false,
        },
        worker: { format: 'es' },
      });
      site = await StaticServer.start({ '/ort/': ortDist, '/models/tiny/': modelDir, '/': pageDir });
      hub = await StaticServer.start({}, [fakeHubRoute(REPO_ID, COMMIT, await readModelFolder(modelDir))]);
      reference = await loadNodeModel(modelDir);
      context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_FLAGS],
      });
      page = await context.newPage();
      await page.goto(`${site.url}/index.html`);
      await page.waitForFunction(() => document.title === 'ready');
    });

    afterAll(async () => {
      await context?.close();
      await Promise.all([site?.close(), hub?.close(), reference?.dispose()]);
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it('loads by URL and streams a seeded top-p generation with the tokens of runtime-node', async () => {
      const config = SHARED_CONFIGS.topP;
      const expected = await reference.generate(PROMPT, config);
      const streamed = await page.evaluate(
        async ({ prompt, config }) => {
          const model = await nucleus.loadModel('/models/tiny/', { wasmPaths: `${location.origin}/ort/` });
          try {
            const events: { token: number; text: string; step: number }[] = [];
            const stream = model.stream(prompt, config);
            for await (const event of stream)
              events.push({ token: event.token, text: event.text, step: event.step });
            const result = await stream.result;
            return {
              events,
              sequence: result.sequences[0]!,
              encoded: model.tokenizer.encode(prompt),
              location: model.location,
            };
          } finally {
            await model.dispose();
          }
        },
        { prompt: PROMPT, config },
      );
      const sequence = expected.sequences[0]!;
      expect(streamed.location).toBe(`${site.url}/models/tiny`);
      expect(streamed.events.map((event) => event.token)).toEqual(sequence.newTokens);
      expect(streamed.events.map((event) => event.step)).toEqual(sequence.newTokens.map((_, i) => i));
      expect(streamed.events.map((event) => event.text).join('')).toBe(sequence.text);
      expect(streamed.sequence.tokens).toEqual(sequence.tokens);
      expect(streamed.encoded).toEqual(reference.tokenizer.encode(PROMPT));
      expect(site.seen).toContain('GET /ort/ort-wasm-simd-threaded.jsep.wasm');
    });

    it('generate gives runtime-node`s greedy and sampled tokens; bad options reject with the typed error', async () => {
      const configs = [SHARED_CONFIGS.greedy, SHARED_CONFIGS.topK];
      const outcome = await page.evaluate(
        async ({ prompt, configs }) => {
          const model = await nucleus.loadModel(`${location.origin}/models/tiny`, {
            wasmPaths: `${location.origin}/ort/`,
          });
          try {
            const tokens = [];
            for (const config of configs) {
              tokens.push((await model.generate(prompt, config)).sequences.map((s) => s.tokens));
            }
            const error = await model.generate(prompt, { topP: 2 }).catch((e: unknown) => e);
            // The stock worker's registry has no plugins: naming one is a typed error, not ignored.
            const unknownSampler = await model
              .generate(prompt, { maxNewTokens: 2 }, { samplers: [{ name: 'xtc' }] })
              .catch((e: unknown) => e);
            return {
              unknownSampler: [
                unknownSampler instanceof nucleus.ConfigError,
                (unknownSampler as RuntimeWeb.NucleusError).code,
                (unknownSampler as Error).message,
              ],
              tokens,
              typed: error instanceof nucleus.InvalidOptionError,
              code: (error as RuntimeWeb.NucleusError).code,
              option: (error as RuntimeWeb.InvalidOptionError).option,
              message: (error as Error).message,
            };
          } finally {
            await model.dispose();
          }
        },
        { prompt: PROMPT, configs },
      );
      for (const [i, config] of configs.entries()) {
        const expected = await reference.generate(PROMPT, config);
        expect(outcome.tokens[i]).toEqual(expected.sequences.map((s) => s.tokens));
      }
      expect(outcome).toMatchObject({ typed: true, code: 'INVALID_OPTION', option: 'topP' });
      expect(outcome.message).toMatch(/topP must be/);
      expect(outcome.unknownSampler).toEqual([
        true,
        'INVALID_CONFIG',
        expect.stringMatching(/unknown sampler "xtc" in samplers/),
      ]);
    });

    it('an abort signal stops a stream early with runtime-node`s tokens so far; dispose fails a running generation and ends the model', async () => {
      const config = { maxNewTokens: 100, minNewTokens: 100, doSample: true, topK: 20, seed: 99 };
      const expected = await reference.generate(PROMPT, config);
      const outcome = await page.evaluate(
        async ({ prompt, config }) => {
          const model = await nucleus.loadModel('/models/tiny/', { wasmPaths: `${location.origin}/ort/` });
          const controller = new AbortController();
          const tokens: number[] = [];
          const stream = model.stream(prompt, config, { signal: controller.signal });
          for await (const event of stream) {
            tokens.push(event.token);
            if (tokens.length === 5) controller.abort();
          }
          const result = await stream.result;
          // Disposing while a generation runs makes it fail with ModelDisposedError.
          const running = model.stream(prompt, config);
          let seen = 0;
          let duringDispose: unknown;
          try {
            for await (const _ of running) {
              seen += 1;
              if (seen === 3) void model.dispose();
            }
          } catch (error) {
            duringDispose = error;
          }
          await model.dispose();
          const afterDispose = await Promise.resolve()
            .then(() => model.generate(prompt))
            .catch((e: unknown) => (e as RuntimeWeb.NucleusError).code);
          return {
            tokens,
            sequence: result.sequences[0]!,
            afterDispose,
            disposed: model.disposed,
            duringDispose: [
              duringDispose instanceof nucleus.ModelDisposedError,
              (duringDispose as RuntimeWeb.NucleusError | undefined)?.code,
            ],
            resultRejected: await running.result.then(
              () => false,
              (error: unknown) => error instanceof nucleus.ModelDisposedError,
            ),
            seenBeforeFailure: seen,
          };
        },
        { prompt: PROMPT, config },
      );
      expect(outcome.sequence.finishReason).toBe('aborted');
      expect(outcome.tokens.length).toBeGreaterThanOrEqual(5);
      expect(outcome.tokens.length).toBeLessThan(100);
      expect(outcome.sequence.newTokens).toEqual(outcome.tokens);
      expect(outcome.tokens).toEqual(expected.sequences[0]!.newTokens.slice(0, outcome.tokens.length));
      expect(outcome).toMatchObject({
        afterDispose: 'MODEL_DISPOSED',
        disposed: true,
        duringDispose: [true, 'MODEL_DISPOSED'],
        resultRejected: true,
      });
      expect(outcome.seenBeforeFailure).toBeLessThan(100);
    });

    it('a hub id downloads into the Cache API with progress, is listed, loads again with the hub down, and is cleared', async () => {
      const expected = await reference.generate(PROMPT, SHARED_CONFIGS.topK);
      const load = (endpoint: string) =>
        page.evaluate(
          async ({ repoId, endpoint, prompt, config }) => {
            const progress: { file: string; loaded: number; total: number | undefined }[] = [];
            const model = await nucleus.loadModel(repoId, {
              endpoint,
              wasmPaths: `${location.origin}/ort/`,
              onProgress: (event) => progress.push(event),
            });
            try {
              const result = await model.generate(prompt, config);
              return {
                tokens: result.sequences.map((s) => s.tokens),
                progress,
                location: model.location,
                cached: await nucleus.listCachedModels(),
              };
            } finally {
              await model.dispose();
            }
          },
          { repoId: REPO_ID, endpoint, prompt: PROMPT, config: SHARED_CONFIGS.topK },
        );

      const first = await load(hub.url);
      expect(first.tokens).toEqual(expected.sequences.map((s) => s.tokens));
      const onnxProgress = first.progress.filter((event) => event.file === 'onnx/model.onnx');
      expect(onnxProgress.length).toBeGreaterThan(0);
      expect(onnxProgress.at(-1)!.loaded).toBe(onnxProgress.at(-1)!.total);
      expect(first.location).toContain(`${REPO_ID}@${COMMIT}`);
      expect(first.cached).toHaveLength(1);
      expect(first.cached[0]).toMatchObject({ repoId: REPO_ID, refs: { main: COMMIT } });
      expect(first.cached[0]!.snapshots[COMMIT]).toEqual([
        'config.json',
        'generation_config.json',
        'onnx/model.onnx',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      expect(first.cached[0]!.size).toBeGreaterThan(0);

      const hubUrl = hub.url;
      await hub.close();
      const second = await load(hubUrl);
      expect(second.tokens).toEqual(first.tokens);
      expect(second.progress).toEqual([]);

      const cleared = await page.evaluate(async (repoId) => {
        const removed = await nucleus.clearCachedModels(repoId);
        return { removed, after: await nucleus.listCachedModels() };
      }, REPO_ID);
      expect(cleared).toEqual({ removed: 1, after: [] });
      const offline = await page.evaluate(
        async ({ repoId, endpoint }) =>
          nucleus
            .loadModel(repoId, { endpoint, offline: true, wasmPaths: `${location.origin}/ort/` })
            .then(() => 'loaded')
            .catch((e: unknown) => [(e as Error).name, (e as RuntimeWeb.NucleusError).code]),
        { repoId: REPO_ID, endpoint: hubUrl },
      );
      expect(offline).toEqual(['HubOfflineError', 'HUB_OFFLINE']);
    });

    it('loads the folder a user picks with <input type=file webkitdirectory>', async () => {
      await page.setInputFiles('#folder', modelDir);
      const expected = await reference.generate(PROMPT, SHARED_CONFIGS.greedy);
      const outcome = await page.evaluate(
        async ({ prompt, config }) => {
          const input = document.querySelector<HTMLInputElement>('#folder')!;
          const model = await nucleus.loadModel(input.files!, { wasmPaths: `${location.origin}/ort/` });
          try {
            const result = await model.generate(prompt, config);
            return {
              picked: input.files!.length,
              onnxFile: model.onnxFile,
              tokens: result.sequences[0]!.tokens,
            };
          } finally {
            await model.dispose();
          }
        },
        { prompt: PROMPT, config: SHARED_CONFIGS.greedy },
      );
      expect(outcome.picked).toBeGreaterThanOrEqual(5);
      expect(outcome.onnxFile).toBe('onnx/model.onnx');
      expect(outcome.tokens).toEqual(expected.sequences[0]!.tokens);
    });
  },
);
