import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type StoredObject } from '../../src/index.js';
import { garbageCollector } from '../../src/reconcilers/garbage-collector.js';

const labels = { app: 'web' };
const template = { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };

function ownerRef(o: StoredObject, block = true) {
  return { apiVersion: o.apiVersion!, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: block };
}

/** Deployment web → ReplicaSet web-1 → Pods web-1-a, web-1-b, written by hand with real uids. */
function chain(c: Cluster) {
  const [d] = c.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: labels }, template } });
  const [rs] = c.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', labels, ownerReferences: [ownerRef(d!)] },
    spec: { replicas: 2, selector: { matchLabels: labels }, template },
  });
  for (const n of ['a', 'b']) {
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-1-${n}`, labels, ownerReferences: [ownerRef(rs!)] }, spec: template.spec });
  }
  return { d: d!, rs: rs! };
}

const names = (c: Cluster, kind: string) => c.get(kind).map((o) => o.metadata.name);

describe('garbage collector', () => {
  it('leaves a healthy chain alone', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    chain(c);
    expect(c.settle()).toBe(true);
    expect(names(c, 'rs')).toEqual(['web-1']);
    expect(names(c, 'pods')).toEqual(['web-1-a', 'web-1-b']);
  });

  it('Background: the owner goes at once, then its dependents, level by level', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    chain(c);
    const res = c.delete('deploy', 'web', { propagationPolicy: 'Background' });
    expect(res.removed).toBe(true);
    c.settle();
    expect(names(c, 'deploy')).toEqual([]);
    expect(names(c, 'rs')).toEqual([]);
    expect(names(c, 'pods')).toEqual([]);
  });

  it('Foreground: the owner stays with a deletionTimestamp until blocking dependents are gone', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    chain(c);
    const seen: string[] = [];
    c.on('watch', (e) => {
      if (e.type === 'DELETED') seen.push(`${e.kind}/${e.object.metadata.name}`);
    });
    const res = c.delete('deploy', 'web', { propagationPolicy: 'Foreground' });
    expect(res.removed).toBe(false);
    expect(res.object.metadata.finalizers).toEqual(['foregroundDeletion']);
    c.settle();
    expect(names(c, 'deploy')).toEqual([]);
    expect(names(c, 'rs')).toEqual([]);
    expect(names(c, 'pods')).toEqual([]);
    // Dependents first: pods, then the ReplicaSet (itself deleted in the foreground), then the Deployment.
    expect(seen).toEqual(['Pod/web-1-a', 'Pod/web-1-b', 'ReplicaSet/web-1', 'Deployment/web']);
  });

  it('Foreground: a dependent held by a finalizer keeps the owner waiting', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    const { rs } = chain(c);
    const pod = c.get('pod', 'web-1-a');
    c.replace({ ...pod, metadata: { ...pod.metadata, finalizers: ['example.com/hold'] } });
    c.delete('rs', 'web-1', { propagationPolicy: 'Foreground' });
    c.settle();
    expect(c.get('rs', 'web-1').metadata.deletionTimestamp).toBeDefined();
    expect(names(c, 'pods')).toEqual(['web-1-a']);
    const held = c.get('pod', 'web-1-a');
    c.replace({ ...held, metadata: { ...held.metadata, finalizers: [] } });
    c.settle();
    expect(c.find('rs', 'web-1')).toBeUndefined();
    expect(names(c, 'deploy')).toEqual(['web']);
    void rs;
  });

  it('Foreground: non-blocking dependents are deleted but do not hold the owner', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    const [rs] = c.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template } });
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels, ownerReferences: [ownerRef(rs!, false)], finalizers: ['example.com/hold'] }, spec: template.spec });
    c.delete('rs', 'r', { propagationPolicy: 'Foreground' });
    c.settle();
    expect(c.find('rs', 'r')).toBeUndefined();
    expect(c.get('pod', 'p').metadata.deletionTimestamp).toBeDefined();
  });

  it('Orphan: dependents lose the reference to the owner and stay', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    const { d } = chain(c);
    c.delete('deploy', 'web', { propagationPolicy: 'Orphan' });
    c.settle();
    expect(names(c, 'deploy')).toEqual([]);
    const rs = c.get('rs', 'web-1');
    expect(rs.metadata.ownerReferences).toBeUndefined();
    expect(rs.metadata.deletionTimestamp).toBeUndefined();
    // The grandchildren still point at the ReplicaSet, which is alive.
    expect(c.get('pods').map((p) => p.metadata.ownerReferences?.[0]?.name)).toEqual(['web-1', 'web-1']);
    void d;
  });

  it('removes only the dangling reference when another owner is alive', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    const [a] = c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } });
    const [b] = c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { ports: [{ port: 80 }] } });
    const refA = { apiVersion: 'v1', kind: 'Service', name: 'a', uid: a!.metadata.uid };
    const refB = { apiVersion: 'v1', kind: 'Service', name: 'b', uid: b!.metadata.uid };
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ownerReferences: [refA, refB] }, spec: template.spec });
    c.delete('svc', 'a');
    c.settle();
    expect(c.get('pod', 'p').metadata.ownerReferences).toEqual([refB]);
    c.delete('svc', 'b');
    c.settle();
    expect(c.find('pod', 'p')).toBeUndefined();
  });

  it('treats an owner re-created under the same name (new uid) as gone', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    const [svc] = c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
    const stale = { apiVersion: 'v1', kind: 'Service', name: 's', uid: 'not-' + svc!.metadata.uid };
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ownerReferences: [stale] }, spec: template.spec });
    c.settle();
    expect(c.find('pod', 'p')).toBeUndefined();
  });

  it('deletes pods on a node gracefully (they linger with a deletionTimestamp)', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
    const { rs } = chain(c);
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound', labels, ownerReferences: [ownerRef(rs)] }, spec: { ...template.spec, nodeName: 'node-1' } });
    c.delete('rs', 'web-1');
    c.settle();
    expect(names(c, 'pods')).toEqual(['bound']);
    expect(c.get('pod', 'bound').metadata.deletionTimestamp).toBeDefined();
  });

  it('is deterministic: the same run gives the same trace hash', () => {
    const run = () => {
      const c = createCluster({ controllers: false, scheduler: false, reconcilers: [garbageCollector()] });
      chain(c);
      c.delete('deploy', 'web', { propagationPolicy: 'Foreground' });
      c.settle();
      return c.traceHash();
    };
    expect(run()).toBe(run());
  });
});

// Which changes queue work (upstream graph_builder.go processGraphChanges): the collector looks
// at an object only when it could act on it, not on every write of the objects it tracks.
describe('garbage collector: what wakes it', () => {
  const gc = garbageCollector();
  const wake = (c: Cluster, kind: string, object: StoredObject | undefined, oldObject: StoredObject | undefined) => {
    const mapper = gc.watches[kind];
    if (typeof mapper !== 'function') throw new Error(`no mapper for ${kind}`);
    return mapper({ kind, object, oldObject } as never, c.state);
  };

  it('a dependent with live owners changing (a status write) wakes nothing', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [gc] });
    chain(c);
    const pod = c.get('pod', 'web-1-a');
    const updated = c.updateStatus({ ...pod, status: { phase: 'Running' } });
    expect(wake(c, 'Pod', updated, pod)).toEqual([]);
  });

  it('a dependent whose owner is gone (or another object by that name) wakes itself', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [] });
    const { rs } = chain(c);
    const pod = c.get('pod', 'web-1-a');
    const stale = { ...pod, metadata: { ...pod.metadata, ownerReferences: [{ ...ownerRef(rs), uid: 'other' }] } } as StoredObject;
    expect(wake(c, 'Pod', stale, pod)).toEqual(['Pod/default/web-1-a']);
  });

  it('a removed object wakes its dependents (by uid) and an owner waiting for it in the foreground', () => {
    const c = createCluster({ controllers: false, scheduler: false, reconcilers: [] });
    const { rs } = chain(c);
    const pod = c.get('pod', 'web-1-a');
    expect(wake(c, 'Pod', undefined, pod)).toEqual([pod.metadata.uid]);
    c.delete('rs', 'web-1', { propagationPolicy: 'Foreground' });
    expect(c.get('rs', 'web-1').metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(wake(c, 'Pod', undefined, pod)).toEqual([pod.metadata.uid, 'ReplicaSet/default/web-1']);
    expect(wake(c, 'ReplicaSet', c.get('rs', 'web-1'), rs)).toEqual(['ReplicaSet/default/web-1']);
  });
});

