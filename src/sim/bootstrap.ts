/**
 * What a fresh cluster holds before the user does anything: the four system namespaces and
 * the nodes described by `createCluster` options (control-plane masters first, then workers),
 * spread round-robin over zones. Shorthands become the Node objects a kubelet would register.
 */
import { BadRequestError } from '../model/errors.js';
import { deepFreeze, shareableJson } from '../model/json.js';
import type { KubeObject, Node, Taint } from '../model/types.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** A node in a few words: `{ name: 'big-1', cpu: '16', memory: '64Gi', zone: 'zone-b' }`. */
export interface NodeShorthand {
  readonly name?: string;
  readonly cpu?: string | number;
  readonly memory?: string;
  readonly pods?: number;
  readonly zone?: string;
  readonly region?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  /** Extra allocatable resources, e.g. `{ 'nvidia.com/gpu': '4' }`. */
  readonly resources?: Readonly<Record<string, string>>;
}

export interface BootstrapOptions {
  readonly nodes?: number | readonly (NodeShorthand | Node)[];
  readonly zones?: number | readonly string[];
  readonly region?: string;
  readonly controlPlane?: { readonly masters?: number };
  readonly kubeletVersion?: string;
}

export const DEFAULT_NODE = { cpu: '4', memory: '16Gi', pods: 110 } as const;

/** `zones: 3` names them zone-a, zone-b, zone-c. */
export function zoneNames(zones: BootstrapOptions['zones']): string[] {
  if (zones === undefined) return [];
  if (typeof zones === 'number') {
    if (!Number.isInteger(zones) || zones < 0 || zones > 26) {
      throw new BadRequestError(`createCluster: zones: must be an integer between 0 and 26, got ${zones}`);
    }
    return Array.from({ length: zones }, (_, i) => `zone-${String.fromCharCode(97 + i)}`);
  }
  if (!Array.isArray(zones) || zones.some((z) => typeof z !== 'string' || z === '')) {
    throw new BadRequestError('createCluster: zones: must be a count or a list of non-empty zone names');
  }
  return [...zones];
}

function isNodeObject(n: NodeShorthand | Node): n is Node {
  return typeof (n as Node).kind === 'string' || (n as Node).metadata !== undefined;
}

