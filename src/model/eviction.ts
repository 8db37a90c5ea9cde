/**
 * The pods/eviction subresource: a deletion that asks the pod's PodDisruptionBudget first.
 * What kubectl drain, the cluster autoscaler and kubesim's node-pool controller call.
 *
 * - A pod that is Pending, Succeeded, Failed or already terminating is deleted without looking
 *   at budgets: it is not serving, so evicting it disrupts nothing (canIgnorePDB).
 * - Otherwise the budgets of the pod's namespace whose selector matches its labels are found
 *   (an empty selector matches nothing here). More than one is an error (500); none means a
 *   plain deletion.
 * - An unready pod may go without spending the budget when the budget is healthy anyway
 *   (currentHealthy >= desiredHealthy > 0), or always with unhealthyPodEvictionPolicy
 *   AlwaysAllow.
 * - Otherwise checkAndDecrement: the budget must be observed (observedGeneration >= generation)
 *   and allow a disruption; then disruptionsAllowed is decremented and the pod recorded in
 *   status.disruptedPods with the eviction time, so the disruption controller does not count it
 *   healthy while its deletion is on its way. Refusals are 429 TooManyRequests.
 * - The pod gets the DisruptionTarget=True condition (reason EvictionByEvictionAPI) and is
 *   deleted gracefully (DeleteOptions as given: grace period, preconditions).
 *
 * Everything happens in the caller's StoreBatch. All checks that can fail run before the first
 * write, so a refused eviction leaves the batch untouched even when the caller commits the
 * batch's other writes (as the sim does for a reconciler's failed action).
 *
 * Upstream retries conflicts with the PodDisruptionBudget (EvictionsRetry); one StoreBatch sees
 * every earlier write, so there are none to retry. Dry run is not modelled.
 *
 * @see kubernetes/kubernetes pkg/registry/core/pod/storage/eviction.go
 */
import { BadRequestError, ConflictError, ForbiddenError, InternalError, NotFoundError, TooManyRequestsError } from './errors.js';
import { copyJson } from './json.js';
import { labelSelectorAsSelector } from './labels/label-selector.js';
import { listObjects, type StoreBatch } from './store.js';
import { formatRFC3339 } from './time.js';
import type { Condition, LabelSelector, Pod, StoredObject } from './types.js';
import { deleteObject, updateObject, type DeleteOptions, type DeleteResult, type WriteContext } from './writes.js';

/** MaxDisruptedPodSize: evictions the disruption controller has not confirmed yet, at most. */
export const MAX_DISRUPTED_POD_SIZE = 2000;

export const EVICTION_CONDITION_REASON = 'EvictionByEvictionAPI';

/** metav1.StatusCause. */
export interface StatusCause {
  readonly type: string;
  readonly message: string;
}

/**
 * A 429 from the eviction subresource: the message kubectl prints, plus the cause naming the
 * budget (Status.details.causes, type DisruptionBudget) and the suggested retry delay.
 */
export class DisruptionBudgetError extends TooManyRequestsError {
  constructor(
    readonly causes: readonly StatusCause[],
    readonly retryAfterSeconds: number,
  ) {
    super("Cannot evict pod as it would violate the pod's disruption budget.");
  }
}

export interface EvictionResult extends DeleteResult {
  /** The budget that was charged or consulted, if any. */
  readonly pdb?: string;
}

type PodObject = StoredObject & Pod;
interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  disruptedPods?: Record<string, string>;
  conditions?: Condition[];
}
type PdbObject = StoredObject & {
  spec?: { selector?: LabelSelector; unhealthyPodEvictionPolicy?: string };
  status?: PdbStatus;
};

const PODS = { resource: 'pods', group: '' };

/** The eviction was refused before any pod was deleted because a budget is still being synced. */
function stillProcessing(pdbName: string): DisruptionBudgetError {
  return new DisruptionBudgetError([{ type: 'DisruptionBudget', message: `The disruption budget ${pdbName} is still being processed by the server.` }], 10);
}

