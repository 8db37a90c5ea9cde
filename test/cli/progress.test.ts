import { describe, expect, it } from 'vitest';
import { formatClock, formatProgress, ProgressBar } from '../../src/cli/progress.js';

describe('formatClock', () => {
  it.each`
    ms             | text
    ${0}           | ${'0:00'}
    ${499}         | ${'0:00'}
    ${500}         | ${'0:01'}
    ${65_000}      | ${'1:05'}
    ${3_599_000}   | ${'59:59'}
    ${3_725_000}   | ${'1:02:05'}
    ${-5}          | ${'0:00'}
  `('$ms ms → $text', ({ ms, text }: { ms: number; text: string }) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe('formatProgress', () => {
  it.each`
    done   | total  | elapsedMs | line                                                              | why
    ${0}   | ${200} | ${0}      | ${'[........................] 0/200 seeds 0%  elapsed 0:00  ETA --'}    | ${'no item done: no rate yet'}
    ${30}  | ${200} | ${12_000} | ${'[###.....................] 30/200 seeds 15%  elapsed 0:12  ETA 1:08'} | ${'0.4 s each × 170 left = 68 s'}
    ${100} | ${200} | ${60_000} | ${'[############............] 100/200 seeds 50%  elapsed 1:00  ETA 1:00'} | ${'half done in a minute'}
    ${200} | ${200} | ${90_000} | ${'[########################] 200/200 seeds 100%  elapsed 1:30  ETA 0:00'} | ${'finished'}
  `('$why', ({ done, total, elapsedMs, line }: { done: number; total: number; elapsedMs: number; line: string }) => {
    expect(formatProgress(done, total, elapsedMs, 'seeds')).toBe(line);
  });

  it('appends a note', () => {
    expect(formatProgress(1, 2, 1000, 'runs', '1 failed')).toMatch(/ETA 0:01 {2}1 failed$/);
  });

  it('shows no elapsed time or ETA without a clock (the CLI has none: src/ reads no wall clock)', () => {
    expect(formatProgress(3, 10, undefined, 'seeds')).toBe('[#######.................] 3/10 seeds 30%');
    expect(formatProgress(3, 10, undefined, 'seeds', '1 failed')).toBe('[#######.................] 3/10 seeds 30%  1 failed');
  });
});

function fakeTerminal(columns?: number) {
  let t = 0;
  const out: string[] = [];
  const bar = new ProgressBar({ total: 10, label: 'seeds', write: (s) => out.push(s), now: () => t, ...(columns !== undefined ? { columns } : {}) });
  return { bar, out, at: (ms: number) => (t = ms) };
}

describe('ProgressBar', () => {
  it('redraws one line in place, at most every 100 ms, and always draws the last item', () => {
    const { bar, out, at } = fakeTerminal();
    at(0);
    bar.update(1);
    at(50);
    bar.update(2); // too soon after the last draw: skipped
    at(150);
    bar.update(3, '1 failed');
    at(160);
    bar.update(10); // the end is always shown
    expect(out).toHaveLength(3);
    for (const s of out) {
      expect(s.startsWith('\r\x1b[K')).toBe(true); // back to the line start, erase, redraw
      expect(s).not.toContain('\n');
    }
    expect(out[1]).toContain('3/10 seeds 30%  elapsed 0:00  ETA 0:00  1 failed');
    expect(out[2]).toContain('10/10 seeds 100%');
  });

  it('finish erases the bar once, and a line logged above it keeps the bar below', () => {
    const { bar, out } = fakeTerminal();
    bar.update(4);
    bar.log('seed 3 failed');
    expect(out.slice(1)).toEqual(['\r\x1b[Kseed 3 failed\n', expect.stringContaining('4/10 seeds')]);
    bar.finish();
    bar.finish();
    bar.refresh();
    expect(out.slice(3)).toEqual(['\r\x1b[K']);
  });

  it('cuts the line to the terminal width so it never wraps', () => {
    const { bar, out } = fakeTerminal(40);
    bar.update(5);
    expect(out[0]!.length).toBe('\r\x1b[K'.length + 39);
  });
});
