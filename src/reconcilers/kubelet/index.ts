/**
 * The simulated kubelet: one reconciler for every node, keyed by pod (`namespace/name`). It
 * runs the pods bound to nodes (spec.nodeName) through their lifecycle — pull, create, start,
 * ready, exit, restart, terminate — writing pod status, Events and the node's image cache, as
 * the kubelet's pod workers and status manager do. Time passes by requeueing for the next
 * transition (./sync-pod.ts); nothing is remembered between reconciles except what the pod's
 * status records.
 *
 * Not this reconciler's: podIP/hostIP (networking) and node heartbeats (./node-lease.ts). A
 * node whose machine is off or whose kubelet is stopped (a fault record, see `nodeRunsPods`)
 * runs nothing and writes nothing: its pods keep their last status, and pods deleted meanwhile
 * stay Terminating until the kubelet comes back and finishes them.
 *
 * @see kubernetes/kubernetes pkg/kubelet/kubelet.go (syncPod, syncTerminatingPod)
 * @see kubernetes/kubernetes pkg/kubelet/status/status_manager.go (canBeDeleted, the final delete)
 */
import { BadRequestError } from '../../model/errors.js';
import { jsonEqual } from '../../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler, WatchMapper } from '../../model/reconcile.js';
import { getObject, objectKey, splitObjectKey, type ClusterState } from '../../model/store.js';
import { parseRFC3339 } from '../../model/time.js';
import type { KubeObject, Node, Pod, StoredObject } from '../../model/types.js';
import { resolveImageProfile, validateImageProfile, type ImageProfile, type ResolvedImageProfile } from './image-profile.js';
import { kubeletRunning } from './node-lease.js';
import { syncPod, type NodeObject, type PodObject } from './sync-pod.js';

export type { ImageProfile, ResolvedImageProfile } from './image-profile.js';
export { resolveImageProfile } from './image-profile.js';

export interface KubeletConfig {
  /** Behaviour per image (exact reference, or repository for all its tags). */
  readonly images?: Readonly<Record<string, ImageProfile>>;
  /** Overrides of the drawn defaults, for every image. */
  readonly defaultProfile?: Partial<ImageProfile>;
  /** Seed of the per-image default draws, container ids and image digests. Default '1'. */
  readonly seed?: string;
}

const NONE: ReconcileResult = { actions: [] };

/** node.status.images keeps the largest images first (upstream sorts by size, descending). */
function withImages(node: NodeObject, pulled: readonly { image: string; sizeBytes: number }[]): KubeObject {
  // Shallow copies down to the image list: the write path copies the action's object anyway.
  const images = [...(node.status?.images ?? [])];
  for (const p of pulled) images.push({ names: [p.image], sizeBytes: p.sizeBytes });
  images.sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0) || ((a.names?.[0] ?? '') < (b.names?.[0] ?? '') ? -1 : 1));
  return { ...node, status: { ...(node.status ?? {}), images } } as Node & KubeObject;
}

/**
 * podsDifferSemantically (pkg/kubelet/config): an update that leaves spec, labels, annotations
 * and the deletion fields alone is a status change, which upstream's pod config hands to
 * HandlePodReconcile, not to a pod worker's syncPod. Most such updates are this kubelet's own
 * status writes; reconciling the pod again on them found nothing to do (about half of all
 * kubelet reconciles). The kubelet's own requeue (the next transition) and the sim's wake-up
 * of a node's pods when its kubelet comes back still drive every sync.
 */
function podsDifferSemantically(a: StoredObject, b: StoredObject): boolean {
  return (
    !sameJson(a.spec, b.spec) ||
    !sameJson(a.metadata.labels, b.metadata.labels) ||
    !sameJson(a.metadata.annotations, b.metadata.annotations) ||
    a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp ||
    a.metadata.deletionGracePeriodSeconds !== b.metadata.deletionGracePeriodSeconds
  );
}

