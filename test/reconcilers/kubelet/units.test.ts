import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/index.js';
import { backoffAfterRestart, restartDelayMs } from '../../../src/reconcilers/kubelet/backoff.js';
import { imageID, imageRepository, resolveImageProfile } from '../../../src/reconcilers/kubelet/image-profile.js';
import { kubelet } from '../../../src/reconcilers/kubelet/index.js';
import { formatTime, getPhase } from '../../../src/reconcilers/kubelet/pod-status.js';
import { readyAfterStartMs } from '../../../src/reconcilers/kubelet/probes.js';
import type { ContainerStatus, PodSpec } from '../../../src/model/types.js';

const running = (name: string): ContainerStatus => ({ name, image: '', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: 'x' } } });
const succeeded = (name: string): ContainerStatus => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } });
const failed = (name: string): ContainerStatus => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1 } } });
const waiting = (name: string): ContainerStatus => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } });
const backoff = (name: string): ContainerStatus => ({
  name, image: '', imageID: '', ready: false, restartCount: 1,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 1 } },
});
const spec = (restartPolicy: string): PodSpec => ({ restartPolicy, containers: [{ name: 'a' }, { name: 'b' }] });

// Ported from kubernetes/kubernetes pkg/kubelet/kubelet_pods_test.go
// (TestPodPhaseWithRestartAlways, TestPodPhaseWithRestartNever, TestPodPhaseWithRestartOnFailure).
describe('getPhase', () => {
  it.each`
    policy         | statuses                             | terminal | expected       | why
    ${'Always'}    | ${[running('a'), running('b')]}      | ${false} | ${'Running'}   | ${'all running'}
    ${'Always'}    | ${[succeeded('a'), failed('b')]}     | ${false} | ${'Running'}   | ${'all stopped: restarting'}
    ${'Always'}    | ${[running('a'), failed('b')]}       | ${false} | ${'Running'}   | ${'mixed running and stopped'}
    ${'Always'}    | ${[running('a')]}                    | ${false} | ${'Pending'}   | ${'a container without status'}
    ${'Always'}    | ${[running('a'), waiting('b')]}      | ${false} | ${'Pending'}   | ${'a container still waiting to start'}
    ${'Always'}    | ${[running('a'), backoff('b')]}      | ${false} | ${'Running'}   | ${'back-off counts as stopped'}
    ${'Always'}    | ${[succeeded('a'), succeeded('b')]}  | ${true}  | ${'Succeeded'} | ${'terminal pod, all exit 0'}
    ${'Always'}    | ${[succeeded('a'), failed('b')]}     | ${true}  | ${'Failed'}    | ${'terminal pod, one failure'}
    ${'Never'}     | ${[running('a'), running('b')]}      | ${false} | ${'Running'}   | ${'all running'}
    ${'Never'}     | ${[succeeded('a'), succeeded('b')]}  | ${false} | ${'Succeeded'} | ${'all succeeded'}
    ${'Never'}     | ${[failed('a'), failed('b')]}        | ${false} | ${'Failed'}    | ${'all failed'}
    ${'Never'}     | ${[running('a'), succeeded('b')]}    | ${false} | ${'Running'}   | ${'mixed'}
    ${'Never'}     | ${[running('a'), waiting('b')]}      | ${false} | ${'Pending'}   | ${'mixed with waiting'}
    ${'OnFailure'} | ${[running('a'), running('b')]}      | ${false} | ${'Running'}   | ${'all running'}
    ${'OnFailure'} | ${[succeeded('a'), succeeded('b')]}  | ${false} | ${'Succeeded'} | ${'all succeeded'}
    ${'OnFailure'} | ${[failed('a'), failed('b')]}        | ${false} | ${'Running'}   | ${'all failed: restarting'}
    ${'OnFailure'} | ${[running('a'), succeeded('b')]}    | ${false} | ${'Running'}   | ${'mixed'}
    ${'OnFailure'} | ${[running('a'), waiting('b')]}      | ${false} | ${'Pending'}   | ${'mixed with waiting'}
    ${'OnFailure'} | ${[running('a'), backoff('b')]}      | ${false} | ${'Running'}   | ${'back-off'}
  `('$policy, $why → $expected', ({ policy, statuses, terminal, expected }) => {
    expect(getPhase(spec(policy), statuses, terminal)).toBe(expected);
  });
});

