// Counts the time every library spends inside onnxruntime's `InferenceSession.run` for a GPT-2 decoder
// session (one with `past_key_values.*` inputs), so that each contender's own per-step work (outside the
// forward pass) can be reported apart from the forward pass. Nucleus, transformers.js and the bare loop all
// load the same onnxruntime-node module, so one patch of the shared prototype sees all three, loaded through
// their public APIs. transformers.js's small operator sessions (TopK) are not counted: they are its own work.
import * as ort from 'onnxruntime-node';

/** The running total of milliseconds spent inside decoder `run` calls. */
export interface OrtTimer {
  readonly insideMs: number;
  reset(): void;
}

let installed: { insideMs: number } | undefined;

/** Installs the timing wrapper (once) and returns the shared counter. */
export function installOrtTimer(): OrtTimer {
  if (!installed) {
    const state = { insideMs: 0 };
    const prototype = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
    const run = prototype.run;
    prototype.run = async function timedRun(this: ort.InferenceSession, ...args: unknown[]) {
      if (!this.inputNames.includes('past_key_values.0.key')) {
        return (run as (...a: unknown[]) => Promise<ort.InferenceSession.ReturnType>).apply(this, args);
      }
      const start = performance.now();
      try {
        return await (run as (...a: unknown[]) => Promise<ort.InferenceSession.ReturnType>).apply(this, args);
      } finally {
        state.insideMs += performance.now() - start;
      }
    } as typeof run;
    installed = state;
  }
  const state = installed;
  return {
    get insideMs() {
      return state.insideMs;
    },
    reset() {
      state.insideMs = 0;
    },
  };
}
