import { describe, expect, it } from 'vitest';
import { freezeInterned } from '../../src/model/intern.js';
import { createCluster } from '../../src/index.js';

const pod = (name: string, uid: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }], tolerations: [] },
  status: { conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: 't0' }], ...extra },
});

describe('freezeInterned', () => {
  it('stores the same JSON, key order included, deep-frozen', () => {
    const input = pod('a', 'u1', { zero: -0, n: 1.5, flag: false, gone: undefined });
    const text = JSON.stringify(input);
    const stored = freezeInterned(input);
    expect(JSON.stringify(stored)).toBe(text);
    expect(Object.isFrozen(stored.spec.containers[0]!.ports)).toBe(true);
    expect(() => {
      (stored.status.conditions[0] as { status: string }).status = 'False';
    }).toThrow(TypeError);
  });

  it('shares equal parts between objects stored one after another, never metadata', () => {
    const a = freezeInterned(pod('a', 'u1'));
    const b = freezeInterned(pod('b', 'u2'));
    expect(b.spec).toBe(a.spec);
    expect(b.status.conditions[0]).toBe(a.status.conditions[0]);
    expect(b.metadata.labels).toBe(a.metadata.labels);
    expect(b.metadata).not.toBe(a.metadata);
  });

  it.each([
    ['a string and a number', { x: '1' }, { x: 1 }],
    ['the same keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }],
    ['keys and values split differently', { ab: 'c' }, { a: 'bc' }],
    ['null and the string "z"', { v: null }, { v: 'z' }],
    ['an array and an object', { v: ['a'] }, { v: { 0: 'a' } }],
    ['0 and -0', { v: 0 }, { v: -0 }],
  ])('keeps apart %s', (_why, x, y) => {
    const a = freezeInterned({ metadata: {}, part: x });
    const b = freezeInterned({ metadata: {}, part: y });
    expect(b.part).not.toBe(a.part);
    expect(b.part).toEqual(y);
  });

  it('leaves already-frozen parts as they are', () => {
    const shared = Object.freeze({ component: 'kubelet' });
    const a = freezeInterned({ metadata: {}, source: shared });
    expect(a.source).toBe(shared);
  });
});

describe('stored objects with shared parts', () => {
  it('read back as written, and each pod keeps its own metadata', () => {
    const c = createCluster({ seed: 3, nodes: 2 });
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    c.settle({ timeout: '2m' });
    const pods = c.get('pods') as { metadata: { name: string; uid: string }; spec: unknown }[];
    expect(pods).toHaveLength(4);
    expect(new Set(pods.map((p) => p.metadata.uid)).size).toBe(4);
    for (const p of pods) expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});