// Delays from client-go flowcontrol.Backoff with backOffPeriod 10 s and MaxContainerBackOff 300 s
// (pkg/kubelet/kubelet.go): the entry after a restart, given the wait that preceded it.
describe('CrashLoopBackOff', () => {
  it.each`
    waited     | entry      | why
    ${0}       | ${10_000}  | ${'first restart (immediate) creates the entry with 10 s'}
    ${10_000}  | ${20_000}  | ${'10 s wait → doubled'}
    ${80_000}  | ${160_000} | ${'80 s → 160 s'}
    ${160_000} | ${300_000} | ${'320 s capped at 300 s'}
    ${300_000} | ${300_000} | ${'stays at the cap'}
  `('entry after waiting $waited ms is $entry ms ($why)', ({ waited, entry }) => {
    expect(backoffAfterRestart(waited)).toBe(entry);
  });

  it.each`
    restartCount | restartedAtMs | previousFinishedAtMs | finishedAtMs | delay     | why
    ${0}         | ${0}          | ${undefined}         | ${5000}      | ${0}      | ${'no entry yet: restart at once'}
    ${1}         | ${5000}       | ${5000}              | ${9000}      | ${10_000} | ${'after an immediate restart: 10 s'}
    ${2}         | ${19_000}     | ${9000}              | ${23_000}    | ${20_000} | ${'after a 10 s wait: 20 s'}
    ${2}         | ${19_000}     | ${9000}              | ${619_001}   | ${0}      | ${'ran > 10 min since the restart: entry expired'}
    ${2}         | ${19_000}     | ${9000}              | ${619_000}   | ${20_000} | ${'exactly 10 min: not yet expired'}
  `('$why', ({ restartCount, restartedAtMs, previousFinishedAtMs, finishedAtMs, delay }) => {
    expect(restartDelayMs({ restartCount, restartedAtMs, previousFinishedAtMs, finishedAtMs })).toBe(delay);
  });
});

describe('readiness probe timing', () => {
  it.each`
    probe                                                                    | delay     | ready     | why
    ${undefined}                                                             | ${0}      | ${0}      | ${'no probe: ready at start'}
    ${undefined}                                                             | ${3000}   | ${3000}   | ${'no probe: the app warm-up'}
    ${{ periodSeconds: 10, successThreshold: 1 }}                            | ${0}      | ${0}      | ${'first probe at start succeeds'}
    ${{ initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 1 }}    | ${0}      | ${5000}   | ${'waits initialDelaySeconds'}
    ${{ initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 2 }}    | ${12_000} | ${25_000} | ${'fail at 5, ok at 15 and 25'}
    ${{ initialDelaySeconds: 0, periodSeconds: 3, successThreshold: 3 }}     | ${4000}   | ${12_000} | ${'ok at 6, 9, 12'}
  `('$why', ({ probe, delay, ready }) => {
    expect(readyAfterStartMs(probe, delay)).toBe(ready);
  });
});

