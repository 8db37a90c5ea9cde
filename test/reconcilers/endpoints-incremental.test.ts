import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listObjects } from '../../src/model/store.js';
import type { Pod, StoredObject } from '../../src/model/types.js';
import { endpointSliceController, type SliceEndpoint } from '../../src/reconcilers/endpoint-slice.js';
import { endpointsController, type EndpointAddress, type EndpointSubset } from '../../src/reconcilers/endpoints.js';
import { nodeIpamController } from '../../src/reconcilers/node-ipam.js';
import { newCluster, podManifest, serviceManifest } from './endpoints-fixtures.js';

// Both endpoint controllers patch the lists and endpoints of a Service's previous sync with the
// pods that changed since. Checked after every single change (not only once settled), so that
// each patch is compared with what the pods say: relabels moving pods between Services,
// readiness flips, status writes that change no endpoint, graceful and forced deletions,
// recreations under the same name, and a node relabelled into another zone (an endpoint's zone
// is read when it is written, so zones are not compared here; the relabel makes the next sync
// rebuild rather than patch, which must give the same endpoints).

type Ep = StoredObject & { subsets?: EndpointSubset[] };
type Slice = StoredObject & { endpoints?: SliceEndpoint[] };

const isReady = (p: Pod): boolean => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

function addresses(subsets: EndpointSubset[] | undefined, field: 'addresses' | 'notReadyAddresses'): string[] {
  return (subsets ?? []).flatMap((ss) => (ss[field] ?? []).map((a: EndpointAddress) => `${a.ip} ${a.targetRef!.name} ${a.targetRef!.uid}`));
}

describe('endpoint controllers after each change', () => {
  it('property: Endpoints and EndpointSlices equal what the pods say after every change', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('pod' as const), id: fc.integer({ min: 0, max: 9 }), app: fc.constantFrom('a', 'b'), node: fc.constantFrom('node-1', 'node-2') }),
      fc.record({ t: fc.constant('ready' as const), id: fc.integer({ min: 0, max: 9 }), ready: fc.boolean() }),
      fc.record({ t: fc.constant('noise' as const), id: fc.integer({ min: 0, max: 9 }), n: fc.integer({ min: 0, max: 99 }) }),
      fc.record({ t: fc.constant('relabel' as const), id: fc.integer({ min: 0, max: 9 }), app: fc.constantFrom('a', 'b') }),
      fc.record({ t: fc.constant('delPod' as const), id: fc.integer({ min: 0, max: 9 }), graceful: fc.boolean() }),
      fc.record({ t: fc.constant('zone' as const), zone: fc.constantFrom('zone-x', 'zone-y') }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 40 }), (ops) => {
        const c = newCluster([nodeIpamController(), endpointsController(), endpointSliceController()], { ipam: true, zones: 2 });
        c.create(serviceManifest('sa', { selector: { app: 'a' } }));
        c.create(serviceManifest('sb', { selector: { app: 'b' } }));
        c.create(serviceManifest('sp', { selector: { app: 'a' }, publishNotReadyAddresses: true }));
        // Some pods to begin with, so that most changes land among unchanged pods.
        for (let i = 0; i < 8; i += 2) {
          const pod = c.create(podManifest(`p${i}`, { labels: { app: i % 4 === 0 ? 'a' : 'b' }, node: i % 3 === 0 ? 'node-1' : 'node-2' }))[0]!;
          c.updateStatus({ ...pod, status: { ...(pod.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
        }
        for (const o of ops) {
          const pod = `p${'id' in o ? o.id : 0}`;
          const cur = c.find('pod', pod);
          if (o.t === 'pod' && !cur) c.create(podManifest(pod, { labels: { app: o.app }, node: o.node }));
          if (o.t === 'ready' && cur) {
            c.updateStatus({ ...cur, status: { ...(cur.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] } });
          }
          // A status write no endpoint reads (as a kubelet's container steps are).
          if (o.t === 'noise' && cur) c.updateStatus({ ...cur, status: { ...(cur.status as object), message: `step ${o.n}` } });
          if (o.t === 'relabel' && cur) c.replace({ ...cur, metadata: { ...cur.metadata, labels: { app: o.app } } });
          if (o.t === 'delPod' && cur) c.delete('pod', pod, o.graceful ? {} : { gracePeriodSeconds: 0 });
          if (o.t === 'zone') {
            const node = c.get('node', 'node-2');
            c.replace({ ...node, metadata: { ...node.metadata, labels: { ...node.metadata.labels, 'topology.kubernetes.io/zone': o.zone } } });
          }
          c.settle();
          const pods = (listObjects(c.state, 'Pod', 'default') as (StoredObject & Pod)[]).filter((p) => p.status?.podIP);
          for (const [svc, app, publish] of [['sa', 'a', false], ['sb', 'b', false], ['sp', 'a', true]] as const) {
            const members = pods.filter((p) => p.metadata.labels?.app === app);
            const listed = members.filter((p) => publish || !p.metadata.deletionTimestamp);
            const line = (p: StoredObject & Pod) => `${p.status!.podIP} ${p.metadata.name} ${p.metadata.uid}`;
            const byIp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
            const ep = c.get('endpoints', svc) as Ep;
            expect(addresses(ep.subsets, 'addresses')).toEqual(listed.filter((p) => publish || isReady(p)).map(line).sort(byIp));
            expect(addresses(ep.subsets, 'notReadyAddresses')).toEqual(listed.filter((p) => !publish && !isReady(p)).map(line).sort(byIp));
            const slices = (listObjects(c.state, 'EndpointSlice', 'default') as Slice[]).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
            const seen = slices.flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses[0]} ${e.targetRef.name} ${JSON.stringify(e.conditions)}`));
            const want = members.map((p) => {
              const terminating = !!p.metadata.deletionTimestamp;
              const conditions = { ready: (publish || isReady(p)) && (!terminating || publish), serving: isReady(p), terminating };
              return `${p.status!.podIP} ${p.metadata.name} ${JSON.stringify(conditions)}`;
            });
            expect(seen.sort()).toEqual(want.sort());
          }
        }
      }),
      { numRuns: 30, seed: 20261122 },
    );
  });
});