function nodeFromShorthand(
  s: NodeShorthand,
  name: string,
  zone: string | undefined,
  opts: BootstrapOptions,
  controlPlane: boolean,
  at: string,
): Node {
  const labels: Record<string, string> = {
    'kubernetes.io/arch': 'amd64',
    [HOSTNAME_LABEL]: name,
    'kubernetes.io/os': 'linux',
  };
  const z = s.zone ?? zone;
  if (z !== undefined) {
    labels[ZONE_LABEL] = z;
    labels[REGION_LABEL] = s.region ?? opts.region ?? 'region-1';
  }
  if (controlPlane) labels[CONTROL_PLANE_LABEL] = '';
  Object.assign(labels, s.labels ?? {});
  const taints: Taint[] = controlPlane ? [{ key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' }] : [];
  taints.push(...(s.taints ?? []));
  const resources: Record<string, string> = {
    cpu: String(s.cpu ?? DEFAULT_NODE.cpu),
    'ephemeral-storage': '100Gi',
    memory: s.memory ?? DEFAULT_NODE.memory,
    pods: String(s.pods ?? DEFAULT_NODE.pods),
    ...(s.resources ?? {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: taints.length > 0 ? { taints } : {},
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      // What a kubelet posts when it registers a healthy node (setNodeStatus), in its order.
      conditions: [
        nodeCondition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', at),
        nodeCondition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', at),
        nodeCondition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', at),
        nodeCondition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', at),
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.1.0-kubesim',
        kubeProxyVersion: opts.kubeletVersion ?? 'v1.32.0',
        kubeletVersion: opts.kubeletVersion ?? 'v1.32.0',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
    },
  };
}

/**
 * The nodes built for each shape of options seen (count, zones, region, masters, version, start):
 * they depend on nothing else, not on the seed, and a property suite creates hundreds of
 * clusters of one shape. Deep-frozen, with the parts a kubelet reports (labels, taints,
 * capacity, allocatable, conditions, nodeInfo) marked shareable, so the cluster's copy of a node
 * takes them as they are instead of copying and freezing them again. Bounded: a process that
 * makes clusters of many shapes starts the table again.
 */
const builtByShape = new Map<string, readonly KubeObject[]>();
const MAX_SHAPES = 64;

/** A key for options whose nodes come from a count alone; undefined for anything else (lists, odd types). */
function shapeKey(opts: BootstrapOptions, at: string): string | undefined {
  const { nodes, zones, region, kubeletVersion } = opts;
  const masters = opts.controlPlane?.masters;
  if (nodes !== undefined && typeof nodes !== 'number') return undefined;
  if (masters !== undefined && typeof masters !== 'number') return undefined;
  if (region !== undefined && typeof region !== 'string') return undefined;
  if (kubeletVersion !== undefined && typeof kubeletVersion !== 'string') return undefined;
  if (zones !== undefined && typeof zones !== 'number' && !(Array.isArray(zones) && zones.every((z) => typeof z === 'string'))) return undefined;
  // Numbers as String() gives them (NaN, 1.5 stay distinct from a default); strings JSON-quoted.
  const num = (n: number | undefined) => (n === undefined ? '-' : String(n));
  return [num(nodes), typeof zones === 'number' ? num(zones) : JSON.stringify(zones ?? null), JSON.stringify(region ?? null), num(masters), JSON.stringify(kubeletVersion ?? null), at].join('|');
}

/** Freezes a built node, its kubelet-reported parts shareable (see builtByShape). */
function frozenNode(node: KubeObject): KubeObject {
  const n = node as unknown as { metadata: { labels?: object }; spec: { taints?: object }; status: Record<string, object> };
  if (n.metadata.labels) shareableJson(n.metadata.labels);
  if (n.spec.taints) shareableJson(n.spec.taints);
  for (const part of ['capacity', 'allocatable', 'conditions', 'nodeInfo']) if (n.status[part]) shareableJson(n.status[part]);
  return deepFreeze(node);
}

/**
 * The Node objects to register, in order: masters, then workers. `at` is the registration time
 * (the cluster's start) for the nodes' conditions. Callers copy them before storing (the
 * objects may be shared with other clusters of the same shape, and are frozen).
 */
export function bootstrapNodes(opts: BootstrapOptions, at: string): readonly KubeObject[] {
  const key = shapeKey(opts, at);
  if (key === undefined) return buildNodes(opts, at);
  const hit = builtByShape.get(key);
  if (hit) return hit;
  const nodes = buildNodes(opts, at).map(frozenNode);
  if (builtByShape.size >= MAX_SHAPES) builtByShape.clear();
  builtByShape.set(key, nodes);
  return nodes;
}

function buildNodes(opts: BootstrapOptions, at: string): KubeObject[] {
  const zones = zoneNames(opts.zones);
  const masters = opts.controlPlane?.masters ?? 0;
  if (!Number.isInteger(masters) || masters < 0) {
    throw new BadRequestError(`createCluster: controlPlane.masters: must be a non-negative integer, got ${masters}`);
  }
  const out: KubeObject[] = [];
  for (let i = 0; i < masters; i++) {
    out.push(nodeFromShorthand({}, `control-plane-${i + 1}`, zones[i % Math.max(zones.length, 1)], opts, true, at) as KubeObject);
  }
  const nodes = opts.nodes ?? 3;
  const list: readonly (NodeShorthand | Node)[] =
    typeof nodes === 'number' ? Array.from({ length: validCount(nodes) }, () => ({})) : nodes;
  if (!Array.isArray(list)) throw new BadRequestError('createCluster: nodes: must be a count or a list of nodes');
  list.forEach((n, i) => {
    if (n === null || typeof n !== 'object') {
      throw new BadRequestError(`createCluster: nodes[${i}]: must be an object`);
    }
    if (isNodeObject(n)) out.push({ apiVersion: 'v1', kind: 'Node', ...n } as KubeObject);
    else out.push(nodeFromShorthand(n, n.name ?? `node-${i + 1}`, zones.length > 0 ? zones[i % zones.length] : undefined, opts, false, at) as KubeObject);
  });
  return out;
}

function validCount(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new BadRequestError(`createCluster: nodes: must be a non-negative integer, got ${n}`);
  return n;
}

function nodeCondition(type: string, status: string, reason: string, message: string, at: string) {
  return { type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at };
}

/** The Services every cluster has: `kubernetes` (the API) and `kube-dns`, at their fixed IPs. */
export function systemServices(net: { readonly options: { readonly serviceCIDR: string } }): KubeObject[] {
  const base = net.options.serviceCIDR.split('/')[0]!.split('.').map(Number);
  const ip = (last: number) => `${base[0]}.${base[1]}.${base[2]}.${base[3]! + last}`;
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: ip(1), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      },
      spec: {
        clusterIP: ip(10),
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    },
  ];
}