/** Equal JSON values; stored objects share unchanged subtrees, so identity decides most. */
const sameJson = (a: unknown, b: unknown): boolean => a === b || jsonEqual(a, b);

/**
 * Whether the node's kubelet is running pods: the one place that says "node down, or kubelet
 * stopped: do nothing". Faults are records in the state ('~Fault'), so this stays pure.
 */
function nodeRunsPods(state: ClusterState, node: NodeObject): boolean {
  return kubeletRunning(state, node.metadata.name);
}

/** The last ctx.now parsed: many pods are synced at the same instant. */
let lastNow = { text: '', epochMs: 0 };

/** Virtual now as epoch ms: ctx.now has whole seconds, nowMs the milliseconds (the epoch is whole seconds). */
function epochNow(ctx: ReconcileContext): number {
  if (lastNow.text !== ctx.now) lastNow = { text: ctx.now, epochMs: parseRFC3339(ctx.now) };
  return lastNow.epochMs + (ctx.nowMs % 1000);
}

export function kubelet(config: KubeletConfig = {}): Reconciler {
  if (config === null || typeof config !== 'object') throw new BadRequestError('kubelet: config must be an object');
  const images = config.images ?? {};
  for (const image of Object.keys(images).sort()) validateImageProfile(image, images[image]!);
  validateImageProfile('*', config.defaultProfile ?? {});
  const seed = config.seed ?? '1';
  // A cache of a pure function of the image name: resolution order cannot change results.
  const resolved = new Map<string, ResolvedImageProfile>();
  const profile = (image: string): ResolvedImageProfile => {
    let p = resolved.get(image);
    if (!p) resolved.set(image, (p = resolveImageProfile(image, images, seed, config.defaultProfile)));
    return p;
  };

  const reconcile = (state: ClusterState, key: string, ctx: ReconcileContext): ReconcileResult => {
    const { namespace, name } = splitObjectKey(key);
    const pod = getObject(state, 'Pod', namespace, name) as PodObject | undefined;
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return NONE;
    const node = getObject(state, 'Node', undefined, nodeName) as NodeObject | undefined;
    if (!node || !nodeRunsPods(state, node)) return NONE;
    const nowMs = epochNow(ctx);
    const r = syncPod({ pod, node, nowMs, profile, seed });
    const involvedObject = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
    // Field by field in `{ involvedObject, ...e, source, host }`'s order (a KubeletEvent is
    // type, reason, message): a spread after another field takes V8's generic copy.
    const actions: Action[] = r.events.map((e) => ({
      verb: 'event',
      event: { involvedObject, type: e.type, reason: e.reason, message: e.message, source: 'kubelet', host: nodeName },
    }));
    // The action is data the sim copies before writing, so it may share the stored (frozen)
    // pod's fields; only the status is new.
    if (!pod.metadata.deletionTimestamp && !jsonEqual(r.status, pod.status)) actions.push({ verb: 'updateStatus', object: { ...pod, status: r.status } });
    if (r.pulled.length > 0) actions.push({ verb: 'updateStatus', object: withImages(node, r.pulled) });
    if (r.deletePod) {
      actions.push({ verb: 'delete', kind: 'Pod', key, options: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } } });
    }
    return r.nextMs === undefined ? { actions } : { actions, requeueAfterMs: Math.max(0, r.nextMs - nowMs) };
  };

  const pods: WatchMapper = (change) => {
    const pod = change.object;
    if (!pod || !(pod.spec as Pod['spec'])?.nodeName) return [];
    if (change.oldObject && !podsDifferSemantically(change.oldObject, pod)) return [];
    return [objectKey(pod.metadata.namespace, pod.metadata.name)];
  };
  // Node changes wake nothing: a kubelet coming back is woken for its pods by the sim, which
  // has the nodeName index (a watch mapper does not).
  const nodes: WatchMapper = () => [];
  return { name: 'kubelet', watches: { Pod: pods, Node: nodes }, reconcile };
}
