/**
 * Small formatting helpers the printers and describers share: ages (translateTimestampSince),
 * label maps (labels.FormatLabels), label selectors (metav1.FormatLabelSelector), Go's
 * time.RFC1123Z in UTC, and the "+ N more..." list shortening.
 *
 * @see kubernetes/kubernetes pkg/printers/internalversion/printers.go
 * @see kubernetes/apimachinery pkg/labels/labels.go, pkg/apis/meta/v1/helpers.go
 */
import { humanDuration } from '../clock/human-duration.js';
import { labelSelectorAsSelector } from '../model/labels/label-selector.js';
import { compareGoStrings } from '../model/labels/selector.js';
import { civilFromDays, parseRFC3339 } from '../model/time.js';
import type { LabelSelector } from '../model/types.js';

/** What a printer needs to know about the moment it prints. */
export interface PrintContext {
  /** Wall-clock now, ms since the Unix epoch. */
  readonly nowEpochMs: number;
  readonly wide: boolean;
}

/** Parses a metav1.Time; undefined for absent or unparsable values. */
export function timeMs(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  try {
    return parseRFC3339(ts);
  } catch {
    return undefined;
  }
}

/** translateTimestampSince: "<unknown>" for a zero time, else HumanDuration ("6m30s", "5h10m"). */
export function age(ts: unknown, ctx: PrintContext): string {
  const ms = timeMs(ts);
  if (ms === undefined) return '<unknown>';
  return humanDuration(ctx.nowEpochMs - ms);
}

/** Keys sorted in Go byte order. */
export function sortedKeys(m: Readonly<Record<string, unknown>> | undefined | null): string[] {
  return Object.keys(m ?? {}).sort(compareGoStrings);
}

/** labels.FormatLabels: `a=b,c=d` sorted by key, or `<none>`. */
export function formatLabels(m: Readonly<Record<string, string>> | undefined | null): string {
  const keys = sortedKeys(m);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${m![k]}`).join(',');
}

/** metav1.FormatLabelSelector: the selector's canonical string, or `<none>`. */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  if (!ls) return '<none>';
  try {
    const s = labelSelectorAsSelector(ls).toString();
    return s === '' ? '<none>' : s;
  } catch {
    return '<error>';
  }
}

const WEEKDAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed']; // 1970-01-01 was a Thursday
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** Go's time.RFC1123Z in UTC: `Wed, 01 Jan 2025 00:00:00 +0000`; '' for unparsable input. */
export function rfc1123z(ts: unknown): string {
  const ms = timeMs(ts);
  if (ms === undefined) return '';
  const days = Math.floor(ms / 86_400_000);
  const secOfDay = Math.floor((ms - days * 86_400_000) / 1000);
  const { year, month, day } = civilFromDays(days);
  const wd = WEEKDAYS[((days % 7) + 7) % 7]!;
  const hms = `${p2(Math.floor(secOfDay / 3600))}:${p2(Math.floor(secOfDay / 60) % 60)}:${p2(secOfDay % 60)}`;
  return `${wd}, ${p2(day)} ${MONTHS[month - 1]!} ${String(year).padStart(4, '0')} ${hms} +0000`;
}

/** `a,b,c + 2 more...` (listWithMoreString without the `<unset>` default). */
export function joinWithMore(list: readonly string[], count: number, max: number): string {
  const ret = list.join(',');
  return count > max ? `${ret} + ${count - max} more...` : ret;
}

/** net.JoinHostPort: brackets around IPv6 hosts. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A field of unknown JSON as a string ('' when absent or not a string). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A field of unknown JSON as a number (0 when absent), like a Go int zero value. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
