/**
 * The kubectl verbs that edit workloads, as pure functions from the stored object to the
 * object to write: scale, set image, run, and the rollout family (status, history, undo, pause,
 * resume, restart). kubectl does these on the client side with reads and patches; so do we,
 * and the Cluster facade writes the result through the usual API path.
 *
 * @see kubernetes/kubectl pkg/cmd/rollout, pkg/polymorphichelpers (rollback.go, history.go,
 *      rollout_status.go, objectrestarter.go, objectpauser.go)
 */
import { BadRequestError } from '../model/errors.js';
import { copyJson } from '../model/json.js';
import { resolveResource, type KindInfo } from '../model/kinds.js';
import type { Deployment, KubeObject, PodSpec, PodTemplateSpec, ReplicaSet, StoredObject } from '../model/types.js';

/** What names a workload: `deployment/web`, `deploy/web`, or `{ kind, name, namespace? }`. */
export type WorkloadRef = string | { readonly kind: string; readonly name: string; readonly namespace?: string };

export interface ResolvedRef {
  readonly info: KindInfo;
  readonly name: string;
  readonly namespace: string | undefined;
}

export function resolveRef(ref: WorkloadRef, namespace?: string): ResolvedRef {
  let kind: string;
  let name: string;
  let ns = namespace;
  if (typeof ref === 'string') {
    const slash = ref.indexOf('/');
    if (slash <= 0 || slash === ref.length - 1) {
      throw new BadRequestError(`error: arguments in resource/name form must have a single resource and name, got "${ref}"`);
    }
    kind = ref.slice(0, slash);
    name = ref.slice(slash + 1);
  } else {
    if (ref === null || typeof ref !== 'object' || typeof ref.kind !== 'string' || typeof ref.name !== 'string') {
      throw new BadRequestError('a workload reference is "kind/name" or { kind, name, namespace? }');
    }
    kind = ref.kind;
    name = ref.name;
    ns = ref.namespace ?? ns;
  }
  const info = resolveResource(kind);
  return { info, name, namespace: info.namespaced ? (ns ?? 'default') : undefined };
}

type Draft<S> = Omit<KubeObject, 'metadata' | 'spec'> & { spec: S; metadata: Record<string, unknown> };

/** A mutable copy without resourceVersion: the write is unconditional, as kubectl's patches are. */
function draftOf<S>(obj: object): Draft<S> {
  const next = copyJson(obj) as unknown as Draft<S>;
  delete next.metadata.resourceVersion;
  return next;
}

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'ReplicationController']);

/** kubectl scale: spec.replicas through the scale subresource (no resourceVersion check). */
export function scaled(obj: StoredObject, replicas: number): KubeObject {
  if (!SCALABLE.has(obj.kind)) {
    throw new BadRequestError(`cannot scale ${obj.kind.toLowerCase()} "${obj.metadata.name}": scaling is supported for deployments, replicasets and replicationcontrollers`);
  }
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new BadRequestError(`error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0 (got ${replicas})`);
  }
  const next = draftOf<{ replicas?: number }>(obj);
  next.spec.replicas = replicas;
  return next as KubeObject;
}

function podSpecOf(obj: KubeObject): PodSpec | undefined {
  if (obj.kind === 'Pod') return obj.spec as PodSpec;
  return (obj.spec as { template?: PodTemplateSpec } | undefined)?.template?.spec;
}

/** kubectl set image: one container (or '*' for all) in a pod or a workload's template. */
export function withImage(obj: StoredObject, container: string, image: string): KubeObject {
  const next = draftOf<unknown>(obj) as KubeObject;
  const spec = podSpecOf(next);
  if (!spec) throw new BadRequestError(`error: ${obj.kind.toLowerCase()} "${obj.metadata.name}" has no pod template`);
  let found = false;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (container === '*' || c.name === container) {
      c.image = image;
      found = true;
    }
  }
  if (!found) throw new BadRequestError(`error: unable to find container named "${container}"`);
  return next;
}

