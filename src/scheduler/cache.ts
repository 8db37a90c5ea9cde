/**
 * The scheduler cache: a NodeInfo per node with its assigned pods and running totals, updated
 * incrementally from committed changes, plus pods the scheduler has assumed (bound in this
 * batch, not yet seen back from the store). Terminal pods (Succeeded/Failed) are not counted,
 * as the scheduler's pod informer filters them out.
 *
 * Node order is upstream's nodeTree order: zones in order of first appearance, nodes taken
 * round-robin across zones. It decides which nodes a cycle visits first when
 * percentageOfNodesToScore is below 100, so it is part of "deciding as kube-scheduler would".
 *
 * @see kubernetes/kubernetes pkg/scheduler/backend/cache/cache.go, node_tree.go
 */
import { isRequiredAntiAffinityPod, isAffinityPod, nodeInfoNodeOrder } from './cache-helpers.js';
import {
  emptyResource,
  type HostPort,
  type NodeInfo,
  type PodInfo,
  type Resource,
  type SchedulerSnapshot,
} from './framework.js';
import { PodLabelIndex, type PodLabelIndexSource } from './index/pod-label-index.js';
import { AffinityAggregates, type AffinityAggregatesSource } from './index/affinity-aggregates.js';
import { nodeAllocatable, podInfoFor } from './node-info.js';
import type { Node, Pod } from '../model/types.js';

/** One image as ImageLocality sees it: shared by every node that has it. */
interface ImageSummary {
  sizeBytes: number;
  numNodes: number;
}

export class CachedNodeInfo implements NodeInfo {
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  readonly usedPorts: HostPort[] = [];
  readonly requested: Resource = emptyResource();
  readonly nonZeroRequested: Resource = emptyResource();
  allocatable: Resource;
  imageStates: Record<string, ImageSummary> = {};
  /** Bumped on every change; the scheduler's index uses it to know what to refresh. */
  generation = 0;
  labels: Readonly<Record<string, string>> | undefined;
  /** Queued in `changed` since the node table last read it (see SchedulerCache.takeChanged). */
  queued = false;

  constructor(
    readonly name: string,
    public node: Node,
    private readonly changed: CachedNodeInfo[] = [],
  ) {
    this.allocatable = nodeAllocatable(node);
    this.labels = node.metadata?.labels;
  }

  /** Records a change: bumps the generation and queues the node for the node table. */
  touch(): void {
    this.generation++;
    if (!this.queued) {
      this.queued = true;
      this.changed.push(this);
    }
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (isAffinityPod(pi.pod)) this.podsWithAffinity.push(pi);
    if (isRequiredAntiAffinityPod(pi.pod)) this.podsWithRequiredAntiAffinity.push(pi);
    for (const p of pi.hostPorts) this.usedPorts.push(p);
    addResource(this.requested, pi.requests, 1);
    addResource(this.nonZeroRequested, pi.nonZeroRequests, 1);
    this.touch();
  }

  /**
   * Puts `pi` in place of `old` (same key), counted exactly as before (same requests, ports,
   * labels, affinity): no aggregate changes, and the node is not marked changed.
   */
  replacePod(old: PodInfo, pi: PodInfo): boolean {
    const i = indexOfInfo(this.pods, old);
    if (i < 0) return false;
    this.pods[i] = pi;
    replaceInfo(this.podsWithAffinity, old, pi);
    replaceInfo(this.podsWithRequiredAntiAffinity, old, pi);
    return true;
  }

  /** Takes `pi` (one of this node's pods) off the node. */
  removePod(pi: PodInfo): boolean {
    const i = indexOfInfo(this.pods, pi);
    if (i < 0) return false;
    this.pods.splice(i, 1);
    removeInfo(this.podsWithAffinity, pi);
    removeInfo(this.podsWithRequiredAntiAffinity, pi);
    for (const port of pi.hostPorts) {
      const j = this.usedPorts.findIndex((u) => u.ip === port.ip && u.port === port.port && u.protocol === port.protocol);
      if (j >= 0) this.usedPorts.splice(j, 1);
    }
    addResource(this.requested, pi.requests, -1);
    addResource(this.nonZeroRequested, pi.nonZeroRequests, -1);
    this.touch();
    return true;
  }
}

/**
 * The position of `pi` in a node's list (by identity: the cache's slot holds the very
 * PodInfo it put there), searched from the end: the pod a bind confirms was assumed late in
 * the batch, so it is usually near the end.
 */
