import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSelector } from '../../src/model/labels/selector.js';
import { formatRFC3339, parseRFC3339 } from '../../src/model/time.js';
import type { Pod, StoredObject } from '../../src/model/types.js';
import {
  activePodsLess,
  activePodsWithRanksLess,
  claimObjects,
  comparatorOf,
  filterActivePods,
  generatePodName,
  getDeletionCost,
  getPodFromTemplate,
  getPodsPrefix,
  isPodActive,
  isPodAvailable,
  isPodReady,
  newControllerRef,
  POD_DELETION_COST_ANNOTATION,
} from '../../src/reconcilers/controller-utils.js';

const NOW = parseRFC3339('2025-03-01T12:00:00Z');
const ago = (ms: number): string => formatRFC3339(NOW - ms);
const H = 3_600_000;
const nowTs = ago(0);
const then1Month = ago(30 * 24 * H);

interface PodOpts {
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: string;
  restarts?: number[];
  created?: string;
  annotations?: Record<string, string>;
  uid?: string;
}

function pod(name: string, o: PodOpts = {}): Pod {
  return {
    metadata: {
      name,
      ...(o.uid ? { uid: o.uid } : {}),
      ...(o.created ? { creationTimestamp: o.created } : {}),
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      ...(o.phase ? { phase: o.phase } : {}),
      ...(o.ready ? { conditions: [{ type: 'Ready', status: 'True', ...(o.readySince ? { lastTransitionTime: o.readySince } : {}) }] } : {}),
      ...(o.restarts ? { containerStatuses: o.restarts.map((r, i) => ({ name: `c${i}`, restartCount: r }) as never) } : {}),
    },
  };
}

/** Every permutation order must sort to the same result (upstream shuffles 20 times). */
function sortsTo(pods: Pod[], less: (a: Pod, b: Pod) => boolean, expected: string[]): void {
  fc.assert(
    fc.property(fc.shuffledSubarray(pods, { minLength: pods.length, maxLength: pods.length }), (shuffled) => {
      const sorted = [...shuffled].sort(comparatorOf(less));
      expect(sorted.map((p) => p.metadata!.name)).toEqual(expected);
    }),
    { seed: 42, numRuns: 50 },
  );
}

describe('ActivePods ordering', () => {
  // Ported from kubernetes/kubernetes pkg/controller/controller_utils_test.go (TestSortingActivePods)
  it('sorts unscheduled < pending < unknown < not ready < ready recently < ready long < fewer restarts < older', () => {
    const pods = [
      pod('unscheduled', { phase: 'Pending' }),
      pod('scheduledButPending', { node: 'bar', phase: 'Pending' }),
      pod('unknownPhase', { node: 'foo', phase: 'Unknown' }),
      pod('runningButNotReady', { node: 'foo', phase: 'Running' }),
      pod('runningNoLastTransitionTime', { node: 'foo', phase: 'Running', ready: true, restarts: [3, 0] }),
      pod('runningWithLastTransitionTime', { node: 'foo', phase: 'Running', ready: true, readySince: nowTs, restarts: [3, 0] }),
      pod('runningLongerTime', { node: 'foo', phase: 'Running', ready: true, readySince: then1Month, restarts: [3, 0] }),
      pod('lowerContainerRestartCount', { node: 'foo', phase: 'Running', ready: true, readySince: then1Month, restarts: [2, 1], created: nowTs }),
      pod('oldest', { node: 'foo', phase: 'Running', ready: true, readySince: then1Month, restarts: [2, 1], created: then1Month }),
    ];
    sortsTo(pods, activePodsLess, pods.map((p) => p.metadata!.name!));
  });
});

