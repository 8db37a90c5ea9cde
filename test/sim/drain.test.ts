import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';
import { cordonNode, drainStep, planDrain, runDrain, type DrainDriver } from '../../src/sim/drain.js';
import { disruptionController } from '../../src/reconcilers/disruption.js';
import { evictPod } from '../../src/model/eviction.js';
import { StoreBatch, splitObjectKey } from '../../src/model/store.js';
import { parseRFC3339 } from '../../src/model/time.js';
import { isPodReady } from '../../src/reconcilers/controller-utils.js';
import type { KubeObject, Pod } from '../../src/model/types.js';
import type { DeleteOptions } from '../../src/model/writes.js';

/**
 * Until the Cluster has an evict verb, the test replays evictPod's writes through the public
 * API: the budget's status, the pod's DisruptionTarget condition, then the graceful delete.
 */
function evictViaApi(c: Cluster, podKey: string, options: DeleteOptions): void {
  const { namespace, name } = splitObjectKey(podKey);
  const batch = new StoreBatch(c.state);
  const ctx = { nowMs: c.now, epochMs: parseRFC3339(c.nowTimestamp) - c.now, ids: { uuid: () => 'u', nameSuffix: () => 'xxxxx' } };
  evictPod(batch, namespace!, name, ctx, options);
  for (const ch of batch.changes) {
    if (!ch.object || ch.kind === 'Pod') continue;
    const { resourceVersion: _rv, ...metadata } = ch.object.metadata;
    c.updateStatus({ ...ch.object, metadata });
  }
  c.delete('pod', name, { namespace, ...options });
}

function driver(c: Cluster): DrainDriver {
  return {
    state: () => c.state,
    now: () => c.now,
    update: (o: KubeObject) => void c.replace(o),
    evict: (k, o) => evictViaApi(c, k, o),
    advanceTo: (ms) => c.advance(ms - c.now),
  };
}

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  },
});

const pdb = (minAvailable: number) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web' },
  spec: { minAvailable, selector: { matchLabels: { app: 'web' } } },
});

function availableWeb(c: Cluster): number {
  return c.get('pods', undefined, { selector: 'app=web' }).filter((p) => !p.metadata.deletionTimestamp && isPodReady(p as Pod)).length;
}

describe('kubectl cordon / uncordon', () => {
  it('prints cordoned, already cordoned, uncordoned', () => {
    const c = createCluster({ nodes: 1, controllers: false, scheduler: false });
    const first = cordonNode(c.get('node', 'node-1'), true);
    expect(first.line).toBe('node/node-1 cordoned');
    c.replace(first.object!);
    expect((c.get('node', 'node-1').spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    expect(cordonNode(c.get('node', 'node-1'), true)).toEqual({ line: 'node/node-1 already cordoned' });
    const un = cordonNode(c.get('node', 'node-1'), false);
    expect(un.line).toBe('node/node-1 uncordoned');
    c.replace(un.object!);
    expect(cordonNode(c.get('node', 'node-1'), false).line).toBe('node/node-1 already uncordoned');
  });
});

// Filters ported from kubernetes/kubectl pkg/drain/filters.go (daemonSetFilter, mirrorPodFilter,
// localStorageFilter, unreplicatedFilter) and the messages of PodDeleteList.errors/Warnings.
describe('planDrain filters', () => {
  function withPod(extra: Record<string, unknown>, spec: Record<string, unknown> = {}) {
    const c = createCluster({ nodes: 1, controllers: false, scheduler: false });
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...extra }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }], ...spec } });
    return c;
  }
  const rsOwner = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'x', controller: true }] };
  const dsOwner = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'x', controller: true }] };
  const emptyDir = { volumes: [{ name: 'tmp', emptyDir: {} }] };

  it.each`
    name                                  | meta                                                      | spec        | opts                                        | pods    | line
    ${'unmanaged pod'}                    | ${{}}                                                     | ${{}}       | ${{}}                                       | ${[]}   | ${'error: unable to drain node "node-1" due to error: cannot delete Pods declare no controller (use --force to override): default/p, continuing command...'}
    ${'unmanaged pod, --force'}           | ${{}}                                                     | ${{}}       | ${{ force: true }}                          | ${['p']} | ${'Warning: deleting Pods that declare no controller: default/p'}
    ${'emptyDir pod'}                     | ${rsOwner}                                                | ${emptyDir} | ${{}}                                       | ${[]}   | ${'error: unable to drain node "node-1" due to error: cannot delete Pods with local storage (use --delete-emptydir-data to override): default/p, continuing command...'}
    ${'emptyDir pod, --delete-emptydir-data'} | ${rsOwner}                                            | ${emptyDir} | ${{ deleteEmptyDirData: true }}             | ${['p']} | ${'Warning: deleting Pods with local storage: default/p'}
    ${'mirror pod is skipped silently'}   | ${{ annotations: { 'kubernetes.io/config.mirror': 'x' } }} | ${{}}      | ${{}}                                       | ${[]}   | ${undefined}
    ${'DaemonSet pod whose DaemonSet is gone'} | ${dsOwner}                                           | ${{}}       | ${{ ignoreDaemonSets: true }}              | ${[]}   | ${'error: unable to drain node "node-1" due to error: cannot delete daemonsets.apps "ds" not found: default/p, continuing command...'}
    ${'managed pod'}                      | ${rsOwner}                                                | ${{}}       | ${{}}                                       | ${['p']} | ${undefined}
  `('$name', ({ meta, spec, opts, pods, line }) => {
    const c = withPod(meta, spec);
    const start = planDrain(c.state, 'node-1', opts, c.now);
    expect(start.output[0]).toBe('node/node-1 cordoned');
    expect(start.plan.pods.map((p) => p.name)).toEqual(pods);
    if (line === undefined) expect(start.output).toHaveLength(1);
    else expect(start.output[1]).toBe(line);
  });
});

