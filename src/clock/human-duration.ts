/**
 * The ages kubectl prints (`AGE`, `LAST SEEN`, `Events` in describe): apimachinery's HumanDuration
 * and ShortHumanDuration over integer milliseconds. Precision drops as the duration grows: "90s",
 * "3m10s", "70m", "7h59m", "2d1h", "367d", "2y1d", "8y".
 *
 * Upstream converts with Go's truncating int conversions; every step here is the same truncating
 * integer division, so boundaries match upstream's tests to the millisecond. Up to two seconds in
 * the future counts as "0s" (clock skew between machines); further is "<invalid>".
 *
 * @see kubernetes/apimachinery pkg/util/duration/duration.go
 */

import { InternalError } from '../model/errors.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Truncating integer division of safe integers, as Go's `/` on ints (exact, unlike trunc(a/b)). */
const quo = (a: number, b: number): number => (a - (a % b)) / b;

function checkMs(ms: number, fn: string): void {
  if (!Number.isSafeInteger(ms)) {
    throw new InternalError(`${fn}: ${String(ms)} is not an integer number of milliseconds`);
  }
}

/**
 * Succinct, ~2-3 significant figures: seconds below 2m, m+s below 10m, minutes below 3h, h+m below
 * 8h, hours below 2d, d+h below 8d, days below 2y, y+d below 8y, then years (365-day years).
 */
export function humanDuration(ms: number): string {
  checkMs(ms, 'humanDuration');
  const seconds = quo(ms, SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = quo(ms, MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = quo(ms, HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${quo(hours, 24)}d` : `${quo(hours, 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${quo(hours, 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = quo(hours, 24) % 365;
    const years = quo(hours, 24 * 365);
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${quo(hours, 24 * 365)}y`;
}

/** One unit only: seconds below 1m, minutes below 1h, hours below 1d, days below 1y, then years. */
export function shortHumanDuration(ms: number): string {
  checkMs(ms, 'shortHumanDuration');
  const seconds = quo(ms, SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = quo(ms, MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = quo(ms, HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${quo(hours, 24)}d`;
  return `${quo(hours, 24 * 365)}y`;
}