export interface RunOptions {
  readonly image: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** kubectl run NAME --image=IMG: a bare Pod labelled run=NAME with one container named NAME. */
export function runPod(name: string, opts: RunOptions): KubeObject {
  if (!opts || typeof opts.image !== 'string' || opts.image === '') throw new BadRequestError('error: required flag(s) "image" not set');
  const container: Record<string, unknown> = { name, image: opts.image };
  if (opts.port !== undefined) container.ports = [{ containerPort: opts.port }];
  if (opts.command) container.command = [...opts.command];
  if (opts.env) container.env = Object.keys(opts.env).sort().map((k) => ({ name: k, value: opts.env![k] }));
  if (opts.requests || opts.limits) container.resources = { ...(opts.requests ? { requests: { ...opts.requests } } : {}), ...(opts.limits ? { limits: { ...opts.limits } } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace, labels: opts.labels ? { ...opts.labels } : { run: name } },
    spec: { containers: [container], restartPolicy: opts.restartPolicy ?? 'Always' },
  };
}

export interface RolloutStatus {
  readonly done: boolean;
  /** kubectl's line, e.g. `deployment "web" successfully rolled out`. */
  readonly message: string;
  /** Set when kubectl would exit with an error (progress deadline exceeded). */
  readonly error?: string;
}

/** The deployment with the template and annotations `rollout undo` writes back. */
export function withRolledBackTemplate(d: Deployment, template: PodTemplateSpec, annotations: Record<string, string>): KubeObject {
  const next = draftOf<{ template: PodTemplateSpec }>(d);
  next.spec.template = template;
  next.metadata.annotations = annotations;
  return next as KubeObject;
}

/** kubectl rollout status for a Deployment (DeploymentStatusViewer). */
export function deploymentRolloutStatus(d: Deployment): RolloutStatus {
  const name = d.metadata?.name ?? '';
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const error = `deployment "${name}" exceeded its progress deadline`;
    return { done: false, message: `error: ${error}`, error };
  }
  const replicas = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < replicas) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...` };
  }
  if (total > updated) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  }
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

export function requireDeployment(obj: StoredObject, verb: string): Deployment {
  if (obj.kind !== 'Deployment') {
    throw new BadRequestError(`error: ${verb} is not supported for ${obj.kind.toLowerCase()}/${obj.metadata.name} in kubesim (deployments only)`);
  }
  return obj as unknown as Deployment;
}

/** pause/resume: spec.paused (kubectl errors when it is already in that state). */
export function withPaused(d: Deployment, paused: boolean): KubeObject {
  if ((d.spec?.paused ?? false) === paused) {
    throw new BadRequestError(`error: deployments.apps "${d.metadata?.name}" is ${paused ? 'already paused' : 'not paused'}`);
  }
  const next = draftOf<{ paused?: boolean }>(d);
  if (paused) next.spec.paused = true;
  else delete next.spec.paused;
  return next as KubeObject;
}

/** restart: the template annotation kubectl.kubernetes.io/restartedAt = now (RFC 3339). */
export function withRestartedAt(d: Deployment, now: string): KubeObject {
  if (d.spec?.paused) {
    throw new BadRequestError(`error: deployments.apps "${d.metadata?.name}" can't restart paused deployment (run rollout resume first)`);
  }
  const next = draftOf<{ template: PodTemplateSpec }>(d);
  const meta = (next.spec.template.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), 'kubectl.kubernetes.io/restartedAt': now };
  return next as KubeObject;
}

/** The ReplicaSets of a deployment, for history and undo. */
export function ownedReplicaSets(d: Deployment, replicaSets: readonly StoredObject[]): ReplicaSet[] {
  const uid = d.metadata?.uid;
  return replicaSets.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === uid)) as unknown as ReplicaSet[];
}
