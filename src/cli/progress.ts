/**
 * A one-line progress bar for long CLI commands (`kubesim sweep`): done/total, elapsed, ETA,
 * redrawn in place with "\r" on stderr, and only when stderr is a terminal — never into a
 * pipe, a file or a JSON report.
 *
 * Nothing under src/ reads the wall clock, this bar included: elapsed time and ETA are shown
 * only when the caller hands in a clock (the benchmark drivers under bench/ do); the CLI's bar
 * counts items and percent.
 */

export interface ProgressOptions {
  readonly total: number;
  /** Says what is counted: "seeds", "runs". */
  readonly label: string;
  /** Receives the raw escape sequences (the stream must be a terminal). */
  readonly write: (text: string) => void;
  /** Milliseconds from any fixed origin; without it the bar shows no elapsed time or ETA. */
  readonly now?: () => number;
  /** Terminal width; the line is cut to fit so it never wraps (a wrapped line cannot be redrawn). */
  readonly columns?: number;
  /** Minimum milliseconds between two redraws (the last one is always drawn). */
  readonly redrawEveryMs?: number;
}

/** 65_000 → "1:05", 3_725_000 → "1:02:05". */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const hh = Math.trunc(s / 3600);
  const mm = Math.trunc((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/**
 * The line itself, without escapes. ETA is the mean time per item so far times the items
 * left: 30 of 200 done in 12 s → 0.4 s each → ETA 68 s. Unknown ("--") before the first item.
 */
export function formatProgress(done: number, total: number, elapsedMs: number | undefined, label: string, note = ''): string {
  const width = 24;
  const filled = total > 0 ? Math.min(width, Math.trunc((done * width) / total)) : width;
  const pct = total > 0 ? Math.trunc((done * 100) / total) : 100;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label} ${pct}%`;
  const eta = elapsedMs === undefined ? '' : `  elapsed ${formatClock(elapsedMs)}  ETA ${done > 0 ? formatClock((elapsedMs * (total - done)) / done) : '--'}`;
  return `${bar}${eta}${note ? `  ${note}` : ''}`;
}

/** Erase the current terminal line and go back to its start. */
const CLEAR = '\r\x1b[K';

export class ProgressBar {
  private done = 0;
  private note = '';
  private lastDraw = Number.NEGATIVE_INFINITY;
  private readonly start: number;
  private finished = false;

  constructor(private readonly opts: ProgressOptions) {
    this.start = opts.now?.() ?? 0;
  }

  /** Sets the count of finished items (and an optional note such as "3 failed"), then redraws. */
  update(done: number, note = ''): void {
    this.done = done;
    this.note = note;
    const t = this.opts.now?.();
    // Without a clock every update draws (the sweep updates once per chunk of seeds).
    if (t !== undefined && done < this.opts.total && t - this.lastDraw < (this.opts.redrawEveryMs ?? 100)) return;
    if (t !== undefined) this.lastDraw = t;
    this.draw(t);
  }

  /** Redraws with the current count (for a timer, so elapsed moves while an item runs). */
  refresh(): void {
    if (!this.finished) this.draw(this.opts.now?.());
  }

  /** Prints a whole line above the bar and redraws the bar under it. */
  log(line: string): void {
    this.opts.write(`${CLEAR}${line}\n`);
    if (!this.finished) this.draw(this.opts.now?.());
  }

  /** Erases the bar; the terminal is left as it was before the first draw. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.opts.write(CLEAR);
  }

  private draw(t: number | undefined): void {
    let line = formatProgress(this.done, this.opts.total, t === undefined ? undefined : t - this.start, this.opts.label, this.note);
    const cols = this.opts.columns;
    if (cols !== undefined && cols > 1 && line.length > cols - 1) line = line.slice(0, cols - 1);
    this.opts.write(`${CLEAR}${line}`);
  }
}

/** A bar on process.stderr, or undefined when stderr is not a terminal (pipes, files, CI logs). */
export function stderrProgress(total: number, label: string): ProgressBar | undefined {
  const err = process.stderr;
  if (err.isTTY !== true) return undefined;
  return new ProgressBar({
    total,
    label,
    write: (t) => err.write(t),
    columns: err.columns,
  });
}
