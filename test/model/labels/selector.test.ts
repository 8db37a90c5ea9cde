import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  compareGoStrings,
  everything,
  newRequirement,
  nothing,
  parseSelector,
  selectorFromRequirements,
  selectorFromSet,
  SelectorParseError,
  tokenizeSelector,
  type Operator,
  type Requirement,
  type Token,
} from '../../../src/model/labels/selector.js';
import { BadRequestError } from '../../../src/model/errors.js';

type LabelSet = Record<string, string>;

/** getRequirement in upstream's tests: a requirement that must be valid. */
function req(key: string, op: Operator, values: readonly string[] = []): Requirement {
  return newRequirement(key, op, values);
}

function parseError(s: string): SelectorParseError {
  try {
    parseSelector(s);
  } catch (e) {
    if (e instanceof SelectorParseError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(s)} to be rejected`);
}

describe('parseSelector', () => {
  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestSelectorParse
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    'accepts %j and prints it back without spaces',
    (s) => {
      expect(parseSelector(s).toString()).toBe(s.replaceAll(' ', ''));
    },
  );

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestSelectorParse (testBadStrings)
  it.each(['x=a||y=b', 'x==a==b', '!x=a', 'x<a'])('rejects %j', (s) => {
    expect(() => parseSelector(s)).toThrow(SelectorParseError);
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestDeterministicParse
  it('is deterministic: requirements are sorted by key', () => {
    expect(parseSelector('x=a,a=x').toString()).toBe(parseSelector('a=x,x=a').toString());
    expect(parseSelector('x=a,a=x').toString()).toBe('a=x,x=a');
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestSetSelectorParser.
  // `out` is the expected requirements (null: not compared, as upstream's Match=false rows).
  it.each<{ in: string; out: Requirement[] | null; valid: boolean }>([
    { in: '', out: [], valid: true },
    { in: '\rx', out: [req('x', 'exists')], valid: true },
    {
      in: 'this-is-a-dns.domain.com/key-with-dash',
      out: [req('this-is-a-dns.domain.com/key-with-dash', 'exists')],
      valid: true,
    },
    {
      in: 'this-is-another-dns.domain.com/key-with-dash in (so,what)',
      out: [req('this-is-another-dns.domain.com/key-with-dash', 'in', ['so', 'what'])],
      valid: true,
    },
    {
      in: '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      out: [req('0.1.2.domain/99', 'notin', ['10.10.100.1', 'tick.tack.clock'])],
      valid: true,
    },
    { in: 'foo  in\t (abc)', out: [req('foo', 'in', ['abc'])], valid: true },
    { in: 'x notin\n (abc)', out: [req('x', 'notin', ['abc'])], valid: true },
    { in: 'x  notin\t\t\t(abc,def)', out: [req('x', 'notin', ['abc', 'def'])], valid: true },
    { in: 'x in (abc,def)', out: [req('x', 'in', ['abc', 'def'])], valid: true },
    { in: 'x in (abc,)', out: [req('x', 'in', ['', 'abc'])], valid: true },
    { in: 'x in ()', out: [req('x', 'in', [''])], valid: true },
    {
      in: 'x notin (abc,,def),bar,z in (),w',
      out: [req('bar', 'exists'), req('w', 'exists'), req('x', 'notin', ['', 'abc', 'def']), req('z', 'in', [''])],
      valid: true,
    },
    { in: 'x,y in (a)', out: [req('x', 'exists'), req('y', 'in', ['a'])], valid: true },
    { in: 'x=a', out: [req('x', '=', ['a'])], valid: true },
    { in: 'x>1', out: [req('x', 'gt', ['1'])], valid: true },
    { in: 'x<7', out: [req('x', 'lt', ['7'])], valid: true },
    { in: 'x=a,y!=b', out: [req('x', '=', ['a']), req('y', '!=', ['b'])], valid: true },
    {
      in: 'x=a,y!=b,z in (h,i,j)',
      out: [req('x', '=', ['a']), req('y', '!=', ['b']), req('z', 'in', ['h', 'i', 'j'])],
      valid: true,
    },
    { in: 'x=a||y=b', out: null, valid: false },
    { in: 'x,,y', out: null, valid: false },
    { in: ',x,y', out: null, valid: false },
    { in: 'x nott in (y)', out: null, valid: false },
    { in: 'x notin ( )', out: [req('x', 'notin', [''])], valid: true },
    { in: 'x notin (, a)', out: [req('x', 'notin', ['', 'a'])], valid: true },
    { in: 'a in (xyz),', out: null, valid: false },
    { in: 'a in (xyz)b notin ()', out: null, valid: false },
    { in: 'a ', out: [req('a', 'exists')], valid: true },
    // operator words inside a value list are plain values
    { in: 'a in (x,y,notin, z,in)', out: [req('a', 'in', ['in', 'notin', 'x', 'y', 'z'])], valid: true },
    { in: 'a in (xyz abc)', out: null, valid: false }, // no comma
    { in: 'a notin(', out: null, valid: false }, // badly formed
    { in: 'a (', out: null, valid: false }, // cpar
    { in: '(', out: null, valid: false }, // opar
  ])('parses $in (valid: $valid)', ({ in: s, out, valid }) => {
    if (!valid) {
      expect(() => parseSelector(s)).toThrow(SelectorParseError);
      return;
    }
    const sel = parseSelector(s);
    if (out !== null) expect(sel.requirements()).toEqual(out);
  });

  it('deduplicates and sorts values like sets.String.List()', () => {
    expect(parseSelector('x in (b,a,b,,c)').requirements()).toEqual([
      { key: 'x', operator: 'in', values: ['', 'a', 'b', 'c'] },
    ]);
  });

  it('keeps upstream\'s quirk: a trailing ",," inside a list is rejected', () => {
    expect(parseError('x in (a,,)').detail).toBe("unable to parse requirement: found ')', expected: ',', or identifier");
    expect(parseSelector('x in (a,)').requirements()[0]!.values).toEqual(['', 'a']);
  });

  it('keeps == and != distinct from = when printing', () => {
    expect(parseSelector('y==jkl,x=abc,z!=a').toString()).toBe('x=abc,y==jkl,z!=a');
  });

  it('accepts keys and values that spell operators or Object.prototype members', () => {
    expect(parseSelector('notin=in').matches({ notin: 'in' })).toBe(true);
    const sel = parseSelector('constructor,toString in (valueOf)');
    expect(sel.toString()).toBe('constructor,toString in (valueOf)');
    expect(sel.matches({})).toBe(false);
    expect(sel.matches({ constructor: 'x', toString: 'valueOf' })).toBe(true);
  });
});

describe('parse errors (upstream wording, wrapped with the input)', () => {
  // Messages from kubernetes/apimachinery pkg/labels/selector.go Parser; TestParseOperator in
  // selector_test.go checks the operator message.
  it.each([
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x !', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['x exists', "unable to parse requirement: found 'exists', expected: in, notin, =, ==, !=, gt, lt"],
    ['x (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['x,,y', "found ',', expected: identifier after ','"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a in xyz', "unable to parse requirement: found 'xyz' expected: '('"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x>=1', "unable to parse requirement: found '=', expected: identifier"],
    ['!=', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!,', "unable to parse requirement: found ',', expected: identifier"],
  ])('%j: %s', (s, detail) => {
    const err = parseError(s);
    expect(err.detail).toBe(detail);
    expect(err.message).toBe(`couldn't parse the selector string ${JSON.stringify(s)}: ${detail}`);
    expect(err.selector).toBe(s);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.reason).toBe('BadRequest');
    expect(err.code).toBe(400);
  });

  it('reports a bad key at upstream\'s nil path "<nil>"', () => {
    const err = parseError('x~y=a');
    expect(err.detail).toMatch(/^unable to parse requirement: <nil>: Invalid value: "x~y": name part must consist of/);
    expect(err.causes).toEqual([expect.objectContaining({ type: 'Invalid', field: '<nil>', badValue: 'x~y' })]);
  });

  it('reports a bad value at values[i][key]', () => {
    const err = parseError('x=a||y');
    expect(err.detail).toMatch(/^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a\|\|y": a valid label must be/);
  });

  it('reports a non-integer gt/lt value at values[0]', () => {
    expect(parseError('x<a').detail).toBe(
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    );
  });
});

