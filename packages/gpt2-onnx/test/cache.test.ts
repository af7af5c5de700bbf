import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultCacheDir,
  ensureModel,
  gpt2WeightLayout,
  modelCacheKey,
  resolveConfig,
  type SeededModelSpec,
} from '../src/index.js';
import { repoRoot, tempDir } from './helpers/paths.js';

const SPEC: SeededModelSpec = {
  config: { nLayer: 1, nHead: 2, nEmbd: 8, nPositions: 16 },
  weights: { seed: 4, initializerRange: 0.3 },
};
const TENSORS_PER_BUILD = gpt2WeightLayout(resolveConfig(SPEC.config)).length;

let root: string;
let cleanup: () => Promise<void>;
let counter = 0;
beforeAll(async () => {
  const tmp = await tempDir('cache');
  root = tmp.path;
  cleanup = tmp.cleanup;
});
afterAll(() => cleanup());

const freshCache = () => join(root, `cache-${counter++}`);

describe('ensureModel', () => {
  it('builds once into a folder named by the spec, then reuses it', async () => {
    const cacheDir = freshCache();
    let progress = 0;
    const dir = await ensureModel(SPEC, { cacheDir, onProgress: () => progress++ });
    expect(dir).toBe(join(cacheDir, modelCacheKey(SPEC)));
    expect(progress).toBe(TENSORS_PER_BUILD);
    const built = await stat(join(dir, 'onnx', 'model.onnx'));
    const again = await ensureModel(SPEC, { cacheDir, onProgress: () => progress++ });
    expect(again).toBe(dir);
    expect(progress).toBe(TENSORS_PER_BUILD);
    expect((await stat(join(dir, 'onnx', 'model.onnx'))).mtimeMs).toBe(built.mtimeMs);
    expect(await readdir(cacheDir)).toEqual([modelCacheKey(SPEC)]);
  });

  it('concurrent callers share one build and see a complete folder', async () => {
    const cacheDir = freshCache();
    let progress = 0;
    const dirs = await Promise.all(
      Array.from({ length: 4 }, () => ensureModel(SPEC, { cacheDir, onProgress: () => progress++ })),
    );
    expect(new Set(dirs).size).toBe(1);
    expect(progress).toBe(TENSORS_PER_BUILD);
    expect(await readdir(cacheDir)).toEqual([modelCacheKey(SPEC)]);
    expect(existsSync(join(dirs[0]!, 'tokenizer.json'))).toBe(true);
  });

  it('takes over the lock of a process that died', async () => {
    const cacheDir = freshCache();
    await ensureModel({ ...SPEC, weights: { seed: 99 } }, { cacheDir }); // creates the cache folder
    await writeFile(join(cacheDir, `${modelCacheKey(SPEC)}.lock`), `${hostname()} 2147483646`);
    const dir = await ensureModel(SPEC, { cacheDir });
    expect(existsSync(join(dir, 'onnx', 'model.onnx'))).toBe(true);
    expect(existsSync(join(cacheDir, `${modelCacheKey(SPEC)}.lock`))).toBe(false);
  });

  it('keys the cache by everything that changes the files, not by how the spec is written', () => {
    const explicit: SeededModelSpec = {
      config: { ...SPEC.config, vocabSize: 50257, nInner: 32, layerNormEpsilon: 1e-5 },
      weights: { seed: 4, initializerRange: 0.3, randomBiases: false },
    };
    expect(modelCacheKey(explicit)).toBe(modelCacheKey(SPEC));
    expect(modelCacheKey({ ...SPEC, weights: { seed: 5, initializerRange: 0.3 } })).not.toBe(
      modelCacheKey(SPEC),
    );
    expect(modelCacheKey({ ...SPEC, config: { ...SPEC.config, nLayer: 2 } })).not.toBe(modelCacheKey(SPEC));
    expect(modelCacheKey('tiny')).toMatch(/^tiny-2x32-[0-9a-f]{16}$/);
  });

  it('defaults to NUCLEUS_CACHE_DIR, else node_modules/.cache of the workspace root', () => {
    const saved = process.env['NUCLEUS_CACHE_DIR'];
    try {
      process.env['NUCLEUS_CACHE_DIR'] = join(root, 'from-env');
      expect(defaultCacheDir()).toBe(join(root, 'from-env'));
      delete process.env['NUCLEUS_CACHE_DIR'];
      expect(defaultCacheDir(resolve(repoRoot, 'packages/gpt2-onnx/test'))).toBe(
        join(repoRoot, 'node_modules', '.cache', 'nucleus', 'models'),
      );
    } finally {
      if (saved === undefined) delete process.env['NUCLEUS_CACHE_DIR'];
      else process.env['NUCLEUS_CACHE_DIR'] = saved;
    }
  });
});

const distEntry = resolve(repoRoot, 'packages/gpt2-onnx/dist/index.js');

describe.skipIf(!existsSync(distEntry))('ensureModel across processes (skipped: dist/ not built)', () => {
  it('several processes asking at once get one complete model and leave no temporary files', async () => {
    const cacheDir = freshCache();
    const script = `
      import { ensureModel } from ${JSON.stringify(distEntry)};
      const dir = await ensureModel(${JSON.stringify(SPEC)}, { cacheDir: ${JSON.stringify(cacheDir)} });
      process.stdout.write(dir);
    `;
    const run = () =>
      new Promise<string>((done, fail) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          err += d;
        });
        child.on('close', (code) =>
          code === 0 ? done(out) : fail(new Error(`child exited ${code}: ${err}`)),
        );
      });
    const dirs = await Promise.all([run(), run(), run()]);
    expect(new Set(dirs)).toEqual(new Set([join(cacheDir, modelCacheKey(SPEC))]));
    expect(await readdir(cacheDir)).toEqual([modelCacheKey(SPEC)]);
    const config = JSON.parse(await readFile(join(dirs[0]!, 'config.json'), 'utf8'));
    expect(config.n_embd).toBe(8);
  });
});
