/**
 * The `kind: Scenario` file (apiVersion kubesim.dev/v1alpha1) `kubesim run` executes: a cluster
 * definition (createCluster options), manifests, timed steps, and expectations on the final
 * state. This module validates untrusted YAML into typed data; every problem is a
 * ScenarioError naming the field (`steps[2].at: invalid duration "2x"`).
 *
 * ```yaml
 * apiVersion: kubesim.dev/v1alpha1
 * kind: Scenario
 * metadata: { name: zone-outage }
 * cluster: { seed: 7, zones: 3, nodes: 6, controlPlane: { masters: 3 } }
 * manifests: [ ../voting-app/vote.yaml, { inline: "apiVersion: v1 ..." } ]
 * steps:
 *   - { at: 1m, kubectl: "scale deployment vote --replicas=6" }
 *   - { at: 2m, fault: { fault: failZone, target: zone-a } }
 *   - { at: 3m, expect: [{ rollout: deployment/vote, done: true }] }
 * expect:
 *   - { kubectl: "get deploy vote -o jsonpath={.status.readyReplicas}", equals: "6", within: 2m }
 *   - { request: { from: external, to: "vote.default.svc.cluster.local:80" }, ok: true }
 * ```
 */
import { parseDuration } from '../../clock/duration.js';
import { KubesimError } from '../../model/errors.js';
import { cloneJson } from '../../model/json.js';

export const SCENARIO_API_VERSION = 'kubesim.dev/v1alpha1';

/** An invalid scenario file (exit status 2). */
export class ScenarioError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(field === '' ? message : `${field}: ${message}`);
    this.name = 'ScenarioError';
  }
}

/** A manifest: a path relative to the scenario file, inline YAML text, or an object. */
export type ManifestRef = { readonly path: string } | { readonly inline: string } | { readonly object: Record<string, unknown> };

export type Expectation =
  | { readonly kind: 'kubectl'; readonly command: string; readonly equals?: string; readonly contains?: string; readonly matches?: string; readonly fails?: boolean; readonly withinMs?: number }
  | { readonly kind: 'rollout'; readonly ref: string; readonly namespace?: string; readonly done: boolean; readonly withinMs?: number }
  | { readonly kind: 'request'; readonly from?: string; readonly to: string; readonly namespace?: string; readonly ok: boolean; readonly withinMs?: number };

export type StepAction =
  | { readonly kind: 'apply'; readonly manifests: readonly ManifestRef[] }
  | { readonly kind: 'kubectl'; readonly command: string; readonly fails?: boolean }
  | { readonly kind: 'fault'; readonly spec: { readonly fault: string; readonly target?: string; readonly sides?: readonly [string | string[], string | string[]] } }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'expect'; readonly expectations: readonly Expectation[] };

