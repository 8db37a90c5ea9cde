/**
 * Field schema of the shared building blocks: ObjectMeta, LabelSelector, and the PodSpec with
 * everything a pod template carries. Merge keys and strategies follow the `patchStrategy` and
 * `patchMergeKey` struct tags of k8s.io/api core/v1/types.go and meta/v1/types.go.
 *
 * Deep sub-structures kubesim does not model (volume sources other than the common ones,
 * seccomp/AppArmor profiles) are `open`: their unknown fields are not reported.
 */
import { list, map, mergeList, obj, QUANTITY_MAP, STRING_MAP, type ObjectSchema, type Schema } from './types.js';

const STRINGS = list('string');

export const OWNER_REFERENCE = obj('OwnerReference', {
  apiVersion: 'string',
  kind: 'string',
  name: 'string',
  uid: 'string',
  controller: 'bool',
  blockOwnerDeletion: 'bool',
});

export const OBJECT_META = obj('ObjectMeta', {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'int64',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'int64',
  labels: STRING_MAP,
  annotations: STRING_MAP,
  ownerReferences: mergeList(OWNER_REFERENCE, 'uid'),
  finalizers: mergeList('string'),
  managedFields: list('any'),
});

export const LABEL_SELECTOR = obj('LabelSelector', {
  matchLabels: STRING_MAP,
  matchExpressions: list(obj('LabelSelectorRequirement', { key: 'string', operator: 'string', values: STRINGS })),
});

export const CONDITION = obj('Condition', {
  type: 'string',
  status: 'string',
  observedGeneration: 'int64',
  lastTransitionTime: 'time',
  lastUpdateTime: 'time',
  lastHeartbeatTime: 'time',
  lastProbeTime: 'time',
  reason: 'string',
  message: 'string',
});

const KEY_SELECTOR = obj('KeySelector', { name: 'string', key: 'string', optional: 'bool' });

const ENV_VAR = obj('EnvVar', {
  name: 'string',
  value: 'string',
  valueFrom: obj('EnvVarSource', {
    fieldRef: obj('ObjectFieldSelector', { apiVersion: 'string', fieldPath: 'string' }),
    resourceFieldRef: obj('ResourceFieldSelector', { containerName: 'string', resource: 'string', divisor: 'quantity' }),
    configMapKeyRef: KEY_SELECTOR,
    secretKeyRef: KEY_SELECTOR,
  }),
});

const ENV_FROM = obj('EnvFromSource', {
  prefix: 'string',
  configMapRef: obj('ConfigMapEnvSource', { name: 'string', optional: 'bool' }),
  secretRef: obj('SecretEnvSource', { name: 'string', optional: 'bool' }),
});

const HTTP_HEADER = obj('HTTPHeader', { name: 'string', value: 'string' });

const HANDLER_FIELDS: Record<string, Schema> = {
  exec: obj('ExecAction', { command: STRINGS }),
  httpGet: obj('HTTPGetAction', { path: 'string', port: 'intstr', host: 'string', scheme: 'string', httpHeaders: list(HTTP_HEADER) }),
  tcpSocket: obj('TCPSocketAction', { port: 'intstr', host: 'string' }),
  grpc: obj('GRPCAction', { port: 'int32', service: 'string' }),
};

const PROBE = obj('Probe', {
  ...HANDLER_FIELDS,
  initialDelaySeconds: 'int32',
  timeoutSeconds: 'int32',
  periodSeconds: 'int32',
  successThreshold: 'int32',
  failureThreshold: 'int32',
  terminationGracePeriodSeconds: 'int64',
});

const LIFECYCLE_HANDLER = obj('LifecycleHandler', { exec: HANDLER_FIELDS.exec!, httpGet: HANDLER_FIELDS.httpGet!, tcpSocket: HANDLER_FIELDS.tcpSocket!, sleep: obj('SleepAction', { seconds: 'int64' }) });

export const RESOURCE_REQUIREMENTS = obj('ResourceRequirements', {
  limits: QUANTITY_MAP,
  requests: QUANTITY_MAP,
  claims: list(obj('ResourceClaim', { name: 'string', request: 'string' })),
});

const SECURITY_CONTEXT_OPEN = obj('SecurityContext', {}, { open: true });

