/**
 * The few protobuf wire-format pieces needed to frame large fields by hand (so their bytes can be streamed
 * instead of held in memory): varints and length-delimited field keys. Everything else is encoded by
 * `onnx-proto`.
 */

const LENGTH_DELIMITED = 2;

/** Bytes of `value` (a non-negative integer below 2^53) as a protobuf varint. */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** The key and length prefix of a length-delimited field `fieldNumber` holding `length` bytes. */
export function lengthDelimitedPrefix(fieldNumber: number, length: number): Uint8Array {
  const key = encodeVarint(fieldNumber * 8 + LENGTH_DELIMITED);
  const size = encodeVarint(length);
  const prefix = new Uint8Array(key.length + size.length);
  prefix.set(key, 0);
  prefix.set(size, key.length);
  return prefix;
}

/** Size of a length-delimited field `fieldNumber` holding `length` bytes, prefix included. */
export function lengthDelimitedSize(fieldNumber: number, length: number): number {
  return lengthDelimitedPrefix(fieldNumber, length).length + length;
}
