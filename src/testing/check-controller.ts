/**
 * checkController: property-based testing of a reconciler in its cluster. fast-check
 * generates sequences of user operations and faults (model-based commands), the harness runs
 * each against a fresh cluster where the reconciler runs beside the built-in controllers,
 * checks the `always` invariants after every committed step and the `settled` ones whenever
 * the cluster goes quiet with no fault in force, and at the end recovers every fault, settles
 * and checks convergence. A failure is shrunk and reported with the operation list, the
 * `{ seed, path }` that replays it, the run's trace hash and its event timeline.
 */
import fc from 'fast-check';
import {
  createCluster,
  InternalError,
  KubesimError,
  type Cluster,
  type ClusterOptions,
  type ClusterState,
  type Duration,
  type Reconciler,
} from '../index.js';
import { defaultImages } from './arbitraries.js';
import { faultsOf, hasFaults, initialModel, operations, recoverAll, type OperationOptions, type SimCommand, type SimModel, type SimReal, type StepOptions } from './commands.js';
import { builtinInvariants, formatMs, type Invariant, type InvariantContext } from './invariants.js';
import { kindsReadBy } from './define-invariant.js';
import { formatTimeline, recordTimeline, type TimelineEntry } from './timeline.js';

export interface CheckControllerOptions {
  /** The reconciler under test, registered beside the built-in controllers. */
  readonly reconciler?: Reconciler;
  /** More reconcilers to register (e.g. several of yours). */
  readonly reconcilers?: readonly Reconciler[];
  /** createCluster options; default 3 nodes in zones a..c with `defaultImages`. */
  readonly cluster?: ClusterOptions;
  /** Runs once on each fresh cluster before the operations (apply a baseline). */
  readonly setup?: (cluster: Cluster) => void;
  /** Tunes the default operation mix (ignored when `commands` is given). */
  readonly operations?: OperationOptions;
  /** The command arbitraries to draw from; default `operations(opts.operations)`. */
  readonly commands?: readonly fc.Arbitrary<SimCommand>[];
  /** What must hold; default `builtinInvariants`. */
  readonly invariants?: readonly Invariant[];
  /** How long `settle` may take in virtual time (default 10m). */
  readonly settle?: { readonly timeout?: Duration };
  /** Runs (default 30); `seed` pins fast-check's seed (default 1). */
  readonly numRuns?: number;
  readonly seed?: number;
  /** Replay one case: the `path` (and `replayPath`) a failure printed. */
  readonly path?: string;
  readonly replayPath?: string;
  /** Longest operation list (default 15). */
  readonly maxCommands?: number;
  /**
   * Check `always` invariants after every committed write, not just every operation (default
   * true). Invariants that declared the kinds they read (the built-in ones do) are skipped
   * after writes that changed none of those kinds.
   */
  readonly checkEveryStep?: boolean;
  readonly verbose?: boolean;
  /** Where verbose lines go (default console.log). */
  readonly log?: (line: string) => void;
}

export interface CheckResult {
  readonly numRuns: number;
  readonly seed: number;
}

/** One executed operation, at the virtual time it started. */
export interface OperationRecord {
  readonly tMs: number;
  readonly label: string;
  /** Set by the harness itself (setup, recovery, the final settle), not by a generated command. */
  readonly harness?: boolean;
  note?: string;
}

/** What one run did: enough to print and compare. */
export interface RunRecord {
  readonly clusterSeed: number;
  readonly operations: readonly OperationRecord[];
  readonly timeline: readonly TimelineEntry[];
  readonly traceHash: string;
  readonly error: unknown;
}

export interface ReplayResult extends RunRecord {
  readonly failed: boolean;
}

/** Thrown by checkController: the message is the whole report; the fields are for tools. */
export class ControllerCheckFailure extends Error {
  constructor(
    message: string,
    readonly seed: number,
    readonly path: string,
    readonly replayPath: string | undefined,
    readonly traceHash: string,
    readonly operations: readonly string[],
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ControllerCheckFailure';
  }
}

/** An invariant or convergence failure inside a run (what fast-check shrinks on). */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

const DEFAULT_CLUSTER: ClusterOptions = { nodes: 3, zones: 3, images: defaultImages };