export const CONTAINER_PORT = obj('ContainerPort', {
  name: 'string',
  hostPort: 'int32',
  containerPort: 'int32',
  protocol: 'string',
  hostIP: 'string',
});

export const CONTAINER = obj('Container', {
  name: 'string',
  image: 'string',
  command: STRINGS,
  args: STRINGS,
  workingDir: 'string',
  ports: mergeList(CONTAINER_PORT, 'containerPort'),
  envFrom: list(ENV_FROM),
  env: mergeList(ENV_VAR, 'name'),
  resources: RESOURCE_REQUIREMENTS,
  resizePolicy: list(obj('ContainerResizePolicy', { resourceName: 'string', restartPolicy: 'string' })),
  restartPolicy: 'string',
  volumeMounts: mergeList(
    obj('VolumeMount', { name: 'string', readOnly: 'bool', recursiveReadOnly: 'string', mountPath: 'string', subPath: 'string', mountPropagation: 'string', subPathExpr: 'string' }),
    'mountPath',
  ),
  volumeDevices: mergeList(obj('VolumeDevice', { name: 'string', devicePath: 'string' }), 'devicePath'),
  livenessProbe: PROBE,
  readinessProbe: PROBE,
  startupProbe: PROBE,
  lifecycle: obj('Lifecycle', { postStart: LIFECYCLE_HANDLER, preStop: LIFECYCLE_HANDLER }),
  terminationMessagePath: 'string',
  terminationMessagePolicy: 'string',
  imagePullPolicy: 'string',
  securityContext: SECURITY_CONTEXT_OPEN,
  stdin: 'bool',
  stdinOnce: 'bool',
  tty: 'bool',
});

const EPHEMERAL_CONTAINER = obj('EphemeralContainer', { ...CONTAINER.fields, targetContainerName: 'string' });

const OPEN_SOURCE = (go: string): ObjectSchema => obj(go, {}, { open: true });

const KEY_TO_PATH = obj('KeyToPath', { key: 'string', path: 'string', mode: 'int32' });

export const VOLUME = obj(
  'Volume',
  {
    name: 'string',
    emptyDir: obj('EmptyDirVolumeSource', { medium: 'string', sizeLimit: 'quantity' }),
    hostPath: obj('HostPathVolumeSource', { path: 'string', type: 'string' }),
    configMap: obj('ConfigMapVolumeSource', { name: 'string', items: list(KEY_TO_PATH), defaultMode: 'int32', optional: 'bool' }),
    secret: obj('SecretVolumeSource', { secretName: 'string', items: list(KEY_TO_PATH), defaultMode: 'int32', optional: 'bool' }),
    persistentVolumeClaim: obj('PersistentVolumeClaimVolumeSource', { claimName: 'string', readOnly: 'bool' }),
    projected: OPEN_SOURCE('ProjectedVolumeSource'),
    downwardAPI: OPEN_SOURCE('DownwardAPIVolumeSource'),
    csi: OPEN_SOURCE('CSIVolumeSource'),
    ephemeral: OPEN_SOURCE('EphemeralVolumeSource'),
    nfs: OPEN_SOURCE('NFSVolumeSource'),
    image: OPEN_SOURCE('ImageVolumeSource'),
  },
  { retainKeys: true },
);

const NODE_SELECTOR_REQUIREMENT = obj('NodeSelectorRequirement', { key: 'string', operator: 'string', values: STRINGS });
const NODE_SELECTOR_TERM = obj('NodeSelectorTerm', { matchExpressions: list(NODE_SELECTOR_REQUIREMENT), matchFields: list(NODE_SELECTOR_REQUIREMENT) });

const POD_AFFINITY_TERM = obj('PodAffinityTerm', {
  labelSelector: LABEL_SELECTOR,
  namespaces: STRINGS,
  topologyKey: 'string',
  namespaceSelector: LABEL_SELECTOR,
  matchLabelKeys: STRINGS,
  mismatchLabelKeys: STRINGS,
});
const WEIGHTED_POD_AFFINITY_TERM = obj('WeightedPodAffinityTerm', { weight: 'int32', podAffinityTerm: POD_AFFINITY_TERM });
const POD_AFFINITY_FIELDS = {
  requiredDuringSchedulingIgnoredDuringExecution: list(POD_AFFINITY_TERM),
  preferredDuringSchedulingIgnoredDuringExecution: list(WEIGHTED_POD_AFFINITY_TERM),
};

