/**
 * The event timeline of one run: every Kubernetes Event as it was recorded (a repeat that the
 * recorder aggregates into `count` shows again at its own virtual time), printed like
 * `kubectl get events` with a virtual-time column instead of LAST SEEN.
 */
import type { Cluster, StoredObject } from '../index.js';
import { formatMs } from './define-invariant.js';

export interface TimelineEntry {
  readonly tMs: number;
  readonly type: string;
  readonly reason: string;
  readonly object: string;
  readonly message: string;
}

/** Starts recording `cluster`'s Events; returns the growing list and a function to stop. */
export function recordTimeline(cluster: Cluster): { entries: TimelineEntry[]; stop: () => void } {
  const entries: TimelineEntry[] = [];
  const listener = (e: StoredObject) => {
    const ev = e as StoredObject & { type?: string; reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } };
    entries.push({
      tMs: cluster.now,
      type: ev.type ?? '',
      reason: ev.reason ?? '',
      object: `${(ev.involvedObject?.kind ?? '').toLowerCase()}/${ev.involvedObject?.name ?? ''}`,
      message: ev.message ?? '',
    });
  };
  cluster.on('event', listener);
  return { entries, stop: () => void cluster.off('event', listener) };
}

/** Aligned columns: TIME TYPE REASON OBJECT MESSAGE; only the last `limit` entries. */
export function formatTimeline(entries: readonly TimelineEntry[], limit = 80): string {
  const shown = entries.slice(Math.max(0, entries.length - limit));
  const rows = [['TIME', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...shown.map((e) => [formatMs(e.tMs), e.type, e.reason, e.object, e.message])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]! + 3) : cell)).join('').trimEnd());
  if (shown.length < entries.length) lines.splice(1, 0, `... ${entries.length - shown.length} earlier events`);
  return lines.join('\n');
}
