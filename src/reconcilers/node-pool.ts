/**
 * The node-pool controller ('nodepool-controller'): what a cloud's node-group manager (AKS
 * agent pools, GKE node pools, an autoscaling group with zone rebalancing) does for
 * `createCluster({ nodePools })`. It keeps `count` Ready nodes per pool spread evenly over the
 * pool's healthy zones.
 *
 * - A zone is unhealthy while every pool node in it is unhealthy (Ready not True, or tainted
 *   node.kubernetes.io/unreachable or not-ready). A zone without pool nodes counts as healthy.
 * - Target per healthy zone: count split evenly, the first zones (in the pool's order) taking
 *   the remainder. Example: count 5 over zones a, b, c → 2, 2, 1; zone c fails → a 3, b 2.
 * - Missing nodes are created provisioningDelay (default 2m) after the pool's health last
 *   changed (the latest Ready transition of its nodes): a replacement VM takes that long to
 *   boot and register. An empty pool is created at once (cluster creation).
 * - Surplus healthy nodes (a recovered zone brings its nodes back, so other zones hold more than
 *   their share) are removed only once every healthy zone has its share: cordoned and marked,
 *   their pods evicted through the eviction subresource (PodDisruptionBudgets hold them back;
 *   DaemonSet and mirror pods stay), then deleted deprovisioningDelay (default 0) after the
 *   last evicted pod is gone. The newest nodes go first.
 * Nodes in failed zones are kept: when the zone comes back, so do they.
 *
 * Node names are `<pool>-<zone>-<5 random chars>` (`<pool>-<5 chars>` for a zoneless pool),
 * drawn from the controller's seeded stream; nodes carry agentpool=<pool> and the zone and region
 * labels.
 */
import { parseDuration, type Duration } from '../clock/duration.js';
import { copyJson } from '../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler, WatchMapper } from '../model/reconcile.js';
import { getObject, listObjects, objectKey, type ClusterState } from '../model/store.js';
import type { KubeObject, Node, Pod, StoredObject, Taint } from '../model/types.js';
import { generatePodName, reconcileNowMs, timeMs } from './controller-utils.js';

export const NODE_POOL_CONTROLLER = 'nodepool-controller';
export const AGENT_POOL_LABEL = 'agentpool';
/** Marks a node the controller is draining to delete. */
export const DEPROVISIONING_ANNOTATION = 'kubesim.io/nodepool-deprovisioning';
const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const KEY_PREFIX = 'nodepool/';

export interface NodePoolSpec {
  readonly name: string;
  readonly count: number;
  /** Zones to spread over, in order; none: a zoneless pool. */
  readonly zones?: readonly string[];
  readonly region?: string;
  readonly cpu?: string | number;
  readonly memory?: string;
  readonly pods?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  readonly provisioningDelay?: Duration;
  readonly deprovisioningDelay?: Duration;
  readonly kubeletVersion?: string;
}

type NodeObject = StoredObject & Node;
type PodObject = StoredObject & Pod;

function readyCondition(node: NodeObject) {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Ready=True and not tainted unreachable / not-ready. */
export function isNodeHealthy(node: NodeObject): boolean {
  if (readyCondition(node)?.status !== 'True') return false;
  return !(node.spec?.taints ?? []).some((t) => t.key === UNREACHABLE_TAINT || t.key === NOT_READY_TAINT);
}

const zoneOf = (node: NodeObject): string => node.metadata.labels?.[ZONE_LABEL] ?? '';
const deprovisioning = (node: NodeObject): boolean => node.metadata.annotations?.[DEPROVISIONING_ANNOTATION] !== undefined;

/** The pool's nodes, sorted by name. */
function poolNodes(state: ClusterState, pool: string): NodeObject[] {
  return (listObjects(state, 'Node') as NodeObject[]).filter((n) => n.metadata.labels?.[AGENT_POOL_LABEL] === pool);
}

/** Target per zone: count split evenly, the remainder to the first zones. */
export function zoneTargets(count: number, healthyZones: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const n = healthyZones.length;
  healthyZones.forEach((z, i) => out.set(z, n === 0 ? 0 : Math.floor(count / n) + (i < count % n ? 1 : 0)));
  return out;
}

/** The Node a freshly provisioned VM registers (what bootstrap's shorthand builds for users). */
export function poolNodeObject(pool: NodePoolSpec, name: string, zone: string, at: string): KubeObject {
  const labels: Record<string, string> = { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', [AGENT_POOL_LABEL]: pool.name };
  if (zone !== '') {
    labels[ZONE_LABEL] = zone;
    labels[REGION_LABEL] = pool.region ?? 'region-1';
  }
  Object.assign(labels, pool.labels ?? {});
  const resources = { cpu: String(pool.cpu ?? '4'), 'ephemeral-storage': '100Gi', memory: pool.memory ?? '16Gi', pods: String(pool.pods ?? 110) };
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at });
  const version = pool.kubeletVersion ?? 'v1.32.0';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: pool.taints && pool.taints.length > 0 ? { taints: pool.taints.map((t) => ({ ...t })) } : {},
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      nodeInfo: {
        architecture: 'amd64', bootID: '', containerRuntimeVersion: 'containerd://1.7.24', kernelVersion: '6.1.0-kubesim',
        kubeProxyVersion: version, kubeletVersion: version, machineID: '', operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)', systemUUID: '',
      },
    },
  };
}