export const AFFINITY = obj('Affinity', {
  nodeAffinity: obj('NodeAffinity', {
    requiredDuringSchedulingIgnoredDuringExecution: obj('NodeSelector', { nodeSelectorTerms: list(NODE_SELECTOR_TERM) }),
    preferredDuringSchedulingIgnoredDuringExecution: list(obj('PreferredSchedulingTerm', { weight: 'int32', preference: NODE_SELECTOR_TERM })),
  }),
  podAffinity: obj('PodAffinity', POD_AFFINITY_FIELDS),
  podAntiAffinity: obj('PodAntiAffinity', POD_AFFINITY_FIELDS),
});

export const TOLERATION = obj('Toleration', { key: 'string', operator: 'string', value: 'string', effect: 'string', tolerationSeconds: 'int64' });

export const TOPOLOGY_SPREAD_CONSTRAINT = obj('TopologySpreadConstraint', {
  maxSkew: 'int32',
  topologyKey: 'string',
  whenUnsatisfiable: 'string',
  labelSelector: LABEL_SELECTOR,
  minDomains: 'int32',
  nodeAffinityPolicy: 'string',
  nodeTaintsPolicy: 'string',
  matchLabelKeys: STRINGS,
});

export const POD_SPEC = obj('PodSpec', {
  volumes: mergeList(VOLUME, 'name'),
  initContainers: mergeList(CONTAINER, 'name'),
  containers: mergeList(CONTAINER, 'name'),
  ephemeralContainers: mergeList(EPHEMERAL_CONTAINER, 'name'),
  restartPolicy: 'string',
  terminationGracePeriodSeconds: 'int64',
  activeDeadlineSeconds: 'int64',
  dnsPolicy: 'string',
  nodeSelector: STRING_MAP,
  serviceAccountName: 'string',
  serviceAccount: 'string',
  automountServiceAccountToken: 'bool',
  nodeName: 'string',
  hostNetwork: 'bool',
  hostPID: 'bool',
  hostIPC: 'bool',
  shareProcessNamespace: 'bool',
  securityContext: OPEN_SOURCE('PodSecurityContext'),
  imagePullSecrets: mergeList(obj('LocalObjectReference', { name: 'string' }), 'name'),
  hostname: 'string',
  subdomain: 'string',
  affinity: AFFINITY,
  schedulerName: 'string',
  tolerations: list(TOLERATION),
  hostAliases: mergeList(obj('HostAlias', { ip: 'string', hostnames: STRINGS }), 'ip'),
  priorityClassName: 'string',
  priority: 'int32',
  dnsConfig: obj('PodDNSConfig', { nameservers: STRINGS, searches: STRINGS, options: list(obj('PodDNSConfigOption', { name: 'string', value: 'string' })) }),
  readinessGates: list(obj('PodReadinessGate', { conditionType: 'string' })),
  runtimeClassName: 'string',
  enableServiceLinks: 'bool',
  preemptionPolicy: 'string',
  overhead: QUANTITY_MAP,
  topologySpreadConstraints: mergeList(TOPOLOGY_SPREAD_CONSTRAINT, 'topologyKey'),
  setHostnameAsFQDN: 'bool',
  os: obj('PodOS', { name: 'string' }),
  hostUsers: 'bool',
  schedulingGates: mergeList(obj('PodSchedulingGate', { name: 'string' }), 'name'),
  resourceClaims: mergeList(obj('PodResourceClaim', { name: 'string', resourceClaimName: 'string', resourceClaimTemplateName: 'string' }), 'name'),
  resources: RESOURCE_REQUIREMENTS,
});

export const POD_TEMPLATE_SPEC = obj('PodTemplateSpec', { metadata: OBJECT_META, spec: POD_SPEC });

/** Status blocks: conditions merge by type (patchMergeKey "type"); other fields are not checked. */
export function statusOf(go: string, fields: Record<string, Schema> = {}): ObjectSchema {
  return obj(go, { conditions: mergeList(CONDITION, 'type'), ...fields }, { open: true });
}

export const STRING_LIST = STRINGS;
export { map };
