/**
 * The scheduling queue (upstream's PriorityQueue): activeQ ordered by the QueueSort plugin,
 * backoffQ for pods that failed and wait out their backoff, and the unschedulable pool for
 * pods no node could take until something in the cluster changes.
 *
 * - Backoff: 1 s doubling per attempt up to 10 s (podInitialBackoffSeconds /
 *   podMaxBackoffSeconds defaults).
 * - A cluster event that might make pods schedulable (a node added or changed, an assigned pod
 *   deleted) moves every unschedulable pod to backoffQ or activeQ (MoveAllToActiveOrBackoffQueue).
 *   Upstream 1.32 narrows this with per-plugin queueing hints; kubesim moves all of them, which
 *   can only retry a pod sooner, never change where it lands.
 * - Pods left unschedulable for 5 minutes are retried anyway (flushUnschedulablePodsLeftover,
 *   run every 30 s).
 *
 * @see kubernetes/kubernetes pkg/scheduler/backend/queue/scheduling_queue.go
 */
import { MinHeap } from '../clock/heap.js';
import { RunHeap } from './run-heap.js';
import type { Pod } from '../model/types.js';

export const POD_INITIAL_BACKOFF_MS = 1_000;
export const POD_MAX_BACKOFF_MS = 10_000;
export const POD_MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;
export const UNSCHEDULABLE_FLUSH_INTERVAL_MS = 30_000;

export interface QueuedPodInfo {
  readonly key: string;
  pod: Pod;
  /** When the pod entered the queue (PrioritySort's tie-break). */
  readonly timestampMs: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the pod last failed (backoff counts from here). */
  lastFailureMs: number;
  /** When the pod entered the unschedulable pool. */
  unschedulableSinceMs: number;
  /** Insertion order: the final, deterministic tie-break. */
  readonly seq: number;
  where: 'active' | 'backoff' | 'unschedulable' | 'inFlight';
  /** Bumped whenever the entry moves, so stale heap entries are skipped. */
  gen: number;
}

/**
 * A heap entry carries the default order's keys itself (priority is immutable on a pod,
 * timestamp and seq on the entry's QueuedPodInfo), so sifting compares numbers in the entry
 * instead of reaching into the pod object on every comparison.
 */
interface HeapEntry {
  readonly info: QueuedPodInfo;
  readonly gen: number;
  readonly priority: number;
  readonly timestampMs: number;
  readonly seq: number;
}

function entry(info: QueuedPodInfo): HeapEntry {
  return { info, gen: info.gen, priority: info.pod.spec?.priority ?? 0, timestampMs: info.timestampMs, seq: info.seq };
}

/** prioritySortLess on heap entries. */
function entryLess(a: HeapEntry, b: HeapEntry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs;
  return a.seq < b.seq;
}

