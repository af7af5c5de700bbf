let table: Float32Array | undefined;

/** Float32 value of every IEEE-754 half-precision bit pattern, built on first use (256 KiB). */
function halfTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) table[bits] = mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
    else table[bits] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return table;
}

/** Converts `length` float16 values (as raw bits) from `source[sourceOffset..]` into `target[targetOffset..]`. */
export function float16ToFloat32(
  source: Uint16Array,
  sourceOffset: number,
  target: Float32Array,
  targetOffset: number,
  length: number,
): void {
  const half = halfTable();
  for (let i = 0; i < length; i++) target[targetOffset + i] = half[source[sourceOffset + i]!]!;
}
