/**
 * Field schema of every kind in src/model/kinds.ts, top level down. Tags as in k8s.io/api
 * (apps/v1, core/v1, discovery/v1, networking/v1, policy/v1, scheduling/v1, coordination/v1).
 */
import {
  CONDITION,
  LABEL_SELECTOR,
  OBJECT_META,
  POD_SPEC,
  POD_TEMPLATE_SPEC,
  STRING_LIST,
  TOLERATION,
  statusOf,
} from './core.js';
import { list, map, mergeList, obj, STRING_MAP, type ObjectSchema, type Schema } from './types.js';

function kind(go: string, fields: Record<string, Schema>): ObjectSchema {
  return obj(go, { apiVersion: 'string', kind: 'string', metadata: OBJECT_META, ...fields });
}

const OBJECT_REFERENCE = obj('ObjectReference', {
  kind: 'string',
  namespace: 'string',
  name: 'string',
  uid: 'string',
  apiVersion: 'string',
  resourceVersion: 'string',
  fieldPath: 'string',
});

const ROLLING_UPDATE_DEPLOYMENT = obj('RollingUpdateDeployment', { maxUnavailable: 'intstr', maxSurge: 'intstr' });

const DEPLOYMENT = kind('Deployment', {
  spec: obj('DeploymentSpec', {
    replicas: 'int32',
    selector: LABEL_SELECTOR,
    template: POD_TEMPLATE_SPEC,
    strategy: obj('DeploymentStrategy', { type: 'string', rollingUpdate: ROLLING_UPDATE_DEPLOYMENT }, { retainKeys: true }),
    minReadySeconds: 'int32',
    revisionHistoryLimit: 'int32',
    paused: 'bool',
    progressDeadlineSeconds: 'int32',
  }),
  status: statusOf('DeploymentStatus'),
});

const REPLICA_SET = kind('ReplicaSet', {
  spec: obj('ReplicaSetSpec', { replicas: 'int32', minReadySeconds: 'int32', selector: LABEL_SELECTOR, template: POD_TEMPLATE_SPEC }),
  status: statusOf('ReplicaSetStatus'),
});

const REPLICATION_CONTROLLER = kind('ReplicationController', {
  spec: obj('ReplicationControllerSpec', { replicas: 'int32', minReadySeconds: 'int32', selector: STRING_MAP, template: POD_TEMPLATE_SPEC }),
  status: statusOf('ReplicationControllerStatus'),
});

const POD = kind('Pod', {
  spec: POD_SPEC,
  status: statusOf('PodStatus'),
});

const TAINT = obj('Taint', { key: 'string', value: 'string', effect: 'string', timeAdded: 'time' });

const NODE = kind('Node', {
  spec: obj('NodeSpec', {
    podCIDR: 'string',
    podCIDRs: mergeList('string'),
    providerID: 'string',
    unschedulable: 'bool',
    taints: list(TAINT),
    configSource: obj('NodeConfigSource', {}, { open: true }),
    externalID: 'string',
  }),
  status: statusOf('NodeStatus', { addresses: mergeList(obj('NodeAddress', { type: 'string', address: 'string' }), 'type') }),
});

const NAMESPACE = kind('Namespace', {
  spec: obj('NamespaceSpec', { finalizers: STRING_LIST }),
  status: statusOf('NamespaceStatus'),
});

const SERVICE_PORT = obj('ServicePort', {
  name: 'string',
  protocol: 'string',
  appProtocol: 'string',
  port: 'int32',
  targetPort: 'intstr',
  nodePort: 'int32',
});

const SERVICE = kind('Service', {
  spec: obj('ServiceSpec', {
    ports: mergeList(SERVICE_PORT, 'port'),
    selector: STRING_MAP,
    clusterIP: 'string',
    clusterIPs: STRING_LIST,
    type: 'string',
    externalIPs: STRING_LIST,
    sessionAffinity: 'string',
    loadBalancerIP: 'string',
    loadBalancerSourceRanges: STRING_LIST,
    externalName: 'string',
    externalTrafficPolicy: 'string',
    healthCheckNodePort: 'int32',
    publishNotReadyAddresses: 'bool',
    sessionAffinityConfig: obj('SessionAffinityConfig', { clientIP: obj('ClientIPConfig', { timeoutSeconds: 'int32' }) }),
    ipFamilies: STRING_LIST,
    ipFamilyPolicy: 'string',
    allocateLoadBalancerNodePorts: 'bool',
    loadBalancerClass: 'string',
    internalTrafficPolicy: 'string',
    trafficDistribution: 'string',
  }),
  status: statusOf('ServiceStatus'),
});

