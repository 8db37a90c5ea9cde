/**
 * Regression (issue 9): the ReplicaSet, Endpoints and EndpointSlice controllers remember their
 * last sync per object to patch it on the next one. That memory belongs to the controller
 * instance, so to one cluster: a process that builds cluster after cluster (sweep workers,
 * property suites) must not keep the pods of the ones it dropped, and clusters run side by side
 * must not see each other's hints (their traces are those of clusters run alone).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/index.js';

/** A full, synchronous garbage collection (the flag may be set at run time; gc lives in a new context). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

const manifests = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
    },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
];

function scale(c: Cluster, replicas: number): void {
  c.scale('deployment/web', replicas);
  c.settle();
}

/** Runs a cluster whose controllers sync its pods, then returns only weak references to them. */
function runAndDrop(seed: number): WeakRef<object>[] {
  const cluster = createCluster({ nodes: 2, seed });
  cluster.apply(manifests);
  cluster.settle();
  scale(cluster, 4);
  return (cluster.get('pods') as object[]).map((p) => new WeakRef(p));
}

describe('controller memory is per cluster', () => {
  it("a dropped cluster's pods are garbage once it is unreferenced", async () => {
    const refs = [1, 2].flatMap(runAndDrop);
    // A third cluster replaces whatever one-entry memos the last run left.
    runAndDrop(3);
    // WeakRefs keep their targets alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });

  it('two clusters stepped in turn give the traces of clusters run alone', () => {
    const alone = createCluster({ nodes: 2, seed: 5 });
    alone.apply(manifests);
    alone.settle();
    for (const n of [5, 2, 4]) scale(alone, n);

    const a = createCluster({ nodes: 2, seed: 5 });
    const b = createCluster({ nodes: 2, seed: 5 });
    for (const c of [a, b]) {
      c.apply(manifests);
      c.settle();
    }
    for (const n of [5, 2, 4]) for (const c of [a, b]) scale(c, n);
    expect(a.traceHash()).toBe(alone.traceHash());
    expect(b.traceHash()).toBe(alone.traceHash());
  });
});
