/**
 * Timestamps as the API serialises them: metav1.Time (RFC 3339, whole seconds, UTC, e.g.
 * `creationTimestamp: "2025-01-01T00:00:00Z"`) and metav1.MicroTime (six fractional digits, used by
 * Events and Leases), over kubesim's virtual time (integer milliseconds since the Unix epoch).
 *
 * No `Date`: src/ must not touch the host clock or time zone, and civil-date arithmetic is small
 * enough to do by hand with Howard Hinnant's days_from_civil / civil_from_days (proleptic
 * Gregorian, exact for any year), so formatting is a pure function of the number.
 *
 * Parsing follows what metav1.Time.UnmarshalJSON does, `time.Parse(time.RFC3339, s)`, including
 * Go's leniencies (fractional seconds although the layout has none, a one-digit hour, `,` as the
 * decimal mark, zone offsets up to ±24:60) and its error messages. Sub-millisecond digits are
 * truncated: virtual time has millisecond resolution.
 *
 * @see kubernetes/apimachinery pkg/apis/meta/v1/time.go, micro_time.go
 * @see golang/go src/time/format.go (parse, getnum, parseNanoseconds, ParseError), format_rfc3339.go
 * @see https://howardhinnant.github.io/date_algorithms.html
 */

import { BadRequestError, InternalError } from './errors.js';

const MS_PER_DAY = 86_400_000;
const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

const utf8 = new TextEncoder();

/**
 * Quotes a string the way Go's time package does in its errors: printable ASCII as-is (with `"`
 * and `\` escaped), everything else as `\x` escapes of its UTF-8 bytes. Go prints "12µs" as
 * "12\xc2\xb5s", which JSON.stringify would not.
 *
 * @see golang/go src/time/format.go quote
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp >= 0x80) {
      for (const b of utf8.encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). Hinnant's days_from_civil. */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Count years from March so the leap day is the last day of the (shifted) year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146_097 + doe - 719_468; // 719468 = days from 0000-03-01 to 1970-01-01
}

/** The inverse of daysFromCivil. Hinnant's civil_from_days. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  ); // [0, 399]
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153); // March = 0
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** ms as a UTC civil date and time to the second, `YYYY-MM-DDThh:mm:ss`, for years 0000..9999 (what RFC 3339 can spell). */
function toCivil(ms: number, fn: string): string {
  if (!Number.isSafeInteger(ms)) {
    throw new InternalError(`${fn}: ${String(ms)} is not an integer number of milliseconds`);
  }
  const days = Math.floor(ms / MS_PER_DAY);
  const msOfDay = ms - days * MS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  if (year < 0 || year > 9999) throw new InternalError(`${fn}: ${ms}ms is outside years 0000..9999`);
  const sOfDay = Math.floor(msOfDay / 1000);
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  const hh = pad(Math.floor(sOfDay / 3600), 2);
  const time = `${hh}:${pad(Math.floor(sOfDay / 60) % 60, 2)}:${pad(sOfDay % 60, 2)}`;
  return `${date}T${time}`;
}

/**
 * metav1.Time as JSON/YAML: UTC, whole seconds (the milliseconds are dropped, not rounded, as Go's
 * Format drops the fraction), e.g. 1735689600123 → "2025-01-01T00:00:00Z".
 */
export function formatRFC3339(ms: number): string {
  return civilStamp(ms, 'formatRFC3339').z;
}

/** metav1.MicroTime: six fractional digits, e.g. 1735689600123 → "2025-01-01T00:00:00.123000Z". */
export function formatRFC3339Micro(ms: number): string {
  const { stamp } = civilStamp(ms, 'formatRFC3339Micro');
  return `${stamp}.${pad(ms - Math.floor(ms / 1000) * 1000, 3)}000Z`;
}

/** One second's stamp without (`stamp`) and with (`z`) its zone designator. */
interface Stamp {
  second: number;
  stamp: string;
  z: string;
}

/**
 * Recent seconds' stamps, by second modulo the table size. RFC 3339 has whole seconds, so every
 * write in the same second stamps the very same string (the stamps of 150,000 objects are a
 * handful of strings instead of 150,000 copies); a few slots rather than one because writes
 * interleave a few seconds — now, a pod's deletion deadline, an Event's first and last time —
 * and a single remembered second kept missing. Only a stamp made successfully is remembered,
 * so a bad value throws every time.
 */
const STAMPS: Stamp[] = Array.from({ length: 16 }, () => ({ second: NaN, stamp: '', z: '' }));

function civilStamp(ms: number, fn: string): Stamp {
  const second = Math.floor(ms / 1000);
  const slot = STAMPS[second & 15]!;
  if (slot.second !== second || !Number.isSafeInteger(ms)) {
    const stamp = toCivil(ms, fn);
    slot.second = second;
    slot.stamp = stamp;
    slot.z = `${stamp}Z`;
  }
  return slot;
}

/** A failed parse, worded as Go's time.ParseError.Error(). */
class ParseFailure {
  constructor(
    readonly valueElem: string,
    readonly layoutElem: string,
    readonly message = '',
  ) {}
}

const isDigitAt = (s: string, i: number): boolean =>
  i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
const digitAt = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * One or two digits at the start of s (two required when fixed), as Go's getnum.
 * Returns [value, rest] or undefined when s does not start that way.
 */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : [digitAt(s, 0), s.slice(1)];
  return [digitAt(s, 0) * 10 + digitAt(s, 1), s.slice(2)];
}

