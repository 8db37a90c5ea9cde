/** Cluster fixtures for the Endpoints/EndpointSlice/node IPAM tests. */
import type { Reconciler } from '../../src/model/reconcile.js';
import type { KubeObject, StoredObject } from '../../src/model/types.js';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';

/**
 * A cluster without scheduler, kubelet or built-in controllers; the cluster's own network
 * allocators assign IPs and ports (`ipam` is kept for readability at call sites).
 */
export function newCluster(reconcilers: Reconciler[], opts: { nodes?: number; zones?: number; ipam?: boolean } = {}): Cluster {
  return createCluster({ nodes: opts.nodes ?? 2, zones: opts.zones, scheduler: false, controllers: false, reconcilers });
}

export interface PodOpts {
  labels?: Record<string, string>;
  node?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostname?: string;
  subdomain?: string;
}

export function podManifest(name: string, o: PodOpts = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: o.labels ?? { app: 'web' } },
    spec: {
      nodeName: o.node ?? 'node-1',
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
      containers: [{ name: 'main', image: 'nginx:1.27', ...(o.ports ? { ports: o.ports } : {}) }],
    },
  };
}

/** What a kubelet would report: Running with an IP, Ready or not. */
export function setStatus(c: Cluster, name: string, status: { ip?: string; ready: boolean; phase?: string }): StoredObject {
  const pod = c.get('pod', name);
  const s = { ...(pod.status as object) } as Record<string, unknown>;
  s.phase = status.phase ?? 'Running';
  if (status.ip) {
    s.podIP = status.ip;
    s.podIPs = [{ ip: status.ip }];
  }
  s.conditions = [{ type: 'Ready', status: status.ready ? 'True' : 'False' }];
  return c.updateStatus({ ...pod, status: s });
}

export function serviceManifest(name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  };
}
