/**
 * Failure scenarios with everything running: a machine switched off, a kubelet stopped, a
 * whole zone lost, faults scheduled as data. Times follow upstream v1.32: 10 s lease renewals,
 * a 5 s node monitor period, a 50 s node monitor grace period, NoExecute taints one monitor
 * tick after Unknown, and the 300 s DefaultTolerationSeconds.
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, createCluster, NotFoundError, type Cluster, type StoredObject } from '../../src/index.js';

const images = { 'nginx:1.27': { pullTime: '2s', startupTime: '1s' } };

const web = (replicas = 3, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }], ...extra } },
  },
});

const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] } };

type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };
const conditions = (o: StoredObject) => ((o.status as { conditions?: Cond[] } | undefined)?.conditions ?? []);
const condition = (o: StoredObject, type: string) => conditions(o).find((c) => c.type === type);
const taints = (c: Cluster, node: string) => ((c.get('node', node).spec as { taints?: { key: string; effect: string; timeAdded?: string }[] }).taints ?? []);
const nodeOf = (p: StoredObject) => (p.spec as { nodeName?: string }).nodeName;
const webPods = (c: Cluster) => c.get('pods', undefined, { selector: 'app=web' });
const live = (c: Cluster) => webPods(c).filter((p) => !p.metadata.deletionTimestamp);
const readyOn = (c: Cluster) => live(c).filter((p) => condition(p, 'Ready')?.status === 'True').map(nodeOf);
const events = (c: Cluster, reason: string) =>
  c
    .get('events', undefined, { allNamespaces: true })
    .filter((e) => (e as { reason?: string }).reason === reason)
    .map((e) => `${(e as { firstTimestamp?: string }).firstTimestamp} ${(e as { message?: string }).message}`);

/** Seconds since the cluster's start, from an RFC 3339 timestamp. */
const sec = (t: string | undefined) => (Date.parse(t!) - Date.parse('2025-01-01T00:00:00Z')) / 1000;

