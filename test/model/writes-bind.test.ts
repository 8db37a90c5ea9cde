/**
 * The pods/binding subresource (bindPod): spec.nodeName set, everything else of the spec as it
 * was, whatever other pods with the same (shared, frozen) spec were bound to. Pods of one
 * template bound to one node share their bound spec (memory), which must never carry one pod's
 * node into another.
 *
 * @see kubernetes/kubernetes pkg/registry/core/pod/storage/storage.go (assignPod)
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { emptyState, StoreBatch } from '../../src/model/store.js';
import type { Pod } from '../../src/model/types.js';
import { bindPod, createObject, type WriteContext } from '../../src/model/writes.js';

const ctx: WriteContext = { nowMs: 0, epochMs: 0, ids: Rng.root('bind') };

const template = {
  containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m' } } }],
  restartPolicy: 'Always',
};

function cluster(pods: number) {
  const b = new StoreBatch(emptyState());
  createObject(b, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
  for (const n of ['node-a', 'node-b']) createObject(b, { apiVersion: 'v1', kind: 'Node', metadata: { name: n } }, ctx);
  for (let i = 0; i < pods; i++) {
    createObject(b, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default' }, spec: structuredClone(template) }, ctx);
  }
  return new StoreBatch(b.commit());
}

describe('bindPod', () => {
  it('sets spec.nodeName, last, and keeps the rest of the spec', () => {
    const b = cluster(1);
    const before = b.get('Pod', 'default', 'p0') as Pod;
    const bound = bindPod(b, 'default', 'p0', 'node-a', ctx) as Pod;
    expect(Object.keys(bound.spec!)).toEqual([...Object.keys(before.spec!), 'nodeName']);
    expect({ ...bound.spec, nodeName: undefined }).toEqual({ ...before.spec, nodeName: undefined });
    expect(bound.spec!.nodeName).toBe('node-a');
    expect(Object.isFrozen(bound.spec)).toBe(true);
  });

  it.each`
    nodes                                          | why
    ${['node-a', 'node-a', 'node-b', 'node-a']}    | ${'a node again after another'}
    ${['node-b', 'node-a', 'node-b', 'node-b']}    | ${'the other node first'}
  `('gives every pod its own node: $why', ({ nodes }: { nodes: string[] }) => {
    const b = cluster(nodes.length);
    const unbound = nodes.map((_, i) => b.get('Pod', 'default', `p${i}`) as Pod);
    const bound = nodes.map((n, i) => bindPod(b, 'default', `p${i}`, n, ctx) as Pod);
    expect(bound.map((p) => p.spec!.nodeName)).toEqual(nodes);
    expect(bound.map((p) => (b.get('Pod', 'default', p.metadata!.name!) as Pod).spec!.nodeName)).toEqual(nodes);
    bound.forEach((p, i) => expect({ ...p.spec, nodeName: undefined }).toEqual({ ...unbound[i]!.spec, nodeName: undefined }));
    // Equal bound specs are one shared, frozen value.
    for (let i = 0; i < nodes.length; i++) {
      for (let j = 0; j < i; j++) expect(bound[i]!.spec === bound[j]!.spec).toBe(nodes[i] === nodes[j]);
    }
  });

  it('stores the bound pod deep-frozen: its metadata the stored fields in their order with a new resourceVersion, PodScheduled=True', () => {
    const b = cluster(1);
    const before = b.get('Pod', 'default', 'p0') as Pod;
    const bound = bindPod(b, 'default', 'p0', 'node-a', ctx) as Pod;
    expect(Object.keys(bound)).toEqual(Object.keys(before));
    expect(Object.keys(bound.metadata!)).toEqual(Object.keys(before.metadata!));
    expect({ ...bound.metadata, resourceVersion: undefined }).toEqual({ ...before.metadata, resourceVersion: undefined });
    expect(Number(bound.metadata!.resourceVersion)).toBeGreaterThan(Number(before.metadata!.resourceVersion));
    expect(bound.status!.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '1970-01-01T00:00:00Z' }]);
    for (const part of [bound, bound.metadata, bound.spec, bound.status, bound.status!.conditions, bound.status!.conditions![0]]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    // The unbound version is as it was.
    expect(before.spec!.nodeName).toBeUndefined();
    expect(before.status!.conditions).toBeUndefined();
  });

  it('refuses a second binding and leaves the first', () => {
    const b = cluster(1);
    bindPod(b, 'default', 'p0', 'node-a', ctx);
    expect(() => bindPod(b, 'default', 'p0', 'node-b', ctx)).toThrow(/already assigned to node "node-a"/);
    expect((b.get('Pod', 'default', 'p0') as Pod).spec!.nodeName).toBe('node-a');
  });
});
