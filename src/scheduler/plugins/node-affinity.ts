/**
 * NodeAffinity: the pod's spec.nodeSelector and required node affinity terms (Filter), its
 * preferred terms (Score: the sum of the weights of matching terms, normalized to 0..100), and
 * the scheduler profile's `addedAffinity`, which applies to every pod of the profile.
 *
 * Terms are ORed; inside a term, matchExpressions (node labels) and matchFields (only
 * metadata.name is a field) are ANDed. An empty term, or a term that does not parse (e.g. Gt
 * with a non-integer), matches no node: upstream ignores such parse errors in Filter.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go
 * @see kubernetes/kubernetes staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go
 */
import type { Node, Pod } from '../../model/types.js';
import type {
  NodeAffinity as NodeAffinitySpec,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PreferredSchedulingTerm,
} from 'kubernetes-types/core/v1.js';
import { newRequirement, selectorFromRequirements, type Operator, type Selector } from '../../model/labels/selector.js';
import {
  SKIP,
  status,
  SUCCESS,
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type NodeScore,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
} from '../framework.js';
import { registerFastHint } from '../fast-hints.js';
import { defaultNormalizeScore } from './taint-toleration.js';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const PRE_FILTER_KEY = 'PreFilterNodeAffinity';
const PRE_SCORE_KEY = 'PreScoreNodeAffinity';
const OBJECT_NAME_FIELD = 'metadata.name';

export interface NodeAffinityArgs {
  /** Applied to every pod of the profile, in addition to the pod's own node affinity. */
  readonly addedAffinity?: NodeAffinitySpec;
}

// ---------------------------------------------------------------------------------------------
// Compiled terms

interface FieldRequirement {
  readonly key: string;
  readonly equal: boolean; // In → equal, NotIn → not equal
  readonly value: string;
}

/** One parsed NodeSelectorTerm: label selector (or null) AND field requirements. */
interface CompiledTerm {
  readonly labels: Selector | null;
  readonly fields: readonly FieldRequirement[];
}

const LABEL_OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

/** Throws (SelectorParseError or Error) when the term does not parse. */
function compileTerm(term: NodeSelectorTerm): CompiledTerm {
  let labels: Selector | null = null;
  const exprs = term.matchExpressions ?? [];
  if (exprs.length > 0) {
    labels = selectorFromRequirements(
      exprs.map((e: NodeSelectorRequirement) => {
        const op = LABEL_OPERATORS[e.operator];
        if (op === undefined) throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
        return newRequirement(e.key, op, e.values ?? []);
      }),
    );
  }
  const fields: FieldRequirement[] = [];
  for (const f of term.matchFields ?? []) {
    if (f.operator !== 'In' && f.operator !== 'NotIn') {
      throw new Error(`${JSON.stringify(f.operator)} is not a valid node field selector operator`);
    }
    const values = f.values ?? [];
    if (values.length !== 1) {
      throw new Error(`unexpected number of value (${values.length}) for node field selector operator "${f.operator}"`);
    }
    fields.push({ key: f.key, equal: f.operator === 'In', value: values[0]! });
  }
  return { labels, fields };
}

function isEmptyTerm(t: NodeSelectorTerm): boolean {
  return (t.matchExpressions?.length ?? 0) === 0 && (t.matchFields?.length ?? 0) === 0;
}

function termMatches(t: CompiledTerm, node: Node, nodeName: string): boolean {
  if (t.labels !== null && !t.labels.matches(node.metadata?.labels)) return false;
  const fs = t.fields;
  for (let i = 0; i < fs.length; i++) {
    const f = fs[i]!;
    // fields.Set{metadata.name}: any other key reads as "".
    const v = f.key === OBJECT_NAME_FIELD ? nodeName : '';
    if ((v === f.value) !== f.equal) return false;
  }
  return true;
}

/** A required NodeSelector (LazyErrorNodeSelector): terms that parse, ORed. */
export function compileNodeSelector(ns: NodeSelector): readonly CompiledTerm[] {
  const out: CompiledTerm[] = [];
  for (const term of ns.nodeSelectorTerms ?? []) {
    if (isEmptyTerm(term)) continue;
    try {
      out.push(compileTerm(term));
    } catch {
      // Upstream keeps the error for later and drops the term; Filter ignores the error.
    }
  }
  return out;
}

/** Whether any of a compiled NodeSelector's terms matches the node (terms are ORed). */
export function selectorMatches(terms: readonly CompiledTerm[], node: Node, nodeName: string): boolean {
  for (let i = 0; i < terms.length; i++) if (termMatches(terms[i]!, node, nodeName)) return true;
  return false;
}

