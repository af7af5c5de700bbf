// `pnpm bench:peers`: builds the bench package and what it depends on (turborepo: cached, quiet, on stderr),
// then runs the benchmark with the given arguments (--expose-gc: the step benchmark collects garbage between
// tasks).
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
    '--filter=@nucleus/bench...',
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
const bench = spawnSync(
  process.execPath,
  ['--expose-gc', fileURLToPath(new URL('./dist/cli.js', import.meta.url)), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(bench.status ?? (bench.signal ? 130 : 1));
