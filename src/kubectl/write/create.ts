/**
 * The verbs that make objects: `run NAME --image`, `create deployment|namespace|-f`, `apply -f`,
 * `replace -f` and `expose`. Objects are built here, client-side as kubectl builds them, and
 * written through the target's create/apply/replace. Manifests are strictly decoded first, as
 * kubectl's default `--validate=strict` has the API server do.
 *
 * @see kubernetes/kubectl pkg/cmd/run/run.go, pkg/cmd/create/create_deployment.go,
 *      pkg/cmd/create/create_namespace.go, pkg/cmd/expose/expose.go, pkg/generate/versioned/service.go
 */
import { KubesimError, NotFoundError } from '../../model/errors.js';
import { groupResource, kindInfo } from '../../model/kinds.js';
import { decodeManifests } from '../../model/manifest.js';
import { strictDecodeError } from '../../model/strict-decode.js';
import type { KubeObject, StoredObject } from '../../model/types.js';
import type { ParsedArgs } from '../args.js';
import { KubectlError, clientError, fromServerError, usageError } from '../errors.js';
import type { KubectlOptions, KubectlTarget } from '../target.js';
import { call, intFlag, need, readFilenames, resourceName, typeAndName } from './common.js';

function line(obj: { kind: string; name: string }, action: string): string {
  return `${resourceName(kindInfo(obj.kind))}/${obj.name} ${action}\n`;
}

/** kubectl run NAME --image=IMG [--port] [--labels] [--restart] [--env]: one bare pod. */
export function runRun(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const name = args.positional[1];
  if (name === undefined) throw usageError('NAME is required for run', 'run');
  const image = args.flags.get('image');
  if (image === undefined || image === '') throw clientError('required flag(s) "image" not set');
  const labels: Record<string, string> = {};
  for (const pair of (args.flags.get('labels') ?? `run=${name}`).split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw clientError(`invalid label spec: ${pair}`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const container: Record<string, unknown> = { name, image };
  const port = intFlag(args, 'port', 'run');
  if (port !== undefined) container.ports = [{ containerPort: port }];
  const env = (args.flags.get('env') ?? '').split(',').filter((e) => e !== '');
  if (env.length > 0) container.env = env.map((e) => ({ name: e.slice(0, e.indexOf('=')), value: e.slice(e.indexOf('=') + 1) }));
  const restart = args.flags.get('restart') ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw clientError(`invalid restart policy: ${restart}`);
  const command = args.positional.slice(2);
  if (command.length > 0) container.args = command;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [container], restartPolicy: restart },
  };
  const [created] = call(() => need(target, 'create', 'run')(pod));
  return line({ kind: 'Pod', name: created!.metadata.name }, 'created');
}

/** The container name kubectl create deployment derives from an image: its base name, no tag. */
export function containerNameForImage(image: string): string {
  const base = image.slice(image.lastIndexOf('/') + 1);
  return base.split('@')[0]!.split(':')[0]!;
}

function createDeployment(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const name = args.positional[2];
  if (name === undefined) throw usageError('NAME is required', 'create deployment');
  const images = (args.flags.get('image') ?? '').split(',').filter((i) => i !== '');
  if (images.length === 0) throw clientError('required flag(s) "image" not set');
  const replicas = intFlag(args, 'replicas', 'create deployment') ?? 1;
  const port = intFlag(args, 'port', 'create deployment');
  const containers = images.map((image) => ({ name: containerNameForImage(image), image, ...(port !== undefined ? { ports: [{ containerPort: port }] } : {}) }));
  const labels = { app: name };
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
  };
  call(() => need(target, 'create', 'create deployment')(deployment));
  return line({ kind: 'Deployment', name }, 'created');
}

/** Decodes manifests as the API server would under --validate=strict, naming the file. */
export function decodeStrict(name: string, text: string, verb: 'creating' | 'applying' | 'replacing'): KubeObject[] {
  let decoded;
  try {
    decoded = decodeManifests(text);
  } catch (e) {
    if (e instanceof KubesimError) throw new KubectlError('BadRequest', `error: error parsing ${name}: ${e.message}`);
    throw e;
  }
  return decoded.map((d) => {
    const err = strictDecodeError(d.object);
    if (err) throw new KubectlError('BadRequest', `Error from server (BadRequest): error when ${verb} "${name}": ${err.message}`);
    return d.object;
  });
}

/** Per-object writes so a failure names its file, as kubectl's per-object requests do. */
function eachManifest(target: KubectlTarget, args: ParsedArgs, opts: KubectlOptions, namespace: string, verb: string, fn: (obj: KubeObject, file: string) => string): string {
  let out = '';
  const errors: string[] = [];
  for (const { name, text } of readFilenames(args, opts, verb)) {
    for (const obj of decodeStrict(name, text, verb === 'apply' ? 'applying' : verb === 'replace' ? 'replacing' : 'creating')) {
      const meta = (obj.metadata ??= {});
      if (meta.namespace === undefined) meta.namespace = namespace;
      else if (args.given.has('namespace') && meta.namespace !== namespace) {
        throw clientError(`the namespace from the provided object "${meta.namespace}" does not match the namespace "${namespace}". You must pass '--namespace=${meta.namespace}' to perform this operation.`);
      }
      try {
        out += fn(obj, name);
      } catch (e) {
        if (!(e instanceof KubesimError)) throw e;
        const m = e instanceof KubectlError ? e.message : fromServerError(e).message;
        errors.push(m.replace(/^(Error from server \([A-Za-z]+\): )/, `$1error when ${verb === 'apply' ? 'applying' : verb === 'replace' ? 'replacing' : 'creating'} "${name}": `));
      }
    }
  }
  if (errors.length > 0) throw new KubectlError('BadRequest', errors.join('\n'), out);
  return out;
}

