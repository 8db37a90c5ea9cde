/**
 * kubectl's human-readable table: upper-cased column names, the wide (priority 1) columns only
 * with `-o wide`, NAMESPACE first with `-A`, `kind.group/name` names when several kinds print,
 * `-L` label columns and LABELS (`--show-labels`) last, laid out by the tabwriter (columns
 * padded to the widest cell plus 3 spaces, the last column unpadded).
 *
 * @see kubernetes/cli-runtime pkg/printers/tableprinter.go (printTable, decorateTable, printRows)
 */
import { formatLabels } from './format.js';
import { TABLE_TABWRITER, tabwrite } from './tabwriter.js';

export interface Column {
  /** As upstream defines it: 'Name', 'Up-to-date', 'Port(s)'. */
  readonly name: string;
  /** 0 always shown; 1 only with -o wide. */
  readonly priority: 0 | 1;
}

export type Cell = string | number;

export interface TableRow {
  readonly cells: readonly Cell[];
  readonly namespace?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

export interface TableOptions {
  readonly wide: boolean;
  readonly noHeaders: boolean;
  readonly withNamespace: boolean;
  /** `pod/` or `deployment.apps/`, prefixed to the name column when kinds are shown. */
  readonly kindPrefix?: string | undefined;
  readonly showLabels: boolean;
  readonly labelColumns: readonly string[];
}

/** The name column is the one with Format "name"; for every kubesim kind but Event it is first. */
function nameColumnIndex(columns: readonly Column[]): number {
  const i = columns.findIndex((c) => c.name === 'Name');
  return i;
}

/** Cell text as printRows writes it: cut at the first line break, marked with "...". */
function cellText(c: Cell): string {
  const s = String(c);
  const brk = s.search(/[\f\n\r]/);
  return brk < 0 ? s : `${s.slice(0, brk)}...`;
}

/** Renders one table (one kind) to text ending in '\n'; '' when there are no rows. */
export function renderTable(columns: readonly Column[], rows: readonly TableRow[], opts: TableOptions): string {
  if (rows.length === 0) return '';
  const shown = columns.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || c.priority === 0);
  const nameIdx = nameColumnIndex(columns);
  const lines: string[][] = [];
  if (!opts.noHeaders) {
    const header: string[] = [];
    if (opts.withNamespace) header.push('NAMESPACE');
    for (const { c } of shown) header.push(c.name.toUpperCase());
    for (const l of opts.labelColumns) header.push(l.split('/').pop()!.toUpperCase());
    if (opts.showLabels) header.push('LABELS');
    lines.push(header);
  }
  for (const row of rows) {
    const line: string[] = [];
    if (opts.withNamespace) line.push(row.namespace ?? '');
    for (const { i } of shown) {
      const text = cellText(row.cells[i] ?? '');
      line.push(i === nameIdx && opts.kindPrefix ? `${opts.kindPrefix}${text}` : text);
    }
    for (const l of opts.labelColumns) line.push(row.labels?.[l] ?? '');
    if (opts.showLabels) line.push(formatLabels(row.labels));
    lines.push(line);
  }
  return tabwrite(lines.map((l) => l.join('\t')).join('\n') + '\n', TABLE_TABWRITER);
}
