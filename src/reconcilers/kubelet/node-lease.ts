/**
 * The kubelet's heartbeats: its node Lease (kube-node-lease/<node>) and the Ready status it
 * posts again after a restart, plus the fault records that say whether a node's machine and
 * kubelet are running at all.
 *
 * Lazy renewals. A kubelet renews its Lease every renewInterval = 0.25 × leaseDuration (40 s)
 * = 10 s. Writing that for thousands of nodes would swamp the store and the trace, so while a
 * kubelet runs its Lease carries the annotation `kubesim.io/renew-every: 10s` and its stored
 * renewTime is only the anchor of the renewals: the last renewal is the latest anchor + k×10 s
 * not after now. When the kubelet dies (its machine is switched off, or the kubelet alone is
 * stopped) the renewals stop: this reconciler writes the real last renewTime once and drops
 * the annotation. When it starts again it renews at once (renewTime = now, annotation back)
 * and, if the node controller had marked the node Unknown meanwhile, posts Ready again.
 *
 * Example: a Lease anchored at 0 s, kubelet stopped at 27.5 s → last renewal 20 s; the
 * Lease then reads renewTime 20 s until the kubelet starts again.
 *
 * Faults are data: records in the store's internal '~Fault' table (written by src/sim/faults),
 * named `node/<node>` (the machine is off: NodeDown, or MasterDown for a control-plane node)
 * and `kubelet/<node>` (the machine runs, the kubelet does not). `heartbeatUntil` is the last
 * instant the kubelet could still reach the API server (its death, or the moment the API lost
 * its quorum if that came first).
 *
 * @see kubernetes/kubernetes pkg/kubelet/nodelease (NewController: renewInterval = 0.25 × leaseDuration)
 * @see kubernetes/kubernetes staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go
 * @see kubernetes/kubernetes pkg/kubelet/kubelet_node_status.go (setNodeStatus, recordNodeStatusEvent)
 */
import { copyJson, jsonEqual } from '../../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler, WatchMapper } from '../../model/reconcile.js';
import { getObject, type ClusterState } from '../../model/store.js';
import { formatRFC3339Micro, parseRFC3339 } from '../../model/time.js';
import type { KubeObject, Lease, Node, StoredObject } from '../../model/types.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's nodeLeaseDurationSeconds default. */
export const LEASE_DURATION_SECONDS = 40;
/** renewInterval = 0.25 × leaseDuration: 40 s → 10 s. */
export const RENEW_INTERVAL_MS = (LEASE_DURATION_SECONDS * 1000) / 4;
/** While present, the Lease is being renewed every 10 s from its stored renewTime. */
export const LAZY_RENEW_ANNOTATION = 'kubesim.io/renew-every';

export const FAULT_TABLE = '~Fault';
export type FaultType = 'NodeDown' | 'MasterDown' | 'KubeletStopped';

/** One fault in force, as stored in the '~Fault' table. */
export interface FaultRecord extends StoredObject {
  readonly fault: FaultType;
  /** The node it hits. */
  readonly target: string;
  /** When it began (RFC 3339 with milliseconds, virtual wall clock). */
  readonly since: string;
  /** The last instant the node's kubelet could reach the API server (RFC 3339 micro). */
  readonly heartbeatUntil: string;
}

/** `node/<node>` for a machine that is off, `kubelet/<node>` for a stopped kubelet. */
export function faultName(scope: 'node' | 'kubelet', node: string): string {
  return `${scope}/${node}`;
}

export function getFault(state: ClusterState, scope: 'node' | 'kubelet', node: string): FaultRecord | undefined {
  return getObject(state, FAULT_TABLE, undefined, faultName(scope, node)) as FaultRecord | undefined;
}

/** The node's machine is switched off (NodeDown or MasterDown). */
export function machineDown(state: ClusterState, node: string): boolean {
  return getFault(state, 'node', node) !== undefined;
}