function isNamespaced(obj: KubeObject): boolean {
  try {
    return kindInfo(String(obj.kind)).namespaced;
  } catch {
    return true;
  }
}

function stripClusterScopedNamespace(obj: KubeObject): KubeObject {
  if (!isNamespaced(obj) && obj.metadata) delete obj.metadata.namespace;
  return obj;
}

export function runCreate(target: KubectlTarget, args: ParsedArgs, namespace: string, opts: KubectlOptions): string {
  const sub = args.positional[1];
  if (args.flags.has('filename')) {
    return eachManifest(target, args, opts, namespace, 'create', (obj) => {
      const [created] = need(target, 'create', 'create')(stripClusterScopedNamespace(obj));
      return line({ kind: created!.kind, name: created!.metadata.name }, 'created');
    });
  }
  switch (sub) {
    case 'deployment':
    case 'deploy':
      return createDeployment(target, args, namespace);
    case 'namespace':
    case 'ns': {
      const name = args.positional[2];
      if (name === undefined) throw usageError('exactly one NAME is required, got 0', 'create namespace');
      call(() => need(target, 'create', 'create namespace')({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
      return line({ kind: 'Namespace', name }, 'created');
    }
    case undefined:
      throw usageError('must specify one of -f and -k', 'create');
    default:
      throw new KubectlError('BadRequest', `error: unknown command "${sub}" for "kubectl create" (kubesim supports: deployment, namespace, -f)`);
  }
}

export function runApply(target: KubectlTarget, args: ParsedArgs, namespace: string, opts: KubectlOptions): string {
  return eachManifest(target, args, opts, namespace, 'apply', (obj) => {
    const results = need(target, 'apply', 'apply')(stripClusterScopedNamespace(obj));
    return results.map((r) => line(r, r.action)).join('');
  });
}

export function runReplace(target: KubectlTarget, args: ParsedArgs, namespace: string, opts: KubectlOptions): string {
  return eachManifest(target, args, opts, namespace, 'replace', (obj) => {
    const [replaced] = need(target, 'replace', 'replace')(stripClusterScopedNamespace(obj));
    return line({ kind: replaced!.kind, name: replaced!.metadata.name }, 'replaced');
  });
}

interface PortSpec {
  port: number;
  targetPort?: number | string;
  name?: string;
}

function containerPorts(obj: StoredObject): PortSpec[] {
  const spec = obj.kind === 'Pod' ? (obj.spec as { containers?: unknown[] }) : (obj.spec as { template?: { spec?: { containers?: unknown[] } } })?.template?.spec;
  const out: PortSpec[] = [];
  for (const c of (spec?.containers ?? []) as { ports?: { containerPort: number }[] }[]) for (const p of c.ports ?? []) out.push({ port: p.containerPort });
  return out;
}

function selectorOf(obj: StoredObject): Record<string, string> {
  switch (obj.kind) {
    case 'Pod':
      return { ...(obj.metadata.labels ?? {}) };
    case 'Service':
    case 'ReplicationController': {
      const sel = (obj.spec as { selector?: Record<string, string> }).selector;
      return { ...(sel ?? {}) };
    }
    default: {
      const sel = (obj.spec as { selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } }).selector;
      if (sel?.matchExpressions && sel.matchExpressions.length > 0) {
        throw clientError(`couldn't retrieve selectors via --selector flag or introspection: the provided selector contains matchExpressions and cannot be used to expose`);
      }
      return { ...(sel?.matchLabels ?? {}) };
    }
  }
}

/** kubectl expose TYPE NAME --port --target-port --type --name: a Service over the object's pods. */
export function runExpose(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const { info, name } = typeAndName(args.positional.slice(1), 'expose');
  if (!['Pod', 'Service', 'ReplicationController', 'ReplicaSet', 'Deployment'].includes(info.kind)) {
    throw clientError(`cannot expose a ${info.kind}`);
  }
  const obj = target.find(info.plural, name, { namespace });
  if (!obj) throw fromServerError(new NotFoundError(groupResource(info), name));
  const selector = selectorOf(obj);
  if (Object.keys(selector).length === 0) throw clientError(`couldn't retrieve selectors via --selector flag or introspection: the ${info.kind} has no selector`);
  const portFlag = intFlag(args, 'port', 'expose');
  let ports: PortSpec[];
  if (portFlag !== undefined) ports = [{ port: portFlag }];
  else {
    ports = info.kind === 'Service' ? ((obj.spec as { ports?: PortSpec[] }).ports ?? []).map((p) => ({ port: p.port })) : containerPorts(obj);
    if (ports.length === 0) throw clientError(`couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples`);
  }
  const targetFlag = args.flags.get('target-port');
  const protocol = args.flags.get('protocol') ?? 'TCP';
  const svcPorts = ports.map((p, i) => {
    const tp = targetFlag === undefined ? p.port : /^\d+$/.test(targetFlag) ? Number(targetFlag) : targetFlag;
    return { ...(ports.length > 1 ? { name: `port-${i + 1}` } : {}), port: p.port, protocol, targetPort: tp };
  });
  const type = args.flags.get('type');
  if (type !== undefined && !['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) {
    throw clientError(`Service "${name}" is invalid: spec.type: Unsupported value: "${type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`);
  }
  const svcName = args.flags.get('name') ?? name;
  const labels = obj.metadata.labels ? { ...obj.metadata.labels } : undefined;
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svcName, namespace, ...(labels ? { labels } : {}) },
    spec: { ports: svcPorts, selector, ...(type !== undefined ? { type } : {}) },
  };
  call(() => need(target, 'create', 'expose')(service));
  return line({ kind: 'Service', name: svcName }, 'exposed');
}
