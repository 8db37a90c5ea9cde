/**
 * Special rows that score alike are one entry: with the system default spreading, the nodes
 * already holding a ReplicaSet's pods (PodTopologySpread's "special" rows) are grouped by
 * node class and matching-pod count in the class and window cycles (fast-plan.ts
 * addSpecialEntry), and ties among them are broken over their rows. On identical nodes that
 * is where ties are most frequent: every pod of one ReplicaSet, scheduled in turn, must land
 * where the plain schedulePod puts it, draw for draw.
 */
import { describe, expect, it } from 'vitest';
import { BoundPods, expectSameDecision, profileFor, replicaSetListers, shapedNode, shapedPod } from './equivalence-support.js';
import { Rng } from '../../src/clock/rng.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { fastSchedulePod } from '../../src/scheduler/fast-cycle.js';
import { NodeTable } from '../../src/scheduler/node-table.js';
import { schedulePod, type ScanState } from '../../src/scheduler/schedule-one.js';

const BINPACK = {
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  profiles: [{ schedulerName: 'default-scheduler', percentageOfNodesToScore: 100, pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }],
};

describe('special rows of one class and count', () => {
  it.each`
    config       | nodes  | why
    ${BINPACK}   | ${12}  | ${'class cycle (every node scored)'}
    ${undefined} | ${12}  | ${'default profile, under 100 nodes'}
    ${undefined} | ${300} | ${'window cycle (adaptive percentageOfNodesToScore)'}
  `('decide as schedulePod: $why', ({ config, nodes }) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const listers = replicaSetListers(['ns'], ['a', 'b']);
      const { config: resolved, profile } = profileFor(config, listers, seed);
      const cache = new SchedulerCache();
      const table = new NodeTable(cache);
      for (let i = 0; i < nodes; i++) cache.setNode(shapedNode(i, { cpu: '8', memory: '16Gi', pods: 110, disk: 'hdd' }, { zone: i % 2 === 0 ? 'z1' : 'z2', cordoned: false }));
      const rngFast = Rng.root(`${seed}`);
      const rngPlain = Rng.root(`${seed}`);
      const scanFast: ScanState = { nextStartNodeIndex: 0 };
      const scanPlain: ScanState = { nextStartNodeIndex: 0 };
      const position = (name: string) => cache.nodes.findIndex((n) => n.name === name);
      const bound = new BoundPods(cache);
      let decidedFast = 0;
      for (let i = 0; i < 60; i++) {
        // Two ReplicaSets interleaved in runs, so each meets its own pods on many nodes.
        const app = Math.trunc(i / 10) % 2 === 0 ? 'a' : 'b';
        const pod = shapedPod(i, { app, cpu: 100, memMi: 128, ssd: false, prefer: false, tolerate: false }, 'img:1');
        const common = { profile, pod, snapshot: cache, percentageOfNodesToScore: resolved.percentageOfNodesToScore };
        const fast = fastSchedulePod({ ...common, rng: rngFast, scan: scanFast }, table, position);
        if (fast !== undefined) decidedFast++;
        const a = fast ?? schedulePod({ ...common, rng: rngFast, scan: scanFast }, position);
        const b = schedulePod({ ...common, rng: rngPlain, scan: scanPlain }, position);
        expectSameDecision(a, b, scanFast, scanPlain, `seed ${seed}, pod ${i}`);
        bound.bind(pod, a.nodeName, -1);
      }
      expect(decidedFast).toBe(60);
    }
  });
});
