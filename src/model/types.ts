/**
 * The Kubernetes object types kubesim models, re-exported from `kubernetes-types` (types only,
 * no runtime code), plus the few shapes of our own that every layer shares.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

export type {
  Pod,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  Container,
  ContainerStatus,
  Node,
  NodeSpec,
  NodeStatus,
  Namespace,
  ReplicationController,
  Service,
  ServicePort,
  Endpoints,
  Event,
  Taint,
  Toleration,
  ResourceRequirements,
} from 'kubernetes-types/core/v1.js';
export type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
export type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
export type { Ingress } from 'kubernetes-types/networking/v1.js';
export type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
export type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
export type { Lease } from 'kubernetes-types/coordination/v1.js';
export type {
  ObjectMeta,
  LabelSelector,
  LabelSelectorRequirement,
  OwnerReference,
  Condition,
} from 'kubernetes-types/meta/v1.js';

/** Any object the store holds: Kubernetes JSON with apiVersion, kind and metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** An object as stored: kind, metadata.name and a resourceVersion are always present. */
export type StoredObject<T extends KubeObject = KubeObject> = T & {
  readonly kind: string;
  readonly metadata: ObjectMeta & { name: string; resourceVersion: string; uid: string };
};

/** Labels as Kubernetes stores them: string to string. */
export type Labels = Readonly<Record<string, string>>;
