// What the report records about the machine and the software under test.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { peerPackageDir } from './peer.js';

/** The machine and versions of one benchmark run. */
export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadAverageBefore: readonly number[];
  loadAverageAfter?: readonly number[];
  readonly node: string;
  readonly nucleusCommit: string;
  readonly transformersJs: string;
  readonly onnxruntimeNode: string;
  /** Whether transformers.js and Nucleus load the very same onnxruntime-node folder. */
  readonly onnxruntimeShared: boolean;
  readonly onnxruntimeNote: string;
  readonly sharp: string;
}

const require = createRequire(import.meta.url);

function packageJsonOf(dir: string): { name: string; version: string } {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
}

/** The folder of package `name` as resolved from `fromDir` (symlinks resolved). */
function packageDirFrom(name: string, fromDir: string): string {
  const entry = createRequire(path.join(fromDir, 'noop.js')).resolve(name);
  let dir = path.dirname(entry);
  while (!packageJsonMatches(dir, name)) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${name} above ${entry}`);
    dir = parent;
  }
  return realpathSync(dir);
}

function packageJsonMatches(dir: string, name: string): boolean {
  try {
    return packageJsonOf(dir).name === name;
  } catch {
    return false;
  }
}

/** Records the machine, the load average now, and the versions of everything measured. */
export async function describeEnvironment(repoRoot: string): Promise<Environment> {
  const peerDir = peerPackageDir();
  const oursOrt = packageDirFrom('onnxruntime-node', path.dirname(require.resolve('@nucleus/runtime-node')));
  const peerOrt = packageDirFrom('onnxruntime-node', peerDir);
  const oursVersion = packageJsonOf(oursOrt).version;
  const peerVersion = packageJsonOf(peerOrt).version;
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (dirty.trim() !== '') commit += ' (packages/ modified)';
  } catch {
    // not a git checkout
  }
  let sharp = 'does not load (transformers.js does not need it for text)';
  try {
    const sharpDir = packageDirFrom('sharp', peerDir);
    createRequire(path.join(peerDir, 'noop.js'))('sharp');
    sharp = `${packageJsonOf(sharpDir).version} loads (prebuilt @img binary; no install script ran)`;
  } catch {
    // keep the default
  }
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: totalmem() / 1024 ** 3,
    loadAverageBefore: loadavg(),
    node: process.version,
    nucleusCommit: commit,
    transformersJs: packageJsonOf(peerDir).version,
    onnxruntimeNode: oursVersion,
    onnxruntimeShared: oursOrt === peerOrt,
    onnxruntimeNote:
      oursOrt === peerOrt
        ? `one copy: Nucleus and transformers.js resolve the same onnxruntime-node ${oursVersion} folder`
        : `two copies: Nucleus ${oursVersion}, transformers.js ${peerVersion}`,
    sharp,
  };
}
