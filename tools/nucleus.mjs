// `pnpm nucleus ...`: builds the CLI and what it depends on (turborepo: cached, quiet, on stderr), then runs it
// from the checkout with the given arguments.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'build',
    '--filter=@nucleus/cli...',
    '--output-logs=errors-only',
    '--log-prefix=none',
  ],
  {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);
const cli = spawnSync(process.execPath, [`${root}apps/cli/dist/bin.js`, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(cli.status ?? (cli.signal ? 130 : 1));
