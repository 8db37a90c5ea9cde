import { describe, expect, it } from 'vitest';
import { applyMergePatch, threeWayMergePatch } from '../../src/model/merge-patch.js';

// RFC 7386 appendix A examples.
describe('applyMergePatch (RFC 7386 appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target as never, patch as never)).toEqual(expected);
  });
});

describe('threeWayMergePatch (kubectl apply)', () => {
  it('removes a field the user dropped since the last apply, keeps server-set fields', () => {
    const last = { spec: { replicas: 3, paused: true } };
    const desired = { spec: { replicas: 3 } };
    const live = { spec: { replicas: 3, paused: true, revisionHistoryLimit: 10 } };
    const patch = threeWayMergePatch(last, desired, live);
    expect(patch).toEqual({ spec: { paused: null } });
    expect(applyMergePatch(live, patch)).toEqual({ spec: { replicas: 3, revisionHistoryLimit: 10 } });
  });

  it('sets changed fields and leaves fields nobody applied alone', () => {
    const live = { metadata: { labels: { a: '1', owner: 'other' } }, spec: { replicas: 1 } };
    const patch = threeWayMergePatch(undefined, { metadata: { labels: { a: '2' } }, spec: { replicas: 1 } }, live);
    expect(patch).toEqual({ metadata: { labels: { a: '2' } } });
  });

  it('is empty when nothing changed', () => {
    const o = { spec: { x: [1, 2], y: { z: 'a' } } };
    expect(threeWayMergePatch(o, o, o)).toEqual({});
  });
});