/** Pods a drain would evict: not finished, not DaemonSet-managed, not mirror pods. */
function evictablePods(ctx: ReconcileContext, node: string): PodObject[] {
  return (ctx.index.list('Pod', 'nodeName', node) as PodObject[]).filter(
    (p) =>
      p.metadata.ownerReferences?.find((r) => r.controller === true)?.kind !== 'DaemonSet' &&
      p.metadata.annotations?.['kubernetes.io/config.mirror'] === undefined &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed',
  );
}

/** Cordon and mark a node for removal (one update, unconditional as kubectl's patch is). */
function markForRemoval(node: NodeObject, now: string): Action {
  const next = copyJson(node) as KubeObject & { spec: { unschedulable?: boolean }; metadata: { annotations?: Record<string, string> } };
  next.spec ??= {};
  next.spec.unschedulable = true;
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [DEPROVISIONING_ANNOTATION]: now };
  return { verb: 'update', object: next };
}

interface Plan {
  readonly actions: Action[];
  wakeMs: number | undefined;
}

function wakeAt(plan: Plan, ms: number): void {
  plan.wakeMs = plan.wakeMs === undefined ? ms : Math.min(plan.wakeMs, ms);
}

/**
 * Drains a marked node: evicts what is left; once nothing evictable remains (terminating pods
 * included), deletes it deprovisioningDelay after the later of its marking and now-empty time.
 */
function drainMarked(node: NodeObject, pool: NodePoolSpec, ctx: ReconcileContext, nowEpochMs: number, plan: Plan): void {
  const pods = evictablePods(ctx, node.metadata.name);
  for (const p of pods) if (!p.metadata.deletionTimestamp) plan.actions.push({ verb: 'evict', podKey: objectKey(p.metadata.namespace, p.metadata.name) });
  if (pods.length > 0) {
    wakeAt(plan, 5000); // kubectl drain's retry interval, for evictions a budget refused
    return;
  }
  const markedAt = timeMs(node.metadata.annotations?.[DEPROVISIONING_ANNOTATION]) ?? 0;
  const dueEpochMs = markedAt + parseDuration(pool.deprovisioningDelay ?? 0);
  if (dueEpochMs > nowEpochMs) wakeAt(plan, dueEpochMs - nowEpochMs);
  else plan.actions.push({ verb: 'delete', kind: 'Node', key: node.metadata.name });
}

/** Creates `n` nodes in `zone`, once provisioningDelay has passed since `sinceEpochMs`. */
function provision(pool: NodePoolSpec, zone: string, n: number, sinceEpochMs: number | undefined, taken: Set<string>, ctx: ReconcileContext, nowEpochMs: number, plan: Plan): void {
  if (n <= 0) return;
  const due = sinceEpochMs === undefined ? nowEpochMs : sinceEpochMs + parseDuration(pool.provisioningDelay ?? '2m');
  if (due > nowEpochMs) {
    wakeAt(plan, due - nowEpochMs);
    return;
  }
  const prefix = zone === '' ? `${pool.name}-` : `${pool.name}-${zone}-`;
  for (let i = 0; i < n; i++) {
    const name = generatePodName(prefix, ctx.rng, (candidate) => taken.has(candidate));
    taken.add(name);
    plan.actions.push({ verb: 'create', object: poolNodeObject(pool, name, zone, ctx.now) });
  }
}

