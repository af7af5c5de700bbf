import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { demoModelPath } from '@nucleus/demo-model';
import { type Connect, defineConfig, type Plugin } from 'vite';

/** onnxruntime-web's files for the wasm backend that runtime-web uses (the JSEP build). */
const ORT_FILES = ['ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.jsep.mjs'];
const ortDist = path.dirname(
  createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
);

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
};

/** Folders served with the app: URL prefix (relative to the app's base) -> source folder and which files. */
interface Mount {
  readonly prefix: string;
  readonly dir: string;
  /** Relative paths to serve; every file of `dir` when undefined. */
  readonly files?: readonly string[];
}

const mounts: readonly Mount[] = [
  { prefix: 'models/demo/', dir: demoModelPath() },
  { prefix: 'ort/', dir: ortDist, files: ORT_FILES },
];

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await listFiles(dir, relative)));
    else found.push(relative);
  }
  return found;
}

async function filesOf(mount: Mount): Promise<readonly string[]> {
  return mount.files ?? listFiles(mount.dir);
}

/**
 * Serves the demo model and onnxruntime-web's wasm files under the app (in `vite` and `vite preview`), and
 * copies them into the build output, so the playground works offline from any static server.
 */
function servedAssets(): Plugin {
  let outDir = 'dist';
  let base = '/';
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const mount = mounts.find((candidate) => pathname.startsWith(base + candidate.prefix));
    if (mount === undefined) return next();
    const relative = pathname.slice(base.length + mount.prefix.length);
    void filesOf(mount).then(async (files) => {
      if (!files.includes(relative)) return next();
      await sendFile(res, path.join(mount.dir, relative), req.method === 'HEAD');
    }, next);
  };
  return {
    name: 'nucleus-served-assets',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      base = config.base.startsWith('/') ? config.base : '/';
    },
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    async writeBundle() {
      for (const mount of mounts) {
        for (const relative of await filesOf(mount)) {
          const target = path.join(outDir, mount.prefix, relative);
          await mkdir(path.dirname(target), { recursive: true });
          await copyFile(path.join(mount.dir, relative), target);
        }
      }
    },
  };
}

async function sendFile(res: ServerResponse, file: string, headOnly: boolean): Promise<void> {
  const info = await stat(file);
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
  });
  if (headOnly) return void res.end();
  createReadStream(file).pipe(res);
}

/**
 * onnxruntime-web names its wasm file with `new URL(..., import.meta.url)`, so the bundler would emit a
 * second 28 MB copy into `assets/`. The app passes `wasmPaths` (the copy under `ort/`), so that copy is
 * never fetched: leave it out.
 */
function dropBundledOrtWasm(): Plugin {
  return {
    name: 'nucleus-drop-bundled-ort-wasm',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (/ort-wasm-simd-threaded\.[a-z.]*-[\w-]+\.wasm$/.test(fileName)) delete bundle[fileName];
      }
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the built app runs from any folder of any static server.
  base: './',
  plugins: [servedAssets(), dropBundledOrtWasm()],
  worker: { format: 'es', plugins: () => [dropBundledOrtWasm()] },
  build: {
    target: 'es2022',
    // The preload polyfill would be an extra script; every browser that runs module workers has preload.
    modulePreload: { polyfill: false },
    // Inline assets would be data: URLs in scripts and styles; keep every asset a file for the CSP.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
});
