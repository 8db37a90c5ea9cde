/**
 * evaluateNominatedNode: a pod whose status.nominatedNodeName is set (by an earlier
 * preemption) tries that node alone first; if it passes every Filter the pod goes there
 * without a scan, scoring or a tie-break draw, and nextStartNodeIndex stays put. Otherwise the
 * usual scan runs, and the nominated node's failure counts among the processed nodes.
 * Both cycles (the plain schedulePod and the indexed fastSchedulePod) must agree.
 *
 * @see kubernetes/kubernetes pkg/scheduler/schedule_one.go (findNodesThatFitPod, evaluateNominatedNode)
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/clock/rng.js';
import type { Node, Pod } from '../../src/model/types.js';
import type { RandomSource } from '../../src/model/reconcile.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { resolveConfiguration } from '../../src/scheduler/config.js';
import { fastSchedulePod } from '../../src/scheduler/fast-cycle.js';
import { SUCCESS, status, type Code, type FilterPlugin } from '../../src/scheduler/framework.js';
import { NamespacedListers } from '../../src/scheduler/listers.js';
import { NodeTable } from '../../src/scheduler/node-table.js';
import { DEFAULT_REGISTRY } from '../../src/scheduler/plugins/registry.js';
import { buildProfile, pluginPoints } from '../../src/scheduler/profile.js';
import { schedulePod, type ScanState, type ScheduleOptions } from '../../src/scheduler/schedule-one.js';
import { expectSameDecision } from './equivalence-support.js';

function node(name: string, cpu = '4', extra: { unschedulable?: boolean } = {}): Node {
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    status: { allocatable: { cpu, memory: '8Gi', pods: '110' } },
  }) as Node;
}

function pod(name: string, opts: { cpu?: string; nominated?: string; priority?: number; nodeName?: string } = {}): Pod {
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'img', resources: { requests: { cpu: opts.cpu ?? '100m' } } }] };
  if (opts.priority !== undefined) spec.priority = opts.priority;
  if (opts.nodeName) spec.nodeName = opts.nodeName;
  const p: Record<string, unknown> = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec };
  if (opts.nominated) p.status = { nominatedNodeName: opts.nominated };
  return Object.freeze(p) as unknown as Pod;
}

/** A default profile, plus (when given) a counting Filter plugin answering `codes[node]` (Success otherwise). */
function profileWith(config: unknown, fake?: { calls: number; codes: Record<string, Code> }) {
  const registry = fake
    ? {
        ...DEFAULT_REGISTRY,
        FakeFilter: {
          points: ['filter'] as const,
          create: () =>
            ({
              name: 'FakeFilter',
              filter: (_c, _p, n) => {
                fake.calls++;
                const code = fake.codes[n.name];
                return code === undefined ? SUCCESS : status(code, 'fake');
              },
            }) satisfies FilterPlugin,
        },
      }
    : DEFAULT_REGISTRY;
  const resolved = resolveConfiguration(config as never, pluginPoints(registry as never));
  return { config: resolved, profile: buildProfile(resolved.profiles[0]!, registry as never, { listers: new NamespacedListers(), rngFor: (n: string) => Rng.root(`1/${n}`) }) };
}

/** An rng that counts draws. */
function countingRng(seed: number): RandomSource & { draws: number } {
  const rng = Rng.root(seed);
  const out = { draws: 0, next: () => rng.next(), int: (n: number) => (out.draws++, rng.int(n)) };
  return out;
}