describe('kubectl drain', () => {
  it('evicts, waits for the pods to go, and reports kubectl lines', () => {
    const c = createCluster({ nodes: 2, reconcilers: [disruptionController()] });
    c.apply(deployment(2));
    expect(c.runUntil(() => availableWeb(c) === 2, { timeout: '5m' })).toBe(true);
    const node = c.get('pods', undefined, { selector: 'app=web' })[0]!.spec as { nodeName: string };
    const result = runDrain(driver(c), node.nodeName, { timeout: '10m' });
    expect(result.error).toBeUndefined();
    expect(result.output[0]).toBe(`node/${node.nodeName} cordoned`);
    expect(result.output).toContainEqual(expect.stringMatching(/^evicting pod default\/web-/));
    expect(result.output).toContainEqual(expect.stringMatching(/^pod\/web-[a-z0-9-]+ evicted$/));
    expect(result.output.at(-1)).toBe(`node/${node.nodeName} drained`);
    expect(c.get('pods', undefined, { selector: 'app=web' }).every((p) => (p.spec as { nodeName?: string }).nodeName !== node.nodeName)).toBe(true);
  });

  it('never drops below a budget minAvailable; refused evictions are retried every 5s', () => {
    const c = createCluster({ nodes: 2, reconcilers: [disruptionController()] });
    c.apply(deployment(4));
    c.apply(pdb(4 - 1));
    expect(c.runUntil(() => availableWeb(c) === 4 && (c.get('pdb', 'web').status as { disruptionsAllowed?: number }).disruptionsAllowed === 1, { timeout: '5m' })).toBe(true);
    // The node with the most web pods, so that two evictions compete for one disruption.
    const counts = new Map<string, number>();
    for (const p of c.get('pods', undefined, { selector: 'app=web' })) {
      const n = (p.spec as { nodeName: string }).nodeName;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const target = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    expect(counts.get(target)).toBeGreaterThanOrEqual(2);

    let minSeen = Number.MAX_SAFE_INTEGER;
    c.on('watch', () => {
      minSeen = Math.min(minSeen, availableWeb(c));
    });
    const result = runDrain(driver(c), target, { timeout: '15m' });
    expect(result.error).toBeUndefined();
    expect(minSeen).toBeGreaterThanOrEqual(3);
    expect(result.output).toContainEqual(
      expect.stringMatching(/^error when evicting pods\/"web-[a-z0-9-]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.$/),
    );
    expect(result.output.at(-1)).toBe(`node/${target} drained`);
    expect(availableWeb(c)).toBeGreaterThanOrEqual(3);
  });

  it('gives up at --timeout with kubectl global timeout error', () => {
    const c = createCluster({ nodes: 1, reconcilers: [disruptionController()] });
    c.apply(deployment(1));
    c.apply(pdb(1));
    expect(c.runUntil(() => availableWeb(c) === 1, { timeout: '5m' })).toBe(true);
    const start = planDrain(c.state, 'node-1', { timeout: '30s' }, c.now);
    c.replace(start.cordon!);
    let step = drainStep(start.plan, c.state, c.now);
    const out: string[] = [];
    for (let i = 0; i < 100 && !step.done; i++) {
      out.push(...step.output);
      const outcomes = step.evictions.map((e) => {
        try {
          evictViaApi(c, e.podKey, e.options);
          return { podKey: e.podKey };
        } catch (error) {
          return { podKey: e.podKey, error };
        }
      });
      if (outcomes.length === 0) c.advance(step.wakeAtMs! - c.now);
      step = drainStep(step.plan, c.state, c.now, outcomes);
    }
    out.push(...step.output);
    expect(step.done).toBe(true);
    expect(step.error).toMatch(/^error when evicting pods\/"web-[a-z0-9-]+" -n "default": global timeout reached: 30s$/);
    // Retries at 0s, 5s, ..., 25s, then the attempt at 30s times out.
    expect(out.filter((l) => l.includes('will retry after 5s'))).toHaveLength(6);
    expect(out).toContainEqual('There are pending nodes to be drained:');
  });
});