function isPodReady(pod: PodObject): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** canIgnorePDB: terminal, pending or terminating pods disrupt nothing by leaving. */
function canIgnorePDB(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

/** shouldEnforceResourceVersion: guard against the pod turning ready between check and delete. */
function shouldEnforceResourceVersion(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp);
}

function withResourceVersion(opts: DeleteOptions, rv: string): DeleteOptions {
  return { ...opts, preconditions: { ...(opts.preconditions ?? {}), resourceVersion: rv } };
}

/** getPodDisruptionBudgets: the budgets of the pod's namespace selecting it, by name. */
export function podDisruptionBudgetsFor(batch: StoreBatch, pod: PodObject): PdbObject[] {
  const ns = pod.metadata.namespace ?? 'default';
  const out: PdbObject[] = [];
  for (const listed of listObjects(batch.base, 'PodDisruptionBudget', ns)) {
    // Re-read through the batch: an eviction earlier in this batch may have charged it.
    const pdb = batch.get('PodDisruptionBudget', ns, listed.metadata.name) as PdbObject | undefined;
    if (!pdb) continue;
    let matches: boolean;
    try {
      const selector = labelSelectorAsSelector(pdb.spec?.selector);
      matches = !selector.empty() && selector.matches(pod.metadata.labels);
    } catch {
      matches = false; // an invalid selector matches nothing
    }
    if (matches) out.push(pdb);
  }
  return out;
}

/**
 * checkAndDecrement's checks, without writing. Example: desiredHealthy 2, currentHealthy 2,
 * disruptionsAllowed 0 → 429 with cause "The disruption budget web needs 2 healthy pods and
 * has 2 currently".
 */
function checkBudget(pdb: PdbObject): void {
  const status = pdb.status ?? {};
  const name = pdb.metadata.name;
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw stillProcessing(name);
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) throw new ForbiddenError(`poddisruptionbudget.policy "${name}" is forbidden: pdb disruptions allowed is negative`);
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw new ForbiddenError(
      `poddisruptionbudget.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
    );
  }
  if (allowed === 0) {
    const message = `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`;
    throw new DisruptionBudgetError([{ type: 'DisruptionBudget', message }], 0);
  }
}

/** The write half of checkAndDecrement: one disruption spent, the pod recorded as disrupted. */
function decrement(batch: StoreBatch, pdb: PdbObject, podName: string, ctx: WriteContext): void {
  const next = copyJson(pdb) as PdbObject & { status: PdbStatus };
  const status = (next.status ??= {});
  status.disruptionsAllowed = (status.disruptionsAllowed ?? 0) - 1;
  const now = formatRFC3339(ctx.epochMs + ctx.nowMs);
  if (status.disruptionsAllowed === 0) {
    // UpdateDisruptionAllowedCondition, as the disruption controller writes it.
    const conditions = (status.conditions ??= []);
    const cond = conditions.find((c) => c.type === 'DisruptionAllowed');
    if (!cond) {
      conditions.push({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', lastTransitionTime: now, ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}) });
    } else {
      if (cond.status !== 'False') cond.lastTransitionTime = now;
      cond.status = 'False';
      cond.reason = 'InsufficientPods';
      cond.message = '';
    }
  }
  status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: now };
  updateObject(batch, next, ctx, { subresource: 'status' });
}

/** The precondition checks deleteObject would make, made before anything is written. */
function checkPreconditions(pod: PodObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  const name = pod.metadata.name;
  if (pre?.uid !== undefined && pre.uid !== '' && pre.uid !== pod.metadata.uid) {
    throw new ConflictError(PODS, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${pod.metadata.uid}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== '' && pre.resourceVersion !== pod.metadata.resourceVersion) {
    throw new ConflictError(
      PODS,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion}`,
    );
  }
}

/**
 * addConditionAndDeletePod: DisruptionTarget=True (EvictionByEvictionAPI) through the status
 * subresource, then the delete, its resourceVersion precondition moved to the version just written.
 */
