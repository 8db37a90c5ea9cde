/**
 * What a kind's table printer is: upstream's column definitions (name and priority, in order)
 * and a function from one object to all of its cells, wide ones included.
 *
 * @see kubernetes/kubernetes pkg/printers/internalversion/printers.go (AddHandlers)
 */
import type { StoredObject } from '../../model/types.js';
import type { PrintContext } from '../format.js';
import type { Cell, Column } from '../table.js';

export interface Printer {
  readonly columns: readonly Column[];
  row(obj: StoredObject, ctx: PrintContext): Cell[];
}

/** Column list shorthand: names, with a leading '+' marking priority 1 (wide) columns. */
export function cols(...names: string[]): Column[] {
  return names.map((n) => (n.startsWith('+') ? { name: n.slice(1), priority: 1 } : { name: n, priority: 0 }));
}

/** Loosely typed access to an object's JSON, as printers read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** layoutContainerCells: container names and images, comma-joined. */
export function containerCells(containers: Loose): [string, string] {
  const list: Loose[] = Array.isArray(containers) ? containers : [];
  return [list.map((c) => String(c?.name ?? '')).join(','), list.map((c) => String(c?.image ?? '')).join(',')];
}
