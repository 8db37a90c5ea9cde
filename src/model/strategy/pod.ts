/**
 * Pod admission: v1 defaulting (SetDefaults_Pod/PodSpec/Container/Probe/...), the
 * DefaultTolerationSeconds admission plugin, and validation of pods, pod specs and pod
 * templates, including ValidatePodUpdate's "only these fields may change" rule.
 *
 * `defaultPodSpec`, `validatePodSpec` and `validatePodTemplateSpec` are shared with the
 * workload strategies (Deployment, ReplicaSet, ReplicationController), as upstream shares
 * ValidatePodTemplateSpec. Everything reads untrusted JSON through the guards of
 * ./object-meta.ts, so malformed input becomes FieldErrors, never a TypeError.
 *
 * This file is long because it mirrors one long upstream file; the sections follow it.
 *
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go
 * @see kubernetes/kubernetes pkg/apis/core/v1/defaults.go
 * @see kubernetes/kubernetes plugin/pkg/admission/defaulttolerationseconds/admission.go
 */
import { fieldError, type FieldError } from '../errors.js';
import { parseQuantity, type Quantity } from '../quantity.js';
import type { LabelSelector, Pod, PodSpec, PodTemplateSpec } from '../types.js';
import { validateLabelName, validateLabelSelector } from '../validation/labels.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../validation/names.js';
import { ValidMemo } from '../validation/memo.js';
import {
  asObject,
  at,
  child,
  IS_NEGATIVE,
  isObject,
  readArray,
  readBool,
  readInt,
  readObject,
  readObjectArray,
  readString,
  readStringMap,
  semanticEqual,
  validateAnnotations,
  validateLabelMap,
  type JsonObject,
} from './object-meta.js';
import type { Strategy } from './types.js';

// ---------------------------------------------------------------------------------------------
// Defaulting
// ---------------------------------------------------------------------------------------------

const DEFAULT_TOLERATION_SECONDS = 300;
const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** 0644, the default mode of secret, configMap, downwardAPI and projected volumes. */
const DEFAULT_VOLUME_MODE = 420;

const VOLUME_SOURCES: readonly string[] = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs',
  'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker',
  'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral',
  'image',
];

/** Go's zero value for a string or pointer field: the defaulters treat it as "unset". */
function unset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function unsetOrZero(v: unknown): boolean {
  return unset(v) || v === 0;
}

const IMAGE_REF_RE = new RegExp(
  '^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)/)?' +
    '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*' +
    '(?::[\\w][\\w.-]{0,127})?' +
    '(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$',
);

/**
 * SetDefaults_Container's pull policy: the kubelet parser (ParseImageName) reports tag
 * "latest" when an image has neither tag nor digest. A digest without a tag gives an empty
 * tag, so `img@sha256:...` is IfNotPresent; so is an unparsable reference.
 */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (!IMAGE_REF_RE.test(image)) return 'IfNotPresent';
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? named.slice(colon + 1) : at >= 0 ? '' : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(h: unknown): void {
  if (!isObject(h)) return;
  if (isObject(h.httpGet)) {
    if (unset(h.httpGet.path)) h.httpGet.path = '/';
    if (unset(h.httpGet.scheme)) h.httpGet.scheme = 'HTTP';
  }
  if (isObject(h.grpc) && h.grpc.service === undefined) h.grpc.service = '';
}

function defaultProbe(p: unknown): void {
  if (!isObject(p)) return;
  if (unsetOrZero(p.timeoutSeconds)) p.timeoutSeconds = 1;
  if (unsetOrZero(p.periodSeconds)) p.periodSeconds = 10;
  if (unsetOrZero(p.successThreshold)) p.successThreshold = 1;
  if (unsetOrZero(p.failureThreshold)) p.failureThreshold = 3;
  defaultHandler(p);
}

function defaultContainer(c: JsonObject): void {
  if (unset(c.imagePullPolicy) && (c.image === undefined || typeof c.image === 'string')) {
    c.imagePullPolicy = defaultImagePullPolicy(typeof c.image === 'string' ? c.image : '');
  }
  if (unset(c.terminationMessagePath)) c.terminationMessagePath = '/dev/termination-log';
  if (unset(c.terminationMessagePolicy)) c.terminationMessagePolicy = 'File';
  if (Array.isArray(c.ports)) {
    for (const port of c.ports) if (isObject(port) && unset(port.protocol)) port.protocol = 'TCP';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
  if (Array.isArray(c.env)) {
    for (const e of c.env) {
      if (isObject(e) && isObject(e.valueFrom) && isObject(e.valueFrom.fieldRef)) {
        if (unset(e.valueFrom.fieldRef.apiVersion)) e.valueFrom.fieldRef.apiVersion = 'v1';
      }
    }
  }
}

function defaultVolume(v: JsonObject): void {
  if (!VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = v[k];
    if (isObject(src) && unset(src.defaultMode)) src.defaultMode = DEFAULT_VOLUME_MODE;
  }
}

function eachObject(list: unknown, fn: (o: JsonObject) => void): void {
  if (Array.isArray(list)) for (const o of list) if (isObject(o)) fn(o);
}

/**
 * SetDefaults_PodSpec and the per-container defaulters: what every pod spec gets, whether in
 * a Pod or a workload's template. Pod-only defaults (requests from limits, enableServiceLinks,
 * hostNetwork host ports) are applied by podStrategy, as upstream's SetDefaults_Pod does.
 */
export function defaultPodSpec(spec: PodSpec): void {
  if (!isObject(spec)) return;
  const s = spec as unknown as JsonObject;
  if (unset(s.dnsPolicy)) s.dnsPolicy = 'ClusterFirst';
  if (unset(s.restartPolicy)) s.restartPolicy = 'Always';
  if (s.securityContext === undefined || s.securityContext === null) s.securityContext = {};
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) {
    s.terminationGracePeriodSeconds = 30;
  }
  if (unset(s.schedulerName)) s.schedulerName = 'default-scheduler';
  eachObject(s.containers, defaultContainer);
  eachObject(s.initContainers, defaultContainer);
  eachObject(s.volumes, defaultVolume);
}

