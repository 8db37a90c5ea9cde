/**
 * Each built-in invariant against a hand-built state that breaks it (controllers and, where it
 * matters, the scheduler off, so nothing repairs the state), checking that the message says
 * what is wrong in words; and a healthy settled cluster that satisfies them all.
 */
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type StoredObject } from '../../src/index.js';
import { checkFromScratch } from '../../src/testing/invariants.js';
import {
  builtinInvariants,
  defineInvariant,
  deploymentsConverged,
  endpointsExact,
  noDuplicateIPs,
  noNodeOvercommitted,
  noOrphanedPods,
  pendingPodsHaveFailedScheduling,
  rolloutBoundsHeld,
  type InvariantResult,
} from '../../src/testing/index.js';

const bare = () => createCluster({ nodes: [{ name: 'node-1', cpu: '1', memory: '1Gi' }], controllers: false, scheduler: false });

function pod(name: string, extra: { nodeName?: string; cpu?: string; labels?: Record<string, string>; owner?: object } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: extra.labels ?? { app: 'web' }, ...(extra.owner ? { ownerReferences: [extra.owner] } : {}) },
    spec: {
      ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
      containers: [{ name: 'app', image: 'app:v1', ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: extra.cpu ?? '100m', memory: '64Mi' } } }],
    },
  };
}

function setStatus(c: Cluster, kind: string, name: string, status: object): StoredObject {
  const obj = c.get(kind, name);
  return c.updateStatus({ ...obj, status: { ...(obj.status as object), ...status } });
}

const readyStatus = (ip: string, ready: boolean) => ({
  phase: 'Running',
  podIP: ip,
  podIPs: [{ ip }],
  conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2025-01-01T00:00:00Z' }],
});

const failed = (r: InvariantResult): string => (r.ok ? '' : r.message);

