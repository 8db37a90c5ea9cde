import { describe, it, expect } from 'vitest';
import { labelSelectorAsSelector, matchesLabelSelector } from '../../../src/model/labels/label-selector.js';
import { everything, nothing, parseSelector, SelectorParseError } from '../../../src/model/labels/selector.js';
import type { LabelSelector } from '../../../src/model/types.js';

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe('labelSelectorAsSelector', () => {
  // Ported from kubernetes/apimachinery pkg/apis/meta/v1/helpers_test.go TestLabelSelectorAsSelector
  const matchLabels = { foo: 'bar' };
  const matchExpressions = [{ key: 'baz', operator: 'In', values: ['qux', 'norf'] }];
  it.each<{ in: LabelSelector | null | undefined; out: string; err?: RegExp }>([
    { in: null, out: '' },
    { in: undefined, out: '' },
    { in: {}, out: '' },
    { in: { matchLabels }, out: 'foo=bar' },
    { in: { matchExpressions }, out: 'baz in (norf,qux)' },
    { in: { matchLabels, matchExpressions }, out: 'baz in (norf,qux),foo=bar' },
    {
      in: { matchExpressions: [{ key: 'baz', operator: 'Exists', values: ['qux', 'norf'] }] },
      out: '',
      err: /^values: Invalid value: \["qux","norf"\]: values set must be empty for exists and does not exist$/,
    },
  ])('$in -> $out', ({ in: ls, out, err }) => {
    const before = structuredClone(ls);
    if (err !== undefined) {
      expect(() => labelSelectorAsSelector(ls)).toThrow(err);
    } else {
      const sel = labelSelectorAsSelector(ls);
      expect(sel.toString()).toBe(out);
      if (out !== '') expect(sel.requirements()).toEqual(parseSelector(out).requirements());
    }
    // the input is never modified
    expect(ls).toEqual(before);
  });

  it('null selects nothing, {} selects everything (upstream asymmetry)', () => {
    expect(labelSelectorAsSelector(null)).toBe(nothing());
    expect(labelSelectorAsSelector(undefined).matches({ a: 'b' })).toBe(false);
    expect(labelSelectorAsSelector({})).toBe(everything());
    expect(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] })).toBe(everything());
    expect(labelSelectorAsSelector({}).matches(undefined)).toBe(true);
  });

  it.each<[LabelSelector, Record<string, string>, boolean]>([
    [{ matchLabels: { app: 'web' } }, { app: 'web', tier: 'fe' }, true],
    [{ matchLabels: { app: 'web' } }, { app: 'db' }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, { tier: 'db' }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, { tier: '' }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: '' }, false],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] },
      { app: 'web', env: 'staging' },
      true,
    ],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] },
      { app: 'web' },
      false,
    ],
  ])('%j matches %j: %s', (ls, labels, want) => {
    expect(matchesLabelSelector(ls, labels)).toBe(want);
  });

  it('orders matchLabels before a matchExpression on the same key, then by key', () => {
    const sel = labelSelectorAsSelector({
      matchExpressions: [{ key: 'a', operator: 'Exists' }],
      matchLabels: { b: '1', a: '2' },
    });
    expect(sel.toString()).toBe('a=2,a,b=1');
  });

  it.each<[LabelSelector, string]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'in', values: ['1'] }] }, '"in" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchLabels: { 'a b': 'c' } }, 'key: Invalid value: "a b": name part must consist of'],
    [{ matchLabels: { a: 'b c' } }, 'values[0][a]: Invalid value: "b c": a valid label must be an empty string'],
    [{ matchLabels: { z: '-', y: '-' } }, 'values[0][y]'], // sorted: the first invalid key is reported
  ])('rejects %j with a BadRequest naming the problem', (ls, message) => {
    let thrown: unknown;
    try {
      labelSelectorAsSelector(ls);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SelectorParseError);
    const err = thrown as SelectorParseError;
    expect(err.reason).toBe('BadRequest');
    expect(err.message.startsWith(message)).toBe(true);
  });

  it('matchesLabelSelector throws on an invalid selector rather than guessing', () => {
    expect(() => matchesLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, {})).toThrow(SelectorParseError);
  });

  it('reuses the compiled selector for a deep-frozen (stored) selector only', () => {
    const frozen = deepFreeze<LabelSelector>({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'In', values: ['1'] }] });
    expect(labelSelectorAsSelector(frozen)).toBe(labelSelectorAsSelector(frozen));

    const mutable: LabelSelector = { matchLabels: { app: 'web' } };
    const first = labelSelectorAsSelector(mutable);
    mutable.matchLabels!.app = 'db';
    const second = labelSelectorAsSelector(mutable);
    expect(first).not.toBe(second);
    expect(second.toString()).toBe('app=db');

    // shallow-frozen with mutable parts is not cached either
    const shallow = Object.freeze<LabelSelector>({ matchLabels: { app: 'web' } });
    const a = labelSelectorAsSelector(shallow);
    shallow.matchLabels!.app = 'db';
    expect(labelSelectorAsSelector(shallow).toString()).toBe('app=db');
    expect(a.toString()).toBe('app=web');
  });

  it('does not cache errors: an invalid frozen selector throws every time', () => {
    const bad = deepFreeze<LabelSelector>({ matchExpressions: [{ key: 'a', operator: 'Nope' }] });
    expect(() => labelSelectorAsSelector(bad)).toThrow(SelectorParseError);
    expect(() => labelSelectorAsSelector(bad)).toThrow(SelectorParseError);
  });

  it('tolerates JSON nulls for the optional fields', () => {
    const ls = { matchLabels: null, matchExpressions: null } as unknown as LabelSelector;
    expect(labelSelectorAsSelector(ls)).toBe(everything());
  });
});