/** The step runner commands drive: logs operations and checks invariants. */
class Harness implements SimReal {
  readonly ops: OperationRecord[] = [];
  private baseline: ClusterState | undefined;
  private disrupted = false;
  private before: ClusterState;
  private stepViolation: string | undefined;
  private lastChecked: ClusterState | undefined;
  /** Which step `lastChecked` was checked in: within one step the context does not change. */
  private lastCheckedStep = -1;
  private stepNo = 0;
  /**
   * The kinds the `always` invariants read, when every one of them declared its kinds
   * (declareKindsRead); undefined when any did not, and then every write is checked.
   */
  private readonly kindsRead: ReadonlySet<string> | undefined;
  /** The `always` invariants, each with the kinds it declared (undefined: reads anything). */
  private readonly always: readonly { readonly inv: Invariant; readonly kinds: ReadonlySet<string> | undefined }[];
  /** Per `always` invariant (same index), the state it was last checked in during this step. */
  private readonly checkedIn: (ClusterState | undefined)[];
  model: SimModel | undefined;

  constructor(
    readonly cluster: Cluster,
    private readonly invariants: readonly Invariant[],
    private readonly timeout: Duration,
    everyStep: boolean,
  ) {
    this.before = cluster.state;
    this.kindsRead = unionOfKindsRead(invariants.filter((inv) => inv.scope === 'always'));
    this.always = invariants.filter((inv) => inv.scope === 'always').map((inv) => ({ inv, kinds: kindsReadBy(inv) }));
    this.checkedIn = this.always.map(() => undefined);
    if (everyStep) cluster.on('watch', (e) => this.onWrite(e.kind));
  }

  private context(): InvariantContext {
    return { before: this.before, baseline: this.baseline, disruptedSinceBaseline: this.disrupted, faultsActive: this.model ? hasFaults(this.model) : false };
  }

  /**
   * Runs the `always` invariants once per committed state (a batch emits several writes) that
   * changed a kind they read: after a write of other kinds only, they would answer as they did.
   * When every one declared its kinds, the first such state of a step checks them all (the
   * step's context is new) and a later one those that read a kind written (per write, so a
   * batch writing pods and then ReplicaSets checks each invariant once): the others, with the
   * same context and the same objects, would answer as they did earlier in the step (the clock
   * can only clear).
   */
  private onWrite(kind: string): void {
    if (this.kindsRead !== undefined && !this.kindsRead.has(kind)) return;
    if (this.stepViolation !== undefined) return;
    const state = this.cluster.state;
    // With an undeclared invariant among them, all are checked in every state written (the
    // declared ones with it: one rule, which test/testing/invariant-kinds.test.ts pins down).
    if (this.lastCheckedStep !== this.stepNo || (this.kindsRead === undefined && state !== this.lastChecked)) {
      this.lastChecked = state;
      this.lastCheckedStep = this.stepNo;
      this.checkedIn.fill(undefined);
      this.stepViolation = this.alwaysViolations(state, undefined);
      return;
    }
    this.lastChecked = state;
    this.stepViolation = this.alwaysViolations(state, kind);
  }

  /**
   * Checks, in `state`, the `always` invariants not yet checked in it that read `kind` (all of
   * them when `kind` is undefined). When one fails, the rest are checked too, so the message
   * names every invariant failing in this state, in their order, as a check of all would.
   */
  private alwaysViolations(state: ClusterState, kind: string | undefined): string | undefined {
    let ctx: InvariantContext | undefined;
    let msgs: (string | undefined)[] | undefined;
    const run = (i: number): void => {
      this.checkedIn[i] = state;
      const r = this.always[i]!.inv(this.cluster, (ctx ??= this.context()));
      if (!r.ok) (msgs ??= [])[i] = r.message;
    };
    for (let i = 0; i < this.always.length; i++) {
      if (this.checkedIn[i] === state) continue;
      const kinds = this.always[i]!.kinds;
      if (kind === undefined || kinds === undefined || kinds.has(kind)) run(i);
    }
    if (msgs === undefined) return undefined;
    for (let i = 0; i < this.always.length; i++) if (this.checkedIn[i] !== state) run(i);
    return msgs.filter((m) => m !== undefined).join('\n');
  }

  private violations(scope: 'always' | 'all'): string | undefined {
    const ctx = this.context();
    const msgs: string[] = [];
    for (const inv of this.invariants) {
      if (scope === 'always' && inv.scope !== 'always') continue;
      const r = inv(this.cluster, ctx);
      if (!r.ok) msgs.push(r.message);
    }
    return msgs.length > 0 ? msgs.join('\n') : undefined;
  }

