/**
 * Label selectors: the string syntax (`a=b,c in (d,e),!f,g>3`), requirement validation, and a
 * matcher compiled once so that `matches` can run in scheduler and controller hot loops without
 * allocating.
 *
 * Behaviour follows apimachinery's `labels` package: requirements are kept sorted by key
 * (stable, Go byte order), `toString()` is the canonical form upstream prints, parse errors
 * carry upstream's wording (including its `<nil>` path for a bad key in a parsed string).
 * Unlike upstream, a requirement's `values` are stored sorted (a copy; duplicates kept), which
 * changes nothing observable: matching ignores order and upstream sorts them when printing.
 *
 * @see kubernetes/apimachinery pkg/labels/selector.go, pkg/selection/operator.go
 */
import { BadRequestError, fieldError, formatFieldError, type FieldError } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

/** Upstream `selection.Operator` values. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Sorted (Go byte order); duplicates are kept as given. */
  readonly values: readonly string[];
}

export interface Selector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True when the selector does not restrict anything (`everything()`). */
  empty(): boolean;
  /** Canonical form: requirements sorted by key, values sorted, e.g. `a=b,c in (d,e),!f`. */
  toString(): string;
  requirements(): readonly Requirement[];
}

/** A selector string or requirement that upstream would reject (HTTP 400). */
export class SelectorParseError extends BadRequestError {
  /** The selector string being parsed, when there was one. */
  readonly selector: string | undefined;
  /** Upstream's own error text, without our prefix. */
  readonly detail: string;
  /** Field-level causes, when the problem was a key, operator or value. */
  readonly causes: readonly FieldError[];
  constructor(message: string, opts: { selector?: string; detail?: string; causes?: readonly FieldError[] } = {}) {
    super(message);
    this.selector = opts.selector;
    this.detail = opts.detail ?? message;
    this.causes = opts.causes ?? [];
  }
}

// Upstream order: binary operators, then unary ones (used in "supported values" messages).
const BINARY_OPERATORS: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS: readonly Operator[] = [...BINARY_OPERATORS, 'exists', '!'];

// ---------------------------------------------------------------------------------------------
// Ordering and integers, as Go does them.

/**
 * Go orders strings by UTF-8 bytes, JS by UTF-16 code units. The two disagree only between a
 * surrogate (code point >= U+10000) and U+E000..U+FFFF, so rank surrogates above that range.
 */
function utf8Rank(c: number): number {
  if (c < 0xd800) return c;
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** `a < b` as Go's string comparison (and so `sort.Strings`) decides it. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

function isSortedGo(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++) if (compareGoStrings(values[i - 1]!, values[i]!) > 0) return false;
  return true;
}

const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/**
 * Where the significant digits of `s` start if Go's `strconv.ParseInt(s, 10, 64)` accepts it
 * (optional sign, decimal digits, within int64), else -1. Scans in place so that `gt`/`lt`
 * matching stays exact beyond 2^53 without allocating.
 */
function int64Start(s: string): number {
  const n = s.length;
  let i = 0;
  const c0 = n > 0 ? s.charCodeAt(0) : 0;
  if (c0 === 43 /* + */ || c0 === 45 /* - */) i = 1;
  if (i >= n) return -1;
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return -1;
  }
  while (i < n - 1 && s.charCodeAt(i) === 48) i++;
  const len = n - i;
  if (len < 19) return i;
  if (len > 19) return -1;
  return compareDigits(s, i, c0 === 45 ? INT64_MIN_DIGITS : INT64_MAX_DIGITS) > 0 ? -1 : i;
}

/** Compares the digits `s[start..]` with `digits`, both without leading zeros. */
function compareDigits(s: string, start: number, digits: string): number {
  const len = s.length - start;
  if (len !== digits.length) return len - digits.length;
  for (let k = 0; k < len; k++) {
    const d = s.charCodeAt(start + k) - digits.charCodeAt(k);
    if (d !== 0) return d;
  }
  return 0;
}

function isNegative(s: string, start: number): boolean {
  return s.charCodeAt(0) === 45 && !(start === s.length - 1 && s.charCodeAt(start) === 48);
}

/** Sign of (int64(s) - ref), or NaN when `s` is not an int64 (upstream: no match). */
function compareInt64(s: string, refNegative: boolean, refDigits: string): number {
  const start = int64Start(s);
  if (start < 0) return NaN;
  const neg = isNegative(s, start);
  if (neg !== refNegative) return neg ? -1 : 1;
  const m = compareDigits(s, start, refDigits);
  return neg ? -m : m;
}