interface WeightedTerm {
  readonly weight: number;
  readonly term: CompiledTerm;
}

/** PreferredSchedulingTerms: zero-weight and empty terms are dropped; any parse error fails. */
function compilePreferred(terms: readonly PreferredSchedulingTerm[]): WeightedTerm[] {
  const out: WeightedTerm[] = [];
  for (const t of terms) {
    if (t.weight === 0 || isEmptyTerm(t.preference)) continue;
    out.push({ weight: t.weight, term: compileTerm(t.preference) });
  }
  return out;
}

function preferredScore(terms: readonly WeightedTerm[], node: NodeInfo): number {
  let sum = 0;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    if (termMatches(t.term, node.node, node.name)) sum += t.weight;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// The pod's required node affinity (nodeaffinity.GetRequiredNodeAffinity)

interface RequiredNodeAffinity {
  /** spec.nodeSelector as parallel arrays, or null when unset/empty. */
  readonly selectorKeys: readonly string[] | null;
  readonly selectorValues: readonly string[];
  /** Required terms, or null when the pod has none (then only nodeSelector applies). */
  readonly terms: readonly CompiledTerm[] | null;
}

/** Compiled per frozen spec object (siblings share theirs): nothing in it depends on more. */
const compiledBySpec = new WeakMap<object, RequiredNodeAffinity>();

function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const spec = pod.spec;
  if (spec == null) return compileRequired(pod);
  const hit = compiledBySpec.get(spec);
  if (hit !== undefined) return hit;
  const out = compileRequired(pod);
  if (Object.isFrozen(pod) && Object.isFrozen(spec)) compiledBySpec.set(spec, out);
  return out;
}

