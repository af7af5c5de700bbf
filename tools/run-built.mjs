// `node tools/run-built.mjs <package> <script> [node flags...] -- [arguments...]`: builds the workspace package
// and what it depends on (turborepo: cached, quiet, on stderr), then runs its built script with Node, passing
// the arguments through and exiting with its status. Used by `pnpm nucleus` and `pnpm bench:peers`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [pkg, script, ...rest] = process.argv.slice(2);
const separator = rest.indexOf('--');
const nodeFlags = separator < 0 ? [] : rest.slice(0, separator);
const args = separator < 0 ? rest : rest.slice(separator + 1);

const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', `--filter=${pkg}...`, '--output-logs=errors-only', '--log-prefix=none'],
  {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, [...nodeFlags, path.join(root, script), ...args], { stdio: 'inherit' });
process.exit(run.status ?? (run.signal ? 130 : 1));
