import { existsSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoModelPath } from '@nucleus/demo-model';
import { hubCacheDir } from '@nucleus/runtime-node';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { createOutput } from '../output.js';
import type { GlobalFlags } from '../program.js';
import { formatBytes } from '../progress.js';

/** A model found on disk. */
export interface CachedModel {
  readonly id: string;
  readonly source: 'hub' | 'embedded';
  readonly revisions: string[];
  readonly bytes: number;
  readonly path: string;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += (await lstat(path)).size;
  }
  return total;
}

async function hubModels(cacheDir: string): Promise<CachedModel[]> {
  if (!existsSync(cacheDir)) return [];
  const models: CachedModel[] = [];
  for (const entry of await readdir(cacheDir)) {
    if (!entry.startsWith('models--')) continue;
    const repoDir = join(cacheDir, entry);
    const id = entry.slice('models--'.length).split('--').join('/');
    const refsDir = join(repoDir, 'refs');
    const revisions = existsSync(refsDir)
      ? await Promise.all(
          (await readdir(refsDir)).map(
            async (ref) => `${ref}@${(await readFile(join(refsDir, ref), 'utf8')).trim().slice(0, 8)}`,
          ),
        )
      : [];
    const blobs = join(repoDir, 'blobs');
    const bytes = existsSync(blobs) ? await folderBytes(blobs) : 0;
    models.push({ id, source: 'hub', revisions, bytes, path: repoDir });
  }
  return models;
}

async function embeddedModel(): Promise<CachedModel> {
  const path = demoModelPath();
  return {
    id: 'demo (embedded default)',
    source: 'embedded',
    revisions: [],
    bytes: await folderBytes(path),
    path,
  };
}

/** `nucleus models` */
export async function runModels(_flags: { json?: boolean }, command: Command): Promise<void> {
  const flags = command.optsWithGlobals<{ json?: boolean } & GlobalFlags>();
  const output = createOutput(flags.color === false);
  const hubDir = hubCacheDir();
  const models = [...(await hubModels(hubDir)), await embeddedModel()];
  if (flags.json) {
    output.out(`${JSON.stringify({ hubCache: hubDir, models })}\n`);
    return;
  }
  const table = new Table({
    head: ['model', 'source', 'revisions', 'size', 'path'],
    style: { head: [], border: [] },
  });
  for (const model of models) {
    table.push([model.id, model.source, model.revisions.join(', '), formatBytes(model.bytes), model.path]);
  }
  output.out(`${table.toString()}\n`);
}
