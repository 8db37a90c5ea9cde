import { describe, expect, it } from 'vitest';
import { condition, kubeletCluster, nodeImages, one, podStatus, runPod, timeline } from './helpers.js';

const NGINX = { 'nginx:1.27': { pullTime: '2.1s', startupTime: '500ms', sizeBytes: 12345, terminationTime: '2s' } };

describe('kubelet: starting a pod', () => {
  it('pulls, creates, starts and readies at the times the profile gives', () => {
    const { c, events } = kubeletCluster({ images: NGINX });
    runPod(c, 'web', one('nginx:1.27'));
    expect(podStatus(c, 'web').phase).toBe('Pending');
    expect(podStatus(c, 'web').containerStatuses[0]!.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    c.advance('10s');
    expect(timeline(events, 'web')).toEqual(['0 Pulling', '2100 Pulled', '2100 Created', '2600 Started']);
    expect(events.map((e) => e.message)).toEqual([
      'Pulling image "nginx:1.27"',
      'Successfully pulled image "nginx:1.27" in 2.1s (2.1s including waiting). Image size: 12345 bytes.',
      'Created container: app',
      'Started container app',
    ]);
    const s = podStatus(c, 'web');
    expect(s.phase).toBe('Running');
    expect(s.startTime).toBe('2025-01-01T00:00:00Z');
    const cs = s.containerStatuses[0]!;
    expect(cs).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, image: 'nginx:1.27', lastState: {} });
    expect(cs.state).toEqual({ running: { startedAt: '2025-01-01T00:00:02.6Z' } });
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(s.conditions.map((x) => `${x.type}=${x.status}`)).toEqual([
      'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True',
    ]);
    expect(condition(c, 'web', 'Ready')!.lastTransitionTime).toBe('2025-01-01T00:00:02.6Z');
    expect(nodeImages(c, 'node-1')).toEqual([{ names: ['nginx:1.27'], sizeBytes: 12345 }]);
    expect(events.every((e) => e.type === 'Normal')).toBe(true);
    // A running, ready pod asks for no more time: the cluster goes quiet.
    const rv = c.state.resourceVersion;
    expect(c.settle()).toBe(true);
    expect(c.state.resourceVersion).toBe(rv);
  });

  it('reports ContainersNotReady while the container is being created', () => {
    const { c } = kubeletCluster({ images: NGINX });
    runPod(c, 'web', one('nginx:1.27'));
    expect(condition(c, 'web', 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    expect(condition(c, 'web', 'PodReadyToStartContainers')!.status).toBe('True');
  });

  it('leaves pods without spec.nodeName alone', () => {
    const { c, events } = kubeletCluster({ images: NGINX });
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: one('nginx:1.27') });
    c.advance('10s');
    expect(c.get('pod', 'p').status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(events).toEqual([]);
  });

  it('starts containers one after another, in spec order', () => {
    const { c, events } = kubeletCluster({ images: { 'a:1': { pullTime: '1s', startupTime: '1s' }, 'b:1': { pullTime: '2s', startupTime: '500ms' } } });
    runPod(c, 'two', { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] });
    c.advance(2000);
    expect(podStatus(c, 'two').phase).toBe('Pending'); // b is still waiting
    c.advance('10s');
    expect(timeline(events, 'two')).toEqual(['0 Pulling', '1000 Pulled', '1000 Created', '2000 Started', '2000 Pulling', '4000 Pulled', '4000 Created', '4500 Started']);
    expect(podStatus(c, 'two').phase).toBe('Running');
  });
});

