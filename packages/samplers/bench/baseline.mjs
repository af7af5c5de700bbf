// The straightforward implementation every Nucleus step is compared with: HF's algorithms written the
// obvious way in JavaScript (sort the whole vocabulary where HF sorts, Math.exp softmax, cumulative sums,
// rebuild the history's sets and n-grams every step), and a sampler that copies, sorts all indices,
// softmaxes, takes cumulative sums and draws.

const NEG = Number.NEGATIVE_INFINITY;

function allIndices(n) {
  return Int32Array.from({ length: n }, (_, i) => i);
}

export function temperature(row, t) {
  const divisor = Math.fround(t);
  for (let i = 0; i < row.length; i++) row[i] = row[i] / divisor;
}

export function topK(row, k) {
  const order = allIndices(row.length).sort((a, b) => row[b] - row[a]);
  const kth = row[order[k - 1]];
  for (let i = 0; i < row.length; i++) if (row[i] < kth) row[i] = NEG;
}

function softmaxOf(values) {
  let max = NEG;
  for (const x of values) if (x > max) max = x;
  const probs = new Float64Array(values.length);
  let z = 0;
  for (let i = 0; i < values.length; i++) z += probs[i] = Math.exp(values[i] - max);
  for (let i = 0; i < probs.length; i++) probs[i] /= z;
  return probs;
}

export function topP(row, p) {
  const order = allIndices(row.length).sort((a, b) => row[a] - row[b]);
  const probs = softmaxOf(Float32Array.from(order, (i) => row[i]));
  let cumulative = 0;
  for (let j = 0; j < order.length - 1; j++) {
    cumulative += probs[j];
    if (cumulative <= 1 - p) row[order[j]] = NEG;
  }
}

export function minP(row, p) {
  const probs = softmaxOf(row);
  let top = 0;
  let best = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > top) [top, best] = [probs[i], i];
  for (let i = 0; i < row.length; i++) if (probs[i] < p * top && i !== best) row[i] = NEG;
}

export function typicalP(row, mass) {
  const probs = softmaxOf(row);
  let entropy = 0;
  for (const q of probs) if (q > 0) entropy -= q * Math.log(q);
  const shift = Float64Array.from(probs, (q) => Math.abs(-Math.log(q) - entropy));
  const order = allIndices(row.length).sort((a, b) => shift[a] - shift[b]);
  let cumulative = 0;
  let last = 0;
  for (const i of order) {
    cumulative += probs[i];
    if (cumulative < mass) last++;
  }
  const threshold = shift[order[Math.min(last, order.length - 1)]];
  for (let j = 1; j < order.length; j++) if (shift[order[j]] > threshold) row[order[j]] = NEG;
}

export function repetitionPenalty(row, tokens, length, r) {
  const penalty = Math.fround(r);
  for (const id of new Set(tokens.subarray(0, length))) {
    row[id] = row[id] < 0 ? row[id] * penalty : row[id] / penalty;
  }
}

export function noRepeatNgram(row, tokens, length, n) {
  const ngrams = new Map();
  for (let start = 0; start + n <= length; start++) {
    const key = tokens.subarray(start, start + n - 1).join(',');
    const followers = ngrams.get(key) ?? [];
    followers.push(tokens[start + n - 1]);
    ngrams.set(key, followers);
  }
  const prefix = tokens.subarray(length - n + 1, length).join(',');
  for (const id of ngrams.get(prefix) ?? []) row[id] = NEG;
}

/** Greedy the sort way: sort all indices by score, take the first. */
export function greedy(row) {
  return allIndices(row.length).sort((a, b) => row[b] - row[a] || a - b)[0];
}

/** Sampling the sort way: copy, sort all indices, softmax, cumulative sums, one draw. */
export function sample(row, random) {
  const values = Float32Array.from(row);
  const order = allIndices(values.length).sort((a, b) => values[b] - values[a]);
  const probs = softmaxOf(Float32Array.from(order, (i) => values[i]));
  const target = random.next();
  let cumulative = 0;
  for (let j = 0; j < order.length; j++) {
    cumulative += probs[j];
    if (cumulative > target) return order[j];
  }
  return order[0];
}

/** One beam step the sort way: log-softmax per beam plus its score, sort all B x V candidates, top 2B. */
export function beamStep(rows, runningScores) {
  const vocab = rows[0].length;
  const flat = new Float32Array(rows.length * vocab);
  rows.forEach((row, b) => {
    const probs = softmaxOf(row);
    for (let j = 0; j < vocab; j++) flat[b * vocab + j] = Math.log(probs[j]) + runningScores[b];
  });
  const order = allIndices(flat.length).sort((a, b) => flat[b] - flat[a] || a - b);
  return order.subarray(0, 2 * rows.length);
}
