/**
 * The expose operator: keeps one Service `<name>-svc` (port 80 → 8080) for every Deployment
 * labelled `expose: "true"`, selecting the Deployment's pods, and deletes it when the label
 * goes. The Service is owned by the Deployment, so deleting the Deployment lets the garbage
 * collector remove it. The guide (docs/testing.md) tests it with kubesim/testing.
 *
 * In your project, import from 'kubesim' and 'kubesim/testing'; inside this repository the
 * examples import the sources.
 */
import { getObject, listObjects, type Action, type ClusterState, type Reconciler, type StoredObject } from '../../src/index.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';

export const serviceName = (deployment: string) => `${deployment}-svc`;

/** A Service change wakes the Deployment that owns it. */
function ownerKey(svc: StoredObject | undefined): string[] {
  const ref = svc?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
  return ref ? [`${svc!.metadata.namespace}/${ref.name}`] : [];
}

/** The Service we want for `d`. */
function desiredService(d: StoredObject) {
  const selector = (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceName(d.metadata.name),
      namespace: d.metadata.namespace,
      labels: { [MANAGED_BY]: 'expose-operator' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

export function exposeOperator(opts: { forgetToDelete?: boolean } = {}): Reconciler {
  return {
    name: opts.forgetToDelete ? 'expose-operator-buggy' : 'expose-operator',
    watches: {
      Deployment: 'self',
      Service: (change) => ownerKey(change.object ?? change.oldObject),
    },
    reconcile(state, key) {
      const [namespace, name] = key.split('/') as [string, string];
      const d = getObject(state, 'Deployment', namespace, name);
      const svc = getObject(state, 'Service', namespace, serviceName(name));
      const ours = svc?.metadata.labels?.[MANAGED_BY] === 'expose-operator';
      const wanted = d !== undefined && !d.metadata.deletionTimestamp && d.metadata.labels?.expose === 'true';
      const actions: Action[] = [];
      if (!wanted) {
        // The bug the guide's property test finds: forgetting this deletion.
        if (svc && ours && !opts.forgetToDelete) actions.push({ verb: 'delete', kind: 'Service', key: `${namespace}/${svc.metadata.name}` });
        return { actions };
      }
      const want = desiredService(d);
      if (!svc) actions.push({ verb: 'create', object: want });
      else if (ours && JSON.stringify((svc.spec as { selector?: unknown }).selector) !== JSON.stringify(want.spec.selector)) {
        actions.push({ verb: 'update', object: { ...svc, spec: { ...(svc.spec as object), selector: want.spec.selector } } });
      }
      return { actions };
    },
  };
}

/** Every Deployment labelled expose=true has its Service selecting its pods, and no other exists. */
export function exposeDesiredState(state: ClusterState): string[] {
  const out: string[] = [];
  const deployments = listObjects(state, 'Deployment');
  for (const d of deployments) {
    if (d.metadata.labels?.expose !== 'true' || d.metadata.deletionTimestamp) continue;
    const svc = getObject(state, 'Service', d.metadata.namespace, serviceName(d.metadata.name));
    const selector = JSON.stringify((d.spec as { selector: { matchLabels: unknown } }).selector.matchLabels);
    if (!svc) out.push(`deployment ${d.metadata.name} is labelled expose=true but service ${serviceName(d.metadata.name)} does not exist`);
    else if (JSON.stringify((svc.spec as { selector?: unknown }).selector) !== selector) out.push(`service ${svc.metadata.name} selects ${JSON.stringify((svc.spec as { selector?: unknown }).selector)}, want ${selector}`);
  }
  for (const svc of listObjects(state, 'Service')) {
    if (svc.metadata.labels?.[MANAGED_BY] !== 'expose-operator') continue;
    const owner = deployments.find((d) => serviceName(d.metadata.name) === svc.metadata.name && d.metadata.namespace === svc.metadata.namespace);
    if (!owner || owner.metadata.labels?.expose !== 'true') {
      out.push(`service ${svc.metadata.name} exists but deployment ${svc.metadata.name.replace(/-svc$/, '')} ${owner ? 'is not labelled expose=true' : 'does not exist'}`);
    }
  }
  return out;
}

