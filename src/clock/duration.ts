/**
 * Durations: Go's `time.ParseDuration` and `Duration.String()` over kubesim's integer-millisecond
 * virtual time. Owns the parsing rules every user-facing duration goes through (`advance('5m')`,
 * timing overrides, `--timeout`), so that what a Kubernetes user writes in Go syntax means the
 * same thing here.
 *
 * Parsing is done in exact nanoseconds (bigint), with Go's int64 overflow checks and Go's float64
 * handling of fractions, and only then reduced to milliseconds: a string Go accepts but that is not
 * a whole number of milliseconds ("1ns", "1.5ms") is rejected rather than silently rounded, since a
 * rounded timer would fire at a time the user did not ask for.
 *
 * @see golang/go src/time/format.go (ParseDuration, leadingInt, leadingFraction, quote)
 * @see golang/go src/time/time.go (Duration.String, fmtFrac)
 */

import { BadRequestError, InternalError } from '../model/errors.js';
import { goQuote } from '../model/time.js';

/** A number is milliseconds; a string is a Go duration such as "300ms", "1.5s" or "1h30m". */
export type Duration = number | string;

const NS_PER_MS = 1_000_000n;
const INT64_MAX = (1n << 63n) - 1n;
const UINT63 = 1n << 63n; // |int64 min|: the largest magnitude a negative duration may have

/** Go's unitMap, in nanoseconds. Both micro signs (U+00B5, U+03BC) are accepted, as upstream. */
const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

function invalid(orig: string): BadRequestError {
  return new BadRequestError(`time: invalid duration ${goQuote(orig)}`);
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Parses Go duration syntax `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` into nanoseconds, exactly as Go's
 * ParseDuration does (same accepted inputs, same overflow limits, same error messages).
 */
function parseGoDurationNs(orig: string): bigint {
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n; // the only unit-less value Go accepts
  if (s === '') throw invalid(orig);
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === '.' || isDigit(s[i]))) throw invalid(orig);
    // Integer part; Go rejects it as soon as it exceeds 2^63.
    const intStart = i;
    let v = 0n;
    for (; isDigit(s[i]); i++) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > UINT63) throw invalid(orig);
    }
    const pre = i > intStart;
    // Fraction part; digits past int64 precision are consumed but ignored (golang/go#15011).
    let f = 0n;
    let scale = 1; // float64, as upstream: value = v + f/scale
    let post = false;
    if (s[i] === '.') {
      i++;
      const fracStart = i;
      let overflow = false;
      for (; isDigit(s[i]); i++) {
        if (overflow) continue;
        const y = f * 10n + BigInt(s.charCodeAt(i) - 48);
        if (f > INT64_MAX / 10n || y > UINT63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i > fracStart;
    }
    if (!pre && !post) throw invalid(orig); // ".s", "-.s"
    const unitStart = i;
    while (i < s.length && !(s[i] === '.' || isDigit(s[i]))) i++;
    if (i === unitStart) throw new BadRequestError(`time: missing unit in duration ${goQuote(orig)}`);
    const u = s.slice(unitStart, i);
    const unit = UNIT_NS.get(u);
    if (unit === undefined) {
      throw new BadRequestError(`time: unknown unit ${goQuote(u)} in duration ${goQuote(orig)}`);
    }
    if (v > UINT63 / unit) throw invalid(orig);
    v *= unit;
    if (f > 0n) {
      // Go computes the fraction in float64 and truncates; Number(bigint) rounds to nearest even
      // like Go's float64(uint64), so the result matches upstream to the nanosecond.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > UINT63) throw invalid(orig);
    }
    total += v;
    if (total > UINT63) throw invalid(orig);
  }
  if (neg) return -total;
  if (total > INT64_MAX) throw invalid(orig);
  return total;
}

/**
 * Converts a Duration to integer milliseconds. Numbers must be safe integers (ms); strings use Go
 * syntax and must come to a whole number of milliseconds. Bad input throws BadRequestError.
 *
 * Examples: "300ms" → 300, "1.5s" → 1500, "2m30s" → 150000, "-1m" → -60000, "0" → 0, 250 → 250.
 */
export function parseDuration(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isSafeInteger(d)) {
      throw new BadRequestError(`invalid duration ${String(d)}: must be an integer number of milliseconds`);
    }
    return d === 0 ? 0 : d; // normalise -0
  }
  if (typeof d !== 'string') {
    throw new BadRequestError(
      `invalid duration ${String(d)}: must be a number of milliseconds or a Go duration string such as "30s"`,
    );
  }
  const ns = parseGoDurationNs(d);
  if (ns % NS_PER_MS !== 0n) {
    throw new BadRequestError(
      `time: invalid duration ${goQuote(d)}: virtual time has millisecond resolution`,
    );
  }
  const ms = Number(ns / NS_PER_MS); // |ms| ≤ 2^63/1e6 ≈ 9.2e12, well inside 2^53
  return ms === 0 ? 0 : ms;
}

/**
 * Formats milliseconds as Go's Duration.String() would print the same duration: "0s", "300ms",
 * "1.5s", "2m30s", "1h30m0s", "-4m5.001s". Under a second the unit is ms; from a second on it is
 * h/m/s with the fractional seconds' trailing zeros dropped, and hours are the largest unit
 * (days vary in length).
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms)) {
    throw new InternalError(`formatDuration: ${String(ms)} is not an integer number of milliseconds`);
  }
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const u = Math.abs(ms);
  if (u < 1000) return `${sign}${u}ms`;
  const fracMs = u % 1000;
  const frac = fracMs === 0 ? '' : `.${String(fracMs).padStart(3, '0').replace(/0+$/, '')}`;
  const totalS = (u - fracMs) / 1000;
  const sec = totalS % 60;
  const totalM = (totalS - sec) / 60;
  if (totalM === 0) return `${sign}${sec}${frac}s`;
  const min = totalM % 60;
  const hours = (totalM - min) / 60;
  return hours === 0 ? `${sign}${min}m${sec}${frac}s` : `${sign}${hours}h${min}m${sec}${frac}s`;
}