function indexOfInfo(list: readonly PodInfo[], pi: PodInfo): number {
  for (let i = list.length - 1; i >= 0; i--) if (list[i] === pi) return i;
  return -1;
}

function replaceInfo(list: PodInfo[], old: PodInfo, pi: PodInfo): void {
  if (list.length === 0) return;
  const i = indexOfInfo(list, old);
  if (i >= 0) list[i] = pi;
}

function removeInfo(list: PodInfo[], pi: PodInfo): void {
  if (list.length === 0) return;
  const i = indexOfInfo(list, pi);
  if (i >= 0) list.splice(i, 1);
}

function addResource(into: Resource, r: Resource, sign: 1 | -1): void {
  into.milliCpu += sign * r.milliCpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.allowedPodNumber += sign * r.allowedPodNumber;
  // for-in, not Object.keys: no array per call (scalar is a plain object, usually empty).
  const scalar = r.scalar;
  for (const name in scalar) {
    into.scalar[name] = (into.scalar[name] ?? 0) + sign * scalar[name]!;
  }
}

/** Where the cache counts one pod: its node, the PodInfo there, and whether it is assumed. */
interface PodSlot {
  info: CachedNodeInfo;
  pi: PodInfo;
  /** Assumed by the scheduler and not yet confirmed by a committed bind. */
  assumed: boolean;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The node a pod occupies in the cache's eyes, if any. */
export function assignedNode(pod: Pod | undefined): string | undefined {
  if (!pod || isTerminal(pod)) return undefined;
  const node = pod.spec?.nodeName;
  return node ? node : undefined;
}

export class SchedulerCache implements SchedulerSnapshot, PodLabelIndexSource, AffinityAggregatesSource {
  /** Assigned pods by namespace and label, for selector counting (see index/pod-label-index). */
  readonly podLabelIndex = new PodLabelIndex();
  /** Pod counts per topology value for InterPodAffinity scoring (see index/affinity-aggregates). */
  readonly affinityAggregates: AffinityAggregates = new AffinityAggregates(this);
  private readonly infos = new Map<string, CachedNodeInfo>();
  /**
   * pod key → where it is counted (one lookup per pod change: node, PodInfo and the assumed
   * flag together). A pod assumed on a node the cache does not know has no slot and is
   * counted nowhere, as before the bind.
   */
  private readonly podNode = new Map<string, PodSlot>();
  /**
   * The assumed pods' slots (those of podNode with `assumed` set), by the pod object assumed:
   * the committed bind, whose old object that pod is, finds its slot in this map of one
   * batch's pods, warm, rather than by a new key string in the map of every pod.
   */
  private readonly assumedSlots = new Map<Pod, PodSlot>();
  private readonly images = new Map<string, ImageSummary>();
  /** zone → node names in insertion order; zones in order of first appearance. */
  private readonly zones = new Map<string, string[]>();
  private ordered: CachedNodeInfo[] | undefined;
  private affinityNodes: CachedNodeInfo[] | undefined;
  private antiAffinityNodes: CachedNodeInfo[] | undefined;
  /** Bumped whenever the node set or its order changes. */
  nodeSetGeneration = 0;
  /** Nodes changed since the last takeChanged() (each once). */
  private readonly changedList: CachedNodeInfo[] = [];

  /**
   * The nodes whose NodeInfo changed since the last call, each once, and forgets them: the
   * node table (node-table.ts) refreshes exactly these rows. Only one reader may use it.
   */
  takeChanged(): CachedNodeInfo[] {
    const out = this.changedList.slice();
    this.changedList.length = 0;
    for (const info of out) info.queued = false;
    return out;
  }

  get nodes(): readonly CachedNodeInfo[] {
    this.ordered ??= nodeInfoNodeOrder(this.zones).map((n) => this.infos.get(n)!);
    return this.ordered;
  }

  get(name: string): CachedNodeInfo | undefined {
    return this.infos.get(name);
  }

  get havePodsWithAffinity(): readonly NodeInfo[] {
    this.affinityNodes ??= this.nodes.filter((n) => n.podsWithAffinity.length > 0);
    return this.affinityNodes;
  }

  get havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    this.antiAffinityNodes ??= this.nodes.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    return this.antiAffinityNodes;
  }

  get size(): number {
    return this.infos.size;
  }

