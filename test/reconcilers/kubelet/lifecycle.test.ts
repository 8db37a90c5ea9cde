import { describe, expect, it } from 'vitest';
import { condition, kubeletCluster, one, podStatus, runPod, timeline } from './helpers.js';

// Pull 1 s, start 1 s, crash 3 s after start: first start at 2 s, first crash at 5 s.
const CRASH = { 'crash:1': { pullTime: '1s', startupTime: '1s', crashAfter: '3s', exitCode: 2 } };

describe('kubelet: crashes and restarts', () => {
  it('restartPolicy Always: restarts at once, then backs off 10 s, 20 s, 40 s …', () => {
    const { c, events } = kubeletCluster({ images: CRASH });
    runPod(c, 'p', one('crash:1'));
    c.advance(9000); // second crash at 9 s
    let cs = podStatus(c, 'p').containerStatuses[0]!;
    expect(cs.restartCount).toBe(1);
    expect(cs.state.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: `back-off 10s restarting failed container=app pod=p_default(${c.get('pod', 'p').metadata.uid})`,
    });
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 2, reason: 'Error', startedAt: '2025-01-01T00:00:06Z', finishedAt: '2025-01-01T00:00:09Z' });
    expect(podStatus(c, 'p').phase).toBe('Running');
    expect(condition(c, 'p', 'Ready')!.status).toBe('False');
    c.advance('3m');
    // Starts: 2 s; crash 5 s → at once → 6 s; crash 9 s → +10 s → 20 s; crash 23 s → +20 s → 44 s;
    // crash 47 s → +40 s → 88 s; crash 91 s → +80 s → 172 s.
    const started = timeline(events, 'p').filter((e) => e.endsWith('Started')).map((e) => Number(e.split(' ')[0]));
    expect(started).toEqual([2000, 6000, 20_000, 44_000, 88_000, 172_000]);
    const backoffs = timeline(events, 'p').filter((e) => e.endsWith('BackOff')).map((e) => Number(e.split(' ')[0]));
    expect(backoffs).toEqual([9000, 23_000, 47_000, 91_000, 175_000]);
    expect(events.find((e) => e.reason === 'BackOff')).toMatchObject({
      type: 'Warning',
      message: `Back-off restarting failed container app in pod p_default(${c.get('pod', 'p').metadata.uid})`,
    });
    cs = podStatus(c, 'p').containerStatuses[0]!;
    expect(cs.restartCount).toBe(5);
    expect(cs.state.waiting?.message).toMatch(/^back-off 2m40s restarting/);
  });

  it('caps the back-off at 5 minutes (MaxContainerBackOff)', () => {
    const { c } = kubeletCluster({ images: CRASH });
    runPod(c, 'p', one('crash:1'));
    c.advance('30m');
    const msgs = podStatus(c, 'p').containerStatuses[0]!.state.waiting?.message ?? '';
    expect(msgs).toMatch(/^back-off 5m0s restarting/);
  });

  it('restarts at once again after a run longer than 10 minutes (the back-off entry expired)', () => {
    const { c, events } = kubeletCluster({ images: { 'slow:1': { pullTime: '1s', startupTime: '1s', crashAfter: '11m' } } });
    runPod(c, 'p', one('slow:1'));
    c.advance('40m');
    expect(events.some((e) => e.reason === 'BackOff')).toBe(false);
    expect(podStatus(c, 'p').containerStatuses[0]!.restartCount).toBe(3);
  });

  it('restartPolicy Never: the pod fails', () => {
    const { c } = kubeletCluster({ images: CRASH });
    runPod(c, 'p', { restartPolicy: 'Never', ...one('crash:1') });
    c.advance('1m');
    const s = podStatus(c, 'p');
    expect(s.phase).toBe('Failed');
    expect(s.containerStatuses[0]!.state.terminated).toMatchObject({ exitCode: 2, reason: 'Error', finishedAt: '2025-01-01T00:00:05Z' });
    expect(s.containerStatuses[0]!.restartCount).toBe(0);
    expect(condition(c, 'p', 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    expect(condition(c, 'p', 'PodReadyToStartContainers')!.status).toBe('False');
  });

  it('restartPolicy OnFailure: restarts a failed container', () => {
    const { c } = kubeletCluster({ images: CRASH });
    runPod(c, 'p', { restartPolicy: 'OnFailure', ...one('crash:1') });
    c.advance('1m');
    expect(podStatus(c, 'p').containerStatuses[0]!.restartCount).toBeGreaterThan(1);
    expect(podStatus(c, 'p').phase).toBe('Running');
  });
});

