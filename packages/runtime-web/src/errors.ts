import {
  HubAbortError,
  HubAuthError,
  HubError,
  HubHttpError,
  HubIntegrityError,
  HubNetworkError,
  HubNotFoundError,
  HubOfflineError,
  ModelDisposedError,
  ModelFileError,
  ModelNotFoundError,
  SessionUsageError,
  TokenizerError,
  UnsupportedModelError,
} from '@nucleus/runtime-core';
import {
  AbortError,
  ConfigError,
  InvalidOptionError,
  NoCandidateError,
  NucleusError,
  PromptTooLongError,
} from '@nucleus/samplers';

/** The model's Web Worker failed to start or crashed. Code `WORKER_FAILED`. */
export class WorkerFailedError extends NucleusError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'WORKER_FAILED',
      `the model worker failed: ${detail}. Check that the bundler emitted @nucleus/runtime-web's worker.js and that onnxruntime-web's wasm files are reachable (option wasmPaths)`,
      options,
    );
  }
}

/** An error as it crosses the worker boundary (structured-cloneable). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly stack?: string | undefined;
  /** Own data fields of the error (`option`, `file`, `status`, ...), those that can be cloned. */
  readonly fields: Record<string, unknown>;
}

type ErrorClass = abstract new (...args: never[]) => NucleusError;

/** Every NucleusError class a worker can throw, by class name. */
const NUCLEUS_ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  (
    [
      NucleusError,
      AbortError,
      ConfigError,
      InvalidOptionError,
      NoCandidateError,
      PromptTooLongError,
      HubError,
      HubAbortError,
      HubAuthError,
      HubHttpError,
      HubIntegrityError,
      HubNetworkError,
      HubNotFoundError,
      HubOfflineError,
      ModelDisposedError,
      ModelFileError,
      ModelNotFoundError,
      SessionUsageError,
      TokenizerError,
      UnsupportedModelError,
      WorkerFailedError,
    ] as ErrorClass[]
  ).map((errorClass) => [errorClass.name, errorClass]),
);

const STANDARD_ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
};

/** Turns an error into plain data for `postMessage`. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), fields: {} };
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'code' || key === 'cause') continue;
    if (isCloneable(value)) fields[key] = value;
  }
  return {
    name: error.name,
    message: error.message,
    code: typeof (error as { code?: unknown }).code === 'string' ? (error as NucleusError).code : undefined,
    stack: error.stack,
    fields,
  };
}

/**
 * Rebuilds an error from the worker on this side: the same `NucleusError` subclass (by class name, else a
 * plain `NucleusError` with the same `code`), message and data fields, so `instanceof` and `code` checks
 * work as they would in one thread.
 */
export function deserializeError(data: SerializedError): Error {
  const errorClass =
    NUCLEUS_ERROR_CLASSES.get(data.name) ?? (data.code === undefined ? undefined : NucleusError);
  let error: Error;
  if (errorClass !== undefined) {
    // Reflect.construct makes a real Error with the subclass prototype without calling the subclass
    // constructor, whose parameters differ from class to class.
    error = Reflect.construct(Error, [data.message], errorClass as unknown as new () => Error);
    Object.assign(error, data.fields, { name: data.name, code: data.code });
  } else {
    error = new (STANDARD_ERRORS[data.name] ?? Error)(data.message);
    Object.assign(error, data.fields);
    if (error.name !== data.name) error.name = data.name;
  }
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

function isCloneable(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean', 'undefined', 'bigint'].includes(typeof value)) {
    return true;
  }
  if (Array.isArray(value)) return value.every(isCloneable);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every(isCloneable);
  }
  return false;
}
