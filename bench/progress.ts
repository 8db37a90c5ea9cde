/**
 * Progress for the long benchmark drivers (bench/sim.ts, bench/sweep.ts): the CLI's one-line
 * bar (src/cli/progress.ts) on stderr, redrawn every second so elapsed time moves while a
 * child run takes minutes, and a `log` that prints a result line on stdout without tearing
 * the bar. When stderr is not a terminal nothing is drawn and `log` is a plain stdout write,
 * so piped and CI output (the JSON lines) is unchanged.
 */
import { ProgressBar } from '../src/cli/progress.js';

export interface BenchProgress {
  /** One more item finished. */
  tick(note?: string): void;
  /** A line for stdout (a JSON result), printed above the bar. */
  log(line: string): void;
  /** Erases the bar and stops the redraw timer. */
  done(): void;
}

export function createProgress(opts: { total: number; label: string }): BenchProgress {
  const err = process.stderr;
  if (err.isTTY !== true) {
    return { tick: () => {}, log: (line) => void process.stdout.write(`${line}\n`), done: () => {} };
  }
  const bar = new ProgressBar({ total: opts.total, label: opts.label, write: (t) => err.write(t), now: () => performance.now(), columns: err.columns, redrawEveryMs: 0 });
  let count = 0;
  bar.update(0);
  // unref: the timer must never keep a finished benchmark alive.
  const timer = setInterval(() => bar.refresh(), 1000);
  timer.unref();
  return {
    tick(note = '') {
      count++;
      bar.update(count, note);
    },
    log(line) {
      // Erase the bar on stderr, print on stdout, draw the bar again: a terminal shows both
      // streams in order, and a redirected stdout gets only the line.
      err.write('\r\x1b[K');
      process.stdout.write(`${line}\n`);
      bar.refresh();
    },
    done() {
      clearInterval(timer);
      bar.finish();
    },
  };
}