/** Whether the node's kubelet runs: its machine is up and the kubelet was not stopped. */
export function kubeletRunning(state: ClusterState, node: string): boolean {
  return !machineDown(state, node) && getFault(state, 'kubelet', node) === undefined;
}

/** The earlier of the two faults' heartbeat ends, for a kubelet that is not running. */
function heartbeatUntilMs(state: ClusterState, node: string): number | undefined {
  const times = [getFault(state, 'node', node), getFault(state, 'kubelet', node)]
    .filter((f): f is FaultRecord => f !== undefined)
    .map((f) => parseRFC3339Ms(f.heartbeatUntil));
  return times.length === 0 ? undefined : Math.min(...times);
}

/** parseRFC3339 keeps whole seconds only; heartbeats need their milliseconds. */
export function parseRFC3339Ms(s: string): number {
  const m = /\.(\d+)Z$/.exec(s);
  const frac = m ? Math.trunc(Number(`0.${m[1]}`) * 1000 + 1e-6) : 0;
  return parseRFC3339(s.replace(/\.\d+Z$/, 'Z')) + frac;
}

// The last ctx.now parsed: every reconcile of one instant (thousands, when a cluster of
// thousands of nodes registers) asks for the same one. A pure function's memo, so still
// deterministic.
let lastNow: string | undefined;
let lastNowEpochMs = 0;

/** Virtual now as epoch ms (ctx.now has whole seconds; the epoch is whole seconds). */
export function epochNowMs(ctx: ReconcileContext): number {
  if (ctx.now !== lastNow) {
    lastNowEpochMs = parseRFC3339(ctx.now);
    lastNow = ctx.now;
  }
  return lastNowEpochMs + (ctx.nowMs % 1000);
}

/** The last 10 s renewal at or before `atMs`, counted from the Lease's anchor. */
export function lastRenewalAt(anchorMs: number, atMs: number): number {
  if (atMs <= anchorMs) return anchorMs;
  return anchorMs + Math.trunc((atMs - anchorMs) / RENEW_INTERVAL_MS) * RENEW_INTERVAL_MS;
}

/**
 * When the node's Lease was last renewed, as of `nowMs` (epoch ms): the stored renewTime, or
 * for a lazily renewed Lease the latest 10 s renewal. Undefined without a Lease.
 */
export function leaseRenewedAtMs(lease: Lease | undefined, nowMs: number): number | undefined {
  const renew = lease?.spec?.renewTime;
  if (!renew) return undefined;
  const anchor = parseRFC3339Ms(renew);
  return lease.metadata?.annotations?.[LAZY_RENEW_ANNOTATION] !== undefined ? lastRenewalAt(anchor, nowMs) : anchor;
}

/** The Lease a kubelet creates when it registers its node (owned by the Node). */
export function nodeLease(node: StoredObject, renewTimeMs: number): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.metadata.name,
      namespace: NODE_LEASE_NAMESPACE,
      annotations: { [LAZY_RENEW_ANNOTATION]: `${RENEW_INTERVAL_MS / 1000}s` },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }],
    },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: formatRFC3339Micro(renewTimeMs) },
  };
}

type NodeCondition = { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string };

/** What a healthy kubelet posts, in setNodeStatus's order. */
const HEALTHY: readonly (readonly [string, string, string, string])[] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/** The node controller's mark: the kubelet stopped posting. Only a restarted kubelet undoes it. */
const NODE_STATUS_UNKNOWN = 'NodeStatusUnknown';

function repostedStatus(node: Node & StoredObject, at: string): KubeObject | undefined {
  const conditions = (node.status?.conditions ?? []) as NodeCondition[];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready?.reason !== NODE_STATUS_UNKNOWN) return undefined;
  const next = copyJson(node) as Node & KubeObject;
  next.status!.conditions = HEALTHY.map(([type, status, reason, message]) => {
    const old = conditions.find((c) => c.type === type);
    const transition = old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : at;
    return { type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: transition };
  });
  for (const c of conditions) if (!HEALTHY.some(([t]) => t === c.type)) next.status!.conditions!.push(c as never);
  return next;
}

