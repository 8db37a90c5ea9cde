/**
 * PodTopologySpread's PreScore reads matching pods from the label index's selector counters
 * (per node, and for the system defaults' zone constraint per zone value). Decisions hide
 * small count errors, so this compares the raw Score of every node, and the domain counts,
 * with the plain scan's (a view without the index), for random clusters holding pods of
 * several apps and namespaces, some terminating. Half the runs ask for the counters before
 * the pods are placed, so they are compared after following every placement.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { plainView, profileFor, replicaSetListers } from '../../equivalence-support.js';
import type { Node, Pod } from '../../../../src/model/types.js';
import { SchedulerCache } from '../../../../src/scheduler/cache.js';
import { CycleState } from '../../../../src/scheduler/framework.js';
import { PRE_SCORE_STATE_KEY, type PreScoreState } from '../../../../src/scheduler/plugins/pod-topology-spread/scoring.js';

const APPS = ['a', 'b'];
const NAMESPACES = ['ns1', 'ns2'];

const placedArb = fc.record({
  node: fc.nat(),
  app: fc.constantFrom(...APPS),
  ns: fc.constantFrom(...NAMESPACES),
  terminating: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
});

function node(i: number, zone: string | undefined, disk: string): Node {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': `n${i}`, disk };
  if (zone !== undefined) labels['topology.kubernetes.io/zone'] = zone;
  return Object.freeze({ apiVersion: 'v1', kind: 'Node', metadata: { name: `n${i}`, labels }, spec: {}, status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } } }) as Node;
}

function pod(name: string, app: string, ns: string, extra: { nodeName?: string; terminating?: boolean; ssd?: boolean } = {}): Pod {
  const metadata: Record<string, unknown> = {
    name,
    namespace: ns,
    uid: `uid-${name}`,
    labels: { app },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${app}`, uid: `rs-${app}`, controller: true }],
  };
  if (extra.terminating) metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'img' }] };
  if (extra.nodeName !== undefined) spec.nodeName = extra.nodeName;
  if (extra.ssd) spec.nodeSelector = { disk: 'ssd' };
  return Object.freeze({ apiVersion: 'v1', kind: 'Pod', metadata, spec }) as unknown as Pod;
}

describe('PodTopologySpread PreScore through the label index', () => {
  it('scores every node as the plain scan does', () => {
    const listers = replicaSetListers(NAMESPACES, APPS);
    const { profile } = profileFor(undefined, listers, 1);
    const pts = profile.score.find((s) => s.plugin.name === 'PodTopologySpread')!.plugin;
    const preScore = profile.preScore.find((p) => p.name === 'PodTopologySpread')!;
    fc.assert(
      fc.property(
        fc.array(fc.record({ zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }), disk: fc.constantFrom('ssd', 'hdd') }), { minLength: 1, maxLength: 12 }),
        fc.array(placedArb, { maxLength: 60 }),
        fc.record({ app: fc.constantFrom(...APPS), ns: fc.constantFrom(...NAMESPACES), ssd: fc.boolean() }),
        fc.boolean(),
        (nodes, placed, incoming, early) => {
          const cache = new SchedulerCache();
          nodes.forEach((n, i) => cache.setNode(node(i, n.zone, n.disk)));
          const me = pod('me', incoming.app, incoming.ns, { ssd: incoming.ssd });
          const filtered = cache.nodes.filter((ni) => !incoming.ssd || ni.node.metadata?.labels?.disk === 'ssd');
          if (early) preScore.preScore(new CycleState(), me, filtered, cache);
          placed.forEach((p, i) => cache.updatePod(undefined, pod(`p${i}`, p.app, p.ns, { nodeName: `n${p.node % nodes.length}`, terminating: p.terminating })));
          const viaIndex = new CycleState();
          const viaScan = new CycleState();
          expect(preScore.preScore(viaIndex, me, filtered, cache).code).toBe(preScore.preScore(viaScan, me, filtered, plainView(cache)).code);
          const a = viaIndex.read<PreScoreState>(PRE_SCORE_STATE_KEY);
          const b = viaScan.read<PreScoreState>(PRE_SCORE_STATE_KEY);
          expect(a?.topologyValueToPodCounts).toEqual(b?.topologyValueToPodCounts);
          for (const ni of cache.nodes) expect(pts.score(viaIndex, me, ni), ni.name).toBe(pts.score(viaScan, me, ni));
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
