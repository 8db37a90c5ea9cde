/**
 * The scheduler following its own decisions: a pod it assumed leaves activeQ, the committed
 * bind confirms it, and a change to the pod that lands before the bind (still pending) puts it
 * back in the queue until a bind is committed. Whatever the order, a bound pod is never left
 * queued and a pending one never lost.
 *
 * @see kubernetes/kubernetes pkg/scheduler/eventhandlers.go (addPodToCache, updatePodInSchedulingQueue)
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/types.js';
import { Rng } from '../../src/clock/rng.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { deepFreeze, makeNode, makePod } from './plugins/basic-builders.js';

function newScheduler(): Scheduler {
  const s = new Scheduler({}, Rng.root('assume-test'));
  for (const n of ['n1', 'n2']) s.onChange({ kind: 'Node', object: makeNode(n).capacity({ cpu: '4', memory: '8Gi', pods: '10' }).obj(), oldObject: undefined } as never, 0);
  return s;
}

const podChange = (oldObject: Pod | undefined, object: Pod | undefined) => ({ kind: 'Pod', oldObject, object }) as never;

function boundTo(pod: Pod, node: string): Pod {
  return deepFreeze({ ...pod, spec: { ...pod.spec, nodeName: node } }) as Pod;
}

/** The node the batch's bind action names. */
function bindOf(actions: readonly { verb: string }[]): string {
  const bind = actions.find((a) => a.verb === 'bind') as { nodeName: string } | undefined;
  return bind!.nodeName;
}

describe('scheduler: assumed pods and the queue', () => {
  it('the committed bind of an assumed pod leaves nothing queued', () => {
    const s = newScheduler();
    const p = makePod().name('a').req({ cpu: '1' }).obj();
    s.onChange(podChange(undefined, p), 0);
    expect(s.pendingActive).toBe(1);
    const node = bindOf(s.scheduleBatch(0, 'now'));
    expect(s.pendingActive).toBe(0);
    s.onChange(podChange(p, boundTo(p, node)), 0);
    expect(s.stats()).toMatchObject({ scheduled: 1, active: 0, backoff: 0, unschedulable: 0 });
  });

  it('a pending update before the bind re-queues the pod; the bind then takes it out again', () => {
    const s = newScheduler();
    const p = makePod().name('a').req({ cpu: '1' }).obj();
    s.onChange(podChange(undefined, p), 0);
    const node = bindOf(s.scheduleBatch(0, 'now'));
    // A status write lands first: the pod is pending again as far as the store says.
    const p2 = deepFreeze({ ...p, status: { phase: 'Pending' } }) as Pod;
    s.onChange(podChange(p, p2), 0);
    expect(s.pendingActive).toBe(1);
    s.onChange(podChange(p2, boundTo(p2, node)), 0);
    expect(s.pendingActive).toBe(0);
    expect(s.scheduleBatch(0, 'now')).toEqual([]);
  });

  it('an assumed pod deleted before its bind is not queued again', () => {
    const s = newScheduler();
    const p = makePod().name('a').req({ cpu: '1' }).obj();
    s.onChange(podChange(undefined, p), 0);
    s.scheduleBatch(0, 'now');
    s.onChange(podChange(p, undefined), 0);
    expect(s.stats()).toMatchObject({ active: 0, backoff: 0, unschedulable: 0 });
    expect(s.scheduleBatch(0, 'now')).toEqual([]);
  });
});