describe('kubelet: readiness', () => {
  it('is ready readinessDelay after start without a probe', () => {
    const { c } = kubeletCluster({ images: { 'app:1': { pullTime: '1s', startupTime: '1s', readinessDelay: '3s' } } });
    runPod(c, 'p', one('app:1'));
    c.advance(4999);
    expect(condition(c, 'p', 'Ready')!.status).toBe('False');
    c.advance(1);
    expect(condition(c, 'p', 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-01T00:00:05Z' });
  });

  it('waits for the readiness probe: initialDelaySeconds, then periodSeconds × successThreshold', () => {
    const { c } = kubeletCluster({ images: { 'app:1': { pullTime: '1s', startupTime: '1s', readinessDelay: '12s' } } });
    const readinessProbe = { httpGet: { port: 80 }, initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 2 };
    runPod(c, 'p', one('app:1', { readinessProbe }));
    // Started at 2 s; probes at 7 s (app not up), 17 s (ok), 27 s (ok) → ready at 27 s.
    c.runUntil(() => condition(c, 'p', 'Ready')?.status === 'True', { timeout: '1m' });
    expect(c.now).toBe(27_000);
  });
});

describe('kubelet: images', () => {
  it('uses the node image cache: a second pod on the node starts without pulling', () => {
    const { c, events } = kubeletCluster({ images: NGINX });
    runPod(c, 'a', one('nginx:1.27'));
    c.advance('5s');
    runPod(c, 'b', one('nginx:1.27'));
    c.advance('5s');
    expect(timeline(events, 'b')).toEqual(['5000 Pulled', '5000 Created', '5500 Started']);
    expect(events.find((e) => e.pod === 'b')!.message).toBe('Container image "nginx:1.27" already present on machine');
    // Another node has its own cache.
    runPod(c, 'other', one('nginx:1.27'), 'node-2');
    c.advance('5s');
    expect(timeline(events, 'other')).toEqual(['10000 Pulling', '12100 Pulled', '12100 Created', '12600 Started']);
    expect(nodeImages(c, 'node-1')).toHaveLength(1);
  });

  it('pulls again with imagePullPolicy Always', () => {
    const { c, events } = kubeletCluster({ images: NGINX });
    runPod(c, 'a', one('nginx:1.27'));
    c.advance('5s');
    runPod(c, 'b', one('nginx:1.27', { imagePullPolicy: 'Always' }));
    c.advance('5s');
    expect(timeline(events, 'b')).toEqual(['5000 Pulling', '7100 Pulled', '7100 Created', '7600 Started']);
    expect(nodeImages(c, 'node-1')).toEqual([{ names: ['nginx:1.27'], sizeBytes: 12345 }]);
  });

  it('defaults an untagged image to Always (":latest")', () => {
    const { c, events } = kubeletCluster({ images: { busybox: { pullTime: '1s', startupTime: '1s' } } });
    runPod(c, 'a', one('busybox'));
    c.advance('3s');
    runPod(c, 'b', one('busybox'));
    c.advance('3s');
    expect(timeline(events, 'b')).toEqual(['3000 Pulling', '4000 Pulled', '4000 Created', '5000 Started']);
  });

  it('never pulls with imagePullPolicy Never: ErrImageNeverPull when absent', () => {
    const { c, events } = kubeletCluster({ images: NGINX });
    runPod(c, 'p', one('nginx:1.27', { imagePullPolicy: 'Never' }));
    c.advance('1m');
    const msg = 'Container image "nginx:1.27" is not present with pull policy of Never';
    expect(podStatus(c, 'p').containerStatuses[0]!.state).toEqual({ waiting: { reason: 'ErrImageNeverPull', message: msg } });
    expect(podStatus(c, 'p').phase).toBe('Pending');
    expect(events).toEqual([{ t: 0, pod: 'p', type: 'Warning', reason: 'ErrImageNeverPull', message: msg }]);
  });

  it('starts with imagePullPolicy Never when the image is on the node', () => {
    const { c, events } = kubeletCluster({ images: NGINX });
    runPod(c, 'a', one('nginx:1.27'));
    c.advance('5s');
    runPod(c, 'p', one('nginx:1.27', { imagePullPolicy: 'Never' }));
    c.advance('5s');
    expect(timeline(events, 'p')).toEqual(['5000 Pulled', '5000 Created', '5500 Started']);
  });
});