describe('a worker machine switched off', () => {
  function failed() {
    const c = createCluster({ nodes: 4, images });
    c.apply(web(3));
    c.settle();
    c.advance(12_000 - c.now); // fail at t = 12 s: the last lease renewal was at 10 s
    const victim = nodeOf(live(c)[0]!)!;
    c.faults.failNode(victim);
    return { c, victim };
  }

  it('follows the upstream timeline: Unknown at 65 s, NoExecute at 70 s, evictions at 370 s', () => {
    const { c, victim } = failed();
    const victimPods = live(c).filter((p) => nodeOf(p) === victim).map((p) => p.metadata.name);
    expect(victimPods.length).toBeGreaterThan(0);

    // lastRenew 10 s; the first 5 s tick strictly after 10 s + 50 s is 65 s.
    c.advance(64_999 - c.now);
    expect(condition(c.get('node', victim), 'Ready')?.status).toBe('True');
    c.advance(1);
    const ready = condition(c.get('node', victim), 'Ready')!;
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: '2025-01-01T00:01:05Z' });
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(condition(c.get('node', victim), type)?.status).toBe('Unknown');
    expect(taints(c, victim)).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: '2025-01-01T00:01:05Z' }]);
    expect(events(c, 'NodeNotReady')).toContain(`2025-01-01T00:01:05Z Node ${victim} status is now: NodeNotReady`);
    // MarkPodsNotReady: the pods stay Running, their Ready condition goes False.
    for (const name of victimPods) expect(condition(c.get('pod', name), 'Ready')?.status).toBe('False');
    expect(c.get('lease', victim, { namespace: 'kube-node-lease' }).spec).toMatchObject({ renewTime: '2025-01-01T00:00:10.000000Z' });

    // processTaintBaseEviction acts on the condition observed at the start of a pass: next tick.
    c.advance(70_000 - c.now);
    expect(taints(c, victim).map((t) => `${t.key}:${t.effect}@${sec(t.timeAdded)}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule@65',
      'node.kubernetes.io/unreachable:NoExecute@70',
    ]);

    // DefaultTolerationSeconds: 300 s after the NoExecute taint.
    c.advance(369_999 - c.now);
    expect(live(c).filter((p) => nodeOf(p) === victim)).toHaveLength(victimPods.length);
    c.advance(1);
    for (const name of victimPods) {
      const p = c.get('pod', name);
      expect(p.metadata.deletionTimestamp).toBeDefined(); // Terminating: its kubelet is dead
      expect(condition(p, 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
    }
    expect(events(c, 'TaintManagerEviction')).toEqual(victimPods.map((n) => `2025-01-01T00:06:10Z Marking for deletion Pod default/${n}`));
    expect(c.kubectl('get pods')).toContain('Terminating');

    // The replacements run elsewhere; the dead node's pods stay Terminating.
    c.advance('10s');
    expect(readyOn(c)).toHaveLength(3);
    expect(readyOn(c)).not.toContain(victim);
    expect(webPods(c).filter((p) => nodeOf(p) === victim).every((p) => p.metadata.deletionTimestamp)).toBe(true);
  });

  it('recovers: Ready again, taints removed, Terminating pods finished, the node takes pods again', () => {
    const { c, victim } = failed();
    c.advance('400s');
    c.faults.recoverNode(victim);
    expect(condition(c.get('node', victim), 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(c.get('lease', victim, { namespace: 'kube-node-lease' }).spec).toMatchObject({ renewTime: '2025-01-01T00:06:52.000000Z' });
    expect(taints(c, victim).map((t) => t.effect)).toEqual(['NoExecute']); // NoSchedule goes at once
    expect(c.settle()).toBe(true);
    expect(taints(c, victim)).toEqual([]); // NoExecute at the next monitor tick
    expect(webPods(c).filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
    expect(events(c, 'NodeReady')).toEqual([`2025-01-01T00:06:52Z Node ${victim} status is now: NodeReady`]);
    c.scale('deployment/web', 8);
    c.settle();
    expect(live(c).map(nodeOf)).toContain(victim);
  });

  it('recovering before the grace period ends changes nothing visible', () => {
    const { c, victim } = failed();
    c.advance('30s');
    c.faults.recoverNode(victim);
    c.advance('5m');
    expect(condition(c.get('node', victim), 'Ready')?.status).toBe('True');
    expect(taints(c, victim)).toEqual([]);
    expect(events(c, 'NodeNotReady')).toEqual([]);
  });

  it('does not run pods bound to the dead node meanwhile, and routes around it', () => {
    const { c, victim } = failed();
    c.apply(service);
    c.advance('1s');
    const r = c.network.request({ to: 'web' });
    expect(r.ok || (!r.ok && r.reason === 'NodeDown')).toBe(true);
    c.advance(70_000 - c.now); // endpoints dropped the not-ready pods at 65 s
    for (let i = 0; i < 20; i++) expect(c.network.request({ to: 'web' })).toMatchObject({ ok: true });
  });
});

describe('a stopped kubelet', () => {
  it('goes NotReady like a dead machine, but its containers keep serving until marked not ready', () => {
    const c = createCluster({ nodes: 3, images });
    c.apply([web(3), service]);
    c.settle();
    c.advance(20_000 - c.now);
    const victim = nodeOf(live(c)[0]!)!;
    c.faults.stopKubelet(victim);
    c.faults.stopKubelet(victim); // idempotent
    expect(c.faults.list().map((f) => `${f.metadata.name} ${f.fault}`)).toEqual([`kubelet/${victim} KubeletStopped`]);
    // The machine is up: traffic still reaches its pod while the endpoints list it.
    const pod = live(c).find((p) => nodeOf(p) === victim)!;
    expect(c.network.request({ to: `${(pod.status as { podIP: string }).podIP}:80` })).toMatchObject({ ok: true });
    c.advance(75_000 - c.now); // renewed at 20 s → Unknown at 75 s
    expect(condition(c.get('node', victim), 'Ready')?.status).toBe('Unknown');
    c.faults.startKubelet(victim);
    expect(condition(c.get('node', victim), 'Ready')?.status).toBe('True');
    expect(c.settle()).toBe(true);
    expect(readyOn(c)).toHaveLength(3);
    expect(c.trace().filter((e) => e.op === 'note').map((e) => (e as { message: string }).message)).toEqual([
      `fault stopKubelet ${victim}`,
      `fault stopKubelet ${victim}`,
      `fault startKubelet ${victim}`,
    ]);
  });
});

describe('a zone outage', () => {
  const spread = {
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
  };

  it('keeps at least 2 of 3 spread replicas serving; the replacement waits for the zone (DoNotSchedule)', () => {
    const c = createCluster({ nodes: 6, zones: 3, images });
    c.apply([web(3, spread), service]);
    c.settle();
    const zoneOf = (node: string) => c.get('node', node).metadata.labels!['topology.kubernetes.io/zone'];
    expect(new Set(live(c).map((p) => zoneOf(nodeOf(p)!))).size).toBe(3);
    c.faults.failZone('zone-a');
    const start = c.now;
    let served = 0;
    let lost = 0;
    while (c.now < start + 420_000) {
      c.advance('5s');
      expect(readyOn(c).filter((n) => zoneOf(n!) !== 'zone-a').length).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < 4; i++) {
        const r = c.network.request({ to: 'web' });
        if (r.ok) served++;
        else {
          // Only the dead zone's endpoint fails, and only until the endpoints drop it (65 s).
          expect(r.reason).toBe('NodeDown');
          expect(c.now - start).toBeLessThan(70_000);
          lost++;
        }
      }
    }
    expect(served).toBeGreaterThan(10 * lost);
    c.settle();
    // Upstream: zone-a still counts as a domain (nodeTaintsPolicy Ignore) with 0 pods, so a
    // third pod in zone b or c would make the skew 2: the replacement stays Pending.
    const pending = live(c).filter((p) => !nodeOf(p));
    expect(pending).toHaveLength(1);
    expect(condition(pending[0]!, 'PodScheduled')?.message).toMatch(/didn't match pod topology spread constraints/);
    expect(readyOn(c)).toHaveLength(2);
    c.faults.recoverZone('zone-a');
    expect(c.settle()).toBe(true);
    expect(c.get('nodes').every((n) => condition(n, 'Ready')?.status === 'True')).toBe(true);
    expect(new Set(readyOn(c).map((n) => zoneOf(n!))).size).toBe(3);
  });

  it('replaces the lost replica in a surviving zone with ScheduleAnyway', () => {
    const c = createCluster({ nodes: 6, zones: 3, images });
    const soft = { topologySpreadConstraints: [{ ...spread.topologySpreadConstraints[0], whenUnsatisfiable: 'ScheduleAnyway' }] };
    c.apply([web(3, soft), service]);
    c.settle();
    c.faults.failZone('zone-b');
    c.advance('7m');
    const zoneOf = (node: string) => c.get('node', node).metadata.labels!['topology.kubernetes.io/zone'];
    expect(readyOn(c)).toHaveLength(3);
    expect(readyOn(c).map((n) => zoneOf(n!))).not.toContain('zone-b');
    for (let i = 0; i < 10; i++) expect(c.network.request({ to: 'web' })).toMatchObject({ ok: true });
  });
});

describe('faults as data', () => {
  it('fires scheduled faults from the timer queue and notes every fault in the trace', () => {
    const c = createCluster({ nodes: 3, zones: 3, images });
    c.apply(web(3));
    c.faults.schedule([
      { at: '2m', fault: 'failNode', target: 'node-3' },
      { at: '3m', fault: 'partition', sides: ['zone-a', 'zone-b'] },
      { after: '4m', fault: 'heal' },
      { at: '10m', fault: 'recoverNode', target: 'node-3' },
    ]);
    expect(c.settle({ timeout: '1h' })).toBe(true);
    expect(c.now).toBeGreaterThanOrEqual(600_000);
    const notes = c.trace().filter((e) => e.op === 'note').map((e) => `${e.tMs} ${(e as { message: string }).message}`);
    expect(notes).toEqual(['120000 fault failNode node-3', '180000 fault partition [zone-a] | [zone-b]', '240000 fault heal', '600000 fault recoverNode node-3']);
    expect(readyOn(c)).toHaveLength(3);
    expect(c.faults.list()).toEqual([]);
  });

  it('is idempotent for failed targets and rejects unknown ones', () => {
    const c = createCluster({ nodes: 2, zones: 2 });
    c.faults.failNode('node-1');
    const state = c.state;
    c.faults.failNode('node-1');
    expect(c.state.kinds['~Fault']).toBe(state.kinds['~Fault']);
    c.faults.recoverNode('node-2'); // not failed: nothing to do
    expect(c.faults.list().map((f) => f.metadata.name)).toEqual(['node/node-1']);
    expect(() => c.faults.failNode('node-9')).toThrow(NotFoundError);
    expect(() => c.faults.failZone('zone-z')).toThrow(BadRequestError);
    expect(() => c.faults.failMaster()).toThrow(BadRequestError);
    expect(() => c.faults.schedule({ fault: 'explode' as never, at: '1m' })).toThrow(BadRequestError);
    expect(() => c.faults.schedule({ fault: 'failNode', target: 'node-1' })).toThrow(/exactly one of at/);
    expect(() => c.faults.schedule({ fault: 'failNode', target: 'nope', at: '1m' })).toThrow(NotFoundError);
  });

  it('replays: same seed and faults, same trace hash', () => {
    const run = () => {
      const c = createCluster({ nodes: 4, zones: 2, images, seed: 7 });
      c.apply(web(4));
      c.faults.schedule({ at: '30s', fault: 'failZone', target: 'zone-b' });
      c.advance('8m');
      return c.traceHash();
    };
    expect(run()).toBe(run());
  });
});
