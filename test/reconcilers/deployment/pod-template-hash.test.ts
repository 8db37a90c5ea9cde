import { describe, expect, it } from 'vitest';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from '../../../src/reconcilers/deployment/pod-template-hash.js';

// SafeEncodeString maps bytes through rand's alphanums (kubernetes/apimachinery pkg/util/rand/rand.go).
describe('pod-template-hash', () => {
  it.each`
    input           | expected
    ${'0123456789'} | ${'456789bcdf'}
    ${'2059279862'} | ${'649f6cfdb6'}
  `('SafeEncodeString($input) = $expected', ({ input, expected }) => {
    expect(safeEncodeString(input)).toBe(expected);
  });

  it('FNV-32a matches the reference vectors', () => {
    expect(fnv32a(new TextEncoder().encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv32a(new TextEncoder().encode('foobar'))).toBe(0xbf9cf968);
  });

  it('is independent of key order, and changes with the template and the collisionCount', () => {
    const a = { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const b = { spec: { containers: [{ image: 'x', name: 'c' }] }, metadata: { labels: { tier: 'fe', app: 'web' } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a)).not.toBe(computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'y' }] } }));
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash(a, 1)).not.toBe(computeHash(a, 2));
    expect(computeHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });
});