describe('invariants on hand-built violations', () => {
  it('noNodeOvercommitted names the node, the resource and the pods', () => {
    const c = bare();
    c.create([pod('a', { nodeName: 'node-1', cpu: '600m' }), pod('b', { nodeName: 'node-1', cpu: '600m' })]);
    expect(failed(noNodeOvercommitted(c))).toBe(
      'invariant noNodeOvercommitted violated at t=0s:\n  - node node-1: cpu requested 1200m > allocatable 1 (pods default/a, default/b)',
    );
  });

  it('noDuplicateIPs names both pods and the IP', () => {
    const c = bare();
    c.create([pod('a', { nodeName: 'node-1' }), pod('b', { nodeName: 'node-1' })]);
    setStatus(c, 'pod', 'a', readyStatus('10.244.0.5', true));
    setStatus(c, 'pod', 'b', readyStatus('10.244.0.5', true));
    expect(failed(noDuplicateIPs(c))).toContain('pods default/a and default/b both have IP 10.244.0.5');
  });

  it('rolloutBoundsHeld measures a rollout from the steady baseline', () => {
    const c = bare();
    const [d] = c.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
      },
    });
    setStatus(c, 'deployment', 'web', { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const baseline = c.state;
    // Without a steady baseline there is no rollout to bound.
    expect(rolloutBoundsHeld(c).ok).toBe(true);
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d!.metadata.uid, controller: true };
    const rs = (name: string, image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, ownerReferences: [owner] },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web', v: name } }, template: { metadata: { labels: { app: 'web', v: name } }, spec: { containers: [{ name: 'app', image }] } } },
    });
    c.create([rs('web-old', 'app:v1'), rs('web-new', 'app:v2')]);
    const message = failed(rolloutBoundsHeld(c, { baseline }));
    expect(message).toContain('deployment default/web: 4 replicas across its ReplicaSets > 2 + maxSurge 0 (web-new=2, web-old=2)');
    expect(message).toContain('deployment default/web: 0 available pods < 2 - maxUnavailable 1');
    // A disruption since the baseline (a fault, a deleted pod) suspends the bound.
    expect(rolloutBoundsHeld(c, { baseline, disruptedSinceBaseline: true }).ok).toBe(true);
  });

  it('deploymentsConverged says which pods are not ready and why', () => {
    const c = createCluster({ nodes: [{ name: 'node-1', cpu: '1', memory: '1Gi' }], images: { 'app:v1': { pullTime: '1s', startupTime: '1s' } } });
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'big' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'big' } }, template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'app', image: 'app:v1', resources: { requests: { cpu: '2' } } }] } } },
    });
    c.settle();
    const message = failed(deploymentsConverged(c));
    expect(message).toMatch(/deployment default\/big: pod big-\w+-\w+ is not Ready \(Pending: 0\/1 nodes are available: 1 Insufficient cpu/);
    expect(message).toContain('deployment default/big: status readyReplicas=0 availableReplicas=0, want 1');
    // The scheduler did explain itself.
    expect(pendingPodsHaveFailedScheduling(c).ok).toBe(true);
  });

  it('endpointsExact compares addresses with the ready and not-ready pods', () => {
    const c = bare();
    c.create([pod('a', { nodeName: 'node-1' }), pod('b', { nodeName: 'node-1' }), pod('other', { nodeName: 'node-1', labels: { app: 'db' } })]);
    setStatus(c, 'pod', 'a', readyStatus('10.244.0.2', true));
    setStatus(c, 'pod', 'b', readyStatus('10.244.0.3', false));
    setStatus(c, 'pod', 'other', readyStatus('10.244.0.4', true));
    c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } });
    expect(failed(endpointsExact(c))).toContain('service default/web: no Endpoints object, want addresses [10.244.0.2] notReadyAddresses [10.244.0.3]');
    c.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.244.0.2' }, { ip: '10.244.0.4' }], ports: [{ port: 8080 }] }] });
    const message = failed(endpointsExact(c));
    expect(message).toContain("service default/web: Endpoints addresses [10.244.0.2, 10.244.0.4], want the ready pods' [10.244.0.2]");
    expect(message).toContain('service default/web: Endpoints notReadyAddresses [], want [10.244.0.3]');
  });

  it('noOrphanedPods names the pod and its missing controller', () => {
    const c = bare();
    c.create(pod('lost', { owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: '1234', controller: true } }));
    expect(failed(noOrphanedPods(c))).toContain('pod default/lost: its controller ReplicaSet gone (uid 1234) no longer exists');
  });

  it('pendingPodsHaveFailedScheduling flags a pending pod nobody explained', () => {
    const c = bare();
    c.create(pod('waiting'));
    const message = failed(pendingPodsHaveFailedScheduling(c));
    expect(message).toContain('pod default/waiting is Pending with no FailedScheduling event');
    expect(message).toContain('pod default/waiting is Pending without a PodScheduled=False condition');
  });

  it('defineInvariant wraps booleans and violation lists with the name and time', () => {
    const c = bare();
    c.advance('1500ms');
    const atMostZeroNodes = defineInvariant('atMostZeroNodes', (cl) => cl.get('nodes').length === 0);
    expect(atMostZeroNodes.name).toBe('atMostZeroNodes');
    expect(atMostZeroNodes.scope).toBe('always');
    expect(failed(atMostZeroNodes(c))).toBe('invariant atMostZeroNodes violated at t=1.5s:\n  - the check returned false');
    const lines = defineInvariant('lines', () => ['first', 'second'], { scope: 'settled' });
    expect(lines.scope).toBe('settled');
    expect(lines(c)).toEqual({ ok: false, violations: ['first', 'second'], message: 'invariant lines violated at t=1.5s:\n  - first\n  - second' });
    expect(defineInvariant('fine', () => [])(c)).toEqual({ ok: true });
  });
});

describe('invariants on a healthy cluster', () => {
  it('all hold once a Deployment and its Service have settled', () => {
    const c = createCluster({ nodes: 3, zones: 3, images: { 'app:v1': { pullTime: '1s', startupTime: '1s' } } });
    c.apply([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:v1', ports: [{ name: 'http', containerPort: 8080 }] }] } } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } },
    ]);
    expect(c.settle()).toBe(true);
    for (const inv of builtinInvariants) expect([inv.name, failed(inv(c, { baseline: c.state }))]).toEqual([inv.name, '']);
  });
});

describe('rolloutBoundsHeld after a scale to zero and back', () => {
  // Upstream pkg/controller/deployment: a change of spec.replicas is a scaling event (sync.go
  // isScalingEvent → sync/scale), handled without the rolling-update bounds; only a template
  // change is rolled out under maxUnavailable (rolling.go reconcileOldReplicaSets). Scaling 3 →
  // 0 → 3 leaves no pod available for a while, as in Kubernetes: not a violation.
  const api = (replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: { replicas, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'web:v1' }] } } },
  });
  const steadyApi = () => {
    const c = createCluster({ nodes: 2, images: { 'web:v1': { pullTime: '1s' } } });
    c.apply(api(3));
    c.settle();
    return { c, ctx: { baseline: c.state, disruptedSinceBaseline: false, faultsActive: false } };
  };

  it('does not treat the scale-up from zero as a rollout from the steady state', () => {
    const { c, ctx } = steadyApi();
    c.scale('deployment/api', 0);
    expect(rolloutBoundsHeld(c, ctx).ok).toBe(true);
    c.scale('deployment/api', 3);
    expect(rolloutBoundsHeld(c, ctx).ok).toBe(true);
  });

  it('remembers the scale away and back even when no check ran in between', () => {
    const { c, ctx } = steadyApi();
    expect(rolloutBoundsHeld(c, ctx).ok).toBe(true);
    c.apply(api(0));
    c.apply(api(3));
    expect(rolloutBoundsHeld(c, ctx).ok).toBe(true);
  });

  it('still bounds a rollout of the template after the next steady state', () => {
    const { c } = steadyApi();
    c.scale('deployment/api', 0);
    c.scale('deployment/api', 3);
    c.settle();
    const baseline = c.state;
    expect(rolloutBoundsHeld(c, { baseline }).ok).toBe(true);
    // A hand-made "rollout" that drops every pod at once: the bound applies again.
    const pods = c.get('pods', undefined, { selector: 'app=api' });
    c.setImage('deployment/api', 'c', 'web:v2');
    for (const p of pods) c.delete('pod', p.metadata.name);
    expect(failed(rolloutBoundsHeld(c, { baseline }))).toMatch(/deployment default\/api: \d available pods < 3 - maxUnavailable 0/);
  });
});