describe('ActivePodsWithRanks ordering', () => {
  // Ported from kubernetes/kubernetes pkg/controller/controller_utils_test.go (TestSortingActivePodsWithRanks)
  const P = {
    unscheduled: pod('unscheduled', { phase: 'Pending' }),
    pending: pod('pending', { node: 'node', phase: 'Pending' }),
    unknownPhase: pod('unknown-phase', { node: 'node', phase: 'Unknown' }),
    notReady: pod('not-ready', { node: 'node', phase: 'Running' }),
    readyNoLTT: pod('ready-no-last-transition-time', { node: 'node', phase: 'Running', ready: true, restarts: [0] }),
    readyNow: pod('ready-now', { node: 'node', phase: 'Running', ready: true, readySince: nowTs, created: nowTs, restarts: [0] }),
    readyThen: pod('ready-then', { node: 'node', phase: 'Running', ready: true, readySince: then1Month, created: then1Month, restarts: [0] }),
    readyHighRestarts: pod('ready-high-restarts', { node: 'node', phase: 'Running', ready: true, readySince: nowTs, created: nowTs, restarts: [9001] }),
    readyNowCreatedThen: pod('ready-now-created-then', { node: 'node', phase: 'Running', ready: true, readySince: nowTs, created: then1Month, restarts: [0] }),
    lowCost: pod('low-deletion-cost', { node: 'node', phase: 'Running', ready: true, readySince: nowTs, created: then1Month, restarts: [0], annotations: { [POD_DELETION_COST_ANNOTATION]: '10' } }),
    highCost: pod('high-deletion-cost', { node: 'node', phase: 'Running', ready: true, readySince: nowTs, created: then1Month, restarts: [0], annotations: { [POD_DELETION_COST_ANNOTATION]: '100' } }),
    unscheduled5h: pod('unscheduled-5-hours', { phase: 'Pending', created: ago(5 * H) }),
    unscheduled8h: pod('unscheduled-10-hours', { phase: 'Pending', created: ago(8 * H) }),
    ready2h: pod('ready-2-hours', { phase: 'Running', ready: true, readySince: ago(2 * H), created: then1Month, restarts: [0] }),
    ready5h: pod('ready-5-hours', { phase: 'Running', ready: true, readySince: ago(5 * H), created: then1Month, restarts: [0] }),
    ready8h: pod('ready-10-hours', { phase: 'Running', ready: true, readySince: ago(8 * H), created: then1Month, restarts: [0] }),
  };
  type Name = keyof typeof P;

  it.each<[Name, Name]>([
    ['unscheduled', 'unscheduled'],
    ['pending', 'pending'],
    ['unknownPhase', 'unknownPhase'],
    ['notReady', 'notReady'],
    ['readyNowCreatedThen', 'readyNowCreatedThen'],
    ['readyNow', 'readyNow'],
    ['readyThen', 'readyThen'],
    ['readyHighRestarts', 'readyHighRestarts'],
    // 5h and 8h old fall in the same log2 bucket (2^44 ns ≈ 4.9h .. 9.8h); the uids tie too.
    ['unscheduled5h', 'unscheduled8h'],
    ['ready5h', 'ready8h'],
  ])('%s (rank 1) is equivalent to %s (rank 1)', (a, b) => {
    const ra = { pod: P[a], rank: 1 };
    const rb = { pod: P[b], rank: 1 };
    expect(activePodsWithRanksLess(ra, rb, NOW)).toBe(false);
    expect(activePodsWithRanksLess(rb, ra, NOW)).toBe(false);
  });

  // The row with PodDeletionCost disabled is not ported: kubesim runs v1.32's default gates.
  it.each<[Name, number, Name, number]>([
    ['unscheduled', 1, 'pending', 2],
    ['unscheduled', 2, 'pending', 1],
    ['pending', 1, 'unknownPhase', 2],
    ['unknownPhase', 1, 'notReady', 2],
    ['notReady', 1, 'readyNoLTT', 1],
    ['readyNoLTT', 1, 'readyNow', 1],
    ['readyNow', 2, 'readyNoLTT', 1],
    ['readyNow', 1, 'readyThen', 1],
    ['readyNow', 2, 'readyThen', 1],
    ['readyHighRestarts', 1, 'readyNow', 1],
    ['readyNow', 2, 'readyHighRestarts', 1],
    ['readyNow', 1, 'readyNowCreatedThen', 1],
    ['readyNowCreatedThen', 2, 'readyNow', 1],
    ['lowCost', 2, 'highCost', 1],
    ['ready2h', 1, 'ready5h', 1],
  ])('%s (rank %i) goes before %s (rank %i)', (a, rankA, b, rankB) => {
    const lesser = { pod: P[a], rank: rankA };
    const greater = { pod: P[b], rank: rankB };
    expect(activePodsWithRanksLess(lesser, greater, NOW)).toBe(true);
    expect(activePodsWithRanksLess(greater, lesser, NOW)).toBe(false);
  });

  it('breaks a tie inside one age bucket by uid, before looking at restarts', () => {
    const a = pod('a', { node: 'n', phase: 'Running', ready: true, readySince: ago(5 * H), restarts: [0], uid: 'b-uid' });
    const b = pod('b', { node: 'n', phase: 'Running', ready: true, readySince: ago(8 * H), restarts: [7], uid: 'a-uid' });
    expect(activePodsWithRanksLess({ pod: b, rank: 0 }, { pod: a, rank: 0 }, NOW)).toBe(true);
    expect(activePodsWithRanksLess({ pod: a, rank: 0 }, { pod: b, rank: 0 }, NOW)).toBe(false);
  });
});

