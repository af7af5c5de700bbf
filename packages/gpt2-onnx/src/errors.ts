import { formatValue, NucleusError } from '@nucleus/samplers';

/** Stable codes of the errors this package throws about a checkpoint. */
export type CheckpointErrorCode =
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_MISSING_TENSOR'
  | 'CHECKPOINT_BAD_SHAPE'
  | 'CHECKPOINT_BAD_DTYPE'
  | 'CHECKPOINT_INVALID';

/**
 * A checkpoint cannot be converted: it does not exist, a tensor is missing, has the wrong shape or an
 * unsupported dtype, or the file is not valid safetensors. `tensor` names the offending tensor when there is one.
 */
export class CheckpointError extends NucleusError {
  declare readonly code: CheckpointErrorCode;
  /** The tensor the error is about, as named in the checkpoint (or as expected, when missing). */
  readonly tensor: string | undefined;
  /** The file the error was found in. */
  readonly file: string;
  constructor(code: CheckpointErrorCode, file: string, tensor: string | undefined, message: string) {
    super(code, `${message} (in ${file})`);
    this.tensor = tensor;
    this.file = file;
  }
}

/**
 * A GPT-2 configuration field has a value the model cannot be built with (code `CONFIG_INVALID`), e.g.
 * `nEmbd (n_embd) must be divisible by nHead (n_head) = 5, got 32`.
 */
export class Gpt2ConfigError extends NucleusError {
  /** The field, as named in the TypeScript config (the config.json name follows in the message). */
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
  constructor(field: string, value: unknown, allowed: string) {
    super('CONFIG_INVALID', `${field} must be ${allowed}, got ${formatValue(value)}`);
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Codes of errors about the output folder. */
export type OutputErrorCode = 'OUTPUT_NOT_WRITABLE' | 'OUTPUT_EXISTS';

/**
 * The output folder cannot be written (`OUTPUT_NOT_WRITABLE`), or it already holds files and `overwrite` was
 * not set (`OUTPUT_EXISTS`). Nothing was left behind.
 */
export class OutputDirError extends NucleusError {
  declare readonly code: OutputErrorCode;
  readonly path: string;
  constructor(code: OutputErrorCode, path: string, message: string, cause?: unknown) {
    super(code, message, { cause });
    this.path = path;
  }
}
