/**
 * The update write path's shortcuts for parts that are the stored object's own (a status write
 * keeps spec and metadata; a controller's Endpoints / EndpointSlice keeps most items): what they
 * skip is what was checked when it was stored, and whatever a write changes is still checked,
 * with the same typed errors naming the field.
 *
 * @see kubernetes/kubernetes pkg/registry/rest/update.go (BeforeUpdate: ValidateObjectMetaUpdate, ValidateUpdate)
 * @see kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMetaUpdate)
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { ConflictError, InvalidError } from '../../src/model/errors.js';
import { cloneJsonSharing, deepFreeze, shareableJson } from '../../src/model/json.js';
import type { StoreBatch } from '../../src/model/store.js';
import type { KubeObject, StoredObject } from '../../src/model/types.js';
import { createObject, deleteObject, updateObject, type WriteContext } from '../../src/model/writes.js';
import { batchWithDefaultNamespace, invalidFields } from './write-support.js';

const ctx: WriteContext = { nowMs: 0, epochMs: 0, ids: Rng.root('update') };

const batch = (): StoreBatch => batchWithDefaultNamespace(ctx);

const addr = (ip: string) => shareableJson({ ip });

describe('Endpoints update', () => {
  it('checks the addresses a new version adds between the stored ones, and names them', () => {
    const b = batch();
    const a1 = addr('10.0.0.1');
    const a2 = addr('10.0.0.2');
    const a3 = addr('10.0.0.3');
    const ports = [{ port: 80, protocol: 'TCP' }];
    createObject(b, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [a1, a2, a3], ports }] }, ctx);
    const fields = invalidFields(() =>
      updateObject(b, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [a1, { ip: '999.1.1.1' }, a2, a3, { ip: 'x' }], ports }] }, ctx),
    );
    expect(fields).toEqual(['subsets[0].addresses[1].ip', 'subsets[0].addresses[4].ip']);
    // Kept, dropped and shifted addresses pass.
    const stored = updateObject(b, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [a2, a3, addr('10.0.0.4')], ports }] }, ctx);
    expect((stored as unknown as { subsets: { addresses: unknown[] }[] }).subsets[0]!.addresses).toEqual([
      { ip: '10.0.0.2' },
      { ip: '10.0.0.3' },
      { ip: '10.0.0.4' },
    ]);
  });

  it('still reports an address that is not an object, before the others', () => {
    const b = batch();
    const a1 = addr('10.0.0.1');
    createObject(b, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [a1], ports: [{ port: 80 }] }] }, ctx);
    const fields = invalidFields(() =>
      updateObject(b, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [a1, 'nope', { ip: '' }], ports: [{ port: 80 }] }] } as unknown as KubeObject, ctx),
    );
    expect(fields).toEqual(['subsets[0].addresses[1]', 'subsets[0].addresses[2].ip']);
  });
});

describe('EndpointSlice update', () => {
  const ep = (ip: string) => shareableJson({ addresses: [ip], conditions: { ready: true } });
  const slice = (addressType: string, endpoints: unknown[]) =>
    ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc' }, addressType, endpoints, ports: [] }) as unknown as KubeObject;

  it('checks the endpoints a new version adds, and kept ones against a changed address type', () => {
    const b = batch();
    const e1 = ep('10.0.0.1');
    const e2 = ep('10.0.0.2');
    createObject(b, slice('IPv4', [e1, e2]), ctx);
    expect(invalidFields(() => updateObject(b, slice('IPv4', [e1, ep('10.0.0.256'), e2]), ctx))).toEqual(['endpoints[1].addresses[0]']);
    // The kept endpoints were valid as IPv4 addresses, not as IPv6 ones.
    expect(invalidFields(() => updateObject(b, slice('IPv6', [e1, e2]), ctx))).toEqual([
      'endpoints[0].addresses[0]',
      'endpoints[1].addresses[0]',
      'addressType',
    ]);
    updateObject(b, slice('IPv4', [e2, ep('10.0.0.3')]), ctx);
  });
});

describe('status writes', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', finalizers: ['foregroundDeletion'] },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] },
  };

  it('still reject the finalizer pair a delete may store (orphan and foregroundDeletion)', () => {
    const b = batch();
    createObject(b, structuredClone(pod), ctx);
    deleteObject(b, 'Pod', 'default', 'p', ctx, { propagationPolicy: 'Orphan' });
    const stored = b.get('Pod', 'default', 'p') as StoredObject;
    expect(stored.metadata.finalizers).toEqual(['foregroundDeletion', 'orphan']);
    const input = cloneJsonSharing({ ...stored, status: { phase: 'Running' } }, stored) as KubeObject;
    expect(invalidFields(() => updateObject(b, input, ctx, { subresource: 'status' }))).toEqual(['metadata.finalizers']);
  });

  it('keep the stored spec and metadata, change the status and bump the resourceVersion', () => {
    const b = batch();
    const created = createObject(b, structuredClone({ ...pod, metadata: { name: 'p', labels: { app: 'web' } } }), ctx);
    const input = { ...created, spec: { containers: [] }, metadata: { ...created.metadata, labels: { app: 'other' } }, status: { phase: 'Running' } };
    const stored = updateObject(b, cloneJsonSharing(input, created) as KubeObject, ctx, { subresource: 'status' });
    expect(stored.spec).toBe(created.spec);
    expect(stored.metadata.labels).toBe(created.metadata.labels);
    expect(stored.status).toEqual({ phase: 'Running' });
    expect(Number(stored.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    // The same status again changes nothing.
    expect(updateObject(b, cloneJsonSharing({ ...stored }, stored) as KubeObject, ctx, { subresource: 'status' })).toBe(stored);
  });

  it('take the stored, frozen metadata as input: the new version is deep-frozen, its metadata the stored fields in their order with a new resourceVersion', () => {
    const b = batch();
    const created = createObject(b, structuredClone({ ...pod, metadata: { name: 'p', labels: { app: 'web' }, annotations: { a: 'b' } } }), ctx);
    const input = { apiVersion: 'v1', kind: 'Pod', metadata: created.metadata, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    const stored = updateObject(b, input as KubeObject, ctx, { subresource: 'status' });
    expect(Object.keys(stored.metadata)).toEqual(Object.keys(created.metadata));
    expect({ ...stored.metadata, resourceVersion: undefined }).toEqual({ ...created.metadata, resourceVersion: undefined });
    expect(stored.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    // The input's (stored) metadata is not written into; the old version is as it was.
    expect(b.get('Pod', 'default', 'p')).toBe(stored);
    expect(Object.keys(stored)).toEqual(Object.keys(created));
    for (const part of [stored, stored.metadata, stored.status, (stored.status as { conditions: object[] }).conditions[0]]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
  });

  it('from a stale copy of the object are a Conflict and write nothing', () => {
    const b = batch();
    const created = createObject(b, structuredClone(pod), ctx);
    const first = updateObject(b, { ...created, status: { phase: 'Running' } } as KubeObject, ctx, { subresource: 'status' });
    const stale = { ...created, status: { phase: 'Failed' } } as KubeObject;
    expect(() => updateObject(b, stale, ctx, { subresource: 'status' })).toThrow(ConflictError);
    expect(b.get('Pod', 'default', 'p')).toBe(first);
  });

  it('a spec change on a Pod is still checked against the stored one', () => {
    const b = batch();
    const created = createObject(b, structuredClone(pod), ctx);
    const input = structuredClone({ ...created, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }, { name: 'b', image: 'x' }] } });
    expect(invalidFields(() => updateObject(b, input as KubeObject, ctx))).toEqual(['spec.containers']);
  });
});

describe('cloneJsonSharing', () => {
  it('passes shareable values through wherever they sit below the top-level fields', () => {
    const a = shareableJson({ ip: '10.0.0.1' });
    const b = shareableJson({ ip: '10.0.0.2' });
    const stored = deepFreeze({ kind: 'Endpoints', subsets: [{ addresses: [a] }] });
    const copy = cloneJsonSharing({ kind: 'Endpoints', subsets: [{ addresses: [b, a] }] }, stored) as { subsets: { addresses: unknown[] }[] };
    expect(copy.subsets[0]!.addresses[0]).toBe(b);
    expect(copy.subsets[0]!.addresses[1]).toBe(a);
  });
});

describe('a delete that leaves the object in place (grace period, finalizers)', () => {
  // Upstream BeforeDelete sets deletionTimestamp and deletionGracePeriodSeconds; the Orphan
  // policy adds the `orphan` finalizer (pkg/registry/generic/registry/store.go,
  // updateForGracefulDeletionAndFinalizers). Nothing else of the object changes.
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] },
  };

  it('changes the metadata only: spec and status are the stored ones, the rest in its order', () => {
    const b = batch();
    const created = createObject(b, structuredClone(pod), ctx);
    const { object, removed } = deleteObject(b, 'Pod', 'default', 'p', { ...ctx, nowMs: 5000 }, { gracePeriodSeconds: 10 });
    expect(removed).toBe(false);
    expect(Object.isFrozen(object) && Object.isFrozen(object.metadata)).toBe(true);
    expect(object.spec).toBe(created.spec);
    expect(object.status).toBe(created.status);
    expect(object.metadata.labels).toBe(created.metadata.labels);
    // 5 s + 10 s of grace after the epoch, whole seconds (RFC 3339).
    expect(object.metadata.deletionTimestamp).toBe('1970-01-01T00:00:15Z');
    expect(object.metadata.deletionGracePeriodSeconds).toBe(10);
    expect(object.metadata.finalizers).toBeUndefined();
    const { resourceVersion: _rv, deletionTimestamp: _dt, deletionGracePeriodSeconds: _g, ...rest } = object.metadata;
    const { resourceVersion: _oldRv, ...oldRest } = created.metadata;
    expect(JSON.stringify(rest)).toBe(JSON.stringify(oldRest));
  });

  it('adds the orphan finalizer once, keeping the stored ones first', () => {
    const b = batch();
    createObject(b, structuredClone({ ...pod, metadata: { ...pod.metadata, finalizers: ['example.com/hold'] } }), ctx);
    const first = deleteObject(b, 'Pod', 'default', 'p', ctx, { propagationPolicy: 'Orphan' }).object;
    expect(first.metadata.finalizers).toEqual(['example.com/hold', 'orphan']);
    // Again with the same policy: nothing to add and the deadline stands, so nothing is written.
    const again = deleteObject(b, 'Pod', 'default', 'p', ctx, { propagationPolicy: 'Orphan' });
    expect(again.object).toBe(first);
    expect(again.removed).toBe(false);
  });
});
