import { describe, expect, it } from 'vitest';
import { backoffDurationMs, SchedulingQueue } from '../../src/scheduler/queue.js';
import type { Pod } from '../../src/model/types.js';

const pod = (name: string, priority = 0): Pod => ({ metadata: { name, namespace: 'default' }, spec: { containers: [], priority } });

describe('scheduling queue', () => {
  // pkg/scheduler/backend/queue/scheduling_queue.go calculateBackoffDuration with the defaults.
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10000],
    [9, 10000],
  ])('backs off %i attempts for %i ms', (attempts, ms) => {
    expect(backoffDurationMs(attempts)).toBe(ms);
  });

  it('pops by priority, then by time in queue, then by arrival', () => {
    const q = new SchedulingQueue();
    q.add('default/low', pod('low', 1), 0);
    q.add('default/high', pod('high', 10), 5);
    q.add('default/low2', pod('low2', 1), 0);
    q.add('default/mid', pod('mid', 5), 1);
    expect([q.pop(), q.pop(), q.pop(), q.pop()].map((i) => i?.key)).toEqual([
      'default/high', 'default/mid', 'default/low', 'default/low2',
    ]);
    expect(q.pop()).toBeUndefined();
  });

  it('parks unschedulable pods until a move, then honours the remaining backoff', () => {
    const q = new SchedulingQueue();
    q.add('default/p', pod('p'), 0);
    const info = q.pop()!;
    q.requeueFailed(info, 100, true, false);
    expect(q.stats()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    q.moveAllToActiveOrBackoff(500); // backoff of 1 attempt ends at 1100
    expect(q.stats()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    expect(q.nextBackoffExpiryMs()).toBe(1100);
    q.flushBackoffCompleted(1099);
    expect(q.activeCount).toBe(0);
    q.flushBackoffCompleted(1100);
    expect(q.pop()?.key).toBe('default/p');
  });

  it('retries pods left unschedulable for 5 minutes', () => {
    const q = new SchedulingQueue();
    q.add('default/p', pod('p'), 0);
    q.requeueFailed(q.pop()!, 0, true, false);
    q.flushUnschedulableLeftover(299_999);
    expect(q.unschedulableCount).toBe(1);
    q.flushUnschedulableLeftover(300_000);
    expect(q.activeCount).toBe(1);
  });

  it('sends a pod to backoff rather than the pool when a move happened during its attempt', () => {
    const q = new SchedulingQueue();
    q.add('default/p', pod('p'), 0);
    q.requeueFailed(q.pop()!, 0, true, true);
    expect(q.stats()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
  });

  it('forgets deleted pods wherever they are', () => {
    const q = new SchedulingQueue();
    q.add('default/a', pod('a'), 0);
    q.add('default/b', pod('b'), 0);
    q.delete('default/a');
    expect(q.pop()?.key).toBe('default/b');
    expect(q.pop()).toBeUndefined();
    expect(q.stats()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
  });
});
