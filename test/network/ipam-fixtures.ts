/** Write-path fixtures for the IPAM tests: a batch-level API server with the allocators wired. */
import { Rng } from '../../src/clock/rng.js';
import { emptyState, StoreBatch, type ClusterState, type InternalTable } from '../../src/model/store.js';
import type { KubeObject, StoredObject } from '../../src/model/types.js';
import { bindPod, createObject, deleteObject, updateObject, type DeleteOptions, type WriteContext } from '../../src/model/writes.js';
import { networkAllocator } from '../../src/network/ipam.js';
import { resolveNetworkOptions, type NetworkOptions } from '../../src/network/options.js';
import { forEachObject } from '../../src/model/store.js';

export class Api {
  state: ClusterState = emptyState();
  readonly ctx: WriteContext;
  private n = 0;

  constructor(options: Partial<NetworkOptions> = {}, seed = 1, wired = true) {
    const ids = Rng.root(seed).fork('api');
    this.ctx = {
      nowMs: 0,
      epochMs: 0,
      ids: { uuid: () => `uid-${++this.n}`, nameSuffix: () => ids.fork(String(this.n++)).int(1e6).toString(36) },
      ...(wired ? { network: networkAllocator(resolveNetworkOptions(options), Rng.root(seed).fork('ipam')) } : {}),
    };
    this.write((b) => createObject(b, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, this.ctx));
  }

  /** One call in its own batch: committed if it returns, discarded if it throws. */
  write<T>(fn: (batch: StoreBatch) => T): T {
    const batch = new StoreBatch(this.state);
    const out = fn(batch);
    this.state = batch.commit();
    return out;
  }

  create(obj: KubeObject): StoredObject {
    return this.write((b) => createObject(b, structuredClone(obj), this.ctx));
  }
  update(obj: KubeObject): StoredObject {
    return this.write((b) => updateObject(b, structuredClone(obj), this.ctx));
  }
  delete(kind: string, name: string, opts: DeleteOptions = {}): void {
    this.write((b) => deleteObject(b, kind, kind === 'Node' ? undefined : 'default', name, this.ctx, opts));
  }
  bind(pod: string, node: string): StoredObject {
    return this.write((b) => bindPod(b, 'default', pod, node, this.ctx));
  }
  get(kind: string, name: string): StoredObject | undefined {
    return new StoreBatch(this.state).get(kind, kind === 'Node' ? undefined : 'default', name);
  }
  /** Allocation records of a table: value → owner. */
  records(table: InternalTable): Map<string, string> {
    const out = new Map<string, string>();
    forEachObject(this.state, table, (r) => out.set(r.metadata.name, (r as unknown as { owner: string }).owner));
    return out;
  }
}

export function node(name: string, podCIDR: string | undefined, ip: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
  };
}

export function pod(name: string, extra: { nodeName?: string; hostNetwork?: boolean; labels?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      containers: [{ name: 'main', image: 'nginx:1.27' }],
      ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
      ...(extra.hostNetwork ? { hostNetwork: true } : {}),
    },
  };
}

export function service(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } };
}
