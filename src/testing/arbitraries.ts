/**
 * fast-check arbitraries for the things a cluster is built from and fed with: node shorthands
 * and node sets (zones, taints, labels, sizes), pods and pod templates, Deployments, Services,
 * PodDisruptionBudgets, and any valid manifest. Every value is valid as generated: applying it
 * to a cluster never throws. Names come from small pools on purpose — collisions (two
 * operations on the same Deployment, a Service selecting another's pods) find the bugs.
 *
 * Operation sequences (user operations mixed with faults at virtual times) live in
 * commands.ts, as fast-check model-based commands.
 */
import fc from 'fast-check';
import type { NodeShorthand, Taint } from '../index.js';

/** Image behaviour profiles for the images the arbitraries use: varied but known timings. */
export const defaultImages: Readonly<Record<string, { pullTime: string; startupTime: string; readinessDelay?: string }>> = {
  'app:v1': { pullTime: '1s', startupTime: '500ms' },
  'app:v2': { pullTime: '2s', startupTime: '1s', readinessDelay: '1s' },
  'app:v3': { pullTime: '3s', startupTime: '500ms' },
  'app:v4': { pullTime: '1s', startupTime: '2s', readinessDelay: '2s' },
};
export const IMAGES = Object.keys(defaultImages);

export const APP_NAMES = ['web', 'api', 'db'] as const;
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface NodeArbOptions {
  /** Zones to place nodes in (default none). */
  readonly zones?: readonly string[];
  /** Allow taints (default true). */
  readonly taints?: boolean;
}

export const taint: fc.Arbitrary<Taint> = fc.record({
  key: fc.constantFrom('dedicated', 'gpu', 'spot'),
  value: fc.constantFrom('true', 'team-a'),
  effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute'),
});

/** One node as a createCluster shorthand, without a name (nodeSet names them). */
export function node(opts: NodeArbOptions = {}): fc.Arbitrary<NodeShorthand> {
  const zones = opts.zones ?? [];
  return fc
    .record({
      cpu: fc.constantFrom('1', '2', '4', '8', '1500m'),
      memory: fc.constantFrom('1Gi', '2Gi', '4Gi', '16Gi'),
      pods: fc.constantFrom(4, 10, 110),
      zone: zones.length > 0 ? fc.constantFrom(...zones) : fc.constant(undefined),
      disk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
      taints: opts.taints === false ? fc.constant([]) : fc.uniqueArray(taint, { maxLength: 2, selector: (t) => `${t.key}:${t.effect}` }),
    })
    .map(({ cpu, memory, pods, zone, disk, taints }) => ({
      cpu,
      memory,
      pods,
      ...(zone !== undefined ? { zone } : {}),
      ...(disk !== undefined ? { labels: { disktype: disk } } : {}),
      ...(taints.length > 0 ? { taints } : {}),
    }));
}

/** 1..max nodes named node-1, node-2, ...: a createCluster `nodes` value. */
export function nodeSet(opts: NodeArbOptions & { minNodes?: number; maxNodes?: number } = {}): fc.Arbitrary<NodeShorthand[]> {
  return fc
    .array(node(opts), { minLength: opts.minNodes ?? 1, maxLength: opts.maxNodes ?? 5 })
    .map((nodes) => nodes.map((n, i) => ({ name: `node-${i + 1}`, ...n })));
}

/** Container resource requests (and sometimes equal limits). */
export const resources = fc
  .record({
    cpu: fc.constantFrom('50m', '100m', '250m', '500m', '1', '3'),
    memory: fc.constantFrom('32Mi', '64Mi', '256Mi', '1Gi'),
    limits: fc.boolean(),
  })
  .map(({ cpu, memory, limits }) => (limits ? { requests: { cpu, memory }, limits: { cpu, memory } } : { requests: { cpu, memory } }));

const toleration = fc.record({
  key: fc.constantFrom('dedicated', 'gpu', 'spot'),
  operator: fc.constantFrom('Equal', 'Exists'),
  value: fc.constantFrom('true', 'team-a'),
  effect: fc.constantFrom('NoSchedule', 'NoExecute', undefined),
}).map(({ key, operator, value, effect }) => ({ key, operator, ...(operator === 'Equal' ? { value } : {}), ...(effect ? { effect } : {}) }));

export interface PodTemplateOptions {
  /** Labels the template must carry (a Deployment's selector). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Add scheduling constraints (nodeSelector, tolerations, node affinity); default true. */
  readonly constraints?: boolean;
  readonly images?: readonly string[];
}