// Ported from kubernetes/kubernetes pkg/scheduler/schedule_one_test.go TestPreferNominatedNodeFilterCallCounts.
describe('evaluateNominatedNode: Filter call counts', () => {
  it.each`
    name                                                                     | nominated    | codes                                  | expectedCount
    ${'pod has the nominated node set, filter is called only once'}          | ${'node1'}   | ${{}}                                  | ${1}
    ${'pod without the nominated pod, filter is called for each node'}       | ${undefined} | ${{}}                                  | ${3}
    ${'nominated pod cannot pass the filter, filter is called for each node'} | ${'node1'}   | ${{ node1: 'Unschedulable' as Code }} | ${4}
  `('$name', ({ nominated, codes, expectedCount }) => {
    const fake = { calls: 0, codes };
    const { config, profile } = profileWith({ profiles: [{ plugins: { filter: { enabled: [{ name: 'FakeFilter' }] } } }] }, fake);
    const cache = new SchedulerCache();
    for (const n of ['node1', 'node2', 'node3']) cache.setNode(node(n));
    const o: ScheduleOptions = {
      profile,
      snapshot: cache,
      pod: pod('p', { nominated, priority: 1000 }),
      rng: Rng.root(1),
      scan: { nextStartNodeIndex: 0 },
      percentageOfNodesToScore: config.percentageOfNodesToScore,
    };
    schedulePod(o, (name) => cache.nodes.findIndex((n) => n.name === name));
    expect(fake.calls).toBe(expectedCount);
  });
});

/** Runs the pod through both cycles on the same cache and checks they agree; returns the plain result. */
function both(cache: SchedulerCache, config: unknown, p: Pod, start = 0, nominatedPods?: Record<string, Pod[]>) {
  const { config: resolved, profile } = profileWith(config);
  const table = new NodeTable(cache);
  const position = (name: string) => cache.nodes.findIndex((n) => n.name === name);
  const rngFast = countingRng(7);
  const rngPlain = countingRng(7);
  const scanFast: ScanState = { nextStartNodeIndex: start };
  const scanPlain: ScanState = { nextStartNodeIndex: start };
  const common = {
    profile,
    snapshot: cache,
    pod: p,
    percentageOfNodesToScore: resolved.percentageOfNodesToScore,
    ...(nominatedPods ? { nominatedPodsForNode: (n: string) => nominatedPods[n] ?? [] } : {}),
  };
  const fast = fastSchedulePod({ ...common, rng: rngFast, scan: scanFast }, table, position);
  const a = fast ?? schedulePod({ ...common, rng: rngFast, scan: scanFast }, position);
  const b = schedulePod({ ...common, rng: rngPlain, scan: scanPlain }, position);
  expectSameDecision(a, b, scanFast, scanPlain, p.metadata!.name!);
  expect(rngFast.draws).toBe(rngPlain.draws);
  return { result: b, scan: scanPlain, draws: rngPlain.draws, indexed: fast !== undefined };
}

describe('evaluateNominatedNode: the decision', () => {
  it('keeps the nominated node when it still fits, though another node scores higher and ties would draw', () => {
    const cache = new SchedulerCache();
    for (const n of ['a', 'b', 'c']) cache.setNode(node(n));
    // b is the fullest node: LeastAllocated scores a and c higher (and tied).
    cache.updatePod(undefined, pod('busy', { cpu: '3', nodeName: 'b' }));
    const { result, scan, draws, indexed } = both(cache, undefined, pod('vip', { nominated: 'b', cpu: '500m' }), 1);
    expect(result.nodeName).toBe('b');
    expect(result.evaluatedNodes).toBe(1);
    expect(result.feasibleNodes).toBe(1);
    // No scan (the round-robin start stays where it was) and no tie-break draw.
    expect(scan.nextStartNodeIndex).toBe(1);
    expect(draws).toBe(0);
    expect(indexed).toBe(true);
  });

  it('scans every node as usual when the nominated node no longer fits', () => {
    const cache = new SchedulerCache();
    for (const n of ['a', 'b', 'c']) cache.setNode(node(n));
    cache.updatePod(undefined, pod('busy', { cpu: '4', nodeName: 'b' }));
    const { result, indexed } = both(cache, undefined, pod('vip', { nominated: 'b', cpu: '500m' }));
    expect(indexed).toBe(true);
    expect(['a', 'c']).toContain(result.nodeName);
    expect(result.evaluatedNodes).toBe(3);
    expect(result.feasibleNodes).toBe(2);
  });

  it('scans as usual when the nominated node is gone', () => {
    const cache = new SchedulerCache();
    for (const n of ['a', 'b']) cache.setNode(node(n));
    const { result } = both(cache, undefined, pod('vip', { nominated: 'gone', cpu: '500m' }));
    expect(result.evaluatedNodes).toBe(2);
    expect(result.feasibleNodes).toBe(2);
  });

  it('counts a failed nominated node the scan never reached as processed (evaluatedNodes, nextStartNodeIndex)', () => {
    // 200 nodes at 10%: the scan stops after 100 feasible nodes, long before n150.
    const cache = new SchedulerCache();
    for (let i = 0; i < 200; i++) cache.setNode(node(`n${String(i).padStart(3, '0')}`, '4', { unschedulable: i === 150 }));
    const { result, scan, indexed } = both(cache, { percentageOfNodesToScore: 10 }, pod('vip', { nominated: 'n150', cpu: '500m' }));
    expect(indexed).toBe(true);
    expect(result.feasibleNodes).toBe(100);
    expect(result.evaluatedNodes).toBe(101);
    expect(scan.nextStartNodeIndex).toBe(101);
    // Reached by the scan, it is counted once.
    const again = both(cache, { percentageOfNodesToScore: 10 }, pod('vip', { nominated: 'n150', cpu: '500m' }), 120);
    expect(again.result.evaluatedNodes).toBe(101);
    expect(again.scan.nextStartNodeIndex).toBe(21);
  });

  it('counts the pods nominated to the node: a higher-priority one there sends the pod elsewhere', () => {
    const cache = new SchedulerCache();
    for (const n of ['a', 'b']) cache.setNode(node(n, '2'));
    const boss = pod('boss', { cpu: '2', priority: 2000, nominated: 'b' });
    const vip = pod('vip', { nominated: 'b', cpu: '1', priority: 1000 });
    const { result } = both(cache, undefined, vip, 0, { b: [boss, vip] });
    expect(result.nodeName).toBe('a');
    // A lower-priority one does not hold the room.
    const low = pod('low', { cpu: '2', priority: 10, nominated: 'b' });
    expect(both(cache, undefined, vip, 0, { b: [low, vip] }).result.nodeName).toBe('b');
  });
});

