/** A mistake in how the command was called (bad flag, out-of-range value, missing argument): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of the `nucleus` command. */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;
