/** Base class of every error thrown by Nucleus packages. `code` is stable and machine-readable. */
export class NucleusError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * An option has a value that is not allowed. The message names the option, the value and what is allowed,
 * e.g. `topP must be a number in [0, 1], got 1.5`.
 */
export class InvalidOptionError extends NucleusError {
  readonly option: string;
  readonly value: unknown;
  readonly allowed: string;
  constructor(option: string, value: unknown, allowed: string, hint?: string) {
    super(
      'INVALID_OPTION',
      `${option} must be ${allowed}, got ${formatValue(value)}${hint ? ` (${hint})` : ''}`,
    );
    this.option = option;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Two or more options contradict each other, or an option is unknown. */
export class ConfigError extends NucleusError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

/** A generation was stopped by its abort signal. */
export class AbortError extends NucleusError {
  constructor(reason?: unknown) {
    super('ABORTED', `generation aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, {
      cause: reason,
    });
  }
}

/** Renders a value for an error message: strings quoted, NaN and infinities spelled out. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