describe('evaluateNominatedNode: indexed and plain cycles agree', () => {
  it('on large clusters where short scans stop before the nominated node', () => {
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.array(fc.record({ cpu: fc.constantFrom('1', '2', '4'), cordoned: fc.integer({ min: 0, max: 7 }).map((x) => x === 0) }), { minLength: 101, maxLength: 220 }),
          pods: fc.array(fc.record({ cpu: fc.constantFrom('100m', '500m', '1500m', '3'), nominate: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }) }), { minLength: 1, maxLength: 40 }),
          percentage: fc.constantFrom(0, 5, 10, 50),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ nodes, pods, percentage, seed }) => {
          const cache = new SchedulerCache();
          nodes.forEach((n, i) => cache.setNode(node(`n${i}`, n.cpu, { unschedulable: n.cordoned })));
          const { config, profile } = profileWith({ percentageOfNodesToScore: percentage });
          const table = new NodeTable(cache);
          const position = (name: string) => cache.nodes.findIndex((n) => n.name === name);
          const rngFast = Rng.root(seed);
          const rngPlain = Rng.root(seed);
          const scanFast: ScanState = { nextStartNodeIndex: 0 };
          const scanPlain: ScanState = { nextStartNodeIndex: 0 };
          pods.forEach((spec, i) => {
            // Nominated to one of the last nodes, which a scan from the front reaches last.
            const nominated = spec.nominate === undefined ? undefined : `n${Math.max(0, nodes.length - 1 - spec.nominate)}`;
            const p = pod(`p${i}`, { cpu: spec.cpu, nominated });
            const common = { profile, snapshot: cache, pod: p, percentageOfNodesToScore: config.percentageOfNodesToScore };
            const a = fastSchedulePod({ ...common, rng: rngFast, scan: scanFast }, table, position) ?? schedulePod({ ...common, rng: rngFast, scan: scanFast }, position);
            const b = schedulePod({ ...common, rng: rngPlain, scan: scanPlain }, position);
            expectSameDecision(a, b, scanFast, scanPlain, `pod ${i}`);
            if (b.nodeName !== null) cache.updatePod(undefined, pod(`p${i}`, { cpu: spec.cpu, nodeName: b.nodeName }));
          });
        },
      ),
      { numRuns: 25, seed: 20261122 },
    );
  });
});