const ENDPOINT_ADDRESS = obj('EndpointAddress', { ip: 'string', hostname: 'string', nodeName: 'string', targetRef: OBJECT_REFERENCE });
const ENDPOINT_PORT = obj('EndpointPort', { name: 'string', port: 'int32', protocol: 'string', appProtocol: 'string' });

const ENDPOINTS = kind('Endpoints', {
  subsets: list(obj('EndpointSubset', { addresses: list(ENDPOINT_ADDRESS), notReadyAddresses: list(ENDPOINT_ADDRESS), ports: list(ENDPOINT_PORT) })),
});

const ENDPOINT_SLICE = kind('EndpointSlice', {
  addressType: 'string',
  endpoints: list(
    obj('Endpoint', {
      addresses: STRING_LIST,
      conditions: obj('EndpointConditions', { ready: 'bool', serving: 'bool', terminating: 'bool' }),
      hostname: 'string',
      targetRef: OBJECT_REFERENCE,
      deprecatedTopology: STRING_MAP,
      nodeName: 'string',
      zone: 'string',
      hints: obj('EndpointHints', {}, { open: true }),
    }),
  ),
  ports: list(ENDPOINT_PORT),
});

const INGRESS_BACKEND = obj('IngressBackend', {
  service: obj('IngressServiceBackend', { name: 'string', port: obj('ServiceBackendPort', { name: 'string', number: 'int32' }) }),
  resource: obj('TypedLocalObjectReference', { apiGroup: 'string', kind: 'string', name: 'string' }),
});

const INGRESS = kind('Ingress', {
  spec: obj('IngressSpec', {
    ingressClassName: 'string',
    defaultBackend: INGRESS_BACKEND,
    tls: list(obj('IngressTLS', { hosts: STRING_LIST, secretName: 'string' })),
    rules: list(
      obj('IngressRule', {
        host: 'string',
        http: obj('HTTPIngressRuleValue', { paths: list(obj('HTTPIngressPath', { path: 'string', pathType: 'string', backend: INGRESS_BACKEND })) }),
      }),
    ),
  }),
  status: statusOf('IngressStatus'),
});

const EVENT = kind('Event', {
  involvedObject: OBJECT_REFERENCE,
  reason: 'string',
  message: 'string',
  source: obj('EventSource', { component: 'string', host: 'string' }),
  firstTimestamp: 'time',
  lastTimestamp: 'time',
  count: 'int32',
  type: 'string',
  eventTime: 'time',
  series: obj('EventSeries', { count: 'int32', lastObservedTime: 'time' }),
  action: 'string',
  related: OBJECT_REFERENCE,
  reportingComponent: 'string',
  reportingInstance: 'string',
});

const PRIORITY_CLASS = kind('PriorityClass', {
  value: 'int32',
  globalDefault: 'bool',
  description: 'string',
  preemptionPolicy: 'string',
});

const PDB = kind('PodDisruptionBudget', {
  spec: obj('PodDisruptionBudgetSpec', {
    minAvailable: 'intstr',
    selector: LABEL_SELECTOR,
    maxUnavailable: 'intstr',
    unhealthyPodEvictionPolicy: 'string',
  }),
  status: statusOf('PodDisruptionBudgetStatus', { disruptedPods: map('time') }),
});

const LEASE = kind('Lease', {
  spec: obj('LeaseSpec', {
    holderIdentity: 'string',
    leaseDurationSeconds: 'int32',
    acquireTime: 'time',
    renewTime: 'time',
    leaseTransitions: 'int32',
    strategy: 'string',
    preferredHolder: 'string',
  }),
});

/** Schema by kind name; kinds not listed here are not checked. */
export const KIND_SCHEMAS: Readonly<Record<string, ObjectSchema>> = {
  Deployment: DEPLOYMENT,
  EndpointSlice: ENDPOINT_SLICE,
  Endpoints: ENDPOINTS,
  Event: EVENT,
  Ingress: INGRESS,
  Lease: LEASE,
  Namespace: NAMESPACE,
  Node: NODE,
  Pod: POD,
  PodDisruptionBudget: PDB,
  PriorityClass: PRIORITY_CLASS,
  ReplicaSet: REPLICA_SET,
  ReplicationController: REPLICATION_CONTROLLER,
  Service: SERVICE,
};

export { CONDITION, TOLERATION };