  setNode(node: Node): CachedNodeInfo {
    const name = node.metadata!.name!;
    const zone = zoneOf(node);
    let info = this.infos.get(name);
    // The same status.images list (shared by a write that left it alone) gives the same
    // summaries: imageStates then keeps its identity, and the node table its image class.
    let sameImages = false;
    if (!info) {
      info = new CachedNodeInfo(name, node, this.changedList);
      this.infos.set(name, info);
      this.addToTree(name, zone);
    } else {
      const oldZone = zoneOf(info.node);
      if (oldZone !== zone) {
        this.removeFromTree(name, oldZone);
        this.addToTree(name, zone);
      }
      const oldLabels = info.node.metadata?.labels;
      const newLabels = node.metadata?.labels;
      // Aggregates count pods by their node's label values: re-count this node's pods.
      const relabelled = !sameLabels(oldLabels, newLabels);
      // A write shares the parts it left alone with the stored version: the same allocatable
      // list gives the same sums, so most Node writes (heartbeats, conditions) parse nothing.
      const sameAllocatable = info.node.status?.allocatable === node.status?.allocatable;
      sameImages = info.node.status?.images === node.status?.images;
      // The label index's selector totals sum by node label values too (selector-counts.ts).
      if (relabelled) for (const pi of info.pods) this.unindex(pi, info);
      info.node = node;
      info.labels = newLabels;
      if (relabelled) for (const pi of info.pods) this.index(pi, info);
      if (!sameAllocatable) info.allocatable = nodeAllocatable(node);
    }
    if (!sameImages) this.setImages(info, node);
    info.touch();
    return info;
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    this.removeFromTree(name, zoneOf(info.node));
    for (const image of Object.keys(info.imageStates)) this.releaseImage(image);
    this.infos.delete(name);
    // Pods bound to a node that is gone stay counted nowhere, as upstream's cache does once the
    // node is removed (they come back if the node does).
    for (const pi of info.pods) {
      this.podNode.delete(pi.key);
      this.assumedSlots.delete(pi.pod);
      this.podLabelIndex.remove(pi);
      this.affinityAggregates.remove(pi, info.node.metadata?.labels);
    }
  }

  /**
   * Reflects a committed pod change (any of: added, updated, deleted). `key` is the pod's
   * podKey when the caller has it already. Returns whether the pod was assumed until this
   * change (nothing about it was committed since the scheduler assumed it).
   */
  updatePod(oldPod: Pod | undefined, newPod: Pod | undefined, key: string = podKey((newPod ?? oldPod)!)): boolean {
    const slot = (oldPod === undefined ? undefined : this.assumedSlots.get(oldPod)) ?? this.podNode.get(key);
    // Whatever the change, the pod is no longer assumed after it: confirmed, moved or removed.
    if (slot !== undefined && slot.assumed) this.assumedSlots.delete(slot.pi.pod);
    const now = assignedNode(newPod);
    const wasAssumed = slot !== undefined && slot.assumed;
    if (wasAssumed && now !== undefined) slot.assumed = false;
    if (slot !== undefined && slot.info.name === now && oldPod && newPod && countedAlike(oldPod, newPod, wasAssumed)) {
      // A status update, or the bind confirming what was assumed: the node's sums stay.
      const old = slot.pi;
      // A literal, not a spread: spread copies each get a hidden class of their own in V8.
      const pi: PodInfo = { pod: newPod, key: old.key, requests: old.requests, nonZeroRequests: old.nonZeroRequests, hostPorts: old.hostPorts };
      if (slot.info.replacePod(old, pi)) {
        slot.pi = pi;
        this.podLabelIndex.replace(old, pi, slot.info);
        return wasAssumed;
      }
    }
    if (slot !== undefined) {
      if (slot.info.removePod(slot.pi)) this.unindex(slot.pi, slot.info);
      this.podNode.delete(key);
      this.invalidateAffinity();
    }
    if (now !== undefined && newPod) this.place(key, newPod, now, false);
    return wasAssumed;
  }

  /**
   * The scheduler decided: count the pod on the node before the bind is committed. `key` is
   * the pod's podKey when the caller has it (the queue's own string: its hash is known, so
   * the slot map's insertion neither builds nor hashes a new string). Returns the node the pod
   * is now counted on (the cache's version of it), if the cache has it.
   */
  assume(pod: Pod, nodeName: string, key: string = podKey(pod)): Node | undefined {
    return this.place(key, pod, nodeName, true);
  }

