/**
 * Go's text/tabwriter, which lays out every kubectl table and every `describe`: a cell is text
 * terminated by a tab; a column block is a run of consecutive lines that have a cell in that
 * column; each block is as wide as its widest cell plus padding (at least minwidth); the text
 * after a line's last tab is not part of any column and is never padded. Blocks nest: column
 * k+1 is laid out separately within each block of column k, exactly as Go's recursive format().
 *
 * Widths count runes (code points), as Go does for UTF-8 text.
 *
 * @see golang/go src/text/tabwriter/tabwriter.go (format, writeLines)
 */

export interface TabwriterOptions {
  readonly minwidth: number;
  readonly padding: number;
}

/** kubectl get: printers.GetNewTabWriter (minwidth 6, tabwidth 4, padding 3, ' '). */
export const TABLE_TABWRITER: TabwriterOptions = { minwidth: 6, padding: 3 };
/** kubectl describe: tabwriter.NewWriter(out, 0, 8, 2, ' ', 0). */
export const DESCRIBE_TABWRITER: TabwriterOptions = { minwidth: 0, padding: 2 };

const runeLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Lays out `text` (lines separated by '\n', cells by '\t'). A final '\n' is kept. */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i]!;
      let s = '';
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j]!;
        s += c;
        if (j < widths.length && j < cells.length - 1) s += ' '.repeat(Math.max(0, widths[j]! - runeLength(c)));
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row]!.length - 1) continue;
      // A block of this column starts here: flush the lines before it.
      writeLines(start, row);
      start = row;
      let width = opts.minwidth;
      for (; row < line1; row++) {
        const cells = lines[row]!;
        if (column >= cells.length - 1) break;
        width = Math.max(width, runeLength(cells[column]!) + opts.padding);
      }
      widths.push(width);
      format(start, row);
      widths.pop();
      start = row;
      row--; // the for loop's increment re-examines the line that ended the block
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