/** Consumes a literal part of the layout (Go's skip), or fails quoting the rest of the value. */
function literal(value: string, lit: string): string {
  if (!value.startsWith(lit)) throw new ParseFailure(value, lit);
  return value.slice(lit.length);
}

/** A two-digit layout field (month, minute, second; hour takes one or two) with its range. */
function field(
  value: string,
  layoutElem: string,
  fixed: boolean,
  max: number,
  name: string,
): [number, string] {
  const r = getnum(value, fixed);
  if (r === undefined) throw new ParseFailure(value, layoutElem);
  const min = name === 'month' ? 1 : 0;
  if (r[0] < min || r[0] > max) throw new ParseFailure(r[1], layoutElem, `: ${name} out of range`);
  return r;
}

/** The "Z07:00" element: `Z`, or ±hh:mm. Returns [offset seconds east of UTC, rest]. */
function zone(value: string): [number, string] {
  if (value[0] === 'Z') return [0, value.slice(1)];
  if (value.length < 6 || value[3] !== ':') throw new ParseFailure(value, 'Z07:00');
  const hh = getnum(value.slice(1, 3), true);
  const mm = getnum(value.slice(4, 6), true);
  const rest = value.slice(6);
  // Go tests > rather than >=: offsets of 24 hours or 60 minutes are written in the wild.
  if (hh !== undefined && hh[0] > 24) {
    throw new ParseFailure(rest, 'Z07:00', ': time zone offset hour out of range');
  }
  if (mm !== undefined && mm[0] > 60) {
    throw new ParseFailure(rest, 'Z07:00', ': time zone offset minute out of range');
  }
  const sign = value[0] === '+' ? 1 : value[0] === '-' ? -1 : 0;
  if (hh === undefined || mm === undefined || sign === 0) throw new ParseFailure(value, 'Z07:00');
  return [sign * (hh[0] * 60 + mm[0]) * 60, rest];
}

/** The digit at `i` of `s` (0-9), or -1 when it is not an ASCII digit. */
function digitCode(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = digitCode(s, i);
  const b = digitCode(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * parseRFC3339Parts for the form formatRFC3339 writes ("2025-01-01T00:00:00Z", whole seconds,
 * UTC), which is nearly every timestamp read back: the value, or -1 for anything else (a
 * fraction, an offset, a field out of range), which the general parser then reads or rejects.
 * Kept beside it because the controllers parse the stamps they wrote on every pass, and the
 * general parser's slicing cost more than the rest of their time arithmetic.
 */
function parseCanonical(s: string): number {
  if (s.length !== 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return -1;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90) return -1;
  const hi = twoDigits(s, 0);
  const lo = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || hour < 0 || hour > 23) return -1;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  const year = hi * 100 + lo;
  if (day < 1 || day > daysIn(month, year)) return -1;
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  // Years before 1970 give negative values, which would read as "not canonical": leave them
  // to the general parser.
  return seconds >= 0 ? seconds * 1000 : -1;
}

function parseRFC3339Parts(s: string): number {
  let v = s;
  // "2006": exactly four digits.
  if (v.length < 4 || ![0, 1, 2, 3].every((i) => isDigitAt(v, i))) throw new ParseFailure(v, '2006');
  const year = Number(v.slice(0, 4));
  v = literal(v.slice(4), '-');
  let month: number;
  [month, v] = field(v, '01', true, 12, 'month');
  v = literal(v, '-');
  // Any two digits for now; Go checks the day against the month once everything is parsed.
  const dayR = getnum(v, true);
  if (dayR === undefined) throw new ParseFailure(v, '02');
  const day = dayR[0];
  v = literal(dayR[1], 'T');
  let hour: number, minute: number, second: number;
  [hour, v] = field(v, '15', false, 23, 'hour');
  v = literal(v, ':');
  [minute, v] = field(v, '04', true, 59, 'minute');
  v = literal(v, ':');
  [second, v] = field(v, '05', true, 59, 'second');
  // A fraction is accepted although the layout has none; digits past the millisecond are dropped.
  let milli = 0;
  if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1)) {
    let n = 1;
    for (; isDigitAt(v, n); n++) if (n <= 3) milli = milli * 10 + digitAt(v, n);
    for (let k = Math.min(n - 1, 3); k < 3; k++) milli *= 10;
    v = v.slice(n);
  }
  let offsetS: number;
  [offsetS, v] = zone(v);
  if (v !== '') throw new ParseFailure(v, '', `: extra text: ${goQuote(v)}`);
  if (day < 1 || day > daysIn(month, year)) throw new ParseFailure(v, '', ': day out of range');
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetS;
  return seconds * 1000 + milli;
}

/**
 * Parses an RFC 3339 timestamp ("2025-01-01T00:00:00Z", "2025-01-01T02:00:00.5+02:00") into
 * milliseconds since the epoch. Bad input throws BadRequestError with Go's message, e.g.
 * `parsing time "2025-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"`.
 */
export function parseRFC3339(s: string): number {
  if (typeof s !== 'string') throw new BadRequestError(`parsing time ${String(s)}: not a string`);
  const fast = parseCanonical(s);
  if (fast >= 0) return fast;
  try {
    return parseRFC3339Parts(s);
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    const what = `parsing time ${goQuote(s)}`;
    const cannot = `cannot parse ${goQuote(e.valueElem)} as ${goQuote(e.layoutElem)}`;
    throw new BadRequestError(
      e.message !== '' ? `${what}${e.message}` : `${what} as ${goQuote(RFC3339_LAYOUT)}: ${cannot}`,
    );
  }
}