describe('pod state', () => {
  // Ported from kubernetes/kubernetes pkg/api/v1/pod/util_test.go (TestIsPodAvailable), the rows
  // that hold for v1.32 (which compares with a strict Before).
  it.each`
    ready    | readySecondsAgo | minReadySeconds | expected
    ${false} | ${0}            | ${0}            | ${false}
    ${true}  | ${0}            | ${1}            | ${false}
    ${true}  | ${undefined}    | ${1}            | ${false}
    ${true}  | ${0}            | ${0}            | ${true}
    ${true}  | ${51}           | ${50}           | ${true}
    ${true}  | ${51}           | ${52}           | ${false}
  `('ready=$ready since $readySecondsAgo s, minReadySeconds $minReadySeconds → $expected', ({ ready, readySecondsAgo, minReadySeconds, expected }) => {
    const p: Pod = {
      status: {
        conditions: [
          { type: 'Ready', status: ready ? 'True' : 'False', ...(readySecondsAgo === undefined ? {} : { lastTransitionTime: ago(readySecondsAgo * 1000) }) },
        ],
      },
    };
    expect(isPodAvailable(p, minReadySeconds, NOW)).toBe(expected);
  });

  it('counts as available only strictly after minReadySeconds', () => {
    const p = pod('p', { ready: true, readySince: ago(10_000) });
    expect(isPodAvailable(p, 10, NOW)).toBe(false);
    expect(isPodAvailable(p, 10, NOW + 1)).toBe(true);
    expect(isPodReady(pod('q', { phase: 'Running' }))).toBe(false);
  });

  it('reads readiness from the Ready condition: pods sharing a frozen condition agree, a mutable one is read afresh', () => {
    // Stored pods share equal conditions by identity; readiness is kept per condition object.
    const shared = Object.freeze({ type: 'Ready', status: 'True', lastTransitionTime: ago(10_000) });
    const a = Object.freeze({ metadata: { name: 'a' }, status: Object.freeze({ conditions: Object.freeze([shared]) }) }) as Pod;
    const b = Object.freeze({ metadata: { name: 'b' }, status: Object.freeze({ conditions: Object.freeze([Object.freeze({ type: 'PodScheduled', status: 'True' }), shared]) }) }) as Pod;
    expect([isPodReady(a), isPodReady(b)]).toEqual([true, true]);
    expect([isPodAvailable(a, 10, NOW + 1), isPodAvailable(b, 10, NOW)]).toEqual([true, false]);
    const own = { type: 'Ready', status: 'True' };
    const c: Pod = { status: { conditions: [own] } };
    expect(isPodReady(c)).toBe(true);
    own.status = 'False';
    expect(isPodReady(c)).toBe(false);
    expect(isPodReady({ status: { conditions: [] } })).toBe(false);
  });

  // Ported from kubernetes/kubernetes pkg/controller/controller_utils_test.go (TestActivePodFiltering)
  it('filters out Succeeded, Failed and terminating pods', () => {
    const pods = [
      pod('pod-1', { phase: 'Succeeded' }),
      pod('pod-2', { phase: 'Failed' }),
      pod('pod-3', { phase: 'Running' }),
      pod('pod-4', { phase: 'Running' }),
      pod('pod-5', { phase: 'Running' }),
    ];
    expect(filterActivePods(pods).map((p) => p.metadata!.name)).toEqual(['pod-3', 'pod-4', 'pod-5']);
    expect(isPodActive({ ...pod('t'), metadata: { name: 't', deletionTimestamp: nowTs } })).toBe(false);
  });

  // Cases from kubernetes/kubernetes pkg/apis/core/helper (GetDeletionCostFromPodAnnotations)
  it.each`
    value            | cost
    ${'10'}          | ${10}
    ${'-5'}          | ${-5}
    ${'0'}           | ${0}
    ${'-0'}          | ${0}
    ${'-007'}        | ${-7}
    ${'-'}           | ${0}
    ${'+10'}         | ${0}
    ${'007'}         | ${0}
    ${'1e3'}         | ${0}
    ${''}            | ${0}
    ${'2147483647'}  | ${2147483647}
    ${'2147483648'}  | ${0}
    ${'-2147483648'} | ${-2147483648}
  `('deletion cost "$value" → $cost', ({ value, cost }) => {
    expect(getDeletionCost({ metadata: { annotations: { [POD_DELETION_COST_ANNOTATION]: value } } })).toBe(cost);
  });
});