function compileRequired(pod: Pod): RequiredNodeAffinity {
  const sel = pod.spec?.nodeSelector;
  let selectorKeys: string[] | null = null;
  const selectorValues: string[] = [];
  if (sel != null && Object.keys(sel).length > 0) {
    selectorKeys = Object.keys(sel).sort();
    for (const k of selectorKeys) selectorValues.push(sel[k]!);
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return { selectorKeys, selectorValues, terms: required == null ? null : compileNodeSelector(required) };
}

function requiredMatches(r: RequiredNodeAffinity, node: NodeInfo): boolean {
  const keys = r.selectorKeys;
  if (keys !== null) {
    const labels = node.node.metadata?.labels;
    if (labels == null) return false;
    for (let i = 0; i < keys.length; i++) {
      const v: unknown = labels[keys[i]!];
      if (v !== r.selectorValues[i]) return false;
    }
  }
  return r.terms === null || selectorMatches(r.terms, node.node, node.name);
}

/**
 * Node names the pod can only go to, from required terms whose matchFields say
 * `metadata.name In [...]` (intersected within a term, united across terms). Undefined when
 * some term does not restrict names; an empty set means the terms contradict each other.
 */
function nodeNamesFromTerms(terms: readonly NodeSelectorTerm[]): Set<string> | undefined {
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== OBJECT_NAME_FIELD || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames === undefined ? s : new Set([...termNames].filter((n) => s.has(n)));
    }
    if (termNames === undefined) return undefined;
    names ??= new Set();
    for (const n of termNames) names.add(n);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// The plugin

export type NodeAffinityPlugin = PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;

/** NodeAffinity with the profile's NodeAffinityArgs. Throws when addedAffinity does not parse. */
export function nodeAffinity(args: NodeAffinityArgs = {}): NodeAffinityPlugin {
  const addedRequired = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const addedSelector = addedRequired == null ? null : compileNodeSelector(addedRequired);
  const addedPreferredSpec = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const addedPreferred = addedPreferredSpec.length === 0 ? null : compilePreferred(addedPreferredSpec);

  function preFilter(cycle: CycleState, pod: Pod): { status: Status; result?: PreFilterResult } {
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required == null && addedSelector === null && pod.spec?.nodeSelector == null) return { status: SKIP };
    cycle.write(PRE_FILTER_KEY, requiredNodeAffinity(pod));
    const terms = required?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return { status: SUCCESS };
    const nodeNames = nodeNamesFromTerms(terms);
    if (nodeNames === undefined) return { status: SUCCESS };
    if (nodeNames.size === 0) return { status: status('UnschedulableAndUnresolvable', ERR_REASON_CONFLICT) };
    return { status: SUCCESS, result: { nodeNames } };
  }

  function filter(cycle: CycleState, pod: Pod, node: NodeInfo): Status {
    if (addedSelector !== null && !selectorMatches(addedSelector, node.node, node.name)) {
      return status('UnschedulableAndUnresolvable', ERR_REASON_ENFORCED);
    }
    const r = cycle.read<RequiredNodeAffinity>(PRE_FILTER_KEY) ?? requiredNodeAffinity(pod);
    return requiredMatches(r, node) ? SUCCESS : status('UnschedulableAndUnresolvable', ERR_REASON_POD);
  }

  /** The pod's preferred terms, null when it has none; throws when one does not parse. */
  function podPreferred(pod: Pod): WeightedTerm[] | null {
    const terms = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    return terms == null ? null : compilePreferred(terms);
  }

  function preScore(cycle: CycleState, pod: Pod): Status {
    let preferred: WeightedTerm[] | null;
    try {
      preferred = podPreferred(pod);
    } catch (e) {
      return status('Error', (e as Error).message);
    }
    if (preferred === null && addedPreferred === null) return SKIP;
    cycle.write(PRE_SCORE_KEY, preferred ?? []);
    return SUCCESS;
  }

  function score(cycle: CycleState, pod: Pod, node: NodeInfo): number {
    let count = addedPreferred === null ? 0 : preferredScore(addedPreferred, node);
    const preferred = cycle.read<WeightedTerm[]>(PRE_SCORE_KEY) ?? podPreferred(pod);
    if (preferred !== null) count += preferredScore(preferred, node);
    return count;
  }

  function normalizeScore(_cycle: CycleState, _pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(scores, false);
  }

  const addedSpecific = readsNodeIdentity(args.addedAffinity);
  return registerFastHint(
    { name: 'NodeAffinity', preFilter, filter, preScore, score, normalizeScore } satisfies NodeAffinityPlugin,
    {
      groupLevel: {
        nodeSpecific: (pod: Pod) => addedSpecific || readsNodeIdentity(pod.spec?.affinity?.nodeAffinity, pod.spec?.nodeSelector),
        // Filter reads the pod through requiredNodeAffinity: nodeSelector and the required terms.
        podKey: (pod: Pod) => {
          const sel = pod.spec?.nodeSelector;
          const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
          return sel == null && req == null ? '' : keyBySpec(filterKeys, pod, () => JSON.stringify([sel ?? null, req ?? null]));
        },
        // Score reads the pod through its preferred terms (addedPreferred is the instance's).
        scorePodKey: (pod: Pod) => {
          const pref = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
          return pref == null ? '' : keyBySpec(scoreKeys, pod, () => JSON.stringify(pref));
        },
      },
      preScoreNodesUnread: true,
    },
  );
}

/** The hint keys by frozen spec object: pods of one ReplicaSet share theirs (by reference). */
const filterKeys = new WeakMap<object, string>();
const scoreKeys = new WeakMap<object, string>();

/** `make()` for the pod's spec, kept per spec when the pod and its spec are frozen (stored). */
function keyBySpec(memo: WeakMap<object, string>, pod: Pod, make: () => string): string {
  const spec = pod.spec!;
  const hit = memo.get(spec);
  if (hit !== undefined) return hit;
  const key = make();
  if (Object.isFrozen(pod) && Object.isFrozen(spec)) memo.set(spec, key);
  return key;
}

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

function termReadsNodeIdentity(t: NodeSelectorTerm | undefined): boolean {
  if (t == null) return false;
  if ((t.matchFields?.length ?? 0) > 0) return true;
  for (const e of t.matchExpressions ?? []) if (e.key === HOSTNAME_LABEL) return true;
  return false;
}

/**
 * Whether node affinity terms (or a nodeSelector) read the node's name (matchFields) or its
 * kubernetes.io/hostname label: then Filter and Score differ between nodes whose other labels
 * are equal, and the indexed cycle evaluates them node by node.
 */
export function readsNodeIdentity(a: NodeAffinitySpec | undefined, nodeSelector?: Readonly<Record<string, string>> | null): boolean {
  if (nodeSelector != null && Object.hasOwn(nodeSelector, HOSTNAME_LABEL)) return true;
  if (a == null) return false;
  for (const t of a.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) if (termReadsNodeIdentity(t)) return true;
  for (const t of a.preferredDuringSchedulingIgnoredDuringExecution ?? []) if (termReadsNodeIdentity(t.preference)) return true;
  return false;
}
