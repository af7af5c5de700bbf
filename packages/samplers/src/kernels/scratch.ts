/**
 * Growable scratch buffers. Kernels and processors keep module-level buffers and grow them to the row
 * size on first use, so a decode step allocates nothing once the buffers have reached vocabulary size.
 * Safe because processing is synchronous: no two kernels use the same buffer at once.
 */

/** `buffer` if it holds at least `size` entries, else a new, larger buffer (contents not kept). */
export function growFloat64(buffer: Float64Array, size: number): Float64Array {
  return buffer.length >= size ? buffer : new Float64Array(Math.max(size, buffer.length * 2));
}

/** `buffer` if it holds at least `size` entries, else a new, larger buffer (contents not kept). */
export function growFloat32(buffer: Float32Array, size: number): Float32Array {
  return buffer.length >= size ? buffer : new Float32Array(Math.max(size, buffer.length * 2));
}

/** `buffer` if it holds at least `size` entries, else a new, larger buffer (contents not kept). */
export function growInt32(buffer: Int32Array, size: number): Int32Array {
  return buffer.length >= size ? buffer : new Int32Array(Math.max(size, buffer.length * 2));
}

/** `buffer` if it holds at least `size` entries, else a new, larger buffer (contents not kept). */
export function growUint8(buffer: Uint8Array, size: number): Uint8Array {
  return buffer.length >= size ? buffer : new Uint8Array(Math.max(size, buffer.length * 2));
}

/** Like {@link growInt32} but keeps the first `keep` entries (for append-only lists). */
export function growInt32Keep(buffer: Int32Array, size: number, keep: number): Int32Array {
  if (buffer.length >= size) return buffer;
  const grown = new Int32Array(Math.max(size, buffer.length * 2, 16));
  grown.set(buffer.subarray(0, keep));
  return grown;
}
