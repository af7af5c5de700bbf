/**
 * The known name closest to `unknown`, or `undefined` when none is close. Case and `_`/`-` are ignored
 * first (`top_p` -> `topP`, `MaxNewTokens` -> `maxNewTokens`); otherwise the nearest name by edit distance
 * within a small budget (`temprature` -> `temperature`).
 */
export function closestName(unknown: string, known: readonly string[]): string | undefined {
  const wanted = normalize(unknown);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 4)) + 1;
  for (const name of known) {
    const candidate = normalize(name);
    if (candidate === wanted) return name;
    const distance = editDistance(wanted, candidate, bestDistance);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = name;
    }
  }
  return best;
}

function normalize(name: string): string {
  return name.replace(/[_\-\s]/g, '').toLowerCase();
}

/** Levenshtein distance, giving up (returning `limit`) once every path exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length]!;
}
