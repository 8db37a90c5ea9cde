/**
 * Virtual time and the timers waiting on it. Timers are plain data ordered by (dueMs, seq): seq
 * grows with every schedule call, so timers due at the same millisecond fire in the order they
 * were scheduled, and a run never depends on heap internals.
 *
 * The queue owns `nowMs` and keeps it monotonic: popping a timer moves the clock to its due time,
 * `advanceTo` moves it forward, and nothing moves it back. A typical step:
 *
 *   for (let t = q.popDue(target); t; t = q.popDue(target)) fire(t); // nowMs = each t.dueMs
 *   q.advanceTo(target);
 *
 * Cancellation is lazy: a cancelled timer stays in the heap, is skipped when it reaches the top,
 * and the heap is compacted once dead entries outnumber live ones, so memory stays O(live).
 */

import { InternalError } from '../model/errors.js';
import { MinHeap } from './heap.js';

export interface Timer<P> {
  readonly id: number;
  readonly dueMs: number;
  readonly seq: number;
  readonly payload: P;
}

const byDueThenSeq = <P>(a: Timer<P>, b: Timer<P>): boolean =>
  a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);

/** Below this many dead entries compaction is not worth a pass over the heap. */
const COMPACT_MIN_DEAD = 64;

export class TimerQueue<P> {
  private readonly heap = new MinHeap<Timer<P>>(byDueThenSeq);
  /** Live timers by id; a heap entry whose id is missing here was cancelled. Lookups only. */
  private readonly live = new Map<number, Timer<P>>();
  private now: number;
  private nextSeq = 0;

  constructor(startMs = 0) {
    checkMs(startMs, 'TimerQueue start');
    this.now = startMs;
  }

  get nowMs(): number {
    return this.now;
  }

  /** Live (scheduled, not cancelled, not yet popped) timers. */
  get size(): number {
    return this.live.size;
  }

  /** Schedules payload at dueMs (>= nowMs; "now" is allowed and fires on the next popDue). */
  schedule(dueMs: number, payload: P): Timer<P> {
    checkMs(dueMs, 'schedule');
    if (dueMs < this.now) {
      throw new InternalError(`cannot schedule a timer at ${dueMs}ms: the clock is already at ${this.now}ms`);
    }
    const seq = this.nextSeq++;
    // id and seq share a counter: ids are unique for the queue's lifetime and never reused, so
    // cancelling a fired timer's id can never hit a newer one.
    const timer: Timer<P> = { id: seq, dueMs, seq, payload };
    this.heap.push(timer);
    this.live.set(timer.id, timer);
    return timer;
  }

  /** Cancels a live timer; false if it already fired, was cancelled, or never existed. */
  cancel(id: number): boolean {
    if (!this.live.delete(id)) return false;
    const dead = this.heap.size - this.live.size;
    if (dead >= COMPACT_MIN_DEAD && dead > this.live.size) {
      this.heap.retain((t) => this.live.has(t.id));
    }
    return true;
  }

  /** The next live timer, without removing it. */
  peek(): Timer<P> | undefined {
    this.dropCancelledTop();
    return this.heap.peek();
  }

  /**
   * Removes and returns the next live timer due at or before untilMs, moving nowMs to its due
   * time; undefined (and the clock untouched) when none is due. A timer left behind by an
   * advanceTo past it fires late, at the current nowMs: the clock never runs backwards.
   */
  popDue(untilMs: number): Timer<P> | undefined {
    this.dropCancelledTop();
    const top = this.heap.peek();
    if (top === undefined || top.dueMs > untilMs) return undefined;
    this.heap.pop();
    this.live.delete(top.id);
    if (top.dueMs > this.now) this.now = top.dueMs;
    return top;
  }

  /** Moves the clock forward to tMs (staying put is fine); moving it backwards is a bug. */
  advanceTo(tMs: number): void {
    checkMs(tMs, 'advanceTo');
    if (tMs < this.now) {
      throw new InternalError(`virtual time cannot move backwards: from ${this.now}ms to ${tMs}ms`);
    }
    this.now = tMs;
  }

  private dropCancelledTop(): void {
    for (let top = this.heap.peek(); top !== undefined && !this.live.has(top.id); top = this.heap.peek()) {
      this.heap.pop();
    }
  }
}

function checkMs(ms: number, what: string): void {
  if (!Number.isSafeInteger(ms)) {
    throw new InternalError(`${what}: ${String(ms)} is not an integer number of milliseconds`);
  }
}