describe('incremental invariants follow the cluster write by write', () => {
  it('noNodeOvercommitted recomputes a node when its pods or its allocatable change', () => {
    const c = bare();
    c.create(pod('a', { nodeName: 'node-1', cpu: '600m' }));
    expect(noNodeOvercommitted(c).ok).toBe(true);
    c.create(pod('b', { nodeName: 'node-1', cpu: '600m' }));
    expect(failed(noNodeOvercommitted(c))).toContain('node node-1: cpu requested 1200m > allocatable 1 (pods default/a, default/b)');
    c.delete('pod', 'b', { gracePeriodSeconds: 0 });
    expect(noNodeOvercommitted(c).ok).toBe(true);
    const node = c.get('node', 'node-1');
    c.updateStatus({ ...node, status: { ...(node.status as object), allocatable: { ...(node.status as { allocatable: object }).allocatable, cpu: '500m' } } });
    expect(failed(noNodeOvercommitted(c))).toContain('node node-1: cpu requested 600m > allocatable 500m (pods default/a)');
    setStatus(c, 'pod', 'a', { phase: 'Succeeded' });
    expect(noNodeOvercommitted(c).ok).toBe(true);
  });

  it('noNodeOvercommitted keeps the sums a fresh count gives, even beyond 2^53 milli-units', () => {
    // In doubles, (a + b + c) - a is 8.616195797142461e+21 here while b + c is ...462e+21: the
    // running sums must not leak the order of the writes into the message.
    const c = bare();
    const big = (name: string, memory: string) => {
      const p = pod(name, { nodeName: 'node-1' });
      p.spec.containers[0]!.resources.requests = { cpu: '100m', memory };
      return p;
    };
    c.create(big('a', '6707418666189777719'));
    c.create(big('b', '2711249408487988075'));
    c.create(big('c', '5904946388654473495'));
    expect(failed(noNodeOvercommitted(c))).toBe(failed(checkFromScratch(noNodeOvercommitted, c)));
    c.delete('pod', 'a', { gracePeriodSeconds: 0 });
    const fresh = failed(checkFromScratch(noNodeOvercommitted, c));
    expect(fresh).toContain('memory requested 8.616195797142462e+21m');
    expect(failed(noNodeOvercommitted(c))).toBe(fresh);
  });

  it('noDuplicateIPs notices an IP taken twice later and released again', () => {
    const c = bare();
    c.create([pod('a', { nodeName: 'node-1' }), pod('b', { nodeName: 'node-1' }), pod('c', { nodeName: 'node-1' })]);
    setStatus(c, 'pod', 'a', readyStatus('10.244.0.5', true));
    setStatus(c, 'pod', 'b', readyStatus('10.244.0.6', true));
    expect(noDuplicateIPs(c).ok).toBe(true);
    setStatus(c, 'pod', 'c', readyStatus('10.244.0.5', true));
    setStatus(c, 'pod', 'b', readyStatus('10.244.0.5', true));
    expect(failed(noDuplicateIPs(c))).toBe(
      'invariant noDuplicateIPs violated at t=0s:\n  - pods default/a and default/b both have IP 10.244.0.5\n  - pods default/a and default/c both have IP 10.244.0.5',
    );
    setStatus(c, 'pod', 'a', { phase: 'Failed' });
    expect(failed(noDuplicateIPs(c))).toBe('invariant noDuplicateIPs violated at t=0s:\n  - pods default/b and default/c both have IP 10.244.0.5');
    setStatus(c, 'pod', 'b', { phase: 'Failed' });
    expect(noDuplicateIPs(c).ok).toBe(true);
  });
});
