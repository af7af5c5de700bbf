/**
 * The slice of the `onnxruntime-common` API that Nucleus uses. The runtime packages pass in the module of
 * their platform (`onnxruntime-node`, `onnxruntime-web`); this package never imports one at runtime.
 *
 * @packageDocumentation
 */
import type { InferenceSession, Tensor, TensorConstructor } from 'onnxruntime-common';

export type { InferenceSession, Tensor } from 'onnxruntime-common';

/** ORT session options, as `onnxruntime-common` defines them. */
export type OrtSessionOptions = InferenceSession.SessionOptions;

/** An execution provider entry: a name (`'cpu'`, `'cuda'`, `'webgpu'`) or `{ name, ...options }`. */
export type ExecutionProviderConfig = InferenceSession.ExecutionProviderConfig;

/** What one `InferenceSession.create` call accepts as the model: a path/URL the runtime opens, or bytes. */
export type OrtModelData = string | Uint8Array;

/**
 * An onnxruntime module shaped like `onnxruntime-common`: `import * as ort from 'onnxruntime-node'`
 * satisfies it, and so does `onnxruntime-web`.
 */
export interface OrtModule {
  readonly InferenceSession: {
    create(model: string, options?: OrtSessionOptions): Promise<InferenceSession>;
    create(model: Uint8Array, options?: OrtSessionOptions): Promise<InferenceSession>;
  };
  readonly Tensor: TensorConstructor;
}

/** Element types Nucleus feeds or reads (int64 ids, float KV caches and logits, a bool cache switch). */
export type KvElementType = 'float32' | 'float16';

/** Frees a tensor's data where the API allows it (ORT tensors of 1.16+ have `dispose()`). */
export function disposeTensor(tensor: Tensor | undefined | null): void {
  if (tensor && typeof tensor.dispose === 'function' && tensor.location !== 'none') tensor.dispose();
}