// ---------------------------------------------------------------------------------------------
// Requirements

function joinPath(key: string, index: number): string {
  return `values[${index}][${key}]`;
}

/** labels.NewRequirement's checks, with its field paths (no parent path). */
function requirementErrors(key: string, op: Operator, vals: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length > 0) errs.push(fieldError.invalid('key', key, keyMsgs.join('; ')));
  switch (op) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(fieldError.invalid('values', [...vals], "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(fieldError.invalid('values', [...vals], 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(fieldError.invalid('values', [...vals], 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(fieldError.invalid('values', [...vals], "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (int64Start(v) < 0) errs.push(fieldError.invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(fieldError.notSupported('operator', op, VALID_OPERATORS));
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(fieldError.invalid(joinPath(key, i), v, msgs.join('; ')));
  });
  return errs;
}

/** utilerrors.Aggregate's Error(): one message bare, several deduplicated inside `[...]`. */
function aggregateMessage(errs: readonly FieldError[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const e of errs) {
    const m = formatFieldError(e);
    if (!seen.has(m)) {
      seen.add(m);
      parts.push(m);
    }
  }
  return parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
}

function frozenRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const sorted = isSortedGo(values) ? [...values] : [...values].sort(compareGoStrings);
  return Object.freeze({ key, operator, values: Object.freeze(sorted) });
}

/**
 * Builds a validated requirement (labels.NewRequirement). Throws SelectorParseError listing
 * every problem, e.g. `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`.
 */
export function newRequirement(key: string, op: Operator, values: readonly string[]): Requirement {
  const errs = requirementErrors(key, op, values);
  if (errs.length > 0) throw new SelectorParseError(aggregateMessage(errs), { causes: errs });
  return frozenRequirement(key, op, values);
}

