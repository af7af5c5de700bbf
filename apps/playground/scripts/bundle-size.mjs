// Prints the production bundle's sizes after `vite build`: the app's own JS and CSS (raw and gzip), apart
// from onnxruntime-web's wasm files and the demo model that are served with it. Also writes them to
// dist/bundle-size.json.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

async function walk(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else files.push(full);
  }
  return files;
}

const totals = {};
const add = (kind, raw, gzip) => {
  totals[kind] ??= { files: 0, bytes: 0, gzipBytes: 0 };
  totals[kind].files += 1;
  totals[kind].bytes += raw;
  totals[kind].gzipBytes += gzip;
};
for (const file of await walk(dist)) {
  const relative = path.relative(dist, file).split(path.sep).join('/');
  if (relative === 'bundle-size.json') continue;
  const bytes = await readFile(file);
  const gzip = () => gzipSync(bytes, { level: bytes.byteLength > 2 ** 20 ? 6 : 9 }).byteLength;
  if (relative.startsWith('models/')) add('model', bytes.byteLength, 0);
  else if (relative.startsWith('ort/')) add('ort wasm', bytes.byteLength, gzip());
  // runtime-web's stock worker is emitted because its default `new Worker(new URL(...))` is bundled, but the
  // app starts its own worker entry (which registers the plugins), so that chunk is never fetched.
  else if (/^assets\/worker-[\w-]+\.js$/.test(relative))
    add('unused stock worker JS', bytes.byteLength, gzip());
  else if (relative.endsWith('.js'))
    add(/worker/i.test(relative) ? 'worker JS' : 'page JS', bytes.byteLength, gzip());
  else if (relative.endsWith('.css')) add('CSS', bytes.byteLength, gzip());
  else add('other', bytes.byteLength, gzip());
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const line = Object.entries(totals)
  .map(([kind, t]) => `${kind}: ${kib(t.bytes)}${t.gzipBytes ? ` (gzip ${kib(t.gzipBytes)})` : ''}`)
  .join('; ');
console.log(`bundle size: ${line}`);
await writeFile(path.join(dist, 'bundle-size.json'), `${JSON.stringify(totals, null, 2)}\n`);
