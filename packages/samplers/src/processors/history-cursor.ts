import type { ProcessContext } from '../types.js';

/**
 * Remembers how much of a row's history a stateful processor has ingested, so each call only reads the
 * tokens added since (`ctx.tokens[consumed .. ctx.length)`). It detects a history that is no longer the
 * continuation of what was ingested — shorter than before, a different first or last ingested token, or
 * (when the processor depends on it) a different prompt length — and then asks for a rebuild.
 */
export class HistoryCursor {
  /** Number of history tokens ingested so far. */
  consumed = 0;
  private firstToken = 0;
  private lastToken = 0;
  private promptLength = 0;

  /** True if the processor must forget its state and ingest `ctx.tokens[0 .. length)` again. */
  mustRebuild(ctx: ProcessContext, watchPromptLength = false): boolean {
    const consumed = this.consumed;
    if (consumed === 0) return false;
    return (
      ctx.length < consumed ||
      ctx.tokens[0] !== this.firstToken ||
      ctx.tokens[consumed - 1] !== this.lastToken ||
      (watchPromptLength && ctx.promptLength !== this.promptLength)
    );
  }

  /** Records that everything up to `ctx.length` has been ingested. */
  advance(ctx: ProcessContext): void {
    this.consumed = ctx.length;
    if (ctx.length > 0) {
      this.firstToken = ctx.tokens[0]!;
      this.lastToken = ctx.tokens[ctx.length - 1]!;
    }
    this.promptLength = ctx.promptLength;
  }

  reset(): void {
    this.consumed = 0;
  }

  copyFrom(other: HistoryCursor): this {
    this.consumed = other.consumed;
    this.firstToken = other.firstToken;
    this.lastToken = other.lastToken;
    this.promptLength = other.promptLength;
    return this;
  }
}