function addConditionAndDeletePod(batch: StoreBatch, pod: PodObject, ctx: WriteContext, opts: DeleteOptions): DeleteResult {
  const next = copyJson(pod) as Omit<PodObject, 'status'> & { status: { conditions?: Record<string, unknown>[] } };
  const status = (next.status ??= {});
  const conditions = (status.conditions ??= []);
  const now = formatRFC3339(ctx.epochMs + ctx.nowMs);
  const at = conditions.findIndex((c) => c.type === 'DisruptionTarget');
  const old = at >= 0 ? conditions[at] : undefined;
  const cond = {
    type: 'DisruptionTarget',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: old?.status === 'True' ? old.lastTransitionTime : now,
    reason: EVICTION_CONDITION_REASON,
    message: 'Eviction API: evicting',
  };
  if (at >= 0) conditions[at] = cond;
  else conditions.push(cond);
  const written = updateObject(batch, next, ctx, { subresource: 'status' });
  const options = opts.preconditions?.resourceVersion ? withResourceVersion(opts, written.metadata.resourceVersion) : opts;
  return deleteObject(batch, 'Pod', pod.metadata.namespace, pod.metadata.name, ctx, options);
}

/** deleteObject's own check, made here so that a refused delete writes nothing. */
function validGracePeriod(opts: DeleteOptions): void {
  const g = opts.gracePeriodSeconds;
  if (g !== undefined && (!Number.isInteger(g) || g < 0)) {
    throw new BadRequestError(`gracePeriodSeconds: must be a non-negative integer, got ${g}`);
  }
}

/**
 * POST pods/NAME/eviction. Returns the deletion's result, or throws: NotFound (no such pod),
 * DisruptionBudgetError (429: the budget allows no disruption now, or is not synced yet),
 * Forbidden (a corrupt budget status), InternalError (500: more than one budget), Conflict
 * (a failed precondition).
 */
export function evictPod(
  batch: StoreBatch,
  namespace: string,
  name: string,
  ctx: WriteContext,
  deleteOptions: DeleteOptions = {},
): EvictionResult {
  const pod = batch.get('Pod', namespace, name) as PodObject | undefined;
  if (!pod) throw new NotFoundError(PODS, name);
  validGracePeriod(deleteOptions);
  const rvUnset = !deleteOptions.preconditions?.resourceVersion;

  if (canIgnorePDB(pod)) {
    const opts = shouldEnforceResourceVersion(pod) && rvUnset ? withResourceVersion(deleteOptions, pod.metadata.resourceVersion) : deleteOptions;
    checkPreconditions(pod, opts);
    return addConditionAndDeletePod(batch, pod, ctx, opts);
  }

  const pdbs = podDisruptionBudgetsFor(batch, pod);
  if (pdbs.length > 1) throw new InternalError('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const pdb = pdbs[0];
  let updateDeletionOptions = false;
  if (pdb && !isPodReady(pod)) {
    // An unready pod does not count as healthy, so removing it spends nothing, if allowed.
    const status = pdb.status ?? {};
    const desired = status.desiredHealthy ?? 0;
    if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || ((status.currentHealthy ?? 0) >= desired && desired > 0)) {
      updateDeletionOptions = true;
    }
  }
  const opts = updateDeletionOptions ? withResourceVersion(deleteOptions, pod.metadata.resourceVersion) : deleteOptions;
  try {
    checkPreconditions(pod, opts);
  } catch (e) {
    // Upstream answers a conflict on its own precondition with 429 so that clients retry.
    if (e instanceof ConflictError && updateDeletionOptions && rvUnset) throw stillProcessing(pdb!.metadata.name);
    throw e;
  }
  if (pdb && !updateDeletionOptions) {
    checkBudget(pdb);
    decrement(batch, pdb, pod.metadata.name, ctx);
  }
  const result = addConditionAndDeletePod(batch, batch.get('Pod', namespace, name) as PodObject, ctx, opts);
  return pdb ? { ...result, pdb: pdb.metadata.name } : result;
}