describe('kubelet: run to completion', () => {
  const JOB = { 'job:1': { pullTime: '1s', startupTime: '1s', completeAfter: '5s' } };

  it.each(['Never', 'OnFailure'])('restartPolicy %s: Succeeded after exit 0, never restarted', (restartPolicy) => {
    const { c, events } = kubeletCluster({ images: JOB });
    runPod(c, 'j', { restartPolicy, ...one('job:1') });
    c.advance('10m');
    const s = podStatus(c, 'j');
    expect(s.phase).toBe('Succeeded');
    expect(s.containerStatuses[0]!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T00:00:02Z', finishedAt: '2025-01-01T00:00:07Z' });
    expect(condition(c, 'j', 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(timeline(events, 'j').filter((e) => e.endsWith('Started'))).toEqual(['2000 Started']);
  });

  it('exit code from the profile: Failed with restartPolicy Never', () => {
    const { c } = kubeletCluster({ images: { 'job:1': { pullTime: '1s', startupTime: '1s', completeAfter: '5s', exitCode: 3 } } });
    runPod(c, 'j', { restartPolicy: 'Never', ...one('job:1') });
    c.advance('1m');
    expect(podStatus(c, 'j').phase).toBe('Failed');
  });

  it('restartPolicy Always restarts a completed container (Completed, then CrashLoopBackOff)', () => {
    const { c } = kubeletCluster({ images: JOB });
    runPod(c, 'j', one('job:1'));
    c.advance(13_000); // ran 2–7 s, restarted 7–8 s, exited again at 13 s
    const cs = podStatus(c, 'j').containerStatuses[0]!;
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cs.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(podStatus(c, 'j').phase).toBe('Running');
  });
});

describe('kubelet: graceful deletion', () => {
  const IMG = { 'app:1': { pullTime: '1s', startupTime: '1s', terminationTime: '2s' } };

  it('stops containers after their terminationTime, then deletes the pod', () => {
    const { c, events } = kubeletCluster({ images: IMG });
    runPod(c, 'p', one('app:1'));
    c.advance('5s');
    const res = c.delete('pod', 'p');
    expect(res.removed).toBe(false);
    expect(c.get('pod', 'p').metadata.deletionTimestamp).toBe('2025-01-01T00:00:35Z');
    c.advance(1999);
    expect(c.find('pod', 'p')).toBeDefined();
    c.advance(1);
    expect(c.find('pod', 'p')).toBeUndefined();
    expect(events.filter((e) => e.reason === 'Killing')).toEqual([{ t: 5000, pod: 'p', type: 'Normal', reason: 'Killing', message: 'Stopping container app' }]);
  });

  it('kills at the end of terminationGracePeriodSeconds when the container is slower', () => {
    const { c } = kubeletCluster({ images: { 'app:1': { pullTime: '1s', startupTime: '1s', terminationTime: '1m' } } });
    runPod(c, 'p', { terminationGracePeriodSeconds: 5, ...one('app:1') });
    c.advance('5s');
    c.delete('pod', 'p');
    c.advance(4999);
    expect(c.find('pod', 'p')).toBeDefined();
    c.advance(1);
    expect(c.find('pod', 'p')).toBeUndefined();
  });

  it('honours a shorter grace period given on delete', () => {
    const { c } = kubeletCluster({ images: { 'app:1': { pullTime: '1s', startupTime: '1s', terminationTime: '1m' } } });
    runPod(c, 'p', one('app:1'));
    c.advance('5s');
    c.delete('pod', 'p', { gracePeriodSeconds: 3 });
    c.advance(3000);
    expect(c.find('pod', 'p')).toBeUndefined();
  });

  it('deletes a pod whose containers never started at once', () => {
    const { c } = kubeletCluster({ images: { 'app:1': { pullTime: '1m' } } });
    runPod(c, 'p', one('app:1'));
    c.advance('5s');
    c.delete('pod', 'p');
    expect(c.find('pod', 'p')).toBeUndefined();
  });
});

describe('kubelet: determinism', () => {
  it('gives the same trace for the same inputs, with default (drawn) profiles', () => {
    const run = () => {
      const { c, events } = kubeletCluster({ seed: 's' });
      runPod(c, 'a', one('redis:7'));
      runPod(c, 'b', one('postgres:16'), 'node-2');
      c.advance('1m');
      return { hash: c.traceHash(), events: events.map((e) => `${e.t} ${e.pod} ${e.reason} ${e.message}`) };
    };
    const first = run();
    expect(run()).toEqual(first);
    // Default profile: pulls in 1–5 s, starts 0.5–2 s later, ready at start.
    const pulled = first.events.filter((e) => e.includes(' a Pulled '));
    expect(pulled).toHaveLength(1);
    const t = Number(pulled[0]!.split(' ')[0]);
    expect(t).toBeGreaterThanOrEqual(1000);
    expect(t).toBeLessThanOrEqual(5000);
  });
});