/** One pool's sync. */
export function syncNodePool(state: ClusterState, pool: NodePoolSpec, ctx: ReconcileContext): ReconcileResult {
  const nowEpochMs = reconcileNowMs(ctx.now);
  const nodes = poolNodes(state, pool.name);
  const zones = pool.zones && pool.zones.length > 0 ? [...pool.zones] : [''];
  const healthyZones = zones.filter((z) => {
    const inZone = nodes.filter((n) => zoneOf(n) === z);
    return inZone.length === 0 || inZone.some(isNodeHealthy);
  });
  const targets = zoneTargets(pool.count, healthyZones);
  const plan: Plan = { actions: [], wakeMs: undefined };
  for (const n of nodes) if (deprovisioning(n)) drainMarked(n, pool, ctx, nowEpochMs, plan);

  // The pool's health last changed at its latest Ready transition; a replacement is due
  // provisioningDelay later. An empty pool is being created with the cluster: no delay.
  let since: number | undefined;
  for (const n of nodes) since = Math.max(since ?? 0, timeMs(readyCondition(n)?.lastTransitionTime) ?? 0);

  const taken = new Set(nodes.map((n) => n.metadata.name));
  let missing = 0;
  const surplus: NodeObject[] = [];
  for (const z of healthyZones) {
    const usable = nodes.filter((n) => zoneOf(n) === z && isNodeHealthy(n) && !deprovisioning(n));
    const target = targets.get(z) ?? 0;
    if (usable.length < target) {
      missing += target - usable.length;
      provision(pool, z, target - usable.length, since, taken, ctx, nowEpochMs, plan);
    } else if (usable.length > target) {
      // Newest first (then by name) are the ones to give back.
      const byAge = [...usable].sort((a, b) => (timeMs(b.metadata.creationTimestamp) ?? 0) - (timeMs(a.metadata.creationTimestamp) ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
      surplus.push(...byAge.slice(0, usable.length - target));
    }
  }
  // Give nodes back only when every healthy zone has its share: never drop below count.
  if (missing === 0) for (const n of surplus) plan.actions.push(markForRemoval(n, ctx.now));
  return plan.wakeMs === undefined ? { actions: plan.actions } : { actions: plan.actions, requeueAfterMs: plan.wakeMs };
}

/** Node changes wake the node's pool; pod changes on a node being removed wake its pool. */
function mappers(pools: ReadonlySet<string>): { node: WatchMapper; pod: WatchMapper } {
  const poolKey = (n: StoredObject | undefined) => {
    const pool = n?.metadata.labels?.[AGENT_POOL_LABEL];
    return pool !== undefined && pools.has(pool) ? `${KEY_PREFIX}${pool}` : undefined;
  };
  return {
    node: (change) => [...new Set([poolKey(change.oldObject), poolKey(change.object)].filter((k): k is string => k !== undefined))].sort(),
    pod: (change, state) => {
      const pod = (change.object ?? change.oldObject) as PodObject | undefined;
      const nodeName = pod?.spec?.nodeName;
      if (!nodeName) return [];
      const node = getObject(state, 'Node', undefined, nodeName) as NodeObject | undefined;
      const key = node && deprovisioning(node) ? poolKey(node) : undefined;
      return key ? [key] : [];
    },
  };
}

/** The node-pool controller for the given pools (the node template comes from each spec). */
export function nodePoolController(pools: readonly NodePoolSpec[]): Reconciler {
  const byName = new Map(pools.map((p) => [p.name, p]));
  const m = mappers(new Set(byName.keys()));
  return {
    name: NODE_POOL_CONTROLLER,
    watches: { Node: m.node, Pod: m.pod, Namespace: (change) => (change.oldObject ? [] : [...byName.keys()].sort().map((p) => `${KEY_PREFIX}${p}`)) },
    reconcile(state, key, ctx) {
      const pool = key.startsWith(KEY_PREFIX) ? byName.get(key.slice(KEY_PREFIX.length)) : undefined;
      return pool ? syncNodePool(state, pool, ctx) : { actions: [] };
    },
  };
}