function leaseUpdate(lease: Lease & StoredObject, renewMs: number, lazy: boolean): KubeObject {
  const next = copyJson(lease) as Lease & KubeObject;
  const annotations = { ...(next.metadata!.annotations ?? {}) };
  if (lazy) annotations[LAZY_RENEW_ANNOTATION] = `${RENEW_INTERVAL_MS / 1000}s`;
  else delete annotations[LAZY_RENEW_ANNOTATION];
  next.metadata!.annotations = annotations;
  if (Object.keys(annotations).length === 0) delete next.metadata!.annotations;
  next.spec = { ...next.spec, renewTime: formatRFC3339Micro(renewMs) };
  return next;
}

/**
 * Reconciles one node's heartbeat (key: the node name). Running kubelet: the Lease exists
 * and renews lazily; a node the controller marked Unknown gets Ready posted again (with a
 * NodeReady event). Dead kubelet: the Lease holds its real last renewal.
 */
function reconcileHeartbeat(state: ClusterState, key: string, ctx: ReconcileContext): ReconcileResult {
  const node = getObject(state, 'Node', undefined, key) as (Node & StoredObject) | undefined;
  if (!node || node.metadata.deletionTimestamp) return { actions: [] };
  const nowMs = epochNowMs(ctx);
  const lease = getObject(state, 'Lease', NODE_LEASE_NAMESPACE, key) as (Lease & StoredObject) | undefined;
  const lazy = lease?.metadata.annotations?.[LAZY_RENEW_ANNOTATION] !== undefined;
  const until = heartbeatUntilMs(state, key);
  const actions: Action[] = [];
  if (until !== undefined) {
    // Dead: the renewals stopped at the last one before the kubelet lost the API server.
    if (lease && lazy) actions.push({ verb: 'update', object: leaseUpdate(lease, lastRenewalAt(parseRFC3339Ms(lease.spec!.renewTime!), until), false) });
    return { actions };
  }
  if (!lease) actions.push({ verb: 'create', object: nodeLease(node, nowMs) });
  else if (!lazy) actions.push({ verb: 'update', object: leaseUpdate(lease, nowMs, true) });
  const reposted = repostedStatus(node, ctx.now);
  if (reposted) {
    actions.push({ verb: 'updateStatus', object: reposted });
    actions.push({
      verb: 'event',
      event: {
        involvedObject: { kind: 'Node', name: key, uid: key },
        type: 'Normal',
        reason: 'NodeReady',
        message: `Node ${key} status is now: NodeReady`,
        source: 'kubelet',
        host: key,
      },
    });
  }
  return { actions };
}

/**
 * The heartbeat reconciler ('kubelet-node-lease'). Woken by fault records of the node, by
 * its Lease, and by Node changes that concern it (registration, the Ready condition).
 */
export function kubeletNodeLease(): Reconciler {
  const faults: WatchMapper = (change) => {
    const rec = (change.object ?? change.oldObject) as FaultRecord | undefined;
    return rec?.target ? [rec.target] : [];
  };
  const leases: WatchMapper = (change) => {
    const meta = (change.object ?? change.oldObject)!.metadata;
    return meta.namespace === NODE_LEASE_NAMESPACE ? [meta.name] : [];
  };
  const nodes: WatchMapper = (change) => {
    if (!change.object) return [];
    // Compared as values (not serialized): this runs for every Node write in the cluster.
    const ready = (o: StoredObject | undefined) => (o?.status as Node['status'])?.conditions?.find((c) => c.type === 'Ready') ?? null;
    if (change.oldObject && jsonEqual(ready(change.oldObject), ready(change.object))) return [];
    return [change.object.metadata.name];
  };
  return { name: 'kubelet-node-lease', watches: { [FAULT_TABLE]: faults, Lease: leases, Node: nodes }, reconcile: reconcileHeartbeat };
}
