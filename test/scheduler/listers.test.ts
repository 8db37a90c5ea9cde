/**
 * NamespacedListers keeps each namespace's names sorted as objects come and go; lookups must
 * list the selecting objects in name order (byte order, as Go's sort.Strings), whatever the
 * order of the changes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NamespacedListers } from '../../src/scheduler/listers.js';
import { getConstraints, SYSTEM_DEFAULT_CONSTRAINTS } from '../../src/scheduler/plugins/pod-topology-spread/common.js';
import type { Pod } from '../../src/model/types.js';

function rs(name: string, ns: string, app: string): object {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: { app } } } };
}

const pod = (ns: string, app: string) => ({ metadata: { name: 'p', namespace: ns, labels: { app } } }) as unknown as Pod;

describe('NamespacedListers', () => {
  it('lists selecting ReplicaSets sorted by name after any sequence of adds, updates and deletes', () => {
    const op = fc.record({ name: fc.constantFrom('a', 'b', 'B', 'a-1', 'a10', 'a2', 'z', '_x'), ns: fc.constantFrom('n1', 'n2'), app: fc.constantFrom('x', 'y'), del: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const listers = new NamespacedListers();
        const model = new Map<string, string>(); // ns/name → app
        for (const o of ops) {
          const key = `${o.ns}/${o.name}`;
          if (o.del) {
            const app = model.get(key);
            if (app === undefined) continue;
            listers.apply({ kind: 'ReplicaSet', object: undefined, oldObject: rs(o.name, o.ns, app) } as never);
            model.delete(key);
          } else {
            listers.apply({ kind: 'ReplicaSet', object: rs(o.name, o.ns, o.app), oldObject: undefined } as never);
            model.set(key, o.app);
          }
        }
        for (const ns of ['n1', 'n2']) {
          for (const app of ['x', 'y']) {
            const want = [...model]
              .filter(([k, a]) => k.startsWith(`${ns}/`) && a === app)
              .map(([k]) => k.slice(ns.length + 1))
              .sort();
            expect(listers.replicaSetsFor(pod(ns, app)).map((r) => r.metadata!.name)).toEqual(want);
          }
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('keeps the system default spreading in step with ReplicaSet selector changes, not status updates', () => {
    const listers = new NamespacedListers();
    const owned = {
      metadata: { name: 'p', namespace: 'n1', labels: { app: 'x', tier: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u', controller: true }] },
    } as unknown as Pod;
    const selectors = () => getConstraints(owned, 'ScheduleAnyway', SYSTEM_DEFAULT_CONSTRAINTS, listers).map((c) => `${c.topologyKey}:${c.selector.toString()}`);
    const v1 = rs('web', 'n1', 'x');
    listers.apply({ kind: 'ReplicaSet', object: v1, oldObject: undefined } as never);
    expect(selectors()).toEqual(['kubernetes.io/hostname:app=x', 'topology.kubernetes.io/zone:app=x']);
    // A status update (what the ReplicaSet controller writes with every pod) changes nothing.
    const status = { ...v1, status: { replicas: 3 } };
    const before = listers.generation;
    listers.apply({ kind: 'ReplicaSet', object: status, oldObject: v1 } as never);
    expect(listers.generation).toBe(before);
    // A new selector is seen by the next pod.
    const v2 = { ...v1, spec: { selector: { matchLabels: { app: 'x', tier: 'web' } } } };
    listers.apply({ kind: 'ReplicaSet', object: v2, oldObject: status } as never);
    expect(selectors()).toEqual(['kubernetes.io/hostname:app=x,tier=web', 'topology.kubernetes.io/zone:app=x,tier=web']);
    // Without its ReplicaSet (and no Service) the pod has no default constraints.
    listers.apply({ kind: 'ReplicaSet', object: undefined, oldObject: v2 } as never);
    expect(selectors()).toEqual([]);
  });

  it('answers pods sharing frozen labels by their owner, namespace and the listers of the moment', () => {
    const listers = new NamespacedListers();
    listers.apply({ kind: 'ReplicaSet', object: rs('web', 'n1', 'x'), oldObject: undefined } as never);
    listers.apply({ kind: 'ReplicaSet', object: { ...(rs('api', 'n1', 'x') as object), spec: { selector: { matchLabels: { app: 'x', r: 'api' } } } }, oldObject: undefined } as never);
    const labels = Object.freeze({ app: 'x' });
    const owner = (name: string) => Object.freeze([Object.freeze({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: name, controller: true })]);
    const web = owner('web');
    const mk = (ns: string, refs: unknown) => Object.freeze({ metadata: Object.freeze({ name: 'p', namespace: ns, labels, ownerReferences: refs }) }) as unknown as Pod;
    const sel = (p: Pod) => getConstraints(p, 'ScheduleAnyway', SYSTEM_DEFAULT_CONSTRAINTS, listers).map((c) => c.selector.toString());
    expect(sel(mk('n1', web))).toEqual(['app=x', 'app=x']);
    // Same labels object, another namespace (no ReplicaSet there): none.
    expect(sel(mk('n2', web))).toEqual([]);
    expect(sel(mk('n1', web))).toEqual(['app=x', 'app=x']);
    // The ReplicaSet's selector changes: the next sibling sees it.
    listers.apply({ kind: 'ReplicaSet', object: { ...(rs('web', 'n1', 'x') as object), spec: { selector: { matchLabels: { app: 'x', t: 'y' } } } }, oldObject: rs('web', 'n1', 'x') } as never);
    expect(sel(mk('n1', web))).toEqual(['app=x,t=y', 'app=x,t=y']);
    // Same labels object, another owner.
    expect(sel(mk('n1', owner('api')))).toEqual(['app=x,r=api', 'app=x,r=api']);
  });
});
