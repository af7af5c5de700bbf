import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI_BIN = resolve(here, '../../dist/bin.js');
export const REPO_ROOT = resolve(here, '../../../..');
export const SHARED_CONFORMANCE = resolve(REPO_ROOT, '../shared/conformance');
export const hasShared = existsSync(resolve(SHARED_CONFORMANCE, 'golden/generate_greedy.json'));

/** What a run of the real `nucleus` binary printed. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `node dist/bin.js ...args` (no TTY: stdout and stderr are pipes), optionally feeding stdin. */
export function runCli(
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: { ...process.env, FORCE_COLOR: undefined, ...options.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Parses the single JSON object a `--json` run printed. */
export function parseJson<T>(run: CliRun): T {
  if (run.code !== 0) throw new Error(`nucleus exited with ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
