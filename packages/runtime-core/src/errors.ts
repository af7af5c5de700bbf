import { NucleusError } from '@nucleus/samplers';

/** The model source (a folder or a hub id) does not exist or holds no model. Code `MODEL_NOT_FOUND`. */
export class ModelNotFoundError extends NucleusError {
  /** The source as the caller gave it. */
  readonly source: string;
  constructor(source: string, detail: string, options?: { cause?: unknown }) {
    super('MODEL_NOT_FOUND', `model not found: ${source}: ${detail}`, options);
    this.source = source;
  }
}

/**
 * A model file is missing, unreadable or corrupt (an ONNX file ORT cannot load, a graph without the inputs
 * a GPT-2 decoder needs, a `config.json` that is not JSON). Code `MODEL_FILE`. The message names the file
 * and what was found instead.
 */
export class ModelFileError extends NucleusError {
  /** The file, relative to the model folder. */
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('MODEL_FILE', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** `tokenizer.json` is missing or cannot be loaded, or token ids are out of range. Code `TOKENIZER`. */
export class TokenizerError extends NucleusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TOKENIZER', message, options);
  }
}

/** The model is not a GPT-2 (its `model_type` is something else). Code `UNSUPPORTED_MODEL`. */
export class UnsupportedModelError extends NucleusError {
  /** The `model_type` found in `config.json`. */
  readonly modelType: unknown;
  /** The model types this runtime runs. */
  readonly supported: readonly string[];
  constructor(modelType: unknown, supported: readonly string[], detail?: string) {
    super(
      'UNSUPPORTED_MODEL',
      `unsupported model_type ${JSON.stringify(modelType)} in config.json: Nucleus runs ${supported
        .map((type) => JSON.stringify(type))
        .join(', ')}${detail ? ` (${detail})` : ''}`,
    );
    this.modelType = modelType;
    this.supported = supported;
  }
}

/** A model or generation session was used after `dispose()`. Code `MODEL_DISPOSED`. */
export class ModelDisposedError extends NucleusError {
  constructor(what = 'model') {
    super('MODEL_DISPOSED', `this ${what} was disposed; load the model again to use it`);
  }
}

/**
 * A {@link ModelSession} was driven against its contract (wrong number of rows, out-of-range row
 * indices, bad token ids). Code `SESSION_USAGE`. The decode loop of `@nucleus/samplers` never does this;
 * code that drives a session by hand might.
 */
export class SessionUsageError extends NucleusError {
  constructor(message: string) {
    super('SESSION_USAGE', message);
  }
}