describe('image profiles', () => {
  it('draws realistic defaults, the same for the same image and seed whatever the order', () => {
    const a1 = resolveImageProfile('redis:7', {}, 's');
    resolveImageProfile('postgres:16', {}, 's');
    const a2 = resolveImageProfile('redis:7', {}, 's');
    expect(a2).toEqual(a1);
    expect(a1.pullTimeMs).toBeGreaterThanOrEqual(1000);
    expect(a1.pullTimeMs).toBeLessThanOrEqual(5000);
    expect(a1.startupTimeMs).toBeGreaterThanOrEqual(500);
    expect(a1.startupTimeMs).toBeLessThanOrEqual(2000);
    expect(a1.readinessDelayMs).toBe(0);
    expect(a1.exit).toBeUndefined();
    expect(resolveImageProfile('redis:7', {}, 'other')).not.toEqual(a1);
  });

  it('layers: exact image, then repository, over defaultProfile, over the draws', () => {
    const profiles = { nginx: { pullTime: '3s' }, 'nginx:1.27': { startupTime: 250 } };
    const drawn = resolveImageProfile('nginx:1.27', {}, 's');
    const p = resolveImageProfile('nginx:1.27', profiles, 's', { readinessDelay: '1s', pullTime: '9s' });
    expect(p).toEqual({ ...drawn, pullTimeMs: 9000, startupTimeMs: 250, readinessDelayMs: 1000 });
    expect(resolveImageProfile('nginx:1.26', profiles, 's').pullTimeMs).toBe(3000);
  });

  it('crashAfter exits with 1 by default, completeAfter with 0; the earlier wins', () => {
    expect(resolveImageProfile('x', { x: { crashAfter: '3s' } }, 's').exit).toEqual({ afterMs: 3000, exitCode: 1 });
    expect(resolveImageProfile('x', { x: { completeAfter: '3s' } }, 's').exit).toEqual({ afterMs: 3000, exitCode: 0 });
    expect(resolveImageProfile('x', { x: { completeAfter: '3s', crashAfter: '5s' } }, 's').exit).toEqual({ afterMs: 3000, exitCode: 0 });
  });

  it('rejects bad profiles when the kubelet is built', () => {
    expect(() => kubelet({ images: { x: { pullTime: 'soon' } } })).toThrow(BadRequestError);
    expect(() => kubelet({ images: { x: { exitCode: 300 } } })).toThrow(BadRequestError);
    expect(() => kubelet({ defaultProfile: { startupTime: -1 } })).toThrow(BadRequestError);
    // A misspelt field is named, not ignored.
    expect(() => kubelet({ images: { x: { exitAfter: '1s' } as never } })).toThrow(/images\["x"\]: unknown field "exitAfter"/);
    expect(() => kubelet({ images: { x: null as never } })).toThrow(/images\["x"\]: must be an object/);
  });

  it.each`
    image                                 | repo                             | id
    ${'nginx:1.27'}                       | ${'nginx'}                       | ${'docker.io/library/nginx@sha256:'}
    ${'bitnami/redis:7'}                  | ${'bitnami/redis'}               | ${'docker.io/bitnami/redis@sha256:'}
    ${'registry.k8s.io/pause:3.10'}       | ${'registry.k8s.io/pause'}       | ${'registry.k8s.io/pause@sha256:'}
    ${'localhost:5000/app'}               | ${'localhost:5000/app'}          | ${'localhost:5000/app@sha256:'}
  `('$image → $repo', ({ image, repo, id }) => {
    expect(imageRepository(image)).toBe(repo);
    expect(imageID(image, 's').startsWith(id)).toBe(true);
    expect(imageID(image, 's')).toBe(imageID(image, 's'));
  });
});

describe('formatTime', () => {
  it.each`
    ms                 | text
    ${1735689600000}   | ${'2025-01-01T00:00:00Z'}
    ${1735689602100}   | ${'2025-01-01T00:00:02.1Z'}
    ${1735689602125}   | ${'2025-01-01T00:00:02.125Z'}
    ${1735689602050}   | ${'2025-01-01T00:00:02.05Z'}
  `('$ms → $text', ({ ms, text }) => {
    expect(formatTime(ms)).toBe(text);
  });
});

// pkg/kubelet/config podsDifferSemantically: a status-only update is not handed to a pod worker.
describe('kubelet: which pod updates start a sync', () => {
  const mapper = kubelet().watches.Pod;
  const pod = (extra: { status?: object; deletionTimestamp?: string; nodeName?: string } = {}) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u', labels: { app: 'a' }, ...(extra.deletionTimestamp ? { deletionTimestamp: extra.deletionTimestamp } : {}) },
      spec: { nodeName: extra.nodeName ?? 'node-1', containers: [{ name: 'c', image: 'app:v1' }] },
      status: extra.status ?? { phase: 'Pending' },
    }) as never;
  const wake = (object: unknown, oldObject: unknown) => {
    if (typeof mapper !== 'function') throw new Error('no Pod mapper');
    return mapper({ kind: 'Pod', object, oldObject } as never, {} as never);
  };
  it.each`
    why                             | before                                    | after                                                         | keys
    ${'a new bound pod'}            | ${undefined}                              | ${pod()}                                                      | ${['default/p']}
    ${'a status write only'}        | ${pod()}                                  | ${pod({ status: { phase: 'Running' } })}                      | ${[]}
    ${'a deletion'}                 | ${pod()}                                  | ${pod({ deletionTimestamp: '2025-01-01T00:00:30Z' })}         | ${['default/p']}
    ${'a spec change (binding)'}    | ${pod({ nodeName: 'node-2' })}            | ${pod()}                                                      | ${['default/p']}
    ${'the pod removed'}            | ${pod()}                                  | ${undefined}                                                  | ${[]}
  `('$why → $keys', ({ before, after, keys }) => {
    expect(wake(after, before)).toEqual(keys);
  });
});

