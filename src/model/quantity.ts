/**
 * Kubernetes resource quantities ("500m", "1.5Gi", "1e3"): parsing, exact arithmetic and the
 * string form the API server writes back, with apimachinery's `resource.Quantity` behaviour.
 *
 * A Quantity is an exact decimal, `unscaled × 10^scale`, with a bigint `unscaled`. Upstream keeps
 * an int64 and falls back to inf.Dec when it would overflow; a bigint gives the same values
 * without the two code paths. Every Quantity made here is normalised (no factor of ten left in
 * `unscaled`, zero is `0 × 10^0`), so equal values have equal fields.
 *
 * What parsing does, as upstream:
 * - the format comes from the suffix: `n u m "" k M G T P E` → DecimalSI, `Ki … Ei` → BinarySI,
 *   `e<int>` / `E<int>` → DecimalExponent (a bare "E" is exa, not an exponent);
 * - anything finer than a nano is rounded away from zero to the next nano ("0.9n" → "1n"), so a
 *   request for some resource never becomes zero;
 * - a BinarySI value is capped at 2^63-1 ("9Ei" parses as 9223372036854775807); decimal values
 *   are not capped;
 * - a BinarySI value strictly between 0 and 1 becomes DecimalSI ("0.000000000001Ki" → "2n");
 * - the scanner is laxer than its error message's regular expression: "+", ".", "Ki" and "m"
 *   all parse as zero, while "Ei" fails (upstream takes a different internal path for it).
 *
 * toString() is upstream's String(): when the int64 fast path saw an input it judged canonical
 * it keeps the input verbatim, which also keeps "1.500", "+1" and "1E3" as written (upstream
 * issue kubernetes/kubernetes#138165). Otherwise it prints the canonical form: the largest
 * suffix that needs no fractional digits. A BinarySI value is printed in powers of 1024 only if
 * it is whole and at least 1024 in magnitude ("2000" stays "2000", not "2k"); otherwise it is
 * printed as DecimalSI ("1.5" → "1500m"). Two deliberate departures from v1.32, both
 * to avoid printing a different number: DecimalSI beyond "E" falls back to exponent notation
 * ("1000E" → "1e21", as newer upstream does, where v1.32 printed "1"), and BinarySI beyond "Ei"
 * stays in "Ei" ("1024Ei"; upstream prints the bare mantissa).
 *
 * The number accessors (value, milliValue, scaledValue) round away from zero, as upstream's
 * int64 path does ("-1n".milliValue() is -1) and as upstream documents for Value(). Upstream's
 * rarer inf.Dec path rounds negatives differently; kubesim does not copy that. They return
 * JavaScript numbers, so results beyond 2^53 lose precision and beyond ~1e308 become ±Infinity
 * (upstream silently overflows int64 instead); use scaledValueBig for the exact value.
 *
 * @see kubernetes/apimachinery pkg/api/resource/quantity.go, suffix.go, amount.go, math.go
 */

import { BadRequestError, InternalError } from './errors.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

// Upstream's three parse errors (ErrFormatWrong, ErrNumeric, ErrSuffix), word for word.
const ERR_FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const ERR_NUMERIC = 'unable to parse numeric part of quantity';
const ERR_SUFFIX = "unable to parse quantity's suffix";

/** A string that is not a quantity. `input` is the string as given. */
export class QuantityParseError extends BadRequestError {
  readonly input: string;
  constructor(input: string, detail: string) {
    super(`quantity ${JSON.stringify(input)} is invalid: ${detail}`);
    this.input = input;
  }
}