export type PodLess = (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;

/** PrioritySort: higher priority first, then earlier queue timestamp, then insertion order. */
export const prioritySortLess: PodLess = (a, b) => {
  const pa = a.pod.spec?.priority ?? 0;
  const pb = b.pod.spec?.priority ?? 0;
  if (pa !== pb) return pa > pb;
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs;
  return a.seq < b.seq;
};

export interface BackoffConfig {
  readonly initialMs: number;
  readonly maxMs: number;
}

const DEFAULT_BACKOFF: BackoffConfig = { initialMs: POD_INITIAL_BACKOFF_MS, maxMs: POD_MAX_BACKOFF_MS };

/** calculateBackoffDuration: initial × 2^(attempts-1), capped. 1 s, 2 s, 4 s, 8 s, 10 s, ... */
export function backoffDurationMs(attempts: number, cfg: BackoffConfig = DEFAULT_BACKOFF): number {
  let d = cfg.initialMs;
  for (let i = 1; i < attempts; i++) {
    d *= 2;
    if (d > cfg.maxMs) return cfg.maxMs;
  }
  return d;
}

export class SchedulingQueue {
  private readonly pods = new Map<string, QueuedPodInfo>();
  private readonly activeQ: RunHeap<HeapEntry>;
  private readonly backoffQ: MinHeap<HeapEntry>;
  /** Unschedulable pods by key, in the order they became unschedulable (deterministic). */
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private seq = 0;

  /** `less` undefined: prioritySortLess (the default profile's PrioritySort, with seq ties). */
  constructor(
    less?: PodLess,
    private readonly backoff: BackoffConfig = DEFAULT_BACKOFF,
  ) {
    this.activeQ = new RunHeap<HeapEntry>(less === undefined || less === prioritySortLess ? entryLess : (a, b) => less(a.info, b.info));
    this.backoffQ = new MinHeap<HeapEntry>((a, b) => {
      const ea = this.backoffExpiryMs(a.info);
      const eb = this.backoffExpiryMs(b.info);
      return ea < eb || (ea === eb && a.info.seq < b.info.seq);
    });
  }

  /** How many pods sit in activeQ (kept as a counter: checked on every sim step). */
  get activeCount(): number {
    return this.counts.active;
  }

  private readonly counts = { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 };

  private setWhere(info: QueuedPodInfo, where: QueuedPodInfo['where']): void {
    this.counts[info.where]--;
    this.counts[where]++;
    info.where = where;
  }

  has(key: string): boolean {
    return this.pods.has(key);
  }

  /** Counts per pool, for reporting. */
  stats(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.counts.active, backoff: this.counts.backoff, unschedulable: this.counts.unschedulable };
  }

  backoffExpiryMs(info: QueuedPodInfo): number {
    return info.lastFailureMs + backoffDurationMs(info.attempts, this.backoff);
  }

  /** A new pending pod: straight to activeQ. */
  add(key: string, pod: Pod, nowMs: number): void {
    const existing = this.pods.get(key);
    if (existing) {
      this.update(key, pod, nowMs);
      return;
    }
    this.addNew(key, pod, nowMs);
  }

  /** add() for a key the caller knows the queue does not hold (saves the lookup). */
  addNew(key: string, pod: Pod, nowMs: number): void {
    const info: QueuedPodInfo = {
      key,
      pod,
      timestampMs: nowMs,
      attempts: 0,
      lastFailureMs: nowMs,
      unschedulableSinceMs: 0,
      seq: this.seq++,
      where: 'active',
      gen: 0,
    };
    this.pods.set(key, info);
    this.counts.active++;
    this.activeQ.push(entry(info));
  }

  /** The pod object changed while queued: keep it current; an unschedulable pod gets a retry. */
  update(key: string, pod: Pod, nowMs: number): void {
    const info = this.pods.get(key);
    if (!info) return;
    info.pod = pod;
    if (info.where === 'unschedulable') this.moveToActiveOrBackoff(info, nowMs);
  }

  /** The pod object changed in a way that needs no retry (its status): keep it current. */
  refresh(key: string, pod: Pod): void {
    const info = this.pods.get(key);
    if (info) info.pod = pod;
  }

  delete(key: string): void {
    const info = this.pods.get(key);
    if (!info) return;
    info.gen++;
    this.counts[info.where]--;
    this.pods.delete(key);
    this.unschedulable.delete(key);
  }

  /** Pops the next pod to schedule, or undefined when activeQ is empty. */
  pop(): QueuedPodInfo | undefined {
    for (let e = this.activeQ.pop(); e; e = this.activeQ.pop()) {
      // No lookup by key: delete bumps gen, and a deleted info never gets a heap entry again
      // (requeueFailed and update find it gone), so a current gen means it is still queued.
      if (e.gen !== e.info.gen || e.info.where !== 'active') continue;
      this.setWhere(e.info, 'inFlight');
      e.info.attempts++;
      return e.info;
    }
    return undefined;
  }

  /** The attempt failed. `unschedulable` parks it until an event; otherwise (an error) backoff. */
  requeueFailed(info: QueuedPodInfo, nowMs: number, unschedulable: boolean, movedSinceAttempt: boolean): void {
    if (this.pods.get(info.key) !== info) return; // deleted or bound meanwhile
    info.lastFailureMs = nowMs;
    info.gen++;
    // A move request that arrived while the pod was in flight means the failure may be stale:
    // upstream sends such pods to backoffQ rather than the unschedulable pool.
    if (unschedulable && !movedSinceAttempt) {
      this.setWhere(info, 'unschedulable');
      info.unschedulableSinceMs = nowMs;
      this.unschedulable.set(info.key, info);
    } else {
      this.setWhere(info, 'backoff');
      this.backoffQ.push(entry(info));
    }
  }

  /** The attempt succeeded (the pod is bound or assumed): it leaves the queue. */
  done(key: string): void {
    this.delete(key);
  }

  /** A cluster event that may make parked pods schedulable. */
  moveAllToActiveOrBackoff(nowMs: number): number {
    const moved = [...this.unschedulable.values()];
    for (const info of moved) this.moveToActiveOrBackoff(info, nowMs);
    return moved.length;
  }

  private moveToActiveOrBackoff(info: QueuedPodInfo, nowMs: number): void {
    this.unschedulable.delete(info.key);
    info.gen++;
    if (this.backoffExpiryMs(info) > nowMs) {
      this.setWhere(info, 'backoff');
      this.backoffQ.push(entry(info));
    } else {
      this.setWhere(info, 'active');
      this.activeQ.push(entry(info));
    }
  }

  /** flushBackoffQCompleted: pods whose backoff has expired go to activeQ. */
  flushBackoffCompleted(nowMs: number): void {
    for (let e = this.backoffQ.peek(); e; e = this.backoffQ.peek()) {
      const stale = e.gen !== e.info.gen || e.info.where !== 'backoff' || this.pods.get(e.info.key) !== e.info;
      if (!stale && this.backoffExpiryMs(e.info) > nowMs) break;
      this.backoffQ.pop();
      if (stale) continue;
      e.info.gen++;
      this.setWhere(e.info, 'active');
      this.activeQ.push(entry(e.info));
    }
  }

  /** flushUnschedulablePodsLeftover: pods parked for 5 minutes get another try. */
  flushUnschedulableLeftover(nowMs: number): void {
    for (const info of [...this.unschedulable.values()]) {
      if (nowMs - info.unschedulableSinceMs >= POD_MAX_IN_UNSCHEDULABLE_MS) this.moveToActiveOrBackoff(info, nowMs);
    }
  }

  /** When the earliest backoff ends (for the sim's timer), or undefined. */
  nextBackoffExpiryMs(): number | undefined {
    for (let e = this.backoffQ.peek(); e; e = this.backoffQ.peek()) {
      if (e.gen === e.info.gen && e.info.where === 'backoff' && this.pods.get(e.info.key) === e.info) {
        return this.backoffExpiryMs(e.info);
      }
      this.backoffQ.pop();
    }
    return undefined;
  }

  get unschedulableCount(): number {
    return this.counts.unschedulable;
  }

  /** Pending pods by pool, for tests and reports. */
  snapshot(): { key: string; where: QueuedPodInfo['where']; attempts: number }[] {
    return [...this.pods.values()].map((p) => ({ key: p.key, where: p.where, attempts: p.attempts }));
  }
}
