/**
 * Test oracles: straightforward implementations of the HF warpers (sort everything, float64 softmax with
 * Math.exp, cumulative sums), written from the HF source, independent of the package's kernels.
 * Where HF's order among equal values is arbitrary, they keep the lower ids, as the package promises.
 */

const NEG = Number.NEGATIVE_INFINITY;

/** Indices sorted by value descending, ties by lower index. */
export function orderDescending(row: ArrayLike<number>): number[] {
  return Array.from({ length: row.length }, (_, i) => i).sort((a, b) => {
    const d = row[b]! - row[a]!;
    return Number.isNaN(d) || d === 0 ? a - b : d;
  });
}

/** float64 softmax with Math.exp (-Infinity -> 0). */
export function softmax(row: ArrayLike<number>): number[] {
  let max = NEG;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]!);
  const e = Array.from(row, (x) => (x === NEG ? 0 : Math.exp(x - max)));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

export function entropy(probs: readonly number[]): number {
  return -probs.reduce((h, p) => (p > 0 ? h + p * Math.log(p) : h), 0);
}

function mask(row: ArrayLike<number>, keep: (i: number) => boolean): number[] {
  return Array.from(row, (x, i) => (keep(i) ? x : NEG));
}

export function refTopK(row: ArrayLike<number>, k: number, minKeep = 1): number[] {
  const kk = Math.min(Math.max(k, minKeep), row.length);
  const sorted = Array.from(row).sort((a, b) => b - a);
  const kth = sorted[kk - 1]!;
  return mask(row, (i) => !(row[i]! < kth));
}

/** A reference cut plus how close its decisive cumulative sums came to the threshold. */
export interface RefCut {
  row: number[];
  /** Smallest |cumulative - target| among the sums that decided the cut (relative to 1). */
  margin: number;
}

export function refTopP(row: ArrayLike<number>, p: number, minKeep = 1): RefCut {
  const order = orderDescending(row);
  const probs = softmax(row);
  let cumulative = 0;
  let stop = order.length - 1;
  let margin = Number.POSITIVE_INFINITY;
  for (let j = 0; j < order.length; j++) {
    const before = cumulative;
    cumulative += probs[order[j]!]!;
    margin = Math.min(margin, Math.abs(cumulative - p));
    if (cumulative >= p && j + 1 >= minKeep) {
      stop = j;
      margin = Math.min(Math.abs(before - p), Math.abs(cumulative - p));
      break;
    }
  }
  const kept = new Set(order.slice(0, stop + 1));
  return { row: mask(row, (i) => kept.has(i)), margin };
}

export function refMinP(row: ArrayLike<number>, p: number, minKeep = 1): RefCut {
  const probs = softmax(row);
  const top = Math.max(...probs);
  const keep = probs.map((q) => q >= p * top);
  const order = orderDescending(row);
  for (let j = 0; j < Math.min(minKeep, row.length); j++) keep[order[j]!] = true;
  const margin = Math.min(
    ...probs.map((q) => (q > 0 ? Math.abs(Math.log(q / top) - Math.log(p)) : Infinity)),
  );
  return { row: mask(row, (i) => keep[i]!), margin };
}

export function refTypical(row: ArrayLike<number>, mass: number, minKeep = 1): RefCut {
  const probs = softmax(row);
  const h = entropy(probs);
  const shift = probs.map((q) => (q > 0 ? Math.abs(-Math.log(q) - h) : Number.POSITIVE_INFINITY));
  const order = Array.from({ length: row.length }, (_, i) => i).sort(
    (a, b) => shift[a]! - shift[b]! || a - b,
  );
  const cumulative: number[] = [];
  let sum = 0;
  for (const i of order) {
    sum += probs[i]!;
    cumulative.push(sum);
  }
  const lastIndex = Math.min(cumulative.filter((c) => c < mass).length, order.length - 1);
  const threshold = shift[order[lastIndex]!]!;
  const firstKept = new Set(order.slice(0, minKeep));
  // Ambiguous if the decisive sums are near the mass, or another value's shift is near the threshold.
  let margin = Math.abs(cumulative[lastIndex]! - mass);
  if (lastIndex > 0) margin = Math.min(margin, Math.abs(cumulative[lastIndex - 1]! - mass));
  // The same for the minTokensToKeep boundary: another value's shift near it makes the order ambiguous.
  for (const boundary of [lastIndex, Math.min(minKeep, order.length) - 1]) {
    const boundaryValue = row[order[boundary]!]!;
    const boundaryShift = shift[order[boundary]!]!;
    for (let i = 0; i < row.length; i++) {
      if (row[i] !== boundaryValue) margin = Math.min(margin, Math.abs(shift[i]! - boundaryShift));
    }
  }
  return { row: mask(row, (i) => shift[i]! <= threshold || firstKept.has(i)), margin };
}

export function refEpsilon(row: ArrayLike<number>, epsilon: number, minKeep = 1): RefCut {
  const probs = softmax(row);
  const kth = Array.from(row).sort((a, b) => b - a)[Math.min(minKeep, row.length) - 1]!;
  const margin = Math.min(...probs.map((q) => (q > 0 ? Math.abs(Math.log(q / epsilon)) : Infinity)));
  return { row: mask(row, (i) => !(probs[i]! < epsilon && row[i]! < kth)), margin };
}

export function refEta(row: ArrayLike<number>, epsilon: number, minKeep = 1): RefCut {
  const probs = softmax(row);
  const eta = Math.min(epsilon, Math.sqrt(epsilon) * Math.exp(-entropy(probs)));
  return refEpsilon(row, eta, minKeep);
}