/** SetDefaults_Pod: only for Pods, never templates (upstream says so explicitly). */
function defaultPodOnly(s: JsonObject): void {
  const requestsFromLimits = (c: JsonObject): void => {
    const res = c.resources;
    if (!isObject(res) || !isObject(res.limits)) return;
    if (res.requests === undefined || res.requests === null) res.requests = {};
    if (!isObject(res.requests)) return;
    for (const k of Object.keys(res.limits).sort()) {
      if (res.requests[k] === undefined) res.requests[k] = res.limits[k];
    }
  };
  eachObject(s.containers, requestsFromLimits);
  eachObject(s.initContainers, requestsFromLimits);
  if (s.enableServiceLinks === undefined || s.enableServiceLinks === null) s.enableServiceLinks = true;
  if (s.hostNetwork === true) {
    const hostPorts = (c: JsonObject): void =>
      eachObject(c.ports, (p) => {
        if (unsetOrZero(p.hostPort)) p.hostPort = p.containerPort;
      });
    eachObject(s.containers, hostPorts);
    eachObject(s.initContainers, hostPorts);
  }
}

/**
 * DefaultTolerationSeconds admission: pods that do not already tolerate the not-ready and
 * unreachable NoExecute taints get 300s tolerations, so they are evicted 5 minutes after their
 * node fails. An empty key or effect in an existing toleration counts as a match.
 */
