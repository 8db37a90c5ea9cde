import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServicePort } from '../../src/model/types.js';
import { isPodReady } from '../../src/reconcilers/controller-utils.js';
import {
  desiredSubsets,
  endpointPort,
  findPort,
  repackSubsets,
  shouldPodBeInEndpoints,
  type EndpointAddress,
  type EndpointSubset,
  type PodObject,
  type ServiceObject,
} from '../../src/reconcilers/endpoints.js';

/**
 * syncService as upstream writes it: one subset per (pod, resolved port), then RepackSubsets.
 * The controller builds the common cases directly; this is the reference it must equal.
 */
function reference(svc: ServiceObject, pods: readonly PodObject[]): EndpointSubset[] {
  const spec = svc.spec ?? {};
  const tolerate = spec.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const addr: EndpointAddress = { ip: pod.status!.podIP! };
    if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name) addr.hostname = pod.spec.hostname;
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = { kind: 'Pod', namespace: 'default', name: pod.metadata.name, uid: pod.metadata.uid };
    const ready = tolerate || isPodReady(pod);
    const add = (ports: ReturnType<typeof endpointPort>[]) =>
      subsets.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    if ((spec.ports ?? []).length === 0) {
      if (spec.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of spec.ports!) {
      const port = findPort(pod, sp);
      if (port !== undefined) add([endpointPort(sp, port)]);
    }
  }
  return repackSubsets(subsets);
}

const podArb = (i: number) =>
  fc
    .record({
      ip: fc.constantFrom('10.0.0.1', '10.0.0.12', '10.0.0.2', '10.0.1.1', undefined),
      ready: fc.boolean(),
      phase: fc.constantFrom('Running', 'Running', 'Succeeded'),
      terminating: fc.boolean(),
      hostname: fc.constantFrom(undefined, 'h'),
      subdomain: fc.constantFrom(undefined, 'web', 'other'),
      httpPort: fc.constantFrom(undefined, 8080, 9090),
    })
    .map(
      (p) =>
        ({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `p${i}`, namespace: 'default', uid: `u${(i * 7) % 5}${i}`, ...(p.terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
          spec: {
            nodeName: `node-${i % 2}`,
            ...(p.hostname ? { hostname: p.hostname } : {}),
            ...(p.subdomain ? { subdomain: p.subdomain } : {}),
            containers: [{ name: 'c', image: 'i', ...(p.httpPort ? { ports: [{ name: 'http', containerPort: p.httpPort }] } : {}) }],
          },
          status: {
            phase: p.phase,
            ...(p.ip ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
            conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }],
          },
        }) as unknown as PodObject,
    );

const portsArb: fc.Arbitrary<ServicePort[]> = fc.constantFrom(
  [],
  [{ port: 80 }],
  [{ port: 80, targetPort: 8080 }],
  [
    { name: 'b', port: 81, targetPort: 9000 },
    { name: 'a', port: 80, protocol: 'UDP', appProtocol: 'dns' },
  ],
  [{ name: 'web', port: 80, targetPort: 'http' }],
  [
    { name: 'web', port: 80, targetPort: 'http' },
    { name: 'raw', port: 81 },
  ],
);

describe('desiredSubsets', () => {
  it('property: equals RepackSubsets over one subset per pod and port (pkg/controller/endpoint syncService)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => podArb(i)))),
        portsArb,
        fc.boolean(),
        fc.constantFrom('10.96.0.10', 'None'),
        (pods, ports, publish, clusterIP) => {
          const svc = {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'web', namespace: 'default', uid: 's' },
            spec: { selector: { app: 'web' }, ports, clusterIP, ...(publish ? { publishNotReadyAddresses: true } : {}) },
          } as unknown as ServiceObject;
          const frozen = Object.freeze([...pods]);
          const got = desiredSubsets(svc, frozen);
          expect(got).toEqual(reference(svc, frozen));
          // Asked again for the same pod array (shared between Services), the answer holds.
          expect(desiredSubsets(svc, frozen)).toEqual(got);
        },
      ),
      { seed: 1234, numRuns: 400 },
    );
  });
});
