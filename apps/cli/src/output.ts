import pc from 'picocolors';

/** Colours only on a terminal, never with `NO_COLOR`, `TERM=dumb` or `--no-color`; `FORCE_COLOR` forces them. */
export function colorsEnabled(stream: NodeJS.WriteStream, noColorFlag: boolean): boolean {
  const env = process.env;
  if (noColorFlag || 'NO_COLOR' in env) return false;
  if ('FORCE_COLOR' in env && env['FORCE_COLOR'] !== '0') return true;
  return Boolean(stream.isTTY) && env['TERM'] !== 'dumb';
}

export type Colors = ReturnType<typeof pc.createColors>;

/** Where a command writes: text to stdout, progress and diagnostics to stderr. */
export interface Output {
  readonly color: Colors;
  readonly errColor: Colors;
  readonly isTTY: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function createOutput(noColorFlag: boolean): Output {
  return {
    color: pc.createColors(colorsEnabled(process.stdout, noColorFlag)),
    errColor: pc.createColors(colorsEnabled(process.stderr, noColorFlag)),
    isTTY: Boolean(process.stdout.isTTY),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}

// C0 controls except tab and newline, DEL, and C1 controls: a generated token must never move the cursor,
// change colours or retitle the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Generated (untrusted) text made safe for a terminal: control characters shown as `\u001b`-style escapes. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
