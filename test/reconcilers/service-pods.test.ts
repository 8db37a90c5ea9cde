import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../../src/model/types.js';
import { podEndpointsChanged, podToServicesMapper, selectorMatches } from '../../src/reconcilers/service-pods.js';
import { newCluster, serviceManifest } from './endpoints-fixtures.js';

/** Services with overlapping selectors, created out of name order. */
const SELECTORS: Record<string, Record<string, string> | null> = {
  's5-b-t1': { tier: 't1', app: 'b' },
  's0-a': { app: 'a' },
  's3-all': {},
  's1-a-t0': { app: 'a', tier: 't0' },
  's2-t0': { tier: 't0' },
  's4-b': { app: 'b' },
  's6-none': null,
};

function cluster() {
  const c = newCluster([]);
  for (const [name, selector] of Object.entries(SELECTORS)) c.create(serviceManifest(name, { selector }));
  c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  c.create({ ...serviceManifest('elsewhere', { selector: { app: 'a' } }), metadata: { name: 'elsewhere', namespace: 'other' } });
  return c;
}

function pod(labels: Record<string, string> | undefined, status?: object): StoredObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u', ...(labels ? { labels } : {}) }, ...(status ? { status } : {}) } as StoredObject;
}

const ready = (s: 'True' | 'False') => ({ phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], conditions: [{ type: 'Ready', status: s }] });

describe('podToServicesMapper', () => {
  const c = cluster();
  const map = podToServicesMapper();

  it('maps a pod to the Services selecting its new or old labels, in name order', () => {
    expect(map({ kind: 'Pod', object: pod({ app: 'a', tier: 't0' }), oldObject: undefined }, c.state)).toEqual([
      'default/s0-a',
      'default/s1-a-t0',
      'default/s2-t0',
      'default/s3-all',
    ]);
    // A relabelled pod wakes the Services it left and those it joined; s3-all selects both
    // versions and sees the same endpoint (determineNeededServiceUpdates).
    expect(map({ kind: 'Pod', object: pod({ app: 'b' }), oldObject: pod({ app: 'a' }) }, c.state)).toEqual(['default/s0-a', 'default/s4-b']);
    // Relabelled and turned ready: every Service of either version.
    expect(map({ kind: 'Pod', object: pod({ app: 'b' }, ready('True')), oldObject: pod({ app: 'a' }, ready('False')) }, c.state)).toEqual([
      'default/s0-a',
      'default/s3-all',
      'default/s4-b',
    ]);
    // A status step that changes no endpoint (the kubelet's pulling, started-not-ready) wakes none.
    expect(map({ kind: 'Pod', object: pod({ app: 'a' }, { ...ready('False'), phase: 'Pending' }), oldObject: pod({ app: 'a' }, ready('False')) }, c.state)).toEqual([]);
    expect(map({ kind: 'Pod', object: undefined, oldObject: pod(undefined) }, c.state)).toEqual(['default/s3-all']);
  });

  const labelsArb = fc.option(
    fc.record({ app: fc.constantFrom('a', 'b', 'c'), tier: fc.constantFrom('t0', 't1'), x: fc.constant('y') }, { requiredKeys: [] }),
    { nil: undefined },
  );

  it('property: equals testing every Service of the namespace (labels-only updates: those of one version)', () => {
    const services = Object.entries(SELECTORS)
      .filter(([, s]) => s !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    fc.assert(
      fc.property(labelsArb, labelsArb, fc.constantFrom('create', 'update', 'delete'), (newLabels, oldLabels, op) => {
        const object = op === 'delete' ? undefined : pod(newLabels);
        const oldObject = op === 'create' ? undefined : pod(oldLabels);
        const inNew = (sel: Record<string, string>) => !!object && selectorMatches(sel, object.metadata.labels);
        const inOld = (sel: Record<string, string>) => !!oldObject && selectorMatches(sel, oldObject.metadata.labels);
        const want = services
          .filter(([, sel]) => (op === 'update' ? inNew(sel!) !== inOld(sel!) : inNew(sel!) || inOld(sel!)))
          .map(([name]) => `default/${name}`);
        expect(map({ kind: 'Pod', object, oldObject }, c.state)).toEqual(want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

// After kubernetes/kubernetes staging/src/k8s.io/endpointslice/util/controller_utils_test.go
// (TestPodChanged): which pod updates may change an endpoint, or the Services a pod matches.
describe('podEndpointsChanged', () => {
  interface PodLike {
    metadata: { name: string; namespace: string; labels: Record<string, string>; deletionTimestamp?: string };
    spec: { nodeName: string; hostname?: string };
    status: { phase: string; podIP: string; podIPs: { ip: string }[]; conditions: { type: string; status: string }[]; startTime?: string };
  }
  const base: PodLike = { metadata: { name: 'p', namespace: 'default', labels: { app: 'a' } }, spec: { nodeName: 'n1' }, status: ready('True') };
  const edit = (f: (p: PodLike) => void): PodLike => {
    const p = JSON.parse(JSON.stringify(base)) as PodLike;
    f(p);
    return p;
  };
  it.each`
    why                                   | next                                                                 | podChanged | labelsChanged
    ${'nothing relevant (a status time)'} | ${edit((p) => (p.status.startTime = '2025-01-01T00:00:00Z'))}        | ${false}   | ${false}
    ${'the deletion timestamp'}           | ${edit((p) => (p.metadata.deletionTimestamp = '2025-01-01T00:00:30Z'))} | ${true}  | ${false}
    ${'readiness'}                        | ${edit((p) => (p.status.conditions[0]!.status = 'False'))}           | ${true}    | ${false}
    ${'the pod IPs'}                      | ${edit((p) => (p.status.podIPs = [{ ip: '10.244.0.6' }]))}           | ${true}    | ${false}
    ${'a terminal phase'}                 | ${edit((p) => (p.status.phase = 'Failed'))}                          | ${true}    | ${false}
    ${'the labels'}                       | ${edit((p) => (p.metadata.labels = { app: 'b' }))}                   | ${false}   | ${true}
    ${'the hostname'}                     | ${edit((p) => (p.spec.hostname = 'h'))}                               | ${false}   | ${true}
    ${'labels and readiness'}             | ${edit((p) => ((p.metadata.labels = { app: 'b' }), (p.status.conditions[0]!.status = 'False')))} | ${true} | ${true}
  `('$why → [$podChanged, $labelsChanged]', ({ next, podChanged, labelsChanged }) => {
    expect(podEndpointsChanged(base as never, next)).toEqual([podChanged, labelsChanged]);
  });
});