describe('pods from templates', () => {
  it('prefixes with <name>- unless the dash makes an invalid name', () => {
    expect(getPodsPrefix('web')).toBe('web-');
    // The mask replaces "a-" by "a", so even a 253-character name keeps its dash.
    expect(getPodsPrefix('a'.repeat(253))).toBe(`${'a'.repeat(253)}-`);
    expect(getPodsPrefix('a'.repeat(254))).toBe('a'.repeat(254));
  });

  it('builds the pod: template labels, annotations, spec, generateName and the controllerRef', () => {
    const rs = { metadata: { name: 'web', namespace: 'prod', uid: 'u-1' } };
    const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
    const p = getPodFromTemplate(
      { metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      rs,
      ref,
    );
    expect(p).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: 'web-',
        namespace: 'prod',
        labels: { app: 'web' },
        annotations: { a: 'b' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
      },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
  });

  it('generates 5-character suffixes from the name alphabet, cuts long bases to 58 and avoids taken names', () => {
    let i = 0;
    const rng = { next: () => 0, int: (n: number) => i++ % n };
    const first = generatePodName('web-', rng, () => false);
    expect(first).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const second = generatePodName('web-', rng, (n) => n === 'web-ghjkl');
    expect(second).not.toBe('web-ghjkl');
    expect(generatePodName(`${'x'.repeat(70)}-`, rng, () => false)).toHaveLength(63);
  });
});

describe('claimObjects (PodControllerRefManager)', () => {
  const rs = { kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default', uid: 'rs-uid', resourceVersion: '1' } } as StoredObject;
  const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
  const selector = parseSelector('app=web');
  const mk = (name: string, labels: Record<string, string>, owner?: string, extra: Record<string, unknown> = {}) =>
    ({
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'default',
        uid: `${name}-uid`,
        resourceVersion: '5',
        labels,
        ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `${owner}-uid`, controller: true }] } : {}),
        ...extra,
      },
    }) as StoredObject;

  it('keeps matching owned pods, adopts matching orphans, releases non-matching owned pods, ignores the rest', () => {
    const pods = [
      mk('owned', { app: 'web' }, 'rs'),
      mk('orphan', { app: 'web' }),
      mk('relabelled', { app: 'other' }, 'rs'),
      mk('foreign', { app: 'web' }, 'other'),
      mk('stranger', { app: 'db' }),
      mk('dying', { app: 'web' }, undefined, { deletionTimestamp: nowTs }),
    ];
    const { claimed, actions } = claimObjects(rs, selector, pods, ref);
    expect(claimed.map((p) => p.metadata.name)).toEqual(['owned', 'orphan']);
    expect(actions).toHaveLength(2);
    const [adopt, release] = actions as { verb: string; object: StoredObject }[];
    expect(adopt!.verb).toBe('update');
    expect(adopt!.object.metadata.ownerReferences).toEqual([ref]);
    expect(adopt!.object.metadata.resourceVersion).toBe('5');
    expect(release!.object.metadata.name).toBe('relabelled');
    expect(release!.object.metadata.ownerReferences).toBeUndefined();
  });

  it('neither adopts nor releases while the controller is being deleted', () => {
    const dying = { ...rs, metadata: { ...rs.metadata, deletionTimestamp: nowTs } } as StoredObject;
    const { claimed, actions } = claimObjects(dying, selector, [mk('owned', { app: 'web' }, 'rs'), mk('orphan', { app: 'web' }), mk('relabelled', { app: 'x' }, 'rs')], ref);
    expect(claimed.map((p) => p.metadata.name)).toEqual(['owned']);
    expect(actions).toEqual([]);
  });
});
