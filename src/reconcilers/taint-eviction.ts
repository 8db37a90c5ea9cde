/**
 * The taint eviction controller ('taint-eviction-controller', a controller of its own since
 * SeparateTaintEvictionController went beta in 1.29): pods on a node with NoExecute taints are
 * deleted at once if some taint is not tolerated, after the shortest tolerationSeconds of the
 * tolerations used if all are, and never if those tolerations have no tolerationSeconds.
 *
 * Keyed by node name: one reconcile looks at every pod on the node. The eviction clock starts
 * when the node got its NoExecute taints — upstream starts it when the controller first sees
 * them, i.e. at once, so the earliest taint's timeAdded stands for it — or, for a pod bound
 * to the node later, when the pod arrived there. Example: unreachable
 * taint added at 70 s, pod with the default toleration (DefaultTolerationSeconds admission,
 * 300 s) → evicted at 370 s. Pods already terminating are left alone.
 *
 * An eviction is upstream's addConditionAndDeletePod: an Event (TaintManagerEviction "Marking
 * for deletion Pod ns/name"), the DisruptionTarget condition (reason DeletionByTaintManager),
 * then an ordinary graceful delete. A pod whose kubelet is dead therefore stays Terminating
 * until the kubelet returns, while its owner replaces it elsewhere.
 *
 * Not modelled: the "Cancelling deletion of Pod" event (it needs the memory of a scheduled
 * eviction that was cancelled; a pure reconcile has none).
 *
 * @see kubernetes/kubernetes pkg/controller/tainteviction/taint_eviction.go (processPodOnNode, getMinTolerationTime)
 * @see kubernetes/kubernetes pkg/apis/core/v1/helper/helpers.go (GetMatchingTolerations)
 * @see kubernetes/kubernetes plugin/pkg/admission/defaulttolerationseconds/admission.go
 */
import { copyJson } from '../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler, WatchMapper } from '../model/reconcile.js';
import { getObject, type ClusterState } from '../model/store.js';
import type { KubeObject, Node, Pod, StoredObject, Taint, Toleration } from '../model/types.js';
import { epochNowMs, parseRFC3339Ms } from './kubelet/node-lease.js';
import { formatTime } from './kubelet/pod-status.js';

/** Toleration.ToleratesTaint: effect and key match (empty matches all), then the operator. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator === undefined || t.operator === '' || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** GetMatchingTolerations: every taint tolerated, and the first toleration used for each. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/**
 * getMinTolerationTime in ms: 0 with no tolerations used or one ≤ 0 s, the smallest
 * tolerationSeconds otherwise, and -1 (forever) when none has tolerationSeconds.
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

const noExecute = (n: Node | undefined): Taint[] => ((n?.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoExecute');
const hasNoExecute = (n: Node | undefined): boolean => ((n?.spec?.taints ?? []) as Taint[]).some((t) => t.effect === 'NoExecute');

function evict(pod: Pod & StoredObject, nowMs: number): Action[] {
  const ns = pod.metadata.namespace ?? 'default';
  const key = `${ns}/${pod.metadata.name}`;
  const next = copyJson(pod) as Pod & KubeObject;
  const conditions = (next.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
  conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: formatTime(nowMs) } as never);
  next.status = { ...next.status, conditions };
  return [
    {
      verb: 'event',
      event: { involvedObject: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid }, type: 'Normal', reason: 'TaintManagerEviction', message: `Marking for deletion Pod ${key}`, source: 'taint-eviction-controller' },
    },
    { verb: 'updateStatus', object: next },
    { verb: 'delete', kind: 'Pod', key, options: { preconditions: { uid: pod.metadata.uid } } },
  ];
}

/**
 * When the controller first saw the pod on its node: a pod bound after the taint gets its own
 * full toleration (upstream starts the clock at processPodOnNode time), so its binding time
 * (PodScheduled) or creation counts.
 */
function arrivedMs(pod: Pod & StoredObject, nowMs: number): number {
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'True')?.lastTransitionTime;
  const t = scheduled ?? pod.metadata.creationTimestamp;
  return t ? parseRFC3339Ms(t) : nowMs;
}

function reconcileNode(state: ClusterState, key: string, ctx: ReconcileContext): ReconcileResult {
  const node = getObject(state, 'Node', undefined, key) as (Node & StoredObject) | undefined;
  const taints = noExecute(node);
  if (taints.length === 0) return { actions: [] };
  const nowMs = epochNowMs(ctx);
  const since = Math.min(...taints.map((t) => (t.timeAdded ? parseRFC3339Ms(t.timeAdded) : nowMs)));
  const actions: Action[] = [];
  let next: number | undefined;
  for (const obj of ctx.index.list('Pod', 'nodeName', key)) {
    const pod = obj as Pod & StoredObject;
    if (pod.metadata.deletionTimestamp) continue;
    const { all, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    const wait = all ? minTolerationMs(used) : 0;
    if (wait < 0) continue; // tolerated forever
    const trigger = Math.max(since, arrivedMs(pod, nowMs)) + wait;
    if (trigger <= nowMs) actions.push(...evict(pod, nowMs));
    else next = next === undefined ? trigger : Math.min(next, trigger);
  }
  return next === undefined ? { actions } : { actions, requeueAfterMs: next - nowMs };
}

export function taintEvictionController(): Reconciler {
  const nodes: WatchMapper = (change) => {
    // Writes share the parts they leave unchanged: the same taints array, the same verdict.
    const a = (change.oldObject as Node | undefined)?.spec?.taints;
    if (change.object && change.oldObject && a === (change.object as Node).spec?.taints) return [];
    const before = JSON.stringify(noExecute(change.oldObject as Node | undefined));
    const after = JSON.stringify(noExecute(change.object as Node | undefined));
    return change.object && before !== after ? [change.object.metadata.name] : [];
  };
  const pods: WatchMapper = (change, state) => {
    const pod = change.object as (Pod & StoredObject) | undefined;
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || pod.metadata.deletionTimestamp) return [];
    // The node's taints first: on an untainted node (the usual case) no pod change matters,
    // and that look-up is cheaper than comparing the tolerations.
    if (!hasNoExecute(getObject(state, 'Node', undefined, nodeName) as Node | undefined)) return [];
    const old = change.oldObject as Pod | undefined;
    if (old?.spec?.nodeName === nodeName && JSON.stringify(old.spec?.tolerations ?? []) === JSON.stringify(pod.spec?.tolerations ?? [])) return [];
    return [nodeName];
  };
  return { name: 'taint-eviction-controller', watches: { Node: nodes, Pod: pods }, reconcile: reconcileNode };
}
