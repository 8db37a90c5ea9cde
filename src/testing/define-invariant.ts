/**
 * What an invariant is and how one is built: a named function `(cluster, ctx?) => InvariantResult`
 * with a `scope` saying when it must hold:
 * - `always`: after every committed step (no node over-committed, no duplicate IPs, rolling-update
 *   bounds);
 * - `settled`: once the cluster is quiet and no fault is in force (Deployments converged,
 *   Endpoints exact, no orphans, pending pods explained).
 * `checkController` picks the moment by scope; called directly, an invariant checks now.
 *
 * Built-in invariants are incremental: each keeps, per cluster, what it derived at its last
 * check and brings it up to date from the objects that changed since (incremental.ts), because
 * the harness checks after every committed write and a full listing per write cost more than
 * the controllers' own work on small clusters.
 */
import type { Cluster, ClusterState } from '../index.js';

export type InvariantResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly violations: readonly string[] };

export type InvariantScope = 'always' | 'settled';

/** What a check may know beyond the cluster itself; `checkController` fills it in. */
export interface InvariantContext {
  /** The state when the current operation began. */
  readonly before: ClusterState;
  /**
   * The last state in which the cluster was settled with no fault in force, if any. Bounds
   * that only hold for changes made from a steady state (rolling updates) measure from here.
   */
  readonly baseline: ClusterState | undefined;
  /** A fault or a disruptive operation (pod deletion, pod or node relabelling) since `baseline`. */
  readonly disruptedSinceBaseline: boolean;
  /** Some fault is in force now (a failed node, zone or master, a partition, a stopped kubelet). */
  readonly faultsActive: boolean;
}

export interface Invariant {
  (cluster: Cluster, ctx?: Partial<InvariantContext>): InvariantResult;
  readonly name: string;
  readonly scope: InvariantScope;
}

/** What a check returns: the violations as readable lines (none: it holds), or a boolean. */
export type InvariantCheck = (cluster: Cluster, ctx: InvariantContext) => readonly string[] | boolean;

const OK: InvariantResult = { ok: true };

/** Virtual ms as seconds with millisecond precision: 12500 → "12.5s". */
export function formatMs(ms: number): string {
  return `${ms / 1000}s`;
}

function fullContext(cluster: Cluster, ctx: Partial<InvariantContext>): InvariantContext {
  return {
    before: ctx.before ?? cluster.state,
    baseline: ctx.baseline,
    disruptedSinceBaseline: ctx.disruptedSinceBaseline ?? false,
    faultsActive: ctx.faultsActive ?? false,
  };
}

function result(name: string, cluster: Cluster, r: readonly string[] | boolean): InvariantResult {
  const violations = r === true ? [] : r === false ? ['the check returned false'] : r;
  if (violations.length === 0) return OK;
  const shown = violations.slice(0, 20);
  const more = violations.length > shown.length ? [`... and ${violations.length - shown.length} more`] : [];
  return {
    ok: false,
    violations,
    message: `invariant ${name} violated at t=${formatMs(cluster.now)}:\n${[...shown, ...more].map((v) => `  - ${v}`).join('\n')}`,
  };
}

function named(fn: (cluster: Cluster, ctx?: Partial<InvariantContext>) => InvariantResult, name: string, scope: InvariantScope): Invariant {
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(fn, 'scope', { value: scope, enumerable: true });
  return fn as Invariant;
}

/**
 * Builds an invariant from a check returning violation lines (or false). Example:
 * `defineInvariant('at most 10 pods', (c) => c.get('pods').length <= 10)`.
 */
export function defineInvariant(name: string, check: InvariantCheck, opts: { scope?: InvariantScope } = {}): Invariant {
  return named((cluster, ctx = {}) => result(name, cluster, check(cluster, fullContext(cluster, ctx))), name, opts.scope ?? 'always');
}

/** One cluster's incremental check: derives what it needs on its first call, then updates it. */
export interface IncrementalCheck {
  check(cluster: Cluster, ctx: InvariantContext): readonly string[];
}

/** `make(cluster, { attached })`: `attached` is false for a one-off, from-scratch check. */
export type IncrementalFactory = (cluster: Cluster, opts: { readonly attached: boolean }) => IncrementalCheck;

const factories = new WeakMap<Invariant, IncrementalFactory>();

/**
 * Builds an invariant that keeps one `IncrementalCheck` per cluster (held weakly: a dropped
 * cluster drops it), so each check costs what changed since the previous one.
 */
export function defineIncrementalInvariant(name: string, make: IncrementalFactory, opts: { scope?: InvariantScope } = {}): Invariant {
  const instances = new WeakMap<Cluster, IncrementalCheck>();
  const inv = named(
    (cluster, ctx = {}) => {
      let inst = instances.get(cluster);
      if (!inst) instances.set(cluster, (inst = make(cluster, { attached: true })));
      return result(name, cluster, inst.check(cluster, fullContext(cluster, ctx)));
    },
    name,
    opts.scope ?? 'always',
  );
  factories.set(inv, make);
  return inv;
}

const kindsRead = new WeakMap<Invariant, ReadonlySet<string>>();

/**
 * Declares that `inv` reads nothing but objects of `kinds`, its context and the clock, and that
 * the clock moving on alone can only clear its violations, never add one. The harness may then
 * skip checking it after a write that changed none of those kinds (an Event, a Lease, an
 * Endpoints update): the answer would be the one it just gave. Returns `inv`.
 */
export function declareKindsRead(inv: Invariant, kinds: readonly string[]): Invariant {
  kindsRead.set(inv, new Set(kinds));
  return inv;
}

/** The kinds `inv` was declared to read (declareKindsRead), if it was. */
export function kindsReadBy(inv: Invariant): ReadonlySet<string> | undefined {
  return kindsRead.get(inv);
}

/**
 * Runs `inv` as if it had never seen `cluster`: derived from the current state alone. For tests
 * that compare an incremental invariant with a full recomputation; other invariants run as usual.
 */
export function checkFromScratch(inv: Invariant, cluster: Cluster, ctx: Partial<InvariantContext> = {}): InvariantResult {
  const make = factories.get(inv);
  if (!make) return inv(cluster, ctx);
  return result(inv.name, cluster, make(cluster, { attached: false }).check(cluster, fullContext(cluster, ctx)));
}
