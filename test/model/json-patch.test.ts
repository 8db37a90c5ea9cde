import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError, parsePointer, type JsonPatchFailure } from '../../src/model/json-patch.js';
import type { JsonValue } from '../../src/model/json.js';

// Ported from RFC 6902 Appendix A (examples A.1 – A.16).
describe('applyJsonPatch: RFC 6902 Appendix A', () => {
  it.each([
    ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    ['replace the root', { a: 1 }, [{ op: 'replace', path: '', value: [1] }], [1]],
    ['move to itself is a no-op', { a: 1 }, [{ op: 'move', from: '/a', path: '/a' }], { a: 1 }],
  ] as [string, JsonValue, unknown, JsonValue][])('%s', (_name, doc, patch, expected) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, patch)).toEqual(expected);
    expect(JSON.stringify(doc)).toBe(before); // the input is untouched
  });

  it.each([
    ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'TestFailed'],
    ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'PathNotFound'],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 'TestFailed'],
    ['removing a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }], 'PathNotFound'],
    ['replacing a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }], 'PathNotFound'],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 1 }], 'InvalidIndex'],
    ['a leading-zero index', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }], 'InvalidIndex'],
    ['an unknown op', { a: 1 }, [{ op: 'frob', path: '/a' }], 'InvalidPatch'],
    ['a missing value', { a: 1 }, [{ op: 'add', path: '/b' }], 'InvalidPatch'],
    ['a pointer without a slash', { a: 1 }, [{ op: 'remove', path: 'a' }], 'InvalidPointer'],
    ['moving into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 'InvalidPatch'],
    ['not a list', { a: 1 }, { op: 'remove', path: '/a' }, 'InvalidPatch'],
  ] as [string, JsonValue, unknown, JsonPatchFailure][])('%s fails with %s', (_name, doc, patch, failure) => {
    let err: unknown;
    try {
      applyJsonPatch(doc, patch);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonPatchError);
    expect((err as JsonPatchError).failure).toBe(failure);
  });

  it('a failing later operation rejects the whole patch and names it', () => {
    const doc = { a: 1 };
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 2 }])).toThrow(/operation 1/);
    expect(doc).toEqual({ a: 1 });
  });

  it.each([
    ['', []],
    ['/a~1b/m~0n', ['a/b', 'm~n']],
    ['/', ['']],
  ])('parsePointer(%j)', (p, tokens) => {
    expect(parsePointer(p)).toEqual(tokens);
  });
});
