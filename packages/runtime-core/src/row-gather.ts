/** A typed array of rows of equal size (a KV cache tensor's data, batch-major). */
export type RowData = Float32Array | Uint16Array;

/**
 * Rearranges the rows of `data` (`oldRows` rows of `rowSize` elements) so that new row i is old row
 * `rows[i]`, and returns the result (a prefix view of `data`, or a new array when there are more rows than
 * before).
 *
 * When the rows do not grow in number the gather happens in place, copying only the rows that change: a
 * beam-search step that keeps most beams where they are moves little memory and allocates nothing. An old
 * row that is overwritten before its last read is first saved in `scratch` (grown as needed and returned
 * for reuse).
 */
export function gatherRows(
  data: RowData,
  rowSize: number,
  oldRows: number,
  rows: readonly number[],
  scratch: RowData | undefined,
): { data: RowData; scratch: RowData | undefined } {
  const newRows = rows.length;
  if (newRows > oldRows) {
    const out =
      data instanceof Float32Array ? new Float32Array(newRows * rowSize) : new Uint16Array(newRows * rowSize);
    for (let i = 0; i < newRows; i++)
      out.set(data.subarray(rows[i]! * rowSize, (rows[i]! + 1) * rowSize), i * rowSize);
    return { data: out, scratch };
  }

  // Rows are written in ascending order: slot k is overwritten at step k (if it changes), and read at
  // every step j with rows[j] === k. It must be saved when some read comes after its overwrite.
  const lastRead = new Int32Array(oldRows).fill(-1);
  for (let j = 0; j < newRows; j++) lastRead[rows[j]!] = j;
  const saved: number[] = [];
  for (let k = 0; k < newRows; k++) if (rows[k] !== k && lastRead[k]! > k) saved.push(k);

  let buffer = scratch;
  const savedAt = new Map<number, number>();
  if (saved.length > 0) {
    const needed = saved.length * rowSize;
    if (!buffer || buffer.length < needed || buffer.constructor !== data.constructor) {
      buffer = data instanceof Float32Array ? new Float32Array(needed * 2) : new Uint16Array(needed * 2);
    }
    saved.forEach((row, slot) => {
      buffer!.set(data.subarray(row * rowSize, (row + 1) * rowSize), slot * rowSize);
      savedAt.set(row, slot * rowSize);
    });
  }
  for (let i = 0; i < newRows; i++) {
    const source = rows[i]!;
    if (source === i) continue;
    const from = savedAt.get(source);
    const row =
      from !== undefined
        ? buffer!.subarray(from, from + rowSize)
        : data.subarray(source * rowSize, (source + 1) * rowSize);
    data.set(row, i * rowSize);
  }
  return { data: data.subarray(0, newRows * rowSize), scratch: buffer };
}