  /** The bind failed: undo the assumption. */
  forget(pod: Pod): void {
    const key = podKey(pod);
    const slot = this.podNode.get(key);
    if (slot === undefined || !slot.assumed) return;
    this.assumedSlots.delete(slot.pi.pod);
    if (slot.info.removePod(slot.pi)) this.unindex(slot.pi, slot.info);
    this.podNode.delete(key);
    this.invalidateAffinity();
  }

  /** The node a pod is counted on, if any (assumed or confirmed). */
  nodeOf(key: string): string | undefined {
    return this.podNode.get(key)?.info.name;
  }

  private place(key: string, pod: Pod, nodeName: string, assumed: boolean): Node | undefined {
    const info = this.infos.get(nodeName);
    if (!info) return undefined; // bound to a node the cache does not know (yet)
    const pi = podInfoFor(pod);
    info.addPod(pi);
    this.podLabelIndex.add(pi, info);
    this.affinityAggregates.add(pi, info.node.metadata?.labels);
    const slot: PodSlot = { info, pi, assumed };
    this.podNode.set(key, slot);
    if (assumed) this.assumedSlots.set(pi.pod, slot);
    if (info.podsWithAffinity.length === 1 || info.podsWithRequiredAntiAffinity.length === 1) this.invalidateAffinity();
    return info.node;
  }

  /** Puts a pod of `info` into the indexes. */
  private index(pi: PodInfo, info: CachedNodeInfo): void {
    this.podLabelIndex.add(pi, info);
    this.affinityAggregates.add(pi, info.node.metadata?.labels);
  }

  /** Takes a pod just removed from `info` out of the indexes. */
  private unindex(pi: PodInfo, info: CachedNodeInfo): void {
    this.podLabelIndex.remove(pi);
    this.affinityAggregates.remove(pi, info.node.metadata?.labels);
  }

  private invalidateAffinity(): void {
    this.affinityNodes = undefined;
    this.antiAffinityNodes = undefined;
  }

  private addToTree(name: string, zone: string): void {
    let list = this.zones.get(zone);
    if (!list) {
      list = [];
      this.zones.set(zone, list);
    }
    list.push(name);
    this.treeChanged();
  }

  private removeFromTree(name: string, zone: string): void {
    const list = this.zones.get(zone);
    if (!list) return;
    const i = list.indexOf(name);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.zones.delete(zone);
    this.treeChanged();
  }

  private treeChanged(): void {
    this.ordered = undefined;
    this.invalidateAffinity();
    this.nodeSetGeneration++;
  }

  private setImages(info: CachedNodeInfo, node: Node): void {
    const next: Record<string, ImageSummary> = {};
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        let summary = this.images.get(name);
        if (!summary) {
          summary = { sizeBytes: image.sizeBytes ?? 0, numNodes: 0 };
          this.images.set(name, summary);
        }
        if (!Object.hasOwn(info.imageStates, name) && !Object.hasOwn(next, name)) summary.numNodes++;
        next[name] = summary;
      }
    }
    for (const name of Object.keys(info.imageStates)) if (!Object.hasOwn(next, name)) this.releaseImage(name);
    info.imageStates = next;
  }

  private releaseImage(name: string): void {
    const summary = this.images.get(name);
    if (!summary) return;
    summary.numNodes--;
    if (summary.numNodes <= 0) this.images.delete(name);
  }
}

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  for (const k of ka) if (!Object.hasOwn(b ?? {}, k) || a![k] !== b![k]) return false;
  return true;
}

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';

/** utilnode.GetZoneKey: region and zone joined, '' when neither is set. */
function zoneOf(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels[REGION_LABEL] ?? '';
  const zone = labels[ZONE_LABEL] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/**
 * Whether a pod's new version counts on its node exactly as the old one: the same spec object
 * (status writes share it; an assumed pod's bind changes only nodeName), the same labels
 * object, namespace and deletionTimestamp (what PodTopologySpread and InterPodAffinity read).
 */
function countedAlike(oldPod: Pod, newPod: Pod, assumed: boolean): boolean {
  const a = oldPod.metadata;
  const b = newPod.metadata;
  return (
    (oldPod.spec === newPod.spec || assumed) &&
    a?.labels === b?.labels &&
    a?.namespace === b?.namespace &&
    a?.deletionTimestamp === b?.deletionTimestamp
  );
}