export function addDefaultTolerationSeconds(spec: JsonObject): void {
  if (spec.tolerations !== undefined && spec.tolerations !== null && !Array.isArray(spec.tolerations)) return;
  const tolerations: unknown[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const tolerates = (key: string): boolean =>
    tolerations.some(
      (t) =>
        isObject(t) &&
        (t.key === key || unset(t.key)) &&
        (t.effect === 'NoExecute' || unset(t.effect)),
    );
  const add: JsonObject[] = [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!tolerates(key)) {
      add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
  }
  if (add.length > 0) spec.tolerations = [...tolerations, ...add];
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

const STANDARD_RESOURCES: readonly string[] = [
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers',
  'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
];
const INTEGER_RESOURCES: readonly string[] = [
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
];

const isHugePages = (n: string): boolean => n.startsWith('hugepages-');
const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
/** Extended resources (`example.com/gpu`): integers, never overcommitted. */
function isExtendedResourceName(n: string): boolean {
  if (isNativeResource(n) || n.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${n}`).length === 0;
}
const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePages(n);
const isIntegerResource = (n: string): boolean => INTEGER_RESOURCES.includes(n) || isExtendedResourceName(n);

/** A quantity from JSON (string or number); a parse failure is reported at `path`. */
export function readQuantity(raw: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    errs.push(fieldError.invalid(path, raw, 'must be a quantity string'));
    return undefined;
  }
  try {
    return parseQuantity(String(raw));
  } catch (e) {
    errs.push(fieldError.invalid(path, raw, e instanceof Error ? e.message : 'must be a valid quantity'));
    return undefined;
  }
}

/** ValidateResourceQuantityValue: non-negative, and whole for integer resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(fieldError.invalid(path, q.toString(), IS_NEGATIVE));
  if (isIntegerResource(name) && q.milliValue() % 1000 !== 0) {
    errs.push(fieldError.invalid(path, q.toString(), 'must be an integer'));
  }
  return errs;
}

/** validateContainerResourceName: standard names, or fully qualified extended resources. */
function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => fieldError.invalid(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/')) {
    if (!STANDARD_RESOURCES.includes(name) && !isHugePages(name)) {
      errs.push(fieldError.invalid(path, name, 'must be a standard resource type or fully qualified'));
    }
    if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !isHugePages(name)) {
      errs.push(fieldError.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(fieldError.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function readResourceList(v: unknown, path: string, errs: FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  const obj = readObject(v, path, errs);
  if (!obj) return out;
  for (const name of Object.keys(obj).sort()) {
    const p = at(path, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = readQuantity(obj[name], p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    out.set(name, q);
  }
  return out;
}

/** ValidateContainerResourceRequirements: names, values, and request <= limit. */
export function validateResourceRequirements(res: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = readObject(res, path, errs);
  if (!r) return errs;
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = readResourceList(r.limits, limPath, errs);
  const requests = readResourceList(r.requests, reqPath, errs);
  for (const [name, q] of requests) {
    const limit = limits.get(name);
    if (limit) {
      const c = q.cmp(limit);
      if (c !== 0 && !isOvercommitAllowed(name)) {
        errs.push(fieldError.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (c > 0) {
        errs.push(
          fieldError.invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`),
        );
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(fieldError.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  const names = [...limits.keys(), ...requests.keys()];
  if (names.some(isHugePages) && !names.some((n) => n === 'cpu' || n === 'memory')) {
    errs.push(fieldError.forbidden(path, 'HugePages require cpu or memory'));
  }
  readArray(r.claims, child(path, 'claims'), errs);
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Ports, probes, handlers
// ---------------------------------------------------------------------------------------------

const PORT_RANGE_MSG = 'must be between 1 and 65535, inclusive';
const validPortNum = (n: number): boolean => n >= 1 && n <= 65535;

/** IsValidPortName: an IANA_SVC_NAME. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  else if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** ValidatePortNumOrName for IntOrString ports. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number' && Number.isInteger(port)) {
    return validPortNum(port) ? [] : [fieldError.invalid(path, port, PORT_RANGE_MSG)];
  }
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldError.invalid(path, port, m));
  return [fieldError.invalid(path, port ?? null, 'must be an integer or a string')];
}

function validateContainerPorts(ports: unknown, path: string, errs: FieldError[]): void {
  const names = new Set<string>();
  for (const { item: p, index } of readObjectArray(ports, path, errs)) {
    const idx = at(path, index);
    const name = readString(p.name, child(idx, 'name'), errs) ?? '';
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(fieldError.invalid(child(idx, 'name'), name, m));
      else if (names.has(name)) errs.push(fieldError.duplicate(child(idx, 'name'), name));
      else names.add(name);
    }
    const containerPort = readInt(p.containerPort, child(idx, 'containerPort'), errs);
    if (containerPort === undefined || containerPort === 0) {
      if (p.containerPort === undefined || p.containerPort === null || p.containerPort === 0) {
        errs.push(fieldError.required(child(idx, 'containerPort')));
      }
    } else if (!validPortNum(containerPort)) {
      errs.push(fieldError.invalid(child(idx, 'containerPort'), containerPort, PORT_RANGE_MSG));
    }
    const hostPort = readInt(p.hostPort, child(idx, 'hostPort'), errs);
    if (hostPort !== undefined && hostPort !== 0 && !validPortNum(hostPort)) {
      errs.push(fieldError.invalid(child(idx, 'hostPort'), hostPort, PORT_RANGE_MSG));
    }
    readString(p.hostIP, child(idx, 'hostIP'), errs);
    const protocol = readString(p.protocol, child(idx, 'protocol'), errs);
    if (protocol === '' || (protocol === undefined && p.protocol === undefined)) {
      errs.push(fieldError.required(child(idx, 'protocol')));
    } else if (protocol !== undefined && !['SCTP', 'TCP', 'UDP'].includes(protocol)) {
      errs.push(fieldError.notSupported(child(idx, 'protocol'), protocol, ['SCTP', 'TCP', 'UDP']));
    }
  }
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (hooks). */
function validateHandler(h: JsonObject, path: string, grace: number | undefined, errs: FieldError[]): void {
  let count = 0;
  const one = (key: string, check: (v: JsonObject, p: string) => void): void => {
    const p = child(path, key);
    const v = readObject(h[key], p, errs);
    if (!v) return;
    if (count > 0) {
      errs.push(fieldError.forbidden(p, 'may not specify more than 1 handler type'));
      return;
    }
    count++;
    check(v, p);
  };
  one('exec', (v, p) => {
    const cmd = readArray(v.command, child(p, 'command'), errs);
    if (!cmd || cmd.length === 0) errs.push(fieldError.required(child(p, 'command')));
  });
  one('httpGet', (v, p) => {
    const hp = readString(v.path, child(p, 'path'), errs) ?? '';
    if (hp === '') errs.push(fieldError.required(child(p, 'path')));
    errs.push(...validatePortNumOrName(v.port, child(p, 'port')));
    const scheme = readString(v.scheme, child(p, 'scheme'), errs) ?? '';
    if (scheme !== 'HTTP' && scheme !== 'HTTPS') {
      errs.push(fieldError.notSupported(child(p, 'scheme'), scheme, ['HTTP', 'HTTPS']));
    }
    readObjectArray(v.httpHeaders, child(p, 'httpHeaders'), errs);
  });
  one('tcpSocket', (v, p) => errs.push(...validatePortNumOrName(v.port, child(p, 'port'))));
  one('grpc', (v, p) => {
    const port = readInt(v.port, child(p, 'port'), errs) ?? 0;
    if (!validPortNum(port)) errs.push(fieldError.invalid(child(p, 'port'), port, PORT_RANGE_MSG));
  });
  one('sleep', (v, p) => {
    const seconds = readInt(v.seconds, child(p, 'seconds'), errs) ?? 0;
    if (grace !== undefined && (seconds <= 0 || seconds > grace)) {
      errs.push(
        fieldError.invalid(
          p,
          seconds,
          `must be greater than 0 and less than terminationGracePeriodSeconds (${grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
        ),
      );
    }
  });
  if (count === 0) errs.push(fieldError.required(path, 'must specify a handler type'));
}

type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

function validateProbe(kind: ProbeKind, raw: unknown, path: string, grace: number | undefined, errs: FieldError[]): void {
  const p = readObject(raw, path, errs);
  if (!p) return;
  // Sleep is a lifecycle-only action; a probe carrying one fails the "one handler" rule.
  const { sleep: _sleep, ...probeHandlers } = p;
  validateHandler(probeHandlers, path, grace, errs);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const n = readInt(p[f], child(path, f), errs);
    if (n !== undefined && n < 0) errs.push(fieldError.invalid(child(path, f), n, IS_NEGATIVE));
  }
  const tgps = readInt(p.terminationGracePeriodSeconds, child(path, 'terminationGracePeriodSeconds'), errs);
  if (tgps !== undefined && tgps <= 0) {
    errs.push(fieldError.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  }
  if (kind !== 'readinessProbe' && typeof p.successThreshold === 'number' && p.successThreshold !== 1) {
    errs.push(fieldError.invalid(child(path, 'successThreshold'), p.successThreshold, 'must be 1'));
  }
  if (kind === 'readinessProbe' && tgps !== undefined) {
    errs.push(
      fieldError.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'),
    );
  }
}

function validateLifecycle(raw: unknown, path: string, grace: number | undefined, errs: FieldError[]): void {
  const l = readObject(raw, path, errs);
  if (!l) return;
  for (const hook of ['postStart', 'preStop']) {
    const h = readObject(l[hook], child(path, hook), errs);
    if (h) validateHandler(h, child(path, hook), grace, errs);
  }
}

// ---------------------------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------------------------

interface SpecContext {
  readonly volumes: ReadonlySet<string>;
  readonly grace: number | undefined;
}

function validateEnv(env: unknown, path: string, errs: FieldError[]): void {
  for (const { item: e, index } of readObjectArray(env, path, errs)) {
    const idx = at(path, index);
    const name = readString(e.name, child(idx, 'name'), errs) ?? '';
    if (name === '') errs.push(fieldError.required(child(idx, 'name')));
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(name)) {
      errs.push(
        fieldError.invalid(
          child(idx, 'name'),
          name,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        ),
      );
    }
    const value = readString(e.value, child(idx, 'value'), errs) ?? '';
    const from = readObject(e.valueFrom, child(idx, 'valueFrom'), errs);
    if (!from) continue;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) =>
      isObject(from[k]),
    ).length;
    const fp = child(idx, 'valueFrom');
    if (sources === 0) {
      errs.push(
        fieldError.invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'),
      );
    } else if (value !== '') {
      errs.push(fieldError.invalid(fp, '', 'may not be specified when `value` is not empty'));
    } else if (sources > 1) {
      errs.push(fieldError.invalid(fp, '', 'may not have more than one field specified at a time'));
    }
  }
}

function validateVolumeMounts(mounts: unknown, path: string, ctx: SpecContext, errs: FieldError[]): void {
  const paths = new Set<string>();
  for (const { item: m, index } of readObjectArray(mounts, path, errs)) {
    const idx = at(path, index);
    const name = readString(m.name, child(idx, 'name'), errs) ?? '';
    if (name === '') errs.push(fieldError.required(child(idx, 'name')));
    // Upstream reports field.NotFound here; kubesim's FieldError has no NotFound type.
    if (!ctx.volumes.has(name)) errs.push(fieldError.invalid(child(idx, 'name'), name, 'not found'));
    const mountPath = readString(m.mountPath, child(idx, 'mountPath'), errs) ?? '';
    if (mountPath === '') errs.push(fieldError.required(child(idx, 'mountPath')));
    if (paths.has(mountPath)) errs.push(fieldError.invalid(child(idx, 'mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
    readBool(m.readOnly, child(idx, 'readOnly'), errs);
    readString(m.subPath, child(idx, 'subPath'), errs);
  }
}

/** validateContainerCommon: what regular and init containers share. */
function validateContainerCommon(c: JsonObject, path: string, ctx: SpecContext, errs: FieldError[]): void {
  const name = readString(c.name, child(path, 'name'), errs) ?? '';
  if (name === '') errs.push(fieldError.required(child(path, 'name')));
  else for (const m of isDNS1123Label(name)) errs.push(fieldError.invalid(child(path, 'name'), name, m));
  const image = readString(c.image, child(path, 'image'), errs);
  if (image === '' || (image === undefined && (c.image === undefined || c.image === null))) {
    errs.push(fieldError.required(child(path, 'image')));
  }
  const tmp = readString(c.terminationMessagePolicy, child(path, 'terminationMessagePolicy'), errs);
  if (tmp === '' || (tmp === undefined && c.terminationMessagePolicy == null)) {
    errs.push(fieldError.required(child(path, 'terminationMessagePolicy')));
  } else if (tmp !== undefined && tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(fieldError.notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  for (const f of ['command', 'args']) {
    const arr = readArray(c[f], child(path, f), errs) ?? [];
    arr.forEach((s, i) => readString(s, at(child(path, f), i), errs));
  }
  validateContainerPorts(c.ports, child(path, 'ports'), errs);
  validateEnv(c.env, child(path, 'env'), errs);
  readObjectArray(c.envFrom, child(path, 'envFrom'), errs);
  validateVolumeMounts(c.volumeMounts, child(path, 'volumeMounts'), ctx, errs);
  const pull = readString(c.imagePullPolicy, child(path, 'imagePullPolicy'), errs);
  if (pull === '' || (pull === undefined && c.imagePullPolicy == null)) {
    errs.push(fieldError.required(child(path, 'imagePullPolicy')));
  } else if (pull !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(pull)) {
    errs.push(fieldError.notSupported(child(path, 'imagePullPolicy'), pull, ['Always', 'IfNotPresent', 'Never']));
  }
  errs.push(...validateResourceRequirements(c.resources, child(path, 'resources')));
  readObject(c.securityContext, child(path, 'securityContext'), errs);
}

const PROBES: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];

/** Host ports must not collide within one set of containers: `TCP//80` style keys. */
function checkHostPortConflicts(list: { c: JsonObject; path: string }[], errs: FieldError[]): void {
  const seen = new Set<string>();
  for (const { c, path } of list) {
    if (!Array.isArray(c.ports)) continue;
    c.ports.forEach((p, i) => {
      if (!isObject(p) || typeof p.hostPort !== 'number' || p.hostPort === 0) return;
      const key = `${String(p.protocol ?? '')}/${String(p.hostIP ?? '')}/${p.hostPort}`;
      if (seen.has(key)) errs.push(fieldError.duplicate(child(at(child(path, 'ports'), i), 'hostPort'), key));
      else seen.add(key);
    });
  }
}

function validateContainers(raw: unknown, path: string, ctx: SpecContext, errs: FieldError[]): string[] {
  const items = readObjectArray(raw, path, errs);
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    errs.push(fieldError.required(path));
    return [];
  }
  const names: string[] = [];
  const list: { c: JsonObject; path: string }[] = [];
  for (const { item: c, index } of items) {
    const p = at(path, index);
    validateContainerCommon(c, p, ctx, errs);
    const name = typeof c.name === 'string' ? c.name : '';
    if (names.includes(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
    else names.push(name);
    validateLifecycle(c.lifecycle, child(p, 'lifecycle'), ctx.grace, errs);
    for (const probe of PROBES) validateProbe(probe, c[probe], child(p, probe), ctx.grace, errs);
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(fieldError.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
    }
    list.push({ c, path: p });
  }
  // Upstream reports conflicts against the list path with per-container indices.
  checkHostPortConflicts(list, errs);
  return names;
}

function validateInitContainers(
  raw: unknown,
  path: string,
  regularNames: string[],
  ctx: SpecContext,
  errs: FieldError[],
): void {
  const names = new Set(regularNames);
  for (const { item: c, index } of readObjectArray(raw, path, errs)) {
    const p = at(path, index);
    validateContainerCommon(c, p, ctx, errs);
    let restartAlways = false;
    const rp = readString(c.restartPolicy, child(p, 'restartPolicy'), errs);
    if (rp !== undefined) {
      if (rp === 'Always') restartAlways = true;
      else errs.push(fieldError.notSupported(child(p, 'restartPolicy'), rp, ['Always']));
    }
    const name = typeof c.name === 'string' ? c.name : '';
    if (names.has(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
    else if (name !== '') names.add(name);
    checkHostPortConflicts([{ c, path: p }], errs);
    if (restartAlways) {
      validateLifecycle(c.lifecycle, child(p, 'lifecycle'), ctx.grace, errs);
      for (const probe of PROBES) validateProbe(probe, c[probe], child(p, probe), ctx.grace, errs);
    } else {
      for (const f of ['lifecycle', ...PROBES]) {
        if (c[f] !== undefined && c[f] !== null) {
          errs.push(fieldError.forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
        }
      }
    }
  }
}

function validateVolumes(raw: unknown, path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  for (const { item: v, index } of readObjectArray(raw, path, errs)) {
    const idx = at(path, index);
    const local: FieldError[] = [];
    const name = readString(v.name, child(idx, 'name'), local) ?? '';
    if (name === '') local.push(fieldError.required(child(idx, 'name')));
    else for (const m of isDNS1123Label(name)) local.push(fieldError.invalid(child(idx, 'name'), name, m));
    if (names.has(name)) local.push(fieldError.duplicate(child(idx, 'name'), name));
    let sources = 0;
    for (const k of VOLUME_SOURCES) {
      if (v[k] === undefined || v[k] === null) continue;
      if (!isObject(v[k])) local.push(fieldError.invalid(child(idx, k), v[k], 'must be an object'));
      else if (sources > 0) local.push(fieldError.forbidden(child(idx, k), 'may not specify more than 1 volume type'));
      else sources++;
    }
    if (sources === 0) local.push(fieldError.required(idx, 'must specify a volume type'));
    if (local.length === 0) names.add(name);
    errs.push(...local);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Tolerations, scheduling constraints
// ---------------------------------------------------------------------------------------------

const TAINT_EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateTaintEffect; `allowEmpty` for tolerations, where empty means "all effects". */
export function validateTaintEffect(effect: string, allowEmpty: boolean, path: string): FieldError[] {
  if (!allowEmpty && effect === '') return [fieldError.required(path)];
  return TAINT_EFFECTS.includes(effect) ? [] : [fieldError.notSupported(path, effect, TAINT_EFFECTS)];
}

/** ValidateTolerations, including upstream's habit of reporting value problems at `operator`. */
export function validateTolerations(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const { item: t, index } of readObjectArray(raw, path, errs)) {
    const idx = at(path, index);
    const key = readString(t.key, child(idx, 'key'), errs) ?? '';
    const operator = readString(t.operator, child(idx, 'operator'), errs) ?? '';
    const value = readString(t.value, child(idx, 'value'), errs) ?? '';
    const effect = readString(t.effect, child(idx, 'effect'), errs) ?? '';
    const seconds = readInt(t.tolerationSeconds, child(idx, 'tolerationSeconds'), errs);
    if (key !== '') errs.push(...validateLabelName(key, child(idx, 'key')));
    if (key === '' && operator !== 'Exists') {
      errs.push(
        fieldError.invalid(
          child(idx, 'operator'),
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (seconds !== undefined && effect !== 'NoExecute') {
      errs.push(fieldError.invalid(child(idx, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(fieldError.invalid(child(idx, 'operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value !== '') {
        errs.push(fieldError.invalid(child(idx, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
      }
    } else {
      errs.push(fieldError.notSupported(child(idx, 'operator'), operator, ['Equal', 'Exists']));
    }
    if (effect !== '') errs.push(...validateTaintEffect(effect, true, child(idx, 'effect')));
  }
  return errs;
}

/** Shape check before handing a selector to validation/labels.ts. */
function validateSelector(raw: unknown, path: string, errs: FieldError[]): void {
  const ls = readObject(raw, path, errs);
  if (!ls) return;
  const before = errs.length;
  readStringMap(ls.matchLabels, child(path, 'matchLabels'), errs);
  for (const { item: r, index } of readObjectArray(ls.matchExpressions, child(path, 'matchExpressions'), errs)) {
    const idx = at(child(path, 'matchExpressions'), index);
    readString(r.key, child(idx, 'key'), errs);
    readString(r.operator, child(idx, 'operator'), errs);
    (readArray(r.values, child(idx, 'values'), errs) ?? []).forEach((v, i) => readString(v, at(child(idx, 'values'), i), errs));
  }
  if (errs.length === before) errs.push(...validateLabelSelector(ls as LabelSelector, path));
}

const NODE_SELECTOR_OPS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

function validateNodeSelectorTerm(term: JsonObject, path: string, errs: FieldError[]): void {
  for (const { item: r, index } of readObjectArray(term.matchExpressions, child(path, 'matchExpressions'), errs)) {
    const idx = at(child(path, 'matchExpressions'), index);
    const key = readString(r.key, child(idx, 'key'), errs) ?? '';
    const op = readString(r.operator, child(idx, 'operator'), errs) ?? '';
    const values = readArray(r.values, child(idx, 'values'), errs) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) {
        errs.push(fieldError.required(child(idx, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(fieldError.forbidden(child(idx, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
    } else if (op === 'Gt' || op === 'Lt') {
      if (values.length !== 1) {
        errs.push(fieldError.required(child(idx, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      }
    } else {
      errs.push(fieldError.invalid(child(idx, 'operator'), op, 'not a valid selector operator'));
    }
    if (NODE_SELECTOR_OPS.includes(op)) errs.push(...validateLabelName(key, child(idx, 'key')));
  }
  readObjectArray(term.matchFields, child(path, 'matchFields'), errs);
}

function validateWeighted(raw: unknown, path: string, errs: FieldError[], inner: (t: JsonObject, p: string) => void, innerKey: string): void {
  for (const { item, index } of readObjectArray(raw, path, errs)) {
    const idx = at(path, index);
    const w = readInt(item.weight, child(idx, 'weight'), errs) ?? 0;
    if (w <= 0 || w > 100) errs.push(fieldError.invalid(child(idx, 'weight'), w, 'must be in the range 1-100'));
    const t = readObject(item[innerKey], child(idx, innerKey), errs);
    if (t) inner(t, child(idx, innerKey));
  }
}

function validatePodAffinityTerm(t: JsonObject, path: string, errs: FieldError[]): void {
  validateSelector(t.labelSelector, child(path, 'labelSelector'), errs);
  validateSelector(t.namespaceSelector, child(path, 'namespaceSelector'), errs);
  (readArray(t.namespaces, child(path, 'namespaces'), errs) ?? []).forEach((n, i) => {
    const s = readString(n, at(child(path, 'namespaces'), i), errs);
    if (s !== undefined) for (const m of isDNS1123Label(s)) errs.push(fieldError.invalid(child(path, 'namespace'), s, m));
  });
  const key = readString(t.topologyKey, child(path, 'topologyKey'), errs) ?? '';
  if (key === '') errs.push(fieldError.required(child(path, 'topologyKey'), 'can not be empty'));
  else errs.push(...validateLabelName(key, child(path, 'topologyKey')));
}

function validateAffinity(raw: unknown, path: string, errs: FieldError[]): void {
  const a = readObject(raw, path, errs);
  if (!a) return;
  const na = readObject(a.nodeAffinity, child(path, 'nodeAffinity'), errs);
  if (na) {
    const reqPath = child(child(path, 'nodeAffinity'), 'requiredDuringSchedulingIgnoredDuringExecution');
    const req = readObject(na.requiredDuringSchedulingIgnoredDuringExecution, reqPath, errs);
    if (req) {
      const termsPath = child(reqPath, 'nodeSelectorTerms');
      const terms = readObjectArray(req.nodeSelectorTerms, termsPath, errs);
      if (terms.length === 0) errs.push(fieldError.required(termsPath, 'must have at least one node selector term'));
      for (const { item, index } of terms) validateNodeSelectorTerm(item, at(termsPath, index), errs);
    }
    validateWeighted(
      na.preferredDuringSchedulingIgnoredDuringExecution,
      child(child(path, 'nodeAffinity'), 'preferredDuringSchedulingIgnoredDuringExecution'),
      errs,
      (t, p) => validateNodeSelectorTerm(t, p, errs),
      'preference',
    );
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = readObject(a[kind], child(path, kind), errs);
    if (!pa) continue;
    const reqPath = child(child(path, kind), 'requiredDuringSchedulingIgnoredDuringExecution');
    for (const { item, index } of readObjectArray(pa.requiredDuringSchedulingIgnoredDuringExecution, reqPath, errs)) {
      validatePodAffinityTerm(item, at(reqPath, index), errs);
    }
    validateWeighted(
      pa.preferredDuringSchedulingIgnoredDuringExecution,
      child(child(path, kind), 'preferredDuringSchedulingIgnoredDuringExecution'),
      errs,
      (t, p) => validatePodAffinityTerm(t, p, errs),
      'podAffinityTerm',
    );
  }
}

function validateTopologySpreadConstraints(raw: unknown, path: string, errs: FieldError[]): void {
  const seen = new Set<string>();
  for (const { item: c, index } of readObjectArray(raw, path, errs)) {
    const idx = at(path, index);
    const skew = readInt(c.maxSkew, child(idx, 'maxSkew'), errs) ?? 0;
    if (skew <= 0) errs.push(fieldError.invalid(child(idx, 'maxSkew'), skew, 'must be greater than zero'));
    const key = readString(c.topologyKey, child(idx, 'topologyKey'), errs) ?? '';
    if (key === '') errs.push(fieldError.required(child(idx, 'topologyKey'), 'can not be empty'));
    else errs.push(...validateLabelName(key, child(idx, 'topologyKey')));
    const when = readString(c.whenUnsatisfiable, child(idx, 'whenUnsatisfiable'), errs) ?? '';
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') {
      errs.push(fieldError.notSupported(child(idx, 'whenUnsatisfiable'), when, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    const minDomains = readInt(c.minDomains, child(idx, 'minDomains'), errs);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(fieldError.invalid(child(idx, 'minDomains'), minDomains, 'must be greater than 0'));
      else if (when !== 'DoNotSchedule') {
        errs.push(
          fieldError.invalid(child(idx, 'minDomains'), minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'),
        );
      }
    }
    const pair = `${key}/${when}`;
    if (seen.has(pair)) errs.push(fieldError.duplicate(idx, pair));
    seen.add(pair);
    validateSelector(c.labelSelector, child(idx, 'labelSelector'), errs);
  }
}

// ---------------------------------------------------------------------------------------------
// PodSpec
// ---------------------------------------------------------------------------------------------

const MAX_INT32 = 2147483647;

function validateNameField(v: unknown, path: string, check: (s: string) => string[], errs: FieldError[]): void {
  const s = readString(v, path, errs);
  if (s) for (const m of check(s)) errs.push(fieldError.invalid(path, s, m));
}

function validateEnum(v: unknown, path: string, allowed: readonly string[], errs: FieldError[]): void {
  const s = readString(v, path, errs);
  if (s === '' || (s === undefined && (v === undefined || v === null))) errs.push(fieldError.required(path));
  else if (s !== undefined && !allowed.includes(s)) errs.push(fieldError.notSupported(path, s, allowed));
}

/** Scheduling fields of ValidatePodSpec, split out to keep each function readable. */
function validateSchedulingFields(s: JsonObject, path: string, errs: FieldError[]): void {
  errs.push(...validateLabelMap(s.nodeSelector, child(path, 'nodeSelector')));
  validateNameField(s.nodeName, child(path, 'nodeName'), isDNS1123Subdomain, errs);
  validateNameField(s.priorityClassName, child(path, 'priorityClassName'), isDNS1123Subdomain, errs);
  readString(s.schedulerName, child(path, 'schedulerName'), errs);
  readInt(s.priority, child(path, 'priority'), errs);
  if (s.preemptionPolicy !== undefined && s.preemptionPolicy !== null) {
    validateEnum(s.preemptionPolicy, child(path, 'preemptionPolicy'), ['PreemptLowerPriority', 'Never'], errs);
  }
  errs.push(...validateTolerations(s.tolerations, child(path, 'tolerations')));
  validateAffinity(s.affinity, child(path, 'affinity'), errs);
  validateTopologySpreadConstraints(s.topologySpreadConstraints, child(path, 'topologySpreadConstraints'), errs);
  const gates = new Set<string>();
  for (const { item, index } of readObjectArray(s.schedulingGates, child(path, 'schedulingGates'), errs)) {
    const p = at(child(path, 'schedulingGates'), index);
    const name = readString(item.name, child(p, 'name'), errs) ?? '';
    for (const m of isQualifiedName(name)) errs.push(fieldError.invalid(p, name, m));
    if (gates.has(name)) errs.push(fieldError.duplicate(p, name));
    gates.add(name);
  }
}

/**
 * ValidatePodSpec. Runs after defaulting, so fields the defaulters fill (restartPolicy,
 * dnsPolicy, terminationGracePeriodSeconds, pull policies) are Required when absent.
 * A negative terminationGracePeriodSeconds is accepted, as upstream accepts it (with a warning).
 */
export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  // A status update carries the stored, frozen spec: checked once, not on every update.
  return validSpecs.check(spec, true, () => checkPodSpec(spec, path));
}

const validSpecs = new ValidMemo();

/**
 * Records that `bound`, the frozen spec a binding made from `unbound` by setting nodeName, is
 * valid when `unbound` passed validation and the node's name is a DNS subdomain: nodeName is
 * the one thing ValidatePodSpec checks there, so the pod's first status update does not walk its
 * whole spec again.
 */
export function rememberBoundPodSpec(unbound: unknown, bound: unknown, nodeName: string): void {
  // A bound spec shared by an earlier bind to the same node (writes.ts boundSpec) is known already.
  if (validSpecs.passed(bound, true)) return;
  if (validSpecs.passed(unbound, true) && isDNS1123Subdomain(nodeName).length === 0) validSpecs.remember(bound, true);
}

function checkPodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const s = readObject(spec as unknown, path, errs);
  if (!s) {
    if (spec === undefined || spec === null) errs.push(fieldError.required(child(path, 'containers')));
    return errs;
  }
  const grace = readInt(s.terminationGracePeriodSeconds, child(path, 'terminationGracePeriodSeconds'), errs);
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) {
    errs.push(fieldError.required(child(path, 'terminationGracePeriodSeconds')));
  }
  const ctx: SpecContext = { volumes: validateVolumes(s.volumes, child(path, 'volumes'), errs), grace };
  const names = validateContainers(s.containers, child(path, 'containers'), ctx, errs);
  validateInitContainers(s.initContainers, child(path, 'initContainers'), names, ctx, errs);
  readObjectArray(s.ephemeralContainers, child(path, 'ephemeralContainers'), errs);
  const sc = readObject(s.securityContext, child(path, 'securityContext'), errs);
  const hostNetwork = readBool(s.hostNetwork, child(path, 'hostNetwork'), errs) ?? false;
  if (hostNetwork) validateHostNetworkPorts(s, path, errs);
  validateEnum(s.restartPolicy, child(path, 'restartPolicy'), ['Always', 'OnFailure', 'Never'], errs);
  validateEnum(s.dnsPolicy, child(path, 'dnsPolicy'), ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], errs);
  if (s.dnsPolicy === 'None') {
    const dc = readObject(s.dnsConfig, child(path, 'dnsConfig'), errs);
    if (!dc) errs.push(fieldError.required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
    else if (!Array.isArray(dc.nameservers) || dc.nameservers.length === 0) {
      errs.push(
        fieldError.required(child(child(path, 'dnsConfig'), 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'),
      );
    }
  }
  validateSchedulingFields(s, path, errs);
  validateNameField(s.serviceAccountName, child(path, 'serviceAccountName'), isDNS1123Subdomain, errs);
  const ads = readInt(s.activeDeadlineSeconds, child(path, 'activeDeadlineSeconds'), errs);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) {
    errs.push(fieldError.invalid(child(path, 'activeDeadlineSeconds'), ads, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  validateNameField(s.hostname, child(path, 'hostname'), isDNS1123Label, errs);
  validateNameField(s.subdomain, child(path, 'subdomain'), isDNS1123Label, errs);
  readBool(s.enableServiceLinks, child(path, 'enableServiceLinks'), errs);
  if (sc) readBool(sc.runAsNonRoot, child(child(path, 'securityContext'), 'runAsNonRoot'), errs);
  return errs;
}

/** validatePodHostNetworkDeps: with hostNetwork, a set hostPort must equal containerPort. */
function validateHostNetworkPorts(s: JsonObject, path: string, errs: FieldError[]): void {
  if (!Array.isArray(s.containers)) return;
  s.containers.forEach((c, ci) => {
    if (!isObject(c) || !Array.isArray(c.ports)) return;
    c.ports.forEach((p, pi) => {
      if (!isObject(p)) return;
      const hp = typeof p.hostPort === 'number' ? p.hostPort : 0;
      if (hp !== 0 && hp !== p.containerPort) {
        const hpPath = child(at(child(at(child(path, 'containers'), ci), 'ports'), pi), 'hostPort');
        errs.push(fieldError.invalid(hpPath, hp, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
}

const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** ValidatePodSpecificAnnotations: the deletion cost must parse as an int32. */
function validatePodAnnotations(annotations: unknown, path: string): FieldError[] {
  if (!isObject(annotations)) return [];
  const cost = annotations[DELETION_COST_ANNOTATION];
  if (cost === undefined) return [];
  const ok = typeof cost === 'string' && /^[+-]?[0-9]+$/.test(cost) && Math.abs(Number(cost)) <= MAX_INT32 + 1 &&
    Number(cost) <= MAX_INT32;
  return ok ? [] : [fieldError.invalid(at(path, DELETION_COST_ANNOTATION), cost, 'must be a 32bit integer')];
}

/** ValidatePodTemplateSpec; upstream reports template labels at `<path>.labels`. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const t = readObject(template as unknown, path, errs);
  if (!t) {
    if (template === undefined || template === null) errs.push(fieldError.required(path));
    return errs;
  }
  const meta = readObject(t.metadata, child(path, 'metadata'), errs) ?? {};
  errs.push(...validateLabelMap(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validatePodAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validatePodSpec(t.spec as PodSpec | undefined, child(path, 'spec')));
  const spec = t.spec;
  if (isObject(spec) && Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.push(fieldError.forbidden(child(child(path, 'spec'), 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Pod create and update
// ---------------------------------------------------------------------------------------------

/** validatePodMetadataAndSpec plus the checks only a Pod (not a template) gets. */
function validatePod(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const p = asObject(pod);
  const meta = isObject(p.metadata) ? p.metadata : {};
  errs.push(...validatePodAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validatePodSpec(p.spec as PodSpec | undefined, 'spec'));
  const spec = isObject(p.spec) ? p.spec : {};
  for (const list of ['containers', 'initContainers']) {
    const arr = spec[list];
    if (!Array.isArray(arr)) continue;
    arr.forEach((c, i) => {
      if (isObject(c) && typeof c.image === 'string' && c.image.trim() !== c.image) {
        errs.push(fieldError.invalid(`spec.${list}[${i}].image`, c.image, 'must not have leading or trailing whitespace'));
      }
    });
  }
  return errs;
}

function validatePodCreate(pod: Pod): FieldError[] {
  const errs = validatePod(pod);
  const spec = asObject(asObject(pod).spec);
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.push(fieldError.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '' && Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) {
    errs.push(fieldError.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

/** Resource quantities compare by value in Semantic.DeepEqual ('1' equals '1000m'). */
function quantityEqual(a: unknown, b: unknown): boolean {
  if ((typeof a !== 'string' && typeof a !== 'number') || (typeof b !== 'string' && typeof b !== 'number')) return false;
  try {
    return parseQuantity(String(a)).cmp(parseQuantity(String(b))) === 0;
  } catch {
    return false;
  }
}

function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** validateOnlyAddedTolerations: old tolerations must survive, except their tolerationSeconds. */
function validateOnlyAddedTolerations(newT: unknown[], oldT: unknown[], errs: FieldError[]): void {
  for (const old of oldT) {
    // The same (frozen, stored) toleration kept as it was is the common case: no copy to compare.
    const found = newT.some(
      (n) => n === old || (isObject(n) && isObject(old) && semanticEqual({ ...old, tolerationSeconds: n.tolerationSeconds }, n)),
    );
    if (!found) {
      errs.push(fieldError.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      return;
    }
  }
}

function validateActiveDeadlineUpdate(newV: unknown, oldV: unknown, errs: FieldError[]): boolean {
  const path = 'spec.activeDeadlineSeconds';
  if (typeof newV === 'number') {
    if (newV < 0 || newV > MAX_INT32) {
      errs.push(fieldError.invalid(path, newV, `must be between 0 and ${MAX_INT32}, inclusive`));
      return false;
    }
    if (typeof oldV === 'number' && oldV < newV) {
      errs.push(fieldError.invalid(path, newV, 'must be less than or equal to previous value'));
      return false;
    }
  } else if (typeof oldV === 'number') {
    errs.push(fieldError.invalid(path, null, 'must not update from a positive integer to nil value'));
  }
  return true;
}

/**
 * ValidatePodUpdate: the new pod must be valid, and its spec may differ from the old one only
 * in container images, activeDeadlineSeconds (shortened), added tolerations (or changed
 * tolerationSeconds), removed scheduling gates, and terminationGracePeriodSeconds going from
 * negative to 1. Upstream appends a diff to the Forbidden message; kubesim does not.
 */
function annotationsOf(pod: Pod): unknown {
  const meta = asObject(pod).metadata;
  return isObject(meta) ? meta.annotations : undefined;
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const ns = asObject(asObject(pod).spec);
  const os = asObject(asObject(old).spec);
  // The stored spec itself and the stored annotations (every status write keeps them): the pod
  // is what validatePod passed when it was stored, and no rule below can find a change.
  if (ns === os && Object.isFrozen(os) && annotationsOf(pod) === annotationsOf(old)) return [];
  const errs = validatePod(pod);
  for (const list of ['containers', 'initContainers']) {
    if (listOf(ns[list]).length !== listOf(os[list]).length) {
      errs.push(fieldError.forbidden(`spec.${list}`, 'pod updates may not add or remove containers'));
      return errs;
    }
  }
  if (!validateActiveDeadlineUpdate(ns.activeDeadlineSeconds, os.activeDeadlineSeconds, errs)) return errs;
  validateOnlyAddedTolerations(listOf(ns.tolerations), listOf(os.tolerations), errs);
  const oldGates = listOf(os.schedulingGates).map((g) => (isObject(g) ? g.name : undefined));
  listOf(ns.schedulingGates).forEach((g, i) => {
    const name = isObject(g) ? g.name : undefined;
    if (!oldGates.includes(name)) {
      errs.push(
        fieldError.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${String(name)}'`),
      );
    }
  });
  if (semanticEqual(ns, os, quantityEqual)) return errs;
  const withOldImages = (list: string): unknown[] =>
    listOf(ns[list]).map((c, i) => {
      const oc = listOf(os[list])[i];
      return isObject(c) ? { ...c, image: isObject(oc) ? oc.image : undefined } : c;
    });
  const munged: JsonObject = {
    ...ns,
    containers: withOldImages('containers'),
    initContainers: withOldImages('initContainers'),
    activeDeadlineSeconds: os.activeDeadlineSeconds,
    schedulingGates: os.schedulingGates,
    tolerations: os.tolerations,
  };
  if (typeof os.terminationGracePeriodSeconds === 'number' && os.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  if (!semanticEqual(munged, os, quantityEqual)) {
    errs.push(fieldError.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}`));
  }
  return errs;
}

export const podStrategy: Strategy<Pod> = {
  kind: 'Pod',
  nameValidator: isDNS1123Subdomain,
  applyDefaults(pod: Pod): void {
    const p = asObject(pod);
    // A frozen spec is a stored one (a status write's), defaulted when it was stored.
    if (!isObject(p.spec) || Object.isFrozen(p.spec)) return;
    defaultPodSpec(p.spec as unknown as PodSpec);
    defaultPodOnly(p.spec);
    addDefaultTolerationSeconds(p.spec);
  },
  validateCreate: validatePodCreate,
  validateUpdate: validatePodUpdate,
};