describe('tokenizeSelector', () => {
  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestLexer
  it.each<[string, Token]>([
    ['', 'EndOfString'],
    [',', 'Comma'],
    ['notin', 'NotIn'],
    ['in', 'In'],
    ['=', 'Equals'],
    ['==', 'DoubleEquals'],
    ['>', 'GreaterThan'],
    ['<', 'LessThan'],
    // the longest valid token wins
    ['!', 'DoesNotExist'],
    ['!=', 'NotEquals'],
    ['(', 'OpenPar'],
    [')', 'ClosedPar'],
    // non-special characters are part of an identifier
    ['~', 'Identifier'],
    ['||', 'Identifier'],
  ])('lexes %j as %s', (s, token) => {
    expect(tokenizeSelector(s)[0]).toEqual({ token, literal: s });
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestLexerSequence and
  // TestParserLookahead (which also counts the final EndOfString).
  it.each<[string, Token[]]>([
    ['key in ( value )', ['Identifier', 'In', 'OpenPar', 'Identifier', 'ClosedPar']],
    ['key notin ( value )', ['Identifier', 'NotIn', 'OpenPar', 'Identifier', 'ClosedPar']],
    ['key in ( value1, value2 )', ['Identifier', 'In', 'OpenPar', 'Identifier', 'Comma', 'Identifier', 'ClosedPar']],
    ['key', ['Identifier']],
    ['!key', ['DoesNotExist', 'Identifier']],
    ['()', ['OpenPar', 'ClosedPar']],
    ['', []],
    ['x in (),y', ['Identifier', 'In', 'OpenPar', 'ClosedPar', 'Comma', 'Identifier']],
    ['== != (), = notin', ['DoubleEquals', 'NotEquals', 'OpenPar', 'ClosedPar', 'Comma', 'Equals', 'NotIn']],
    ['key>2', ['Identifier', 'GreaterThan', 'Identifier']],
    ['key<1', ['Identifier', 'LessThan', 'Identifier']],
  ])('lexes %j', (s, tokens) => {
    expect(tokenizeSelector(s).map((i) => i.token)).toEqual([...tokens, 'EndOfString']);
  });

  it('splits runs of symbols greedily: "!=(" is != then (, ">=" is > then =', () => {
    expect(tokenizeSelector('!=(').map((i) => i.literal)).toEqual(['!=', '(', '']);
    expect(tokenizeSelector('>=').map((i) => i.token)).toEqual(['GreaterThan', 'Equals', 'EndOfString']);
  });

  it('reads a NUL character as upstream reads byte 0: end of input between tokens, a separator inside one', () => {
    expect(tokenizeSelector('x, \0y').map((i) => i.token)).toEqual(['Identifier', 'Comma', 'EndOfString']);
    expect(tokenizeSelector('x\0y').map((i) => i.literal)).toEqual(['x', 'y', '']);
  });
});

describe('matching', () => {
  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestSelectorMatches
  const labelset = { foo: 'bar', baz: 'blah' };
  it.each<[string, LabelSet, boolean]>([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true], // in and notin as exact-match key and value
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['foo=bar', labelset, true],
    ['baz=blah', labelset, true],
    ['foo=bar,baz=blah', labelset, true],
    ['foo=blah', labelset, false],
    ['baz=bar', labelset, false],
    ['foo=bar,foobar=bar,baz=blah', labelset, false],
  ])('%j matches %j: %s', (s, labels, want) => {
    expect(parseSelector(s).matches(labels)).toBe(want);
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestRequirementSelectorMatching
  const empty = { key: '', operator: '' as Operator, values: [] }; // upstream's zero Requirement
  it.each<[LabelSet, Requirement[], boolean]>([
    [{ x: 'foo', y: 'baz' }, [empty], false],
    [{ x: 'foo', y: 'baz' }, [req('x', 'in', ['foo']), req('y', 'notin', ['alpha'])], true],
    [{ x: 'foo', y: 'baz' }, [req('x', 'in', ['foo']), req('y', 'in', ['alpha'])], false],
    [{ y: '' }, [req('x', 'notin', ['']), req('y', 'exists')], true],
    [{ y: '' }, [req('x', '!'), req('y', 'exists')], true],
    [{ y: '' }, [req('x', 'notin', ['']), req('y', '!')], false],
    [{ y: 'baz' }, [req('x', 'in', [''])], false],
    [{ z: '2' }, [req('z', 'gt', ['1'])], true],
    [{ z: 'v2' }, [req('z', 'gt', ['1'])], false],
  ])('%j against %j: %s', (labels, reqs, want) => {
    expect(selectorFromRequirements(reqs).matches(labels)).toBe(want);
  });

  // gt/lt follow strconv.ParseInt(v, 10, 64): exact int64 comparison, non-integers never match.
  it.each<[string, string, boolean]>([
    ['x>1', '+2', true],
    ['x>1', '-2', false],
    ['x<1', '-2', true],
    ['x<1', '-0', true],
    ['x>0', '-0', false],
    ['x>1', '0002', true],
    ['x>1', '', false],
    ['x>1', '2.5', false],
    ['x>1', '1e3', false],
    ['x>1', '0x10', false],
    ['x>1', ' 2', false],
    ['x>1', '1_000', false],
    ['x<1', '-', false],
    ['x>9007199254740992', '9007199254740993', true], // beyond 2^53: compared exactly
    ['x<9007199254740993', '9007199254740992', true],
    ['x>1', '9223372036854775807', true], // int64 max
    ['x>1', '9223372036854775808', false], // overflows int64: no match
    ['x<1', '-9223372036854775808', true], // int64 min
    ['x<1', '-9223372036854775809', false],
    ['x>9223372036854775806', '9223372036854775807', true],
    ['x<10', '9', true],
    ['x<10', '10', false],
    ['x>10', '100', true],
  ])('%j with x=%j: %s', (s, value, want) => {
    expect(parseSelector(s).matches({ x: value })).toBe(want);
  });

  it('rejects gt/lt values beyond int64 at parse time', () => {
    expect(() => parseSelector('x>9223372036854775808')).toThrow(/the value must be an integer/);
  });

  it('uses set lookups for long value lists with the same result', () => {
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const sel = selectorFromRequirements([req('x', 'in', values), req('y', 'notin', values)]);
    expect(sel.matches({ x: 'v17', y: 'w' })).toBe(true);
    expect(sel.matches({ x: 'v17', y: 'v3' })).toBe(false);
    expect(sel.matches({ x: 'w', y: 'w' })).toBe(false);
  });

  it('treats undefined labels as an empty set and ignores inherited properties', () => {
    expect(parseSelector('!x,y notin (a)').matches(undefined)).toBe(true);
    expect(parseSelector('x').matches(undefined)).toBe(false);
    expect(parseSelector('constructor').matches({})).toBe(false);
    expect(parseSelector('!hasOwnProperty').matches({})).toBe(true);
    expect(parseSelector('constructor').matches(Object.create(null) as LabelSet)).toBe(false);
  });

  it('does not mutate or retain the labels', () => {
    const labels = Object.freeze({ a: '1' });
    expect(parseSelector('a=1,b notin (2)').matches(labels)).toBe(true);
  });
});

describe('everything, nothing and sets', () => {
  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestEverything
  it('everything() matches anything and is empty', () => {
    expect(everything().matches({ x: 'y' })).toBe(true);
    expect(everything().matches(undefined)).toBe(true);
    expect(everything().empty()).toBe(true);
    expect(everything().toString()).toBe('');
    expect(everything()).toBe(everything());
  });

  it('nothing() matches nothing, is not empty and prints as ""', () => {
    expect(nothing().matches({ x: 'y' })).toBe(false);
    expect(nothing().matches(undefined)).toBe(false);
    expect(nothing().empty()).toBe(false);
    expect(nothing().toString()).toBe('');
    expect(nothing().requirements()).toEqual([]);
    expect(nothing()).toBe(nothing());
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestSetMatches
  it.each<LabelSet>([{}, { foo: 'bar' }, { baz: 'blah' }, { foo: 'bar', baz: 'blah' }])(
    'selectorFromSet(%j) matches {foo: bar, baz: blah}',
    (set) => {
      expect(selectorFromSet(set).matches({ foo: 'bar', baz: 'blah' })).toBe(true);
    },
  );

  it('selectorFromSet does not match a differing or missing value', () => {
    expect(selectorFromSet({ foo: 'bar' }).matches({ foo: 'baz' })).toBe(false);
    expect(selectorFromSet({ foo: 'bar', x: '' }).matches({ foo: 'bar' })).toBe(false);
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestNilMapIsValid, TestSetIsEmpty
  it('an empty or missing set selects everything', () => {
    expect(selectorFromSet({}).empty()).toBe(true);
    expect(selectorFromSet(undefined as unknown as LabelSet).empty()).toBe(true);
    expect(selectorFromRequirements([]).empty()).toBe(true);
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestSetSelectorString and
  // labels_test.go TestSetString
  it.each<[LabelSet, string]>([
    [{}, ''],
    [{ app: 'foo' }, 'app=foo'],
    [{ app: 'foo', a: 'b' }, 'a=b,app=foo'],
    [{ x: 'y' }, 'x=y'],
    [{ foo: 'bar', baz: 'qup' }, 'baz=qup,foo=bar'],
    [{ '2': 'b', '10': 'a', b: 'c' }, '10=a,2=b,b=c'], // byte order, not integer-key insertion order
  ])('selectorFromSet(%j) prints %j', (set, out) => {
    expect(selectorFromSet(set).toString()).toBe(out);
  });

  it('selectorFromSet does not validate (SelectorFromValidatedSet)', () => {
    expect(selectorFromSet({ 'bad key': 'bad value!' }).matches({ 'bad key': 'bad value!' })).toBe(true);
  });
});

describe('newRequirement', () => {
  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestRequirementConstructor
  // (details ignored there too; our bad values print as JSON where Go prints []string{...}).
  const a254 = 'a'.repeat(254);
  it.each<{ key: string; op: Operator; vals: string[]; err?: { type: string; field: string; badValue: unknown } }>([
    { key: 'x1', op: 'in', vals: [], err: { type: 'Invalid', field: 'values', badValue: [] } },
    { key: 'x2', op: 'notin', vals: [], err: { type: 'Invalid', field: 'values', badValue: [] } },
    { key: 'x3', op: 'in', vals: ['foo'] },
    { key: 'x4', op: 'notin', vals: ['foo'] },
    { key: 'x5', op: '=', vals: ['bar', 'foo'], err: { type: 'Invalid', field: 'values', badValue: ['bar', 'foo'] } },
    { key: 'x6', op: 'exists', vals: [] },
    { key: 'x7', op: '!', vals: [] },
    { key: 'x8', op: 'exists', vals: ['foo'], err: { type: 'Invalid', field: 'values', badValue: ['foo'] } },
    { key: 'x9', op: 'in', vals: ['bar'] },
    { key: 'x10', op: 'in', vals: ['bar'] },
    { key: 'x11', op: 'gt', vals: ['1'] },
    { key: 'x12', op: 'lt', vals: ['6'] },
    { key: 'x13', op: 'gt', vals: [], err: { type: 'Invalid', field: 'values', badValue: [] } },
    { key: 'x14', op: 'gt', vals: ['bar'], err: { type: 'Invalid', field: 'values[0]', badValue: 'bar' } },
    { key: 'x15', op: 'lt', vals: ['bar'], err: { type: 'Invalid', field: 'values[0]', badValue: 'bar' } },
    { key: a254, op: 'exists', vals: [], err: { type: 'Invalid', field: 'key', badValue: a254 } },
    { key: 'x16', op: '=', vals: [a254], err: { type: 'Invalid', field: 'values[0][x16]', badValue: a254 } },
    { key: 'x17', op: '=', vals: ['a b'], err: { type: 'Invalid', field: 'values[0][x17]', badValue: 'a b' } },
    {
      key: 'x18',
      op: 'unsupportedOp' as Operator,
      vals: [],
      err: { type: 'NotSupported', field: 'operator', badValue: 'unsupportedOp' },
    },
  ])('$key $op $vals', ({ key, op, vals, err }) => {
    if (err === undefined) {
      expect(newRequirement(key, op, vals)).toEqual({ key, operator: op, values: vals });
      return;
    }
    let thrown: unknown;
    try {
      newRequirement(key, op, vals);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SelectorParseError);
    expect((thrown as SelectorParseError).causes).toEqual([expect.objectContaining(err)]);
  });

  it('prints upstream messages and aggregates several causes in [...]', () => {
    expect(() => newRequirement('x', 'in', [])).toThrow(
      `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`,
    );
    expect(() => newRequirement('x', 'unsupportedOp' as Operator, [])).toThrow(
      'operator: Unsupported value: "unsupportedOp": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    );
    expect(() => newRequirement('-x', '=', ['a', 'b'])).toThrow(/^\[key: Invalid value: "-x": name part must consist.*, values: Invalid value: \["a","b"\]: exact-match compatibility requires one single value\]$/);
  });

  it('stores values sorted without touching the input, keeping duplicates', () => {
    const input = ['foo', 'bar', 'foo'];
    const r = newRequirement('x', 'in', input);
    expect(r.values).toEqual(['bar', 'foo', 'foo']);
    expect(input).toEqual(['foo', 'bar', 'foo']);
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.values)).toBe(true);
  });

  it('accepts the empty string as a value', () => {
    expect(newRequirement('x', '=', ['']).values).toEqual(['']);
  });
});

describe('selectorFromRequirements and toString', () => {
  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestToString. The row with
  // upstream's zero Requirement prints first here: we always sort by key ("" < "x"), where the
  // upstream test builds an unsorted internalSelector by hand.
  it.each<[Requirement[], string]>([
    [[req('x', 'in', ['abc', 'def']), req('y', 'notin', ['jkl']), req('z', 'exists')], 'x in (abc,def),y notin (jkl),z'],
    [[req('x', 'notin', ['abc', 'def']), req('y', '!=', ['jkl']), req('z', '!')], 'x notin (abc,def),y!=jkl,!z'],
    [[req('x', 'in', ['abc', 'def']), { key: '', operator: '' as Operator, values: [] }], ',x in (abc,def)'],
    [[req('x', 'notin', ['abc']), req('y', 'in', ['jkl', 'mno']), req('z', 'notin', [''])], 'x notin (abc),y in (jkl,mno),z notin ()'],
    [[req('x', '=', ['abc']), req('y', '==', ['jkl']), req('z', '!=', ['a']), req('z', 'exists')], 'x=abc,y==jkl,z!=a,z'],
    [[req('x', 'gt', ['2']), req('y', 'lt', ['8']), req('z', 'exists')], 'x>2,y<8,z'],
  ])('%j prints %j', (reqs, out) => {
    expect(selectorFromRequirements(reqs).toString()).toBe(out);
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestAdd
  it('sorts by key and keeps the order of equal keys', () => {
    const sel = selectorFromRequirements([req('key2', '=', ['value2']), req('key', 'in', ['value']), req('key', 'exists')]);
    expect(sel.requirements()).toEqual([req('key', 'in', ['value']), req('key', 'exists'), req('key2', '=', ['value2'])]);
  });

  // Ported from kubernetes/apimachinery pkg/labels/selector_test.go TestSafeSort: printing sorts
  // a copy of unsorted hand-built values.
  it('sorts hand-built values without mutating them', () => {
    const values = ['foo', 'bar', 'foo', 'bar'];
    const sel = selectorFromRequirements([{ key: 'x', operator: 'in', values }]);
    expect(sel.toString()).toBe('x in (bar,bar,foo,foo)');
    expect(values).toEqual(['foo', 'bar', 'foo', 'bar']);
  });

  it('never matches hand-built gt/lt requirements with unusable values, as upstream', () => {
    expect(selectorFromRequirements([{ key: 'x', operator: 'gt', values: ['a'] }]).matches({ x: '5' })).toBe(false);
    expect(selectorFromRequirements([{ key: 'x', operator: 'lt', values: ['1', '2'] }]).matches({ x: '0' })).toBe(false);
  });

  it('returns frozen requirements and the everything() singleton for no requirements', () => {
    expect(selectorFromRequirements([])).toBe(everything());
    const sel = parseSelector('a=b');
    expect(Object.isFrozen(sel.requirements())).toBe(true);
    expect(sel.empty()).toBe(false);
  });

  it('orders keys by UTF-8 bytes as Go does', () => {
    // U+FF5E (fullwidth tilde) is below U+1F600 (an emoji, a surrogate pair) in UTF-8 but above it in UTF-16.
    expect(compareGoStrings('\uff5e', '\u{1f600}')).toBeLessThan(0);
    expect(compareGoStrings('a', 'b')).toBeLessThan(0);
    expect(compareGoStrings('ab', 'a')).toBeGreaterThan(0);
    expect(selectorFromSet({ '\u{1f600}': '1', '\uff5e': '2' }).toString()).toBe('\uff5e=2,\u{1f600}=1');
  });
});

describe('properties', () => {
  const key = fc.constantFrom('a', 'b', 'app', 'example.com/tier', 'x.y/z');
  const value = fc.constantFrom('', 'v', 'w', 'prod', '1', '42', 'in', 'notin');
  const int = fc.constantFrom('0', '1', '7', '42', '9223372036854775807');
  const requirement: fc.Arbitrary<Requirement> = fc.oneof(
    fc.tuple(key, fc.constantFrom<Operator>('in', 'notin'), fc.uniqueArray(value, { minLength: 1, maxLength: 3 })).map(
      ([k, op, vs]) => newRequirement(k, op, vs),
    ),
    fc.tuple(key, fc.constantFrom<Operator>('=', '==', '!='), value).map(([k, op, v]) => newRequirement(k, op, [v])),
    fc.tuple(key, fc.constantFrom<Operator>('exists', '!')).map(([k, op]) => newRequirement(k, op, [])),
    fc.tuple(key, fc.constantFrom<Operator>('gt', 'lt'), int).map(([k, op, v]) => newRequirement(k, op, [v])),
  );
  const labels = fc.dictionary(key, fc.oneof(value, int), { maxKeys: 4 });

  /** The meaning of each operator, written independently of the compiled matcher. */
  function reference(r: Requirement, ls: LabelSet): boolean {
    const has = Object.hasOwn(ls, r.key);
    const v = ls[r.key] ?? '';
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        return has && r.values.includes(v);
      case 'notin':
      case '!=':
        return !has || !r.values.includes(v);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^[0-9]+$/.test(v)) return false;
        const d = BigInt(v) - BigInt(r.values[0]!);
        return r.operator === 'gt' ? d > 0n : d < 0n;
      }
    }
  }

  it('toString() parses back to the same requirements', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), (reqs) => {
        const sel = selectorFromRequirements(reqs);
        const again = parseSelector(sel.toString());
        expect(again.toString()).toBe(sel.toString());
        expect(again.requirements()).toEqual(sel.requirements());
      }),
    );
  });

  it('matches is the AND of each requirement', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), labels, (reqs, ls) => {
        expect(selectorFromRequirements(reqs).matches(ls)).toBe(reqs.every((r) => reference(r, ls)));
      }),
    );
  });

  it('the order requirements are given in does not change the printed form', () => {
    fc.assert(
      fc.property(fc.uniqueArray(requirement, { maxLength: 5, selector: (r) => r.key }), (reqs) => {
        const reversed = [...reqs].reverse();
        expect(selectorFromRequirements(reversed).toString()).toBe(selectorFromRequirements(reqs).toString());
      }),
    );
  });
});
