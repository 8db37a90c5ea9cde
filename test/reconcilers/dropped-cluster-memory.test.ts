/**
 * Regression (issue 9, bench/properties): a process that builds cluster after cluster — a
 * property suite — must not keep the dropped ones. Every cluster's kube-dns Service selects no
 * pod, and the EndpointSlice controller once cached its (empty) groups under the one frozen
 * empty pod list every cluster shares, together with that cluster's Node table: each cluster
 * ever built stayed reachable, and RSS grew by about 1 MiB a run.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/index.js';

/** A full, synchronous garbage collection (the flag may be set at run time; gc lives in a new context). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** Builds a cluster as a property run does and returns only a weak reference to its Node table. */
function runAndDrop(seed: number): WeakRef<object> {
  const cluster = createCluster({ nodes: 3, seed });
  cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nothing' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
  cluster.settle();
  return new WeakRef(cluster.state.kinds['Node']!);
}

describe('memory across clusters', () => {
  it('a dropped cluster, its state and its nodes are garbage once unreferenced', async () => {
    const refs = [1, 2, 3].map(runAndDrop);
    // WeakRefs keep their targets alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true, true]);
  });
});
