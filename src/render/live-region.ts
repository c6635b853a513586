/**
 * A block of status lines held at the bottom of a terminal while other output scrolls above it
 * (what `apply` shows in a terminal). Everything written through `stream` erases the block,
 * goes out, and the block is drawn again under it, so warnings and Ctrl-C messages never tear
 * the block. Lines are cut to the terminal's width: a wrapped line would throw off the count of
 * lines to erase.
 */

/** The terminal: a TTY stream (its `columns` change when the window is resized). */
export interface Terminal {
  write(chunk: string): boolean;
  columns?: number;
}

/** Cursor to the start of the line `n` lines up, then clear to the end of the screen. */
const eraseUp = (n: number): string => (n > 0 ? `\x1b[${n}F\x1b[0J` : '');

export class LiveRegion {
  private lines: string[] = [];
  private drawn = 0;
  private closed = false;

  /** Writes through this go above the block. Only whole lines (ending in "\n") should. */
  readonly stream: NodeJS.WritableStream & { isTTY: true; columns?: number };

  constructor(private readonly terminal: Terminal) {
    const write = (chunk: string | Uint8Array): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (this.closed) return this.terminal.write(text);
      return this.terminal.write(`${eraseUp(this.drawn)}${text}${this.frame()}`);
    };
    // Only `write` is used by the printers (render/streams.ts writeLine); the rest is the type's due.
    this.stream = Object.assign(Object.create(null) as object, {
      write, isTTY: true as const, get columns() { return terminal.columns; },
    }) as unknown as NodeJS.WritableStream & { isTTY: true; columns?: number };
  }

  /** Replaces the block's lines and draws them (ANSI colour is allowed; width is measured without it). */
  set(lines: readonly string[]): void {
    if (this.closed) return;
    const erase = eraseUp(this.drawn);
    this.lines = [...lines];
    this.terminal.write(`${erase}${this.frame()}`);
  }

  /** Erases the block for good; later writes go straight to the terminal. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drawn > 0) this.terminal.write(eraseUp(this.drawn));
    this.drawn = 0;
  }

  private frame(): string {
    // A pty without a size reports 0 columns.
    const width = Math.max(20, (this.terminal.columns || 80) - 1);
    this.drawn = this.lines.length;
    return this.lines.map((line) => `${truncate(line, width)}\n`).join('');
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Cuts a line to `width` visible characters, keeping its colour codes (and closing them). */
export function truncate(line: string, width: number): string {
  if (line.replace(ANSI, '').length <= width) return line;
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length && visible < width - 1;) {
    ANSI.lastIndex = i;
    const code = ANSI.exec(line);
    if (code && code.index === i) {
      out += code[0];
      i += code[0].length;
      continue;
    }
    out += line[i];
    visible += 1;
    i += 1;
  }
  return `${out}…${out.length > visible ? '\x1b[0m' : ''}`;
}
