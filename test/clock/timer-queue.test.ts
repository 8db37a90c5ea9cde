import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TimerQueue, type Timer } from '../../src/clock/timer-queue.js';
import { InternalError } from '../../src/model/errors.js';

function drainAll<P>(q: TimerQueue<P>): Timer<P>[] {
  const out: Timer<P>[] = [];
  for (let t = q.popDue(Number.MAX_SAFE_INTEGER); t !== undefined; t = q.popDue(Number.MAX_SAFE_INTEGER)) {
    out.push(t);
  }
  return out;
}

const byDueThenSeq = (a: Timer<unknown>, b: Timer<unknown>): number => a.dueMs - b.dueMs || a.seq - b.seq;

describe('TimerQueue', () => {
  it('starts at 0 (or the given time) with no timers', () => {
    const q = new TimerQueue<string>();
    expect(q.nowMs).toBe(0);
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.popDue(1_000_000)).toBeUndefined();
    expect(new TimerQueue(1_735_689_600_000).nowMs).toBe(1_735_689_600_000);
  });

  it('fires timers in due order, ties in scheduling order, moving the clock to each due time', () => {
    const q = new TimerQueue<string>();
    q.schedule(300, 'c');
    q.schedule(100, 'a1');
    q.schedule(200, 'b');
    q.schedule(100, 'a2');
    q.schedule(0, 'now');
    const fired: string[] = [];
    for (let t = q.popDue(250); t !== undefined; t = q.popDue(250)) {
      fired.push(`${t.payload}@${q.nowMs}`);
    }
    expect(fired).toEqual(['now@0', 'a1@100', 'a2@100', 'b@200']);
    expect(q.nowMs).toBe(200); // popDue stops at the last fired timer; the caller then advances
    q.advanceTo(250);
    expect(q.nowMs).toBe(250);
    expect(q.size).toBe(1);
    expect(q.peek()?.payload).toBe('c');
  });

  it('gives each timer a unique id and an increasing seq', () => {
    const q = new TimerQueue<null>();
    const ts = [5, 1, 5, 3].map((d) => q.schedule(d, null));
    expect(new Set(ts.map((t) => t.id)).size).toBe(4);
    expect(ts.map((t) => t.seq)).toEqual([...ts.map((t) => t.seq)].sort((a, b) => a - b));
    expect(ts.map((t) => t.dueMs)).toEqual([5, 1, 5, 3]);
  });

  it('cancel removes a live timer once; unknown or fired ids return false', () => {
    const q = new TimerQueue<string>();
    const a = q.schedule(10, 'a');
    const b = q.schedule(20, 'b');
    expect(q.cancel(a.id)).toBe(true);
    expect(q.cancel(a.id)).toBe(false);
    expect(q.cancel(12345)).toBe(false);
    expect(q.size).toBe(1);
    expect(q.peek()).toBe(b);
    expect(q.popDue(100)).toBe(b);
    expect(q.cancel(b.id)).toBe(false);
    expect(q.size).toBe(0);
  });

  it('does not fire a timer due after untilMs, and leaves the clock alone then', () => {
    const q = new TimerQueue<string>();
    q.advanceTo(50);
    q.schedule(100, 'x');
    expect(q.popDue(99)).toBeUndefined();
    expect(q.nowMs).toBe(50);
    expect(q.popDue(100)?.payload).toBe('x');
    expect(q.nowMs).toBe(100);
  });

  it('throws InternalError when asked to move time backwards or schedule in the past', () => {
    const q = new TimerQueue<string>();
    q.advanceTo(100);
    q.advanceTo(100); // staying put is fine
    expect(() => q.advanceTo(99)).toThrow(InternalError);
    expect(() => q.advanceTo(99)).toThrow('virtual time cannot move backwards: from 100ms to 99ms');
    expect(() => q.schedule(99, 'late')).toThrow(InternalError);
    expect(q.schedule(100, 'now').dueMs).toBe(100);
    expect(q.nowMs).toBe(100);
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the non-integer time %s', (bad) => {
    const q = new TimerQueue<string>();
    expect(() => q.schedule(bad, 'x')).toThrow(InternalError);
    expect(() => q.advanceTo(bad)).toThrow(InternalError);
  });

  it('fires a timer left behind by advanceTo late, without moving the clock back', () => {
    const q = new TimerQueue<string>();
    q.schedule(10, 'missed');
    q.advanceTo(50);
    expect(q.popDue(50)?.payload).toBe('missed');
    expect(q.nowMs).toBe(50);
  });

  it('compacts cancelled timers without disturbing order', () => {
    const q = new TimerQueue<number>();
    const ts = Array.from({ length: 1000 }, (_, i) => q.schedule((i * 7919) % 1000, i));
    for (const t of ts) if (t.payload % 10 !== 0) q.cancel(t.id);
    expect(q.size).toBe(100);
    const fired = drainAll(q);
    expect(fired.map((t) => t.payload)).toEqual(
      ts.filter((t) => t.payload % 10 === 0).sort(byDueThenSeq).map((t) => t.payload),
    );
  });

  // Property: whatever is scheduled and cancelled, popping yields exactly the live timers in
  // (dueMs, seq) order, the clock follows their due times, and it never decreases.
  it('pops live timers in (dueMs, seq) order with a monotonic clock', () => {
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('schedule' as const), delay: fc.integer({ min: 0, max: 20 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('pop' as const), window: fc.integer({ min: 0, max: 10 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 5 }) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const q = new TimerQueue<number>();
        const live = new Map<number, Timer<number>>(); // model, looked up by id
        const scheduled: Timer<number>[] = [];
        let lastNow = q.nowMs;
        for (const o of ops) {
          if (o.kind === 'schedule') {
            const t = q.schedule(q.nowMs + o.delay, scheduled.length);
            scheduled.push(t);
            live.set(t.id, t);
          } else if (o.kind === 'cancel' && scheduled.length > 0) {
            const t = scheduled[o.pick % scheduled.length]!;
            expect(q.cancel(t.id)).toBe(live.delete(t.id));
          } else if (o.kind === 'pop') {
            const until = q.nowMs + o.window;
            const due = [...live.values()].filter((t) => t.dueMs <= until).sort(byDueThenSeq);
            const got = q.popDue(until);
            expect(got).toBe(due[0]);
            if (got) {
              live.delete(got.id);
              expect(q.nowMs).toBe(Math.max(lastNow, got.dueMs));
            }
          } else if (o.kind === 'advance') {
            // Only advance up to the next live timer, as the simulator does.
            const next = [...live.values()].sort(byDueThenSeq)[0];
            q.advanceTo(Math.min(q.nowMs + o.by, next?.dueMs ?? Infinity));
          }
          expect(q.nowMs).toBeGreaterThanOrEqual(lastNow);
          lastNow = q.nowMs;
          expect(q.size).toBe(live.size);
          expect(q.peek()).toBe([...live.values()].sort(byDueThenSeq)[0]);
        }
        const rest = drainAll(q);
        expect(rest).toEqual([...live.values()].sort(byDueThenSeq));
        expect(rest.map((t) => t.dueMs)).toEqual(rest.map((t) => t.dueMs).sort((a, b) => a - b));
      }),
    );
  });
});
