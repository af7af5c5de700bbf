/**
 * An Aho-Corasick automaton over token-id patterns: fed a row's tokens one at a time, it knows which
 * patterns end at the current position, in O(1) amortised per token whatever the number and length of
 * patterns. The automaton is immutable and shared; a row's whole matching state is one node number, so
 * cloning a processor that uses it is free.
 */
export class SequenceMatcher {
  /** The root node (empty match). */
  static readonly ROOT = 0;
  private readonly children: Map<number, number>[] = [new Map()];
  private readonly failure: number[] = [0];
  /** Patterns ending exactly at a node. */
  private readonly outputs: number[][] = [[]];
  /** The nearest node on the failure chain (excluding itself) that has outputs, or -1. */
  private readonly outputLink: number[] = [-1];

  /** @param patterns - non-empty token sequences; pattern i is reported as i. */
  constructor(patterns: readonly (readonly number[])[]) {
    patterns.forEach((pattern, index) => {
      let node = SequenceMatcher.ROOT;
      for (const token of pattern) {
        let child = this.children[node]!.get(token);
        if (child === undefined) {
          child = this.children.length;
          this.children.push(new Map());
          this.failure.push(0);
          this.outputs.push([]);
          this.outputLink.push(-1);
          this.children[node]!.set(token, child);
        }
        node = child;
      }
      this.outputs[node]!.push(index);
    });
    const queue: number[] = [...this.children[SequenceMatcher.ROOT]!.values()];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [token, child] of this.children[node]!) {
        this.failure[child] = this.next(this.failure[node]!, token);
        const fallback = this.failure[child]!;
        this.outputLink[child] = this.outputs[fallback]!.length > 0 ? fallback : this.outputLink[fallback]!;
        queue.push(child);
      }
    }
  }

  /** The node reached from `node` by reading `token`. */
  next(node: number, token: number): number {
    for (;;) {
      const child = this.children[node]!.get(token);
      if (child !== undefined) return child;
      if (node === SequenceMatcher.ROOT) return SequenceMatcher.ROOT;
      node = this.failure[node]!;
    }
  }

  /**
   * Appends to `out` (from index 0) every pattern that ends at `node`, i.e. is a suffix of the tokens read
   * so far, and returns how many. `out` must have room for all patterns.
   */
  collectMatches(node: number, out: Int32Array): number {
    let count = 0;
    let at = this.outputs[node]!.length > 0 ? node : this.outputLink[node]!;
    for (; at > 0; at = this.outputLink[at]!) {
      for (const pattern of this.outputs[at]!) out[count++] = pattern;
    }
    return count;
  }
}
