/**
 * ImageLocality: favours nodes that already have the pod's images, weighted by image size and
 * by how widely the image is spread (an image on every node says little about this one).
 *
 * sum = Σ over init and regular containers whose image the node has of
 *       trunc(sizeBytes × numNodes / totalNodes);
 * score = 100 × (clamp(sum, 23MB, 1000MB × containers) - 23MB) / (1000MB × containers - 23MB).
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/imagelocality/image_locality.go
 */
import type { Pod } from '../../model/types.js';
import {
  MAX_NODE_SCORE,
  SUCCESS,
  type CycleState,
  type NodeInfo,
  type PreScorePlugin,
  type SchedulerSnapshot,
  type ScorePlugin,
  type Status,
} from '../framework.js';
import { registerFastHint } from '../fast-hints.js';

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

const PRE_SCORE_KEY = 'PreScoreImageLocality';

interface PreScoreState {
  /** Normalized image names of init containers then containers. */
  readonly images: readonly string[];
  readonly totalNumNodes: number;
}

/** Adds ':latest' to an image without a tag (a ':' after the last '/'). */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/** The last frozen spec podImages read and its answer: pods of one ReplicaSet share their spec. */
let lastSpec: object | undefined;
let lastImages: readonly string[] = [];

/** The pod's normalized image names (read only: the answer may be shared between pods). */
function podImages(pod: Pod): readonly string[] {
  const spec = pod.spec;
  if (spec != null && spec === lastSpec) return lastImages;
  const out = imagesOf(pod);
  if (spec != null && frozenContainers(spec)) {
    lastSpec = spec;
    lastImages = out;
  }
  return out;
}

/** Whether the spec and the containers podImages reads can no longer change. */
function frozenContainers(spec: NonNullable<Pod['spec']>): boolean {
  if (!Object.isFrozen(spec)) return false;
  for (const list of [spec.initContainers, spec.containers]) {
    if (list == null) continue;
    if (!Object.isFrozen(list)) return false;
    for (const c of list) if (!Object.isFrozen(c)) return false;
  }
  return true;
}

function imagesOf(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.initContainers ?? []) out.push(normalizedImageName(c.image ?? ''));
  for (const c of pod.spec?.containers ?? []) out.push(normalizedImageName(c.image ?? ''));
  return out;
}

/** Size scaled by the fraction of nodes that have the image (float64 then truncated, as upstream). */
function scaledImageScore(sizeBytes: number, numNodes: number, totalNumNodes: number): number {
  const spread = numNodes / totalNumNodes;
  return Math.trunc(sizeBytes * spread);
}

export function sumImageScores(node: NodeInfo, images: readonly string[], totalNumNodes: number): number {
  let sum = 0;
  for (let i = 0; i < images.length; i++) {
    const st = node.imageStates[images[i]!];
    if (st !== undefined) sum += scaledImageScore(st.sizeBytes, st.numNodes, totalNumNodes);
  }
  return sum;
}

export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  let s = sumScores;
  if (s < MIN_THRESHOLD) s = MIN_THRESHOLD;
  else if (s > maxThreshold) s = maxThreshold;
  // `+ 0` turns the -0 of a pod without containers into 0.
  return Math.trunc((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD)) + 0;
}

/**
 * Upstream reads the node count from the snapshot in Score; our Score has no snapshot, so
 * PreScore records it. Without PreScore, the count defaults to the image's own numNodes.
 */
function preScore(cycle: CycleState, pod: Pod, _nodes: readonly NodeInfo[], snapshot: SchedulerSnapshot): Status {
  const state: PreScoreState = { images: podImages(pod), totalNumNodes: snapshot.nodes.length };
  cycle.write(PRE_SCORE_KEY, state);
  return SUCCESS;
}

function score(cycle: CycleState, pod: Pod, node: NodeInfo): number {
  const s = cycle.read<PreScoreState>(PRE_SCORE_KEY);
  const images = s?.images ?? podImages(pod);
  let sum: number;
  if (s !== undefined) {
    sum = sumImageScores(node, images, s.totalNumNodes);
  } else {
    sum = 0;
    for (const img of images) sum += node.imageStates[img]?.sizeBytes ?? 0;
  }
  return calculatePriority(sum, images.length);
}

export const imageLocality = registerFastHint({ name: 'ImageLocality', preScore, score } satisfies PreScorePlugin & ScorePlugin, { imageLocality: true, preScoreNodesUnread: true });
