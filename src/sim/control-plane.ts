/**
 * The control plane: the masters created by `controlPlane: { masters: N }`, the static pods
 * their kubelets run (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, seen
 * through the API as mirror pods in kube-system), and whether the API is available.
 *
 * Availability: every master runs one etcd member; etcd serves while a majority of its
 * members is up (quorum = ⌊N/2⌋ + 1), and the API with it. A master is down when its machine
 * is off (a NodeDown/MasterDown fault record); a master whose kubelet alone stopped keeps its
 * static pods running. With no masters configured the API is always available.
 * Example: 3 masters → quorum 2: one down changes nothing, two down stop the API.
 *
 * @see kubernetes/kubernetes cmd/kubeadm/app/phases/controlplane/manifests.go (the static pods)
 * @see kubernetes/kubernetes pkg/kubelet/config/common.go (static pods tolerate every NoExecute taint)
 * @see kubernetes/kubernetes pkg/kubelet/pod/mirror_client.go (kubernetes.io/config.mirror, the Node owner)
 */
import { Rng } from '../clock/rng.js';
import { ServiceUnavailableError } from '../model/errors.js';
import { listObjects, type ClusterState } from '../model/store.js';
import type { KubeObject, PodStatus, StoredObject } from '../model/types.js';
import { FAULT_TABLE, getFault, parseRFC3339Ms, type FaultRecord } from '../reconcilers/kubelet/node-lease.js';
import { syncPod, type NodeObject, type PodObject } from '../reconcilers/kubelet/sync-pod.js';

export const CONTROL_PLANE_ROLE_LABEL = 'node-role.kubernetes.io/control-plane';

interface Component {
  readonly name: string;
  readonly image: (version: string) => string;
  readonly sizeBytes: number;
  readonly requests: Readonly<Record<string, string>>;
  readonly command: readonly string[];
}

/** kubeadm's static pods for v1.32, with its resource requests. */
const COMPONENTS: readonly Component[] = [
  { name: 'etcd', image: () => 'registry.k8s.io/etcd:3.5.16-0', sizeBytes: 57_680_541, requests: { cpu: '100m', memory: '100Mi' }, command: ['etcd', '--data-dir=/var/lib/etcd'] },
  { name: 'kube-apiserver', image: (v) => `registry.k8s.io/kube-apiserver:${v}`, sizeBytes: 28_671_624, requests: { cpu: '250m' }, command: ['kube-apiserver', '--secure-port=6443'] },
  { name: 'kube-controller-manager', image: (v) => `registry.k8s.io/kube-controller-manager:${v}`, sizeBytes: 26_259_392, requests: { cpu: '200m' }, command: ['kube-controller-manager', '--leader-elect=true'] },
  { name: 'kube-scheduler', image: (v) => `registry.k8s.io/kube-scheduler:${v}`, sizeBytes: 20_656_471, requests: { cpu: '100m' }, command: ['kube-scheduler', '--leader-elect=true'] },
];

/** The images a master holds from the start (kubeadm pulls them before `init`). */
export function controlPlaneImages(version: string): { names: string[]; sizeBytes: number }[] {
  return COMPONENTS.map((c) => ({ names: [c.image(version)], sizeBytes: c.sizeBytes })).sort((a, b) => b.sizeBytes - a.sizeBytes);
}

/** The control-plane image references, for their (instant) kubelet profiles. */
export function controlPlaneImageRefs(version: string): string[] {
  return COMPONENTS.map((c) => c.image(version));
}

/**
 * The mirror pods of one master's static pods: named `<component>-<node>`, owned by the Node,
 * system-node-critical, on the host network, tolerating every NoExecute taint.
 */
export function mirrorPods(master: StoredObject, version: string, seed: string, seenAt: string): KubeObject[] {
  const node = master.metadata.name;
  return COMPONENTS.map((c) => {
    const hash = hex32(Rng.root(seed).fork('static-pod').fork(node).fork(c.name));
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${c.name}-${node}`,
        namespace: 'kube-system',
        labels: { component: c.name, tier: 'control-plane' },
        annotations: {
          'kubernetes.io/config.hash': hash,
          'kubernetes.io/config.mirror': hash,
          'kubernetes.io/config.seen': seenAt,
          'kubernetes.io/config.source': 'file',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: master.metadata.uid, controller: true }],
      },
      spec: {
        nodeName: node,
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
        containers: [{ name: c.name, image: c.image(version), imagePullPolicy: 'IfNotPresent', command: [...c.command], resources: { requests: { ...c.requests } } }],
      },
    };
  });
}

function hex32(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += rng.int(0x1_0000_0000).toString(16).padStart(8, '0');
  return out;
}

/** The masters (etcd members) and the API's availability. */
export class ControlPlane {
  constructor(readonly members: readonly string[]) {}

  /** Members needed for etcd to serve: ⌊N/2⌋ + 1. */
  get quorum(): number {
    return Math.floor(this.members.length / 2) + 1;
  }

  isMember(name: string): boolean {
    return this.members.includes(name);
  }

  /** Members whose machine is up. */
  up(state: ClusterState): string[] {
    return this.members.filter((m) => getFault(state, 'node', m) === undefined);
  }

  available(state: ClusterState): boolean {
    return this.members.length === 0 || this.up(state).length >= this.quorum;
  }

  /**
   * When (epoch ms) the API lost its quorum, if it has: the failure of the member that broke
   * it, among the members down now. Example: 3 masters failed at 10 s and 40 s → 40 s.
   */
  unavailableSinceMs(state: ClusterState): number | undefined {
    if (this.available(state)) return undefined;
    const since = this.members
      .map((m) => getFault(state, 'node', m))
      .filter((f): f is FaultRecord => f !== undefined)
      .map((f) => parseRFC3339Ms(f.since))
      .sort((a, b) => a - b);
    return since[this.members.length - this.quorum];
  }

  /** What every API call gets while the quorum is lost. */
  unavailableError(state: ClusterState): ServiceUnavailableError {
    const up = this.up(state).length;
    return new ServiceUnavailableError(
      `the server is currently unable to handle the request (etcd has no quorum: ${up} of ${this.members.length} members up, ${this.quorum} needed)`,
    );
  }
}

/** Every fault in force, sorted by name (`kubelet/…`, `node/…`). */
export function activeFaults(state: ClusterState): FaultRecord[] {
  return listObjects(state, FAULT_TABLE) as FaultRecord[];
}

/**
 * The status a master's kubelet reports for a static pod it started before the API server
 * was up: the kubelet's own sync run at the cluster's start with instant pull and start-up.
 */
export function staticPodStatus(pod: StoredObject, node: StoredObject, epochMs: number, seed: string): PodStatus {
  const instant = { pullTimeMs: 0, startupTimeMs: 0, readinessDelayMs: 0, exit: undefined, terminationTimeMs: 0, sizeBytes: 0 };
  return syncPod({ pod: pod as PodObject, node: node as NodeObject, nowMs: epochMs, profile: () => instant, seed }).status;
}