  step(label: string, fn: (cluster: Cluster) => void, opts: StepOptions & { harness?: boolean } = {}): void {
    const record: OperationRecord = opts.harness ? { tMs: this.cluster.now, label, harness: true } : { tMs: this.cluster.now, label };
    this.ops.push(record);
    this.stepNo += 1;
    this.before = this.cluster.state;
    if (opts.disruptive) this.disrupted = true;
    try {
      fn(this.cluster);
    } catch (e) {
      // A rejected API call is an outcome a user sees, not a bug; an internal error is.
      if (!(e instanceof KubesimError) || e instanceof InternalError) throw e;
      record.note = `rejected: ${e.message}`;
    }
    this.raise(this.stepViolation);
    // The last write of this step was checked already, with this step's context: no need again.
    // With declared kinds, writes since that check changed none the invariants read (and the
    // clock moving on can only clear violations), so that check still answers.
    const upToDate = this.kindsRead !== undefined || this.cluster.state === this.lastChecked;
    if (!upToDate || this.lastCheckedStep !== this.stepNo) this.raise(this.violations('always'));
  }

  settle(final = false): void {
    const record: OperationRecord = final ? { tMs: this.cluster.now, label: 'settle (final)', harness: true } : { tMs: this.cluster.now, label: 'settle' };
    this.ops.push(record);
    const quiet = this.cluster.settle({ timeout: this.timeout });
    record.note = quiet ? `quiet at t=${formatMs(this.cluster.now)}` : `still busy at t=${formatMs(this.cluster.now)}`;
    this.raise(this.stepViolation);
    if (this.model && hasFaults(this.model)) return;
    if (!quiet) this.raise(`the cluster did not settle within ${String(this.timeout)} of virtual time (a reconciler keeps requeueing or failing)`);
    this.raise(this.violations('all'));
    this.baseline = this.cluster.state;
    this.disrupted = false;
  }

  /** Before the first command: settle and take the first baseline, without logging a step. */
  initialSettle(): void {
    this.cluster.settle({ timeout: this.timeout });
    this.raise(this.stepViolation ?? this.violations('all'));
    this.baseline = this.cluster.state;
  }

  private raise(message: string | undefined): void {
    if (message !== undefined) throw new InvariantViolation(message);
  }
}

/** The kinds `invariants` read between them, or undefined if any did not declare its kinds. */
function unionOfKindsRead(invariants: readonly Invariant[]): ReadonlySet<string> | undefined {
  const union = new Set<string>();
  for (const inv of invariants) {
    const kinds = kindsReadBy(inv);
    if (kinds === undefined) return undefined;
    for (const k of kinds) union.add(k);
  }
  return union;
}

function reconcilersOf(opts: CheckControllerOptions): Reconciler[] {
  return [...(opts.cluster?.reconcilers ?? []), ...(opts.reconcilers ?? []), ...(opts.reconciler ? [opts.reconciler] : [])];
}

/** One case: a fresh cluster, the commands, then recovery, a final settle and every check. */
function runCase(opts: CheckControllerOptions, clusterSeed: number, cmds: Iterable<SimCommand>): RunRecord {
  const cluster = createCluster({ ...DEFAULT_CLUSTER, ...opts.cluster, seed: opts.cluster?.seed ?? clusterSeed, reconcilers: reconcilersOf(opts) });
  const timeline = recordTimeline(cluster);
  const harness = new Harness(cluster, opts.invariants ?? builtinInvariants, opts.settle?.timeout ?? '10m', opts.checkEveryStep ?? true);
  let error: unknown;
  try {
    if (opts.setup) harness.step('setup', opts.setup, { harness: true });
    harness.initialSettle();
    const model = initialModel(cluster);
    harness.model = model;
    fc.modelRun(() => ({ model, real: harness }), cmds);
    recoverAll(model, harness);
    harness.settle(true);
  } catch (e) {
    error = e;
  } finally {
    timeline.stop();
  }
  // The hash only matters for a failing or replayed run: worked out when first read (the run
  // is over, so the trace no longer changes), not after every passing run.
  let hash: string | undefined;
  return {
    clusterSeed,
    operations: harness.ops,
    timeline: timeline.entries,
    get traceHash() {
      return (hash ??= cluster.traceHash());
    },
    error,
  };
}