function requirementString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const vals = (isSortedGo(r.values) ? r.values : [...r.values].sort(compareGoStrings)).join(',');
  switch (r.operator) {
    case 'in':
      return `${r.key} in (${vals})`;
    case 'notin':
      return `${r.key} notin (${vals})`;
    case '=':
    case '==':
    case '!=':
      return `${r.key}${r.operator}${vals}`;
    case 'gt':
      return `${r.key}>${vals}`;
    case 'lt':
      return `${r.key}<${vals}`;
    default:
      return `${r.key}${vals}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled matcher

const OP_IN = 0;
const OP_NOT_IN = 1;
const OP_EXISTS = 2;
const OP_DOES_NOT_EXIST = 3;
const OP_GT = 4;
const OP_LT = 5;
const OP_NEVER = 6; // unknown operator or unusable gt/lt value: upstream's Matches returns false

/** Past this many values a Set lookup beats the linear scan upstream uses. */
const SET_THRESHOLD = 8;

/** One requirement flattened for matching; all fields monomorphic, nothing computed per call. */
class CompiledRequirement {
  readonly key: string;
  readonly code: number;
  readonly values: readonly string[];
  readonly valueSet: ReadonlySet<string> | null;
  readonly refNegative: boolean;
  readonly refDigits: string;
  constructor(r: Requirement) {
    this.key = r.key;
    this.values = r.values;
    this.valueSet = r.values.length > SET_THRESHOLD ? new Set(r.values) : null;
    this.refNegative = false;
    this.refDigits = '';
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        this.code = OP_IN;
        break;
      case 'notin':
      case '!=':
        this.code = OP_NOT_IN;
        break;
      case 'exists':
        this.code = OP_EXISTS;
        break;
      case '!':
        this.code = OP_DOES_NOT_EXIST;
        break;
      case 'gt':
      case 'lt': {
        const v = r.values.length === 1 ? r.values[0]! : '';
        const start = r.values.length === 1 ? int64Start(v) : -1;
        if (start < 0) {
          this.code = OP_NEVER;
        } else {
          this.code = r.operator === 'gt' ? OP_GT : OP_LT;
          this.refNegative = isNegative(v, start);
          this.refDigits = v.slice(start);
        }
        break;
      }
      default:
        this.code = OP_NEVER;
    }
  }

  hasValue(v: string): boolean {
    if (this.valueSet !== null) return this.valueSet.has(v);
    const vals = this.values;
    for (let i = 0; i < vals.length; i++) if (vals[i] === v) return true;
    return false;
  }

  /** `v` is the label's value, undefined when the key is absent. */
  matches(v: string | undefined): boolean {
    switch (this.code) {
      case OP_IN:
        return v !== undefined && this.hasValue(v);
      case OP_NOT_IN:
        return v === undefined || !this.hasValue(v);
      case OP_EXISTS:
        return v !== undefined;
      case OP_DOES_NOT_EXIST:
        return v === undefined;
      case OP_GT:
        return v !== undefined && compareInt64(v, this.refNegative, this.refDigits) > 0;
      case OP_LT:
        return v !== undefined && compareInt64(v, this.refNegative, this.refDigits) < 0;
      default:
        return false;
    }
  }
}

/**
 * The value of `key`, or undefined when absent. `typeof` rather than `in`/`hasOwn` because it is
 * cheaper and still ignores inherited members: a label named `constructor` or `toString` must
 * not be found on Object.prototype.
 */
function labelValue(labels: Readonly<Record<string, string>>, key: string): string | undefined {
  const v: unknown = labels[key];
  return typeof v === 'string' ? v : undefined;
}

/** upstream internalSelector: an AND of requirements sorted by key. */
class RequirementsSelector implements Selector {
  private readonly reqs: readonly Requirement[];
  private readonly compiled: readonly CompiledRequirement[];
  private text: string | undefined;

  constructor(reqs: readonly Requirement[]) {
    this.reqs = Object.freeze(reqs);
    this.compiled = reqs.map((r) => new CompiledRequirement(r));
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    const cs = this.compiled;
    if (labels == null) {
      for (let i = 0; i < cs.length; i++) if (!cs[i]!.matches(undefined)) return false;
      return true;
    }
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (!c.matches(labelValue(labels, c.key))) return false;
    }
    return true;
  }

  empty(): boolean {
    return this.reqs.length === 0;
  }

  toString(): string {
    if (this.text === undefined) this.text = this.reqs.map(requirementString).join(',');
    return this.text;
  }

  requirements(): readonly Requirement[] {
    return this.reqs;
  }
}

const EVERYTHING: Selector = new RequirementsSelector([]);

/**
 * upstream nothingSelector: matches no labels, is not empty, prints as "". Its requirements()
 * is [] (upstream also says "not selectable", which this interface cannot express).
 */
const NOTHING: Selector = Object.freeze({
  matches: () => false,
  empty: () => false,
  toString: () => '',
  requirements: (): readonly Requirement[] => EVERYTHING.requirements(),
});

/** Matches every label set, including none. A shared singleton. */
export function everything(): Selector {
  return EVERYTHING;
}

/** Matches nothing. A shared singleton. */
export function nothing(): Selector {
  return NOTHING;
}

/**
 * A selector ANDing `reqs`, sorted by key (stable, as upstream's insertion sort is for the
 * small lists selectors have). Like upstream's Add, it does not validate: build requirements
 * with newRequirement.
 */
export function selectorFromRequirements(reqs: readonly Requirement[]): Selector {
  if (reqs.length === 0) return EVERYTHING;
  const normal = reqs.map((r) =>
    Object.isFrozen(r) && Object.isFrozen(r.values) && isSortedGo(r.values) ? r : frozenRequirement(r.key, r.operator, r.values),
  );
  normal.sort((a, b) => compareGoStrings(a.key, b.key));
  return new RequirementsSelector(normal);
}

/**
 * `key=value` for every entry (SelectorFromSet / SelectorFromValidatedSet): no validation, an
 * empty set selects everything.
 */
export function selectorFromSet(labels: Readonly<Record<string, string>>): Selector {
  if (labels == null) return EVERYTHING;
  const keys = Object.keys(labels).sort(compareGoStrings);
  if (keys.length === 0) return EVERYTHING;
  return new RequirementsSelector(keys.map((k) => frozenRequirement(k, '=', [labels[k]!])));
}

// ---------------------------------------------------------------------------------------------
// Lexer and parser (upstream's recursive descent, same tokens, same error texts)

export type Token =
  | 'Error'
  | 'EndOfString'
  | 'ClosedPar'
  | 'Comma'
  | 'DoesNotExist'
  | 'DoubleEquals'
  | 'Equals'
  | 'GreaterThan'
  | 'Identifier'
  | 'In'
  | 'LessThan'
  | 'NotEquals'
  | 'NotIn'
  | 'OpenPar';

export interface ScannedItem {
  readonly token: Token;
  readonly literal: string;
}

// A Map, not an object literal: an identifier such as "constructor" must not find a token.
const STRING_TO_TOKEN: ReadonlyMap<string, Token> = new Map<string, Token>([
  [')', 'ClosedPar'],
  [',', 'Comma'],
  ['!', 'DoesNotExist'],
  ['==', 'DoubleEquals'],
  ['=', 'Equals'],
  ['>', 'GreaterThan'],
  ['in', 'In'],
  ['<', 'LessThan'],
  ['!=', 'NotEquals'],
  ['notin', 'NotIn'],
  ['(', 'OpenPar'],
]);

function isWhitespace(ch: number): boolean {
  return ch === 32 || ch === 9 || ch === 13 || ch === 10;
}

function isSpecialSymbol(ch: number): boolean {
  // = ! ( ) , > <
  return ch === 61 || ch === 33 || ch === 40 || ch === 41 || ch === 44 || ch === 62 || ch === 60;
}

/** Upstream reads bytes and treats 0 as end of input; a NUL in the string therefore ends a token too. */
class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): number {
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos++) : 0;
  }

  private scanIdOrKeyword(): ScannedItem {
    const start = this.pos;
    let end = start;
    for (;;) {
      const ch = this.read();
      if (ch === 0) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.pos--;
        break;
      }
      end = this.pos;
    }
    const lit = this.s.slice(start, end);
    return { token: STRING_TO_TOKEN.get(lit) ?? 'Identifier', literal: lit };
  }

  /** Longest operator starting here: `!=` over `!`, `==` over `=`. */
  private scanSpecialSymbol(): ScannedItem {
    let buffer = '';
    let last: ScannedItem | null = null;
    for (;;) {
      const ch = this.read();
      if (ch === 0) break;
      if (!isSpecialSymbol(ch)) {
        this.pos--;
        break;
      }
      buffer += String.fromCharCode(ch);
      const token = STRING_TO_TOKEN.get(buffer);
      if (token !== undefined) {
        last = { token, literal: buffer };
      } else if (last !== null) {
        this.pos--;
        break;
      }
    }
    return last ?? { token: 'Error', literal: `error expected: keyword found '${buffer}'` };
  }

  lex(): ScannedItem {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === 0) return { token: 'EndOfString', literal: '' };
    this.pos--;
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }
}

/** The tokens of `s` up to and including EndOfString (upstream Parser.scan). For tests and tools. */
export function tokenizeSelector(s: string): ScannedItem[] {
  const lexer = new Lexer(s);
  const items: ScannedItem[] = [];
  for (;;) {
    const item = lexer.lex();
    items.push(item);
    if (item.token === 'EndOfString') return items;
  }
}

class ParseProblem extends Error {
  constructor(
    message: string,
    readonly causes: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

/** Parser contexts: only in a Values context are `in`/`notin` read as identifiers. */
type Context = 0 | 1;
const KEY_AND_OPERATOR: Context = 0;
const VALUES: Context = 1;

class Parser {
  private position = 0;
  constructor(private readonly items: readonly ScannedItem[]) {}

  /** In a values context `in`/`notin` are plain identifiers: `x in (in,notin)`. */
  lookahead(ctx: Context): ScannedItem {
    const item = this.items[this.position]!;
    if (ctx === VALUES && (item.token === 'In' || item.token === 'NotIn')) {
      return { token: 'Identifier', literal: item.literal };
    }
    return item;
  }

  consume(ctx: Context): ScannedItem {
    const item = this.lookahead(ctx);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(VALUES);
      if (token === 'EndOfString') return reqs;
      if (token !== 'Identifier' && token !== 'DoesNotExist') {
        throw new ParseProblem(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof ParseProblem) throw new ParseProblem(`unable to parse requirement: ${e.message}`, e.causes);
        throw e;
      }
      const next = this.consume(VALUES);
      if (next.token === 'EndOfString') return reqs;
      if (next.token !== 'Comma') throw new ParseProblem(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead(VALUES);
      if (after.token !== 'Identifier' && after.token !== 'DoesNotExist') {
        throw new ParseProblem(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    let op: Operator;
    let values: string[];
    if (inferred !== null) {
      op = inferred;
      values = [];
    } else {
      op = this.parseOperator();
      values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    }
    // sets.String.List(): unique and sorted.
    const unique = [...new Set(values)].sort(compareGoStrings);
    const errs = requirementErrors(key, op, unique);
    if (errs.length > 0) throw new ParseProblem(aggregateMessage(errs), errs);
    return frozenRequirement(key, op, unique);
  }

  /** The key, plus `exists`/`!` when no binary operator follows. */
  private parseKeyAndInferOperator(): [string, Operator | null] {
    let item = this.consume(VALUES);
    let op: Operator | null = null;
    if (item.token === 'DoesNotExist') {
      op = '!';
      item = this.consume(VALUES);
    }
    if (item.token !== 'Identifier') throw new ParseProblem(`found '${item.literal}', expected: identifier`);
    const msgs = isQualifiedName(item.literal);
    if (msgs.length > 0) {
      // Upstream validates with the parser's nil *field.Path, which prints as "<nil>".
      const err = fieldError.invalid('<nil>', item.literal, msgs.join('; '));
      throw new ParseProblem(formatFieldError(err), [err]);
    }
    const next = this.lookahead(VALUES).token;
    if ((next === 'EndOfString' || next === 'Comma') && op === null) op = 'exists';
    return [item.literal, op];
  }

  private parseOperator(): Operator {
    const { token, literal } = this.consume(KEY_AND_OPERATOR);
    switch (token) {
      case 'In':
        return 'in';
      case 'Equals':
        return '=';
      case 'DoubleEquals':
        return '==';
      case 'GreaterThan':
        return 'gt';
      case 'LessThan':
        return 'lt';
      case 'NotIn':
        return 'notin';
      case 'NotEquals':
        return '!=';
      default:
        throw new ParseProblem(`found '${literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  /** `(a,b,c)`; `()` is the single empty value. */
  private parseValues(): string[] {
    const open = this.consume(VALUES);
    if (open.token !== 'OpenPar') throw new ParseProblem(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead(VALUES);
    if (token === 'Identifier' || token === 'Comma') {
      const values = this.parseIdentifiersList();
      if (this.consume(VALUES).token !== 'ClosedPar') throw new ParseProblem(`found '${literal}', expected: ')'`);
      return values;
    }
    if (token === 'ClosedPar') {
      this.consume(VALUES);
      return [''];
    }
    throw new ParseProblem(`found '${literal}', expected: ',', ')' or identifier`);
  }

  /** Comma-separated, possibly empty identifiers: `(,a)`, `(a,)`, `(a,,b)` all include "". */
  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { token, literal } = this.consume(VALUES);
      if (token === 'Identifier') {
        values.push(literal);
        const next = this.lookahead(VALUES);
        if (next.token === 'Comma') continue;
        if (next.token === 'ClosedPar') return values;
        throw new ParseProblem(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (token !== 'Comma') throw new ParseProblem(`found '${literal}', expected: ',', or identifier`);
      if (values.length === 0) values.push('');
      const next = this.lookahead(VALUES).token;
      if (next === 'ClosedPar') {
        values.push('');
        return values;
      }
      if (next === 'Comma') {
        this.consume(VALUES);
        values.push('');
      }
    }
  }

  /** The single value after `=`, `==`, `!=`, `>` or `<`; nothing means "". */
  private parseExactValue(): string[] {
    const next = this.lookahead(VALUES).token;
    if (next === 'EndOfString' || next === 'Comma') return [''];
    const { token, literal } = this.consume(VALUES);
    if (token === 'Identifier') return [literal];
    throw new ParseProblem(`found '${literal}', expected: identifier`);
  }
}

/**
 * Parses the label selector string syntax (labels.Parse):
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *
 * `""` selects everything. Throws SelectorParseError:
 * `couldn't parse the selector string "x=a||y=b": found '=', expected: ',' or 'end of string'`.
 */
export function parseSelector(s: string): Selector {
  let reqs: Requirement[];
  try {
    reqs = new Parser(tokenizeSelector(s)).parse();
  } catch (e) {
    if (!(e instanceof ParseProblem)) throw e;
    throw new SelectorParseError(`couldn't parse the selector string ${JSON.stringify(s)}: ${e.message}`, {
      selector: s,
      detail: e.message,
      causes: e.causes,
    });
  }
  return selectorFromRequirements(reqs);
}