export interface Step {
  /** Virtual time (ms since the start) at which the step runs; undefined: right after the previous one. */
  readonly atMs?: number;
  readonly action: StepAction;
  readonly note?: string;
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly cluster: Record<string, unknown>;
  readonly manifests: readonly ManifestRef[];
  readonly steps: readonly Step[];
  /** Run to this virtual time before the final expectations (default: after the last step). */
  readonly durationMs?: number;
  readonly expect: readonly Expectation[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function only(o: Obj, field: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new ScenarioError(field === '' ? k : `${field}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new ScenarioError(field, `must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function duration(v: unknown, field: string): number {
  if (typeof v !== 'string' && typeof v !== 'number') throw new ScenarioError(field, `must be a duration such as "30s" or "2m", got ${JSON.stringify(v)}`);
  let ms: number;
  try {
    ms = parseDuration(v);
  } catch (e) {
    throw new ScenarioError(field, `invalid duration ${JSON.stringify(v)}${e instanceof KubesimError ? ` (${e.message})` : ''}`);
  }
  if (ms < 0) throw new ScenarioError(field, `must not be negative, got ${JSON.stringify(v)}`);
  return ms;
}

function manifestRef(v: unknown, field: string): ManifestRef {
  if (typeof v === 'string') return { path: str(v, field) };
  if (!isObj(v)) throw new ScenarioError(field, 'must be a path, { path }, { inline } or a manifest object');
  if ('path' in v && Object.keys(v).length === 1) return { path: str(v.path, `${field}.path`) };
  if ('inline' in v && Object.keys(v).length === 1) return { inline: str(v.inline, `${field}.inline`) };
  if (typeof v.kind === 'string') return { object: v };
  throw new ScenarioError(field, 'must be a path, { path }, { inline } or a manifest object with a kind');
}

function manifestList(v: unknown, field: string): ManifestRef[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return [manifestRef(v, field)];
  return v.map((m, i) => manifestRef(m, `${field}[${i}]`));
}

function expectation(v: unknown, field: string): Expectation {
  if (!isObj(v)) throw new ScenarioError(field, 'must be an object ({ kubectl }, { rollout } or { request })');
  const withinMs = v.within === undefined ? undefined : duration(v.within, `${field}.within`);
  const w = withinMs === undefined ? {} : { withinMs };
  if ('kubectl' in v) {
    only(v, field, ['kubectl', 'equals', 'contains', 'matches', 'fails', 'within']);
    const e: Obj = { kind: 'kubectl', command: str(v.kubectl, `${field}.kubectl`), ...w };
    for (const k of ['equals', 'contains', 'matches'] as const) {
      if (v[k] !== undefined) e[k] = typeof v[k] === 'number' || typeof v[k] === 'boolean' ? String(v[k]) : str(v[k], `${field}.${k}`);
    }
    if (v.matches !== undefined) {
      try {
        new RegExp(String(v.matches));
      } catch {
        throw new ScenarioError(`${field}.matches`, `invalid regular expression ${JSON.stringify(v.matches)}`);
      }
    }
    if (v.fails !== undefined) {
      if (typeof v.fails !== 'boolean') throw new ScenarioError(`${field}.fails`, 'must be true or false');
      e.fails = v.fails;
    }
    if (e.equals === undefined && e.contains === undefined && e.matches === undefined && e.fails === undefined) {
      throw new ScenarioError(field, 'a kubectl expectation needs equals, contains, matches or fails');
    }
    return e as Expectation;
  }
  if ('rollout' in v) {
    only(v, field, ['rollout', 'namespace', 'done', 'within']);
    if (typeof v.done !== 'boolean') throw new ScenarioError(`${field}.done`, 'must be true or false');
    const ns = v.namespace === undefined ? {} : { namespace: str(v.namespace, `${field}.namespace`) };
    return { kind: 'rollout', ref: str(v.rollout, `${field}.rollout`), done: v.done, ...ns, ...w };
  }
  if ('request' in v) {
    only(v, field, ['request', 'ok', 'within']);
    if (!isObj(v.request)) throw new ScenarioError(`${field}.request`, 'must be an object { from?, to, namespace? }');
    only(v.request, `${field}.request`, ['from', 'to', 'namespace']);
    if (typeof v.ok !== 'boolean') throw new ScenarioError(`${field}.ok`, 'must be true or false');
    const r = v.request;
    return {
      kind: 'request',
      to: str(r.to, `${field}.request.to`),
      ...(r.from === undefined ? {} : { from: str(r.from, `${field}.request.from`) }),
      ...(r.namespace === undefined ? {} : { namespace: str(r.namespace, `${field}.request.namespace`) }),
      ok: v.ok,
      ...w,
    };
  }
  throw new ScenarioError(field, 'must have one of kubectl, rollout or request');
}

function expectations(v: unknown, field: string): Expectation[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ScenarioError(field, 'must be a list');
  return v.map((e, i) => expectation(e, `${field}[${i}]`));
}

function fault(v: unknown, field: string): Extract<StepAction, { kind: 'fault' }>['spec'] {
  if (typeof v === 'string') {
    const [verb, ...rest] = v.trim().split(/\s+/);
    return rest.length > 0 ? { fault: verb!, target: rest.join(' ') } : { fault: verb! };
  }
  if (!isObj(v)) throw new ScenarioError(field, 'must be "failZone zone-a" or { fault, target }');
  only(v, field, ['fault', 'target', 'sides']);
  const f = str(v.fault, `${field}.fault`);
  if (v.sides !== undefined && (!Array.isArray(v.sides) || v.sides.length !== 2)) throw new ScenarioError(`${field}.sides`, 'must be two lists of node or zone names');
  return {
    fault: f,
    ...(v.target === undefined ? {} : { target: str(v.target, `${field}.target`) }),
    ...(v.sides === undefined ? {} : { sides: v.sides as [string | string[], string | string[]] }),
  };
}

const ACTIONS = ['apply', 'kubectl', 'fault', 'advance', 'expect'] as const;

function step(v: unknown, field: string): Step {
  if (!isObj(v)) throw new ScenarioError(field, 'must be an object with `at` and one of apply, kubectl, fault, advance, expect');
  only(v, field, ['at', 'note', 'fails', ...ACTIONS]);
  const present = ACTIONS.filter((a) => v[a] !== undefined);
  if (present.length !== 1) throw new ScenarioError(field, `must have exactly one of ${ACTIONS.join(', ')} (found ${present.length === 0 ? 'none' : present.join(', ')})`);
  const at = v.at === undefined ? {} : { atMs: duration(v.at, `${field}.at`) };
  const note = v.note === undefined ? {} : { note: str(v.note, `${field}.note`) };
  const a = present[0]!;
  if (v.fails !== undefined && a !== 'kubectl') throw new ScenarioError(`${field}.fails`, 'only a kubectl step may expect to fail');
  let action: StepAction;
  switch (a) {
    case 'apply':
      action = { kind: 'apply', manifests: manifestList(v.apply, `${field}.apply`) };
      break;
    case 'kubectl':
      action = { kind: 'kubectl', command: str(v.kubectl, `${field}.kubectl`), ...(v.fails === true ? { fails: true } : {}) };
      break;
    case 'fault':
      action = { kind: 'fault', spec: fault(v.fault, `${field}.fault`) };
      break;
    case 'advance':
      action = { kind: 'advance', ms: duration(v.advance, `${field}.advance`) };
      break;
    case 'expect':
      action = { kind: 'expect', expectations: expectations(v.expect, `${field}.expect`) };
      break;
  }
  return { ...at, ...note, action };
}

/** Validates parsed YAML as a Scenario. */
export function validateScenario(input: unknown): Scenario {
  let doc: unknown;
  try {
    doc = cloneJson(input, 'scenario');
  } catch (e) {
    throw new ScenarioError('', (e as Error).message);
  }
  if (!isObj(doc)) throw new ScenarioError('', 'a scenario must be a YAML mapping with apiVersion and kind');
  only(doc, '', ['apiVersion', 'kind', 'metadata', 'description', 'cluster', 'manifests', 'steps', 'duration', 'expect']);
  if (doc.apiVersion !== SCENARIO_API_VERSION) throw new ScenarioError('apiVersion', `must be "${SCENARIO_API_VERSION}", got ${JSON.stringify(doc.apiVersion)}`);
  if (doc.kind !== 'Scenario') throw new ScenarioError('kind', `must be "Scenario", got ${JSON.stringify(doc.kind)}`);
  const meta = doc.metadata === undefined ? {} : doc.metadata;
  if (!isObj(meta)) throw new ScenarioError('metadata', 'must be an object');
  const name = meta.name === undefined ? 'scenario' : str(meta.name, 'metadata.name');
  const cluster = doc.cluster === undefined ? {} : doc.cluster;
  if (!isObj(cluster)) throw new ScenarioError('cluster', 'must be an object of createCluster options');
  if (doc.steps !== undefined && !Array.isArray(doc.steps)) throw new ScenarioError('steps', 'must be a list');
  const steps = ((doc.steps as unknown[] | undefined) ?? []).map((s, i) => step(s, `steps[${i}]`));
  let last = 0;
  steps.forEach((s, i) => {
    if (s.atMs === undefined) return;
    if (s.atMs < last) throw new ScenarioError(`steps[${i}].at`, 'steps must be in time order (an earlier step has a later `at`)');
    last = s.atMs;
  });
  return {
    name,
    ...(doc.description === undefined ? {} : { description: str(doc.description, 'description') }),
    cluster,
    manifests: manifestList(doc.manifests, 'manifests'),
    steps,
    ...(doc.duration === undefined ? {} : { durationMs: duration(doc.duration, 'duration') }),
    expect: expectations(doc.expect, 'expect'),
  };
}
