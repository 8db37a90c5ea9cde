/**
 * Test builders for the basic scheduler plugins, after upstream's pkg/scheduler/testing
 * wrappers (st.MakePod().Req(...).Node(...).Obj(), st.MakeNode().Capacity(...).Obj()), and a
 * small driver that runs a plugin's extension points over a set of nodes the way the
 * framework does.
 */
import type { Node, Pod, Taint, Toleration } from '../../../src/model/types.js';
import type {
  Affinity,
  Container,
  ContainerPort,
  PreferredSchedulingTerm,
  NodeSelectorTerm,
} from 'kubernetes-types/core/v1.js';
import {
  CycleState,
  type FilterPlugin,
  type NodeInfo,
  type NodeScore,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
} from '../../../src/scheduler/framework.js';
import { buildSnapshot, countImageNodes, newNodeInfo, nodeImageStates } from '../../../src/scheduler/node-info.js';

type ResList = Record<string, string>;

export class PodWrapper {
  readonly pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod', namespace: 'default' }, spec: { containers: [] } };
  private get spec() {
    return this.pod.spec!;
  }
  name(n: string): this {
    this.pod.metadata!.name = n;
    return this;
  }
  /** Adds a container with these requests (upstream Req). */
  req(r: ResList): this {
    this.spec.containers.push({ name: `c${this.spec.containers.length}`, image: 'pause', resources: { requests: { ...r } } });
    return this;
  }
  /** Adds a container without resources (upstream Container). */
  container(image = 'pause'): this {
    this.spec.containers.push({ name: `c${this.spec.containers.length}`, image });
    return this;
  }
  /** Adds an init container with these requests; `sidecar` sets restartPolicy Always. */
  initReq(r: ResList, sidecar = false): this {
    const c: Container = { name: `i${this.spec.initContainers?.length ?? 0}`, image: 'pause', resources: { requests: { ...r } } };
    if (sidecar) c.restartPolicy = 'Always';
    (this.spec.initContainers ??= []).push(c);
    return this;
  }
  initImage(image: string): this {
    (this.spec.initContainers ??= []).push({ name: `i${this.spec.initContainers?.length ?? 0}`, image });
    return this;
  }
  overhead(r: ResList): this {
    this.spec.overhead = { ...r };
    return this;
  }
  node(n: string): this {
    this.spec.nodeName = n;
    return this;
  }
  tolerations(ts: Toleration[]): this {
    this.spec.tolerations = ts;
    return this;
  }
  nodeSelector(s: Record<string, string>): this {
    this.spec.nodeSelector = s;
    return this;
  }
  affinity(a: Affinity): this {
    this.spec.affinity = a;
    return this;
  }
  requiredNodeTerms(terms: NodeSelectorTerm[]): this {
    return this.affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
  }
  preferredNodeTerms(terms: PreferredSchedulingTerm[]): this {
    return this.affinity({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } });
  }
  /** Adds a container with these ports. */
  ports(ps: ContainerPort[]): this {
    this.spec.containers.push({ name: `c${this.spec.containers.length}`, image: 'pause', ports: ps });
    return this;
  }
  obj(): Pod {
    return deepFreeze(structuredClone(this.pod));
  }
}

export function makePod(): PodWrapper {
  return new PodWrapper();
}

export class NodeWrapper {
  readonly node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node' }, spec: {}, status: {} };
  name(n: string): this {
    this.node.metadata!.name = n;
    return this;
  }
  /** Sets capacity and allocatable (upstream Capacity). */
  capacity(r: ResList): this {
    this.node.status!.capacity = { ...r };
    this.node.status!.allocatable = { ...r };
    return this;
  }
  labels(l: Record<string, string>): this {
    this.node.metadata!.labels = { ...l };
    return this;
  }
  taints(t: Taint[]): this {
    this.node.spec!.taints = t;
    return this;
  }
  unschedulable(u = true): this {
    this.node.spec!.unschedulable = u;
    return this;
  }
  images(imgs: { names: string[]; sizeBytes: number }[]): this {
    this.node.status!.images = imgs;
    return this;
  }
  obj(): Node {
    return deepFreeze(structuredClone(this.node));
  }
}

export function makeNode(name = 'node'): NodeWrapper {
  return new NodeWrapper().name(name);
}

export function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

/** NodeInfos for `nodes` holding the `pods` whose spec.nodeName names them, with image counts. */
export function nodeInfos(nodes: readonly Node[], pods: readonly Pod[] = []): NodeInfo[] {
  const counts = countImageNodes(nodes);
  return nodes.map((n) =>
    newNodeInfo(
      n,
      pods.filter((p) => p.spec?.nodeName === n.metadata?.name),
      nodeImageStates(n, counts),
    ),
  );
}

/** Runs PreScore (when the plugin has it), Score on every node, then NormalizeScore. */
export function runScore(
  plugin: ScorePlugin & Partial<PreScorePlugin>,
  pod: Pod,
  nodes: readonly Node[],
  pods: readonly Pod[] = [],
  opts: { preScore?: boolean; normalize?: boolean } = {},
): { scores: NodeScore[]; preScore?: Status } {
  const infos = nodeInfos(nodes, pods);
  const snapshot = buildSnapshot(infos);
  const cycle = new CycleState();
  let pre: Status | undefined;
  if (plugin.preScore !== undefined && opts.preScore !== false) {
    pre = plugin.preScore(cycle, pod, infos, snapshot);
  }
  const scores: NodeScore[] = infos.map((n) => ({ name: n.name, score: plugin.score(cycle, pod, n) }));
  if (opts.normalize !== false) plugin.normalizeScore?.(cycle, pod, scores);
  return pre === undefined ? { scores } : { scores, preScore: pre };
}

/** Runs PreFilter (when the plugin has it) and Filter against one node. */
export function runFilter(
  plugin: FilterPlugin & Partial<PreFilterPlugin>,
  pod: Pod,
  node: Node,
  pods: readonly Pod[] = [],
): Status {
  const infos = nodeInfos([node], pods);
  const cycle = new CycleState();
  if (plugin.preFilter !== undefined) {
    const pre = plugin.preFilter(cycle, pod, buildSnapshot(infos));
    // The framework does not run Filter of a plugin whose PreFilter said Skip.
    if (pre.status.code === 'Skip') return { code: 'Success', reasons: [] };
    if (pre.status.code !== 'Success') return pre.status;
  }
  return plugin.filter(cycle, pod, infos[0]!);
}
