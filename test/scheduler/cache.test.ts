/**
 * The scheduler cache's bookkeeping of one pod through its life: assumed, confirmed by the
 * bind, updated in place (status writes), moved, forgotten, deleted. After every sequence the
 * node's totals, pod list and label index must be what a cache built from the final pods
 * alone holds: a step that loses track of the pod's entry leaves it counted for good.
 *
 * @see kubernetes/kubernetes pkg/scheduler/backend/cache/cache_test.go (TestAssumePodScheduled,
 *   TestAddPodAfterExpiration, TestUpdatePod, TestRemovePod: the same life cycle)
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/types.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { parseSelector } from '../../src/model/labels/selector.js';
import { deepFreeze, makeNode, makePod } from './plugins/basic-builders.js';

const LABELS = Object.freeze({ app: 'web' });

function pending(name: string): Pod {
  const p = makePod().name(name).req({ cpu: '500m', memory: '1Gi' }).obj();
  // Siblings share their frozen labels object, as the store interns them.
  return deepFreeze({ ...p, metadata: { ...p.metadata, labels: LABELS } }) as Pod;
}

function on(pod: Pod, node: string): Pod {
  return deepFreeze({ ...pod, spec: { ...pod.spec, nodeName: node } }) as Pod;
}

function withStatus(pod: Pod, phase: string): Pod {
  return deepFreeze({ ...pod, status: { phase } }) as Pod;
}

function newCache(): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of ['n1', 'n2']) cache.setNode(makeNode(n).capacity({ cpu: '4', memory: '8Gi', pods: '10' }).obj());
  return cache;
}

/** What a test can see of a node: its pods by name and its cpu/memory sums. */
function seen(cache: SchedulerCache, node: string) {
  const info = cache.get(node)!;
  return { pods: info.pods.map((pi) => pi.pod.metadata!.name), milliCpu: info.requested.milliCpu, memory: info.requested.memory };
}

/** Pods the label index finds for app=web in default, by node. */
function indexed(cache: SchedulerCache): string[] {
  const out: string[] = [];
  cache.podLabelIndex.forEachCandidate('default', parseSelector('app=web'), (pi, node) => out.push(`${pi.pod.metadata!.name}@${node.name}`));
  return out.sort();
}

const EMPTY = { pods: [], milliCpu: 0, memory: 0 };
const ONE = { pods: ['a'], milliCpu: 500, memory: 1024 ** 3 };

describe('scheduler cache: one pod through its life', () => {
  it('assume, bind confirmed, status updates, delete: counted once, then not at all', () => {
    const cache = newCache();
    const p = pending('a');
    cache.assume(p, 'n1');
    expect(seen(cache, 'n1')).toEqual(ONE);
    const bound = on(p, 'n1');
    expect(cache.updatePod(p, bound)).toBe(true); // it was assumed until this bind
    const running = withStatus(bound, 'Running');
    expect(cache.updatePod(bound, running)).toBe(false);
    const again = withStatus(running, 'Running');
    cache.updatePod(running, again);
    expect(seen(cache, 'n1')).toEqual(ONE);
    expect(indexed(cache)).toEqual(['a@n1']);
    cache.updatePod(again, undefined);
    expect(seen(cache, 'n1')).toEqual(EMPTY);
    expect(indexed(cache)).toEqual([]);
    expect(cache.nodeOf('default/a')).toBeUndefined();
  });

  it('forget undoes an assumption, and only an assumption', () => {
    const cache = newCache();
    const p = pending('a');
    cache.assume(p, 'n1');
    cache.forget(p);
    expect(seen(cache, 'n1')).toEqual(EMPTY);
    expect(indexed(cache)).toEqual([]);
    // Confirmed pods stay when forget is asked after the fact.
    cache.assume(p, 'n2');
    cache.updatePod(p, on(p, 'n2'));
    cache.forget(p);
    expect(seen(cache, 'n2')).toEqual({ ...ONE });
    expect(cache.nodeOf('default/a')).toBe('n2');
  });

  it('a bind to another node than assumed moves the pod', () => {
    const cache = newCache();
    const p = pending('a');
    cache.assume(p, 'n1');
    cache.updatePod(p, on(p, 'n2'));
    expect(seen(cache, 'n1')).toEqual(EMPTY);
    expect(seen(cache, 'n2')).toEqual(ONE);
    expect(indexed(cache)).toEqual(['a@n2']);
  });

  it('a terminal phase takes the pod off its node; its label buckets come back for the next pod', () => {
    const cache = newCache();
    const a = on(pending('a'), 'n1');
    cache.updatePod(undefined, a);
    cache.updatePod(a, withStatus(a, 'Succeeded'));
    expect(seen(cache, 'n1')).toEqual(EMPTY);
    expect(indexed(cache)).toEqual([]);
    // Same frozen labels object: the index must not reuse the bucket it dropped when emptied.
    const b = on(pending('b'), 'n2');
    cache.updatePod(undefined, b);
    expect(indexed(cache)).toEqual(['b@n2']);
  });
});

describe('scheduler cache: Node writes', () => {
  // A write shares the parts it left alone with the stored version (as the store's writes do):
  // the cache may keep what it worked out from them, and must redo what the write replaced.
  function nodeWith(images: { names: string[]; sizeBytes: number }[], cpu: string): ReturnType<typeof makeNode> {
    return makeNode('n1').capacity({ cpu, memory: '8Gi', pods: '10' }).images(images);
  }

  it('a status write sharing allocatable and images keeps both; replacing them is seen', () => {
    const cache = new SchedulerCache();
    const first = deepFreeze(nodeWith([{ names: ['app:v1'], sizeBytes: 100 }], '4').obj());
    cache.setNode(first);
    // A heartbeat-like write: new status object, same allocatable and images lists.
    const beat = deepFreeze({ ...first, status: { ...first.status, conditions: [{ type: 'Ready', status: 'True' }] } });
    cache.setNode(beat);
    expect(cache.get('n1')!.allocatable.milliCpu).toBe(4000);
    expect(cache.get('n1')!.imageStates['app:v1']).toEqual({ sizeBytes: 100, numNodes: 1 });
    // Replaced lists: new sums and image summaries.
    const bigger = deepFreeze(nodeWith([{ names: ['app:v2'], sizeBytes: 200 }], '8').obj());
    cache.setNode(bigger);
    expect(cache.get('n1')!.allocatable.milliCpu).toBe(8000);
    expect(Object.keys(cache.get('n1')!.imageStates)).toEqual(['app:v2']);
    expect(cache.get('n1')!.imageStates['app:v2']).toEqual({ sizeBytes: 200, numNodes: 1 });
  });
});