const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;
const DECIMAL_SUFFIXES = new Map<string, number>([
  ['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18],
]);
const DECIMAL_SUFFIX_BY_EXPONENT = new Map<number, string>(
  [...DECIMAL_SUFFIXES].map(([suffix, exponent]) => [exponent, suffix]),
);
/** Index i is the suffix for 1024^i. */
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const BINARY_EXPONENTS = new Map<string, number>(BINARY_SUFFIXES.slice(1).map((s, i) => [s, 10 * (i + 1)]));

// ---------------------------------------------------------------------------------------------
// Exact decimal helpers: a value is (unscaled, scale) = unscaled × 10^scale.

/**
 * Beyond this, 10^n is refused rather than computed: no real quantity needs it, and "1e999999999"
 * plus "1" would otherwise build a billion-digit bigint (upstream would try, and stall).
 */
const MAX_POW10 = 100_000;
const POW10_CACHE: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

function pow10(n: number): bigint {
  const cached = POW10_CACHE[n];
  if (cached !== undefined) return cached;
  if (n > MAX_POW10) {
    throw new BadRequestError(`quantity arithmetic would need 10^${n}; exponents that far apart are not supported`);
  }
  return 10n ** BigInt(n);
}

function abs(u: bigint): bigint {
  return u < 0n ? -u : u;
}

function signOf(u: bigint): -1 | 0 | 1 {
  return u === 0n ? 0 : u < 0n ? -1 : 1;
}

function digitCount(u: bigint): number {
  return abs(u).toString().length;
}

/** Compares a×10^sa with b×10^sb without building huge powers when the magnitudes differ. */
function cmpDecimal(a: bigint, sa: number, b: bigint, sb: number): -1 | 0 | 1 {
  if (sa === sb) return a === b ? 0 : a < b ? -1 : 1;
  const signA = signOf(a);
  const signB = signOf(b);
  if (signA !== signB) return signA < signB ? -1 : 1;
  if (signA === 0) return 0;
  // |x| lies in [10^(order-1), 10^order); different orders decide without aligning scales.
  const orderA = digitCount(a) + sa;
  const orderB = digitCount(b) + sb;
  if (orderA !== orderB) return (orderA > orderB ? signA : -signA) as -1 | 1;
  // Same order: the scale gap is below the digit count, so aligning is cheap.
  const aa = sa > sb ? a * pow10(sa - sb) : a;
  const bb = sb > sa ? b * pow10(sb - sa) : b;
  return aa === bb ? 0 : aa < bb ? -1 : 1;
}

/**
 * Rounds u×10^s to a multiple of 10^scale, away from zero (upstream's AsScale / RoundUp and
 * the int64 ScaledValue path). Returns the unscaled result at `scale` and whether it was exact.
 */
function roundAwayToScale(u: bigint, s: number, scale: number): { unscaled: bigint; exact: boolean } {
  if (s >= scale) return { unscaled: u * pow10(s - scale), exact: true };
  if (u === 0n) return { unscaled: 0n, exact: true };
  const shift = scale - s;
  const sign = u < 0n ? -1n : 1n;
  // Fewer digits than the shift: |u×10^s| < 10^scale, so the result is one unit.
  if (digitCount(u) <= shift) return { unscaled: sign, exact: false };
  const divisor = pow10(shift);
  const magnitude = abs(u);
  const quotient = magnitude / divisor;
  const exact = magnitude % divisor === 0n;
  return { unscaled: sign * (exact ? quotient : quotient + 1n), exact };
}

// ---------------------------------------------------------------------------------------------

let setCachedString: (q: Quantity, s: string) => void;

/**
 * An immutable resource quantity. Make one with parseQuantity, quantityFromMilli,
 * quantityFromValue or quantityFromScaled.
 */
export class Quantity {
  readonly format: QuantityFormat;
  /** The exact value is unscaled × 10^scale; normalised, so equal values have equal fields. */
  readonly unscaled: bigint;
  readonly scale: number;
  /** Upstream's `s`: the parsed input when judged canonical, else the computed canonical form. */
  #s: string | undefined;

  static {
    setCachedString = (q, s) => {
      q.#s = s;
    };
  }

  constructor(unscaled: bigint, scale: number, format: QuantityFormat) {
    if (!Number.isInteger(scale)) throw new InternalError(`quantity scale ${scale} is not an integer`);
    if (unscaled === 0n) {
      scale = 0;
    } else {
      while (unscaled % 10n === 0n) {
        unscaled /= 10n;
        scale++;
      }
    }
    this.unscaled = unscaled;
    this.scale = scale === 0 ? 0 : scale; // never -0, so equal values have equal fields
    this.format = format;
  }

  /** ceil(value × 1000), rounding away from zero: what the scheduler and kubelet count CPU in. */
  milliValue(): number {
    return this.scaledValue(-3);
  }

  /** The value as an integer, rounded away from zero ("100m" → 1, "-1.5" → -2). */
  value(): number {
    return this.scaledValue(0);
  }

  /** The value in units of 10^scale, rounded away from zero: scaledValue(-9) counts nanos. */
  scaledValue(scale: number): number {
    const diff = this.scale - scale;
    // More than ~309 digits is beyond any double; answer without building the bigint.
    if (this.unscaled !== 0n && diff > 0 && digitCount(this.unscaled) + diff > 309) {
      return this.unscaled < 0n ? -Infinity : Infinity;
    }
    return Number(this.scaledValueBig(scale));
  }

  /** scaledValue without the loss of precision of a number. */
  scaledValueBig(scale: number): bigint {
    if (!Number.isInteger(scale)) throw new InternalError(`quantity scale ${scale} is not an integer`);
    return roundAwayToScale(this.unscaled, this.scale, scale).unscaled;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return cmpDecimal(this.unscaled, this.scale, other.unscaled, other.scale);
  }

  sign(): -1 | 0 | 1 {
    return signOf(this.unscaled);
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** Same value, whatever the formats (upstream's Equal compares with Cmp). */
  equal(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /**
   * this + other, in this quantity's format, except that a zero takes the other's format so that
   * 0 + 1Gi prints "1Gi" (upstream Add).
   */
  add(other: Quantity): Quantity {
    return this.combine(other, other.unscaled);
  }

  /** this − other, formatted like add: 0 − 1Gi prints "-1Gi" (upstream Sub). */
  sub(other: Quantity): Quantity {
    return this.combine(other, -other.unscaled);
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.scale, this.format);
  }

  /**
   * The value rounded away from zero to a multiple of 10^scale, and whether that lost nothing
   * (upstream RoundUp). An exact result is this same Quantity.
   */
  roundUp(scale: number): { quantity: Quantity; exact: boolean } {
    if (!Number.isInteger(scale)) throw new InternalError(`quantity scale ${scale} is not an integer`);
    if (this.scale >= scale) return { quantity: this, exact: true };
    const { unscaled, exact } = roundAwayToScale(this.unscaled, this.scale, scale);
    return { quantity: new Quantity(unscaled, scale, this.format), exact };
  }

  toString(): string {
    if (this.#s === undefined) this.#s = canonicalString(this);
    return this.#s;
  }

  /** Quantities serialise as their string, as in Kubernetes JSON. */
  toJSON(): string {
    return this.toString();
  }

  private combine(other: Quantity, otherUnscaled: bigint): Quantity {
    const format = this.unscaled === 0n ? other.format : this.format;
    if (otherUnscaled === 0n) return new Quantity(this.unscaled, this.scale, format);
    if (this.unscaled === 0n) return new Quantity(otherUnscaled, other.scale, format);
    const scale = Math.min(this.scale, other.scale);
    const sum = this.unscaled * pow10(this.scale - scale) + otherUnscaled * pow10(other.scale - scale);
    return new Quantity(sum, scale, format);
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical form (upstream CanonicalizeBytes).

function canonicalString(q: Quantity): string {
  if (q.unscaled === 0n) return '0';
  if (q.format === 'BinarySI') {
    const small =
      cmpDecimal(q.unscaled, q.scale, -1024n, 0) > 0 && cmpDecimal(q.unscaled, q.scale, 1024n, 0) < 0;
    // Below 1024 a binary suffix cannot help; a fraction would be lost by rounding.
    if (!small) {
      const { unscaled, exact } = roundAwayToScale(q.unscaled, q.scale, 0);
      if (exact) return binaryString(unscaled);
    }
    return decimalString(q.unscaled, q.scale, 'DecimalSI');
  }
  return decimalString(q.unscaled, q.scale, q.format);
}

/** mantissa × 10^exponent with the exponent lowered to a multiple of three. */
function decimalString(unscaled: bigint, scale: number, format: 'DecimalSI' | 'DecimalExponent'): string {
  // unscaled carries no factor of ten (normalised), so only the multiple-of-3 step remains.
  const down = ((scale % 3) + 3) % 3;
  const mantissa = unscaled * pow10(down);
  const exponent = scale - down;
  if (format === 'DecimalSI') {
    const suffix = DECIMAL_SUFFIX_BY_EXPONENT.get(exponent);
    if (suffix !== undefined) return `${mantissa}${suffix}`;
    // No SI suffix past E (or below n): exponent notation keeps the value (newer upstream).
  }
  return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
}

function binaryString(integer: bigint): string {
  let mantissa = integer;
  let power = 0;
  while (power < BINARY_SUFFIXES.length - 1 && mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    power++;
  }
  return `${mantissa}${BINARY_SUFFIXES[power] ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing (upstream parseQuantityString + ParseQuantity).

interface Scanned {
  readonly positive: boolean;
  /** Sign and number as written, before the suffix: what upstream hands to inf.Dec. */
  readonly value: string;
  /** Integer digits without leading zeros ("0" when none). */
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSuffixChar(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && 'eEinumkKMGTP'.includes(c);
}

/** Splits sign, digits, fraction and suffix; undefined where upstream says ErrFormatWrong. */
function scan(str: string): Scanned | undefined {
  const end = str.length;
  let pos = 0;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str.charCodeAt(pos) === 48) pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  const numStart = pos;
  while (pos < end && isDigit(str.charCodeAt(pos))) pos++;
  const num = pos > numStart ? str.slice(numStart, pos) : '0';
  if (pos >= end) return { positive, value: str, num, denom: '', suffix: '' };
  let denom = '';
  if (str[pos] === '.') {
    const denomStart = ++pos;
    while (pos < end && isDigit(str.charCodeAt(pos))) pos++;
    denom = str.slice(denomStart, pos);
    if (pos >= end) return { positive, value: str, num, denom, suffix: '' };
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && isSuffixChar(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str.charCodeAt(pos))) pos++;
  if (pos < end) return undefined;
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

interface Suffix {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

function interpretSuffix(suffix: string): Suffix | undefined {
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_EXPONENTS.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    // Upstream parses an int64, then keeps only its low 32 bits (an int32 conversion).
    if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** Parses a quantity string as the API server does; throws QuantityParseError. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new QuantityParseError(str, ERR_FORMAT_WRONG);
  if (str === '0') return withCachedString(new Quantity(0n, 0, 'DecimalSI'), str);
  const scanned = scan(str);
  if (scanned === undefined) throw new QuantityParseError(str, ERR_FORMAT_WRONG);
  const suffix = interpretSuffix(scanned.suffix);
  if (suffix === undefined) throw new QuantityParseError(str, ERR_SUFFIX);
  return parseFast(str, scanned, suffix) ?? parseExact(str, scanned, suffix);
}

/**
 * Upstream's int64 fast path, kept for one observable effect: when it takes the input and judges
 * it canonical, String() returns the input verbatim. Undefined where upstream leaves this path.
 */
function parseFast(str: string, scanned: Scanned, suffix: Suffix): Quantity | undefined {
  const { num, denom } = scanned;
  let scale: number;
  let precision: number;
  let mantissa = 1n;
  if (suffix.format === 'BinarySI') {
    if (denom.length > 0) return undefined;
    scale = 0;
    mantissa = 1n << BigInt(suffix.exponent);
    // Roughly the decimal digits 2^exponent uses up (1Mi ≈ 6 digits), as upstream estimates.
    precision = 15 - num.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
  } else {
    scale = suffix.exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision < 0) return undefined;
  scale -= denom.length;
  if (scale < NANO) return undefined;
  const shifted = num + denom;
  const magnitude = BigInt(shifted);
  const product = magnitude * mantissa;
  if (product > MAX_INT64) return undefined;
  const q = new Quantity(scanned.positive ? product : -product, scale, suffix.format);
  const keepInput =
    suffix.format === 'BinarySI'
      ? suffix.exponent % 10 === 0 && (magnitude & 7n) !== 0n
      : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  return keepInput ? withCachedString(q, str) : q;
}

/** Upstream's inf.Dec path: exact value, rounded up to nano, BinarySI capped at 2^63-1. */
function parseExact(str: string, scanned: Scanned, suffix: Suffix): Quantity {
  // inf.Dec needs at least one digit in the number as written ("Ei" has none).
  if (!/[0-9]/.test(scanned.value)) throw new QuantityParseError(str, ERR_NUMERIC);
  let unscaled = BigInt(scanned.num + scanned.denom);
  let scale = -scanned.denom.length;
  if (suffix.base === 10) scale += suffix.exponent;
  else unscaled <<= BigInt(suffix.exponent);
  if (scale < NANO) {
    // Ask for some resource, get some: round the magnitude up to the next nano.
    unscaled = roundAwayToScale(unscaled, scale, NANO).unscaled;
    scale = NANO;
  }
  let format = suffix.format;
  if (format === 'BinarySI' && cmpDecimal(unscaled, scale, MAX_INT64, 0) > 0) {
    unscaled = MAX_INT64;
    scale = 0;
  }
  if (format === 'BinarySI' && unscaled > 0n && cmpDecimal(unscaled, scale, 1n, 0) < 0) {
    format = 'DecimalSI';
  }
  return new Quantity(scanned.positive ? unscaled : -unscaled, scale, format);
}

function withCachedString(q: Quantity, s: string): Quantity {
  setCachedString(q, s);
  return q;
}

// ---------------------------------------------------------------------------------------------
// Constructors (upstream NewQuantity, NewMilliQuantity, NewScaledQuantity / NewDecimalQuantity).

function toBigInt(n: number | bigint, what: string): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isInteger(n)) throw new InternalError(`${what}: ${n} is not an integer`);
  return BigInt(n);
}

/** value / 1000, e.g. quantityFromMilli(1500) prints "1500m" (NewMilliQuantity). */
export function quantityFromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return new Quantity(toBigInt(milli, 'quantityFromMilli'), -3, format);
}

/** An integer quantity, e.g. quantityFromValue(2048, 'BinarySI') prints "2Ki" (NewQuantity). */
export function quantityFromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return new Quantity(toBigInt(value, 'quantityFromValue'), 0, format);
}

/** unscaled × 10^scale, e.g. quantityFromScaled(5, -9) prints "5n" (NewScaledQuantity). */
export function quantityFromScaled(
  unscaled: number | bigint,
  scale: number,
  format: QuantityFormat = 'DecimalSI',
): Quantity {
  return new Quantity(toBigInt(unscaled, 'quantityFromScaled'), scale, format);
}