/** A pod template: metadata.labels and a spec with one or two containers. */
export function podTemplate(opts: PodTemplateOptions = {}) {
  const images = opts.images ?? IMAGES;
  const constraints = opts.constraints ?? true;
  return fc
    .record({
      image: fc.constantFrom(...images),
      resources,
      sidecar: fc.boolean(),
      nodeSelector: constraints ? fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }) : fc.constant(undefined),
      zoneAffinity: constraints ? fc.option(fc.constantFrom('zone-a', 'zone-b'), { nil: undefined }) : fc.constant(undefined),
      tolerations: constraints ? fc.array(toleration, { maxLength: 2 }) : fc.constant([]),
    })
    .map(({ image, resources: res, sidecar, nodeSelector, zoneAffinity, tolerations }) => ({
      metadata: { labels: { ...(opts.labels ?? { app: 'web' }) } },
      spec: {
        containers: [
          { name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }], resources: res },
          ...(sidecar ? [{ name: 'sidecar', image: 'app:v1', resources: { requests: { cpu: '50m', memory: '32Mi' } } }] : []),
        ],
        ...(nodeSelector ? { nodeSelector: { disktype: nodeSelector } } : {}),
        ...(zoneAffinity
          ? {
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_LABEL, operator: 'In', values: [zoneAffinity] }] }],
                  },
                },
              },
            }
          : {}),
        ...(tolerations.length > 0 ? { tolerations } : {}),
      },
    }));
}

/** A bare pod manifest named from `names` (default pod-0..pod-9), labelled app=<app>. */
export function pod(opts: PodTemplateOptions & { names?: readonly string[] } = {}) {
  const names = opts.names ?? Array.from({ length: 10 }, (_, i) => `pod-${i}`);
  return fc
    .record({ name: fc.constantFrom(...names), app: fc.constantFrom(...APP_NAMES) })
    .chain(({ name, app }) =>
      podTemplate({ ...opts, labels: opts.labels ?? { app } }).map((t) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...t.metadata }, spec: t.spec })),
    );
}

const intOrPercent = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0%', '25%', '50%', '100%'));
const isZero = (v: number | string) => v === 0 || v === '0%';

/** A RollingUpdate strategy with valid maxSurge/maxUnavailable (not both zero), or Recreate. */
export const deploymentStrategy = fc.oneof(
  { weight: 4, arbitrary: fc.record({ maxSurge: intOrPercent, maxUnavailable: intOrPercent }).filter((r) => !(isZero(r.maxSurge) && isZero(r.maxUnavailable))).map((rollingUpdate) => ({ type: 'RollingUpdate', rollingUpdate })) },
  { weight: 1, arbitrary: fc.constant({ type: 'Recreate' }) },
);

export interface DeploymentArbOptions extends PodTemplateOptions {
  readonly names?: readonly string[];
  readonly maxReplicas?: number;
}

/** A Deployment named from `names` (default web/api/db) selecting app=<name>. */
export function deployment(opts: DeploymentArbOptions = {}) {
  return fc.constantFrom(...(opts.names ?? APP_NAMES)).chain((name) =>
    fc
      .record({
        replicas: fc.integer({ min: 0, max: opts.maxReplicas ?? 4 }),
        strategy: deploymentStrategy,
        template: podTemplate({ ...opts, labels: { app: name } }),
        extraLabels: fc.option(fc.constant({ expose: 'true' }), { nil: undefined }),
      })
      .map(({ replicas, strategy, template, extraLabels }) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels: { app: name, ...(extraLabels ?? {}) } },
        spec: { replicas, selector: { matchLabels: { app: name } }, strategy, template },
      })),
  );
}

/** A ClusterIP (or headless, or NodePort) Service selecting app=<one of APP_NAMES>. */
export function service(opts: { names?: readonly string[] } = {}) {
  return fc
    .record({
      name: fc.constantFrom(...(opts.names ?? ['front', 'back', 'all'])),
      app: fc.constantFrom(...APP_NAMES),
      type: fc.constantFrom('ClusterIP', 'ClusterIP', 'NodePort', 'Headless'),
      targetPort: fc.constantFrom<number | string>(8080, 'http', 9090),
      publishNotReadyAddresses: fc.boolean(),
    })
    .map(({ name, app, type, targetPort, publishNotReadyAddresses }) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: {
        selector: { app },
        ...(type === 'Headless' ? { clusterIP: 'None' } : { type }),
        ports: [{ name: 'http', port: 80, targetPort }],
        ...(publishNotReadyAddresses ? { publishNotReadyAddresses } : {}),
      },
    }));
}

/** A policy/v1 PodDisruptionBudget over app=<one of APP_NAMES>: minAvailable or maxUnavailable. */
export function podDisruptionBudget() {
  return fc
    .record({ app: fc.constantFrom(...APP_NAMES), field: fc.constantFrom('minAvailable', 'maxUnavailable'), value: intOrPercent })
    .map(({ app, field, value }) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: `${app}-pdb` },
      spec: { selector: { matchLabels: { app } }, [field]: value },
    }));
}

/** Any of the manifests above. */
export function manifest() {
  return fc.oneof(deployment(), service(), podDisruptionBudget(), pod());
}
