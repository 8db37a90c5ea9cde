import { describe, expect, it } from 'vitest';
import { freezeInterned, InternCache } from '../../src/model/intern.js';
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

describe('InternCache', () => {
  const spec = (image: string) => ({ containers: [{ name: 'c', image, ports: [{ containerPort: 80 }] }], dnsPolicy: 'ClusterFirst' });

  it('returns an equal value stored before, frozen, or the value itself frozen', () => {
    const cache = new InternCache(4096);
    const a = cache.intern(spec('nginx'));
    expect(Object.isFrozen(a.containers[0]!.ports[0])).toBe(true);
    const b = cache.intern(spec('nginx'));
    expect(b).toBe(a);
    const c = cache.intern(spec('redis'));
    expect(c).not.toBe(a);
    expect(c).toEqual(spec('redis'));
    // Still found after another value came in between, and by freezeInterned's table too.
    expect(cache.intern(spec('nginx'))).toBe(a);
    expect(freezeInterned({ metadata: {}, spec: spec('nginx') }).spec.containers).toBe(a.containers);
  });

  it.each([
    ['another key order', { a: 1, b: 2 }, { b: 2, a: 1 }],
    ['0 and -0', { v: [0] }, { v: [-0] }],
    ['a string and a number', { v: '1' }, { v: 1 }],
    ['null and an empty object', { v: null }, { v: {} }],
    ['an array and an object', { v: ['a'] }, { v: { 0: 'a' } }],
    ['a missing key and an undefined one', { v: 1 }, { v: 1, w: undefined }],
    ['a longer array', { v: [1] }, { v: [1, 1] }],
  ])('keeps apart %s', (_why, x, y) => {
    const cache = new InternCache();
    const a = cache.intern(x);
    const b = cache.intern(y);
    expect(b).not.toBe(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(y));
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

describe('pods created alike', () => {
  const pod = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] },
  });

  it('share one spec until bound, and equal specs are still validated with their pod', () => {
    const c = createCluster({ seed: 3, nodes: 1, controllers: false, scheduler: false });
    const [a, b] = c.create([pod('a', { app: 'web' }), pod('b', { app: 'web' })]) as { spec: unknown; metadata: { labels: unknown } }[];
    expect(b!.spec).toBe(a!.spec);
    expect(b!.metadata.labels).toBe(a!.metadata.labels);
    // Same (valid, already seen) spec, invalid labels: the labels are still checked.
    expect(() => c.create(pod('c', { app: 'no good' }))).toThrow(/metadata\.labels: Invalid value: "no good"/);
    // An invalid spec is rejected each time, never remembered as valid.
    const bad = { ...pod('d', {}), spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '-1' } } }] } };
    for (const name of ['d', 'e']) {
      expect(() => c.create({ ...bad, metadata: { name } })).toThrow(/spec\.containers\[0\]\.resources\.requests\[cpu\]/);
    }
  });

  it('reject a null container with a typed error naming it', () => {
    const c = createCluster({ seed: 3, nodes: 1 });
    expect(() => c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [null] } })).toThrow(
      /spec\.containers\[0\]: Invalid value/,
    );
  });
});
