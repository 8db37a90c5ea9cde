/**
 * IntOrString: fields such as maxSurge, maxUnavailable, minAvailable and targetPort hold either
 * an integer or a string. In JSON that is simply a number or a string, so kubesim keeps the raw
 * JSON value. This module owns scaling a percentage against a total (how many pods "25%" of 10
 * replicas is) and the apps-group validation of such values.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go
 * @see kubernetes/kubernetes pkg/apis/apps/validation/validation.go (ValidatePositiveIntOrPercent,
 *      IsNotMoreThan100Percent)
 */
import { BadRequestError, fieldError, type FieldError } from './errors.js';
import { regexError } from './validation/names.js';

export type IntOrString = number | string;

const PERCENT_FMT = '[0-9]+%';
const PERCENT_RE = new RegExp(`^${PERCENT_FMT}$`);
const PERCENT_ERR = "a valid percent string must be a numeric string followed by an ending '%'";
const IS_NEGATIVE = 'must be greater than or equal to 0';

/** apimachinery validation.IsValidPercent: `[0-9]+%` only (no sign, no spaces). */
export function isValidPercent(s: string): string[] {
  return PERCENT_RE.test(s) ? [] : [regexError(PERCENT_ERR, PERCENT_FMT, '1%', '93%')];
}

/** True for a well-formed percentage string such as "25%". */
export function isPercent(v: unknown): v is string {
  return typeof v === 'string' && PERCENT_RE.test(v);
}

/**
 * Go's strconv.Atoi for values that fit a safe integer: optional sign then decimal digits.
 * Returns undefined where Atoi would fail.
 */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * GetScaledValueFromIntOrPercent: an integer is returned as is; "N%" is N×total/100, rounded up
 * or down. Example: "90%" of 95 is 85.5 → 86 rounding up, 85 rounding down. Strings without a
 * trailing '%' are rejected (the "safe" parser upstream uses since the unsafe one was deprecated).
 */
export function getScaledValueFromIntOrPercent(
  v: IntOrString | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (v === undefined || v === null) throw new BadRequestError('nil value for IntOrString');
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new BadRequestError(`invalid value for IntOrString: invalid value ${v}: not an integer`);
    }
    return v;
  }
  if (typeof v !== 'string') {
    throw new BadRequestError('invalid value for IntOrString: invalid type: neither int nor percentage');
  }
  if (!v.endsWith('%')) {
    throw new BadRequestError('invalid value for IntOrString: invalid type: string is not a percentage');
  }
  const digits = v.slice(0, -1);
  const value = atoi(digits);
  if (value === undefined) {
    throw new BadRequestError(
      `invalid value for IntOrString: invalid value ${JSON.stringify(v)}: strconv.Atoi: parsing ${JSON.stringify(digits)}: invalid syntax`,
    );
  }
  const scaled = value * total;
  // Go computes math.Ceil/Floor(float64(value) * float64(total) / 100); an integer product
  // divided by 100 rounds the same way for every total kubesim sees.
  return roundUp ? Math.ceil(scaled / 100) : Math.floor(scaled / 100);
}

/**
 * The value apps validation compares against 0: the percentage number for a valid percent, else
 * what Go's IntOrString.IntValue() gives (Atoi of a string, 0 when that fails).
 */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : 0;
  if (typeof v === 'string') {
    if (isPercent(v)) return Number(v.slice(0, -1));
    return atoi(v) ?? 0;
  }
  return 0;
}

/**
 * ValidatePositiveIntOrPercent: a string must be a valid percent, an integer must be >= 0.
 * Anything else (a float, a boolean, an object from YAML) gets upstream's fallback message,
 * including its literal '%%' (upstream never formats that string).
 */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => fieldError.invalid(path, v, msg));
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    return v < 0 ? [fieldError.invalid(path, v, IS_NEGATIVE)] : [];
  }
  return [fieldError.invalid(path, v, "must be an integer or percentage (e.g '5%%')")];
}

/** IsNotMoreThan100Percent: only well-formed percentages are checked; "101%" is rejected. */
export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (!isPercent(v)) return [];
  return Number(v.slice(0, -1)) <= 100 ? [] : [fieldError.invalid(path, v, 'must not be greater than 100%')];
}