function commandArbs(opts: CheckControllerOptions): fc.Arbitrary<SimCommand>[] {
  if (opts.commands) return [...opts.commands];
  // Fault commands could never run on a cluster without `faults`: leave them out of the mix
  // rather than let them take the places of operations that can.
  const probe = createCluster({ ...DEFAULT_CLUSTER, ...opts.cluster, reconcilers: [] });
  return operations({ ...opts.operations, faults: (opts.operations?.faults ?? true) && faultsOf(probe) !== undefined });
}

/** The property and a handle on the last run it executed. */
function property(opts: CheckControllerOptions) {
  let last: RunRecord | undefined;
  let runs = 0;
  const arb = fc.tuple(
    fc.nat({ max: 1_000_000 }),
    fc.commands(commandArbs(opts), { maxCommands: opts.maxCommands ?? 15, size: 'max', ...(opts.replayPath !== undefined ? { replayPath: opts.replayPath } : {}) }),
  );
  const prop = fc.property(arb, ([clusterSeed, cmds]) => {
    last = runCase(opts, clusterSeed, cmds);
    runs += 1;
    if (opts.verbose) (opts.log ?? console.log)(`checkController run ${runs}: ${last.operations.length} operations, ${last.error ? 'FAILED' : 'ok'}`);
    if (last.error) throw last.error;
  });
  return { prop, last: () => last };
}

function formatOperations(ops: readonly OperationRecord[]): string[] {
  const width = Math.max(...ops.map((o) => formatMs(o.tMs).length));
  return ops.map((o, i) => `${String(i + 1).padStart(2)}. t=${formatMs(o.tMs).padEnd(width)}  ${o.label}${o.note ? `   (${o.note})` : ''}`);
}

const errorText = (e: unknown): string => (e instanceof Error ? (e instanceof InvariantViolation ? e.message : `${e.name}: ${e.message}`) : String(e));

/**
 * Runs the property; returns quietly when every run passes, throws a ControllerCheckFailure
 * with the shrunk case otherwise.
 */
export function checkController(opts: CheckControllerOptions): CheckResult {
  const seed = opts.seed ?? 1;
  const { prop } = property(opts);
  const numRuns = opts.numRuns ?? 30;
  const details = fc.check(prop, { numRuns, seed, ...(opts.path !== undefined ? { path: opts.path } : {}) });
  if (!details.failed) return { numRuns: details.numRuns, seed };
  if (!details.counterexample) throw new Error(`checkController: fast-check gave up: ${details.numSkips} skipped runs`);
  const path = details.counterexamplePath ?? '';
  const replayPath = /replayPath="([^"]*)"/.exec(String(details.counterexample[0][1]))?.[1];
  const run = replay({ ...opts, seed, path, ...(replayPath !== undefined ? { replayPath } : {}) });
  const opLabels = run.operations.filter((o) => !o.harness).map((o) => o.label);
  const who = reconcilersOf(opts).map((r) => r.name).join(', ') || 'the built-in controllers';
  const replayArgs = `seed: ${seed}, path: ${JSON.stringify(path)}${replayPath !== undefined ? `, replayPath: ${JSON.stringify(replayPath)}` : ''}`;
  const lines = [
    `checkController: ${who} failed (run ${details.numRuns} of ${numRuns}, shrunk ${details.numShrinks} times, cluster seed ${run.clusterSeed})`,
    '',
    errorText(run.failed ? run.error : details.errorInstance),
    '',
    `Operations (${opLabels.length} after shrinking, then the harness's own steps):`,
    ...formatOperations(run.operations),
    '',
    `Replay: replay({ ...options, ${replayArgs} })`,
    `Trace hash: ${run.traceHash}`,
    ...(run.failed ? [] : ['WARNING: the replay did not fail again; the run is not deterministic.']),
    '',
    'Events:',
    formatTimeline(run.timeline),
  ];
  throw new ControllerCheckFailure(lines.join('\n'), seed, path, replayPath, run.traceHash, opLabels, run.error);
}

/**
 * Re-runs exactly one case — the `{ seed, path, replayPath }` a failure printed, with the same
 * options — and returns what it did, including its trace hash.
 */
export function replay(opts: CheckControllerOptions & { readonly seed: number; readonly path: string }): ReplayResult {
  const { prop, last } = property(opts);
  const details = fc.check(prop, { seed: opts.seed, path: opts.path, endOnFailure: true, numRuns: 1 });
  const run = last();
  if (!run) throw new Error(`replay: no case ran for seed ${opts.seed} path ${opts.path}`);
  return { ...run, failed: details.failed };
}
