import { createCluster, type Cluster, type StoredObject } from '../../../src/index.js';
import { kubelet, type KubeletConfig } from '../../../src/reconcilers/kubelet/index.js';

export interface SeenEvent {
  readonly t: number;
  readonly pod: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

/** A cluster with two nodes and only the kubelet, and a log of the kubelet's Events with their virtual time. */
export function kubeletCluster(config: KubeletConfig = {}): { c: Cluster; events: SeenEvent[] } {
  const c = createCluster({ nodes: [{ name: 'node-1' }, { name: 'node-2' }], controllers: false, scheduler: false, maxStepsPerInstant: 10_000, reconcilers: [kubelet(config)] });
  const events: SeenEvent[] = [];
  c.on('event', (e) => {
    const ev = e as StoredObject & { involvedObject: { name: string }; reason: string; message: string; type: string };
    events.push({ t: c.now, pod: ev.involvedObject.name, type: ev.type, reason: ev.reason, message: ev.message });
  });
  return { c, events };
}

export function runPod(c: Cluster, name: string, spec: Record<string, unknown>, node = 'node-1'): void {
  c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node, ...spec } });
}

export const one = (image: string, extra: Record<string, unknown> = {}) => ({ containers: [{ name: 'app', image, ...extra }] });

export interface ContainerStatusView {
  name: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  state: { waiting?: { reason: string; message?: string }; running?: { startedAt: string }; terminated?: { exitCode: number; reason: string; startedAt: string; finishedAt: string } };
  lastState: { terminated?: { exitCode: number; reason: string; startedAt: string; finishedAt: string } };
}

export interface PodStatusView {
  phase: string;
  startTime?: string;
  conditions: { type: string; status: string; reason?: string; message?: string; lastTransitionTime: string }[];
  containerStatuses: ContainerStatusView[];
}

export function podStatus(c: Cluster, name: string): PodStatusView {
  return c.get('pod', name).status as PodStatusView;
}

export function condition(c: Cluster, name: string, type: string) {
  return podStatus(c, name).conditions.find((x) => x.type === type);
}

/** Reasons with times for one pod: ['0 Pulling', '2100 Pulled', ...]. */
export function timeline(events: readonly SeenEvent[], pod: string): string[] {
  return events.filter((e) => e.pod === pod).map((e) => `${e.t} ${e.reason}`);
}

export function nodeImages(c: Cluster, node: string): unknown {
  return (c.get('node', node).status as { images?: unknown }).images;
}
