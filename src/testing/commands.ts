/**
 * Model-based operations for fast-check's `fc.commands`: what a user does to a cluster
 * (apply, scale, set image, rollout undo, delete, label edits, waiting) mixed with faults
 * (nodes, zones, masters, partitions, kubelets, and their recovery) at virtual times. The
 * model tracks just enough (which Deployments and Services exist, what is failed) for each
 * command's precondition, so shrinking never produces a meaningless sequence.
 *
 * Faults use `cluster.faults` when the cluster has it; without it the fault commands never
 * run (their precondition is false), so the same suite runs before and after faults exist.
 */
import fc from 'fast-check';
import type { Cluster, StoredObject } from '../index.js';
import { APP_NAMES, IMAGES } from './arbitraries.js';

/** What the commands remember between steps. */
export interface SimModel {
  /** Deployment name → its labels as last written by a command. */
  readonly deployments: Map<string, { expose: boolean }>;
  readonly services: Set<string>;
  readonly nodes: readonly string[];
  readonly zones: readonly string[];
  readonly masters: readonly string[];
  readonly faultsAvailable: boolean;
  readonly failedNodes: Set<string>;
  readonly failedZones: Set<string>;
  readonly failedMasters: Set<string>;
  readonly stoppedKubelets: Set<string>;
  partitioned: boolean;
}

export interface StepOptions {
  /** Pods may vanish or change owner for reasons other than the controllers' own work. */
  readonly disruptive?: boolean;
}

/** The system under test as commands see it: the cluster and the harness's step runner. */
export interface SimReal {
  readonly cluster: Cluster;
  /**
   * Runs one operation: logs `label` at the current virtual time, runs `fn` (a rejected API
   * call is logged, not a failure), then checks the invariants.
   */
  step(label: string, fn: (cluster: Cluster) => void, opts?: StepOptions & { readonly harness?: boolean }): void;
  /** Settles the cluster; when no fault is in force, also checks the settled invariants. */
  settle(): void;
}

export type SimCommand = fc.Command<SimModel, SimReal>;

/** The fault API the other half of kubesim provides as `cluster.faults` (names per DESIGN.md). */
export interface FaultsApi {
  failNode(node: string): unknown;
  recoverNode(node: string): unknown;
  failZone(zone: string): unknown;
  recoverZone(zone: string): unknown;
  failMaster(node: string): unknown;
  recoverMaster(node: string): unknown;
  partition(a: string | readonly string[], b: string | readonly string[]): unknown;
  heal(): unknown;
  stopKubelet(node: string): unknown;
  startKubelet(node: string): unknown;
}

export function faultsOf(cluster: Cluster): FaultsApi | undefined {
  if (!('faults' in cluster)) return undefined;
  return (cluster as unknown as { faults: FaultsApi }).faults;
}

export function hasFaults(m: Readonly<SimModel>): boolean {
  return m.failedNodes.size + m.failedZones.size + m.failedMasters.size + m.stoppedKubelets.size > 0 || m.partitioned;
}

/** A fresh model for a cluster just created. */
export function initialModel(cluster: Cluster): SimModel {
  const nodes = cluster.get('nodes');
  const isMaster = (n: StoredObject) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined;
  const zones = [...new Set(nodes.map((n) => n.metadata.labels?.['topology.kubernetes.io/zone']).filter((z): z is string => z !== undefined))].sort();
  return {
    deployments: new Map(),
    services: new Set(),
    nodes: nodes.filter((n) => !isMaster(n)).map((n) => n.metadata.name),
    zones,
    masters: nodes.filter(isMaster).map((n) => n.metadata.name),
    faultsAvailable: faultsOf(cluster) !== undefined,
    failedNodes: new Set(),
    failedZones: new Set(),
    failedMasters: new Set(),
    stoppedKubelets: new Set(),
    partitioned: false,
  };
}

/** A command from a precondition, a runner and a label. */
function command(label: string, check: (m: Readonly<SimModel>) => boolean, run: (m: SimModel, r: SimReal) => void): SimCommand {
  return { check, run, toString: () => label };
}

// ---- user operations ------------------------------------------------------------------------

function deploymentManifest(name: string, replicas: number, image: string, expose: boolean, maxSurge: number | string, maxUnavailable: number | string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name, ...(expose ? { expose: 'true' } : {}) } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  };
}

const names = (opts: OperationOptions) => opts.deploymentNames ?? APP_NAMES.slice(0, 2);
const replicasArb = (opts: OperationOptions) => fc.integer({ min: 0, max: opts.maxReplicas ?? 4 });
const surgeArb = fc.constantFrom<number | string>(0, 1, '25%', '50%');
const unavailableArb = fc.constantFrom<number | string>(0, 1, '25%');

export function applyDeploymentCommand(opts: OperationOptions = {}): fc.Arbitrary<SimCommand> {
  return fc
    .record({ name: fc.constantFrom(...names(opts)), replicas: replicasArb(opts), image: fc.constantFrom(...IMAGES), expose: fc.boolean(), maxSurge: surgeArb, maxUnavailable: unavailableArb })
    .filter((r) => !(r.maxSurge === 0 && r.maxUnavailable === 0))
    .map(({ name, replicas, image, expose, maxSurge, maxUnavailable }) =>
      command(
        `apply deployment/${name} replicas=${replicas} image=${image}${expose ? ' expose=true' : ''} maxSurge=${maxSurge} maxUnavailable=${maxUnavailable}`,
        () => true,
        (m, r) => {
          r.step(`apply deployment/${name} replicas=${replicas} image=${image}${expose ? ' expose=true' : ''}`, (c) => {
            c.apply(deploymentManifest(name, replicas, image, expose, maxSurge, maxUnavailable));
          });
          m.deployments.set(name, { expose });
        },
      ),
    );
}

export function scaleCommand(opts: OperationOptions = {}): fc.Arbitrary<SimCommand> {
  return fc.record({ name: fc.constantFrom(...names(opts)), replicas: replicasArb(opts) }).map(({ name, replicas }) =>
    command(`scale deployment/${name} --replicas=${replicas}`, (m) => m.deployments.has(name), (_m, r) => r.step(`scale deployment/${name} --replicas=${replicas}`, (c) => void c.scale(`deployment/${name}`, replicas))),
  );
}

export function setImageCommand(opts: OperationOptions = {}): fc.Arbitrary<SimCommand> {
  return fc.record({ name: fc.constantFrom(...names(opts)), image: fc.constantFrom(...IMAGES) }).map(({ name, image }) =>
    command(`set image deployment/${name} app=${image}`, (m) => m.deployments.has(name), (_m, r) => r.step(`set image deployment/${name} app=${image}`, (c) => void c.setImage(`deployment/${name}`, 'app', image))),
  );
}

export function undoCommand(opts: OperationOptions = {}): fc.Arbitrary<SimCommand> {
  return fc.constantFrom(...names(opts)).map((name) =>
    command(`rollout undo deployment/${name}`, (m) => m.deployments.has(name), (_m, r) => r.step(`rollout undo deployment/${name}`, (c) => void c.rollout.undo(`deployment/${name}`))),
  );
}

export function deleteDeploymentCommand(opts: OperationOptions = {}): fc.Arbitrary<SimCommand> {
  return fc.constantFrom(...names(opts)).map((name) =>
    command(`delete deployment/${name}`, (m) => m.deployments.has(name), (m, r) => {
      r.step(`delete deployment/${name}`, (c) => void c.delete('deployment', name));
      m.deployments.delete(name);
    }),
  );
}

/** Sets or removes one label on a Deployment's metadata (kubectl label deployment/x k=v | k-). */
export function labelDeploymentCommand(opts: OperationOptions = {}): fc.Arbitrary<SimCommand> {
  return fc.record({ name: fc.constantFrom(...names(opts)), key: fc.constantFrom('expose', 'tier'), set: fc.boolean() }).map(({ name, key, set }) => {
    const label = `label deployment/${name} ${set ? `${key}=true` : `${key}-`}`;
    return command(label, (m) => m.deployments.has(name), (m, r) => {
      r.step(label, (c) => relabel(c, 'Deployment', name, key, set ? 'true' : undefined));
      if (key === 'expose') m.deployments.set(name, { expose: set });
    });
  });
}

/** Edits a label of the i-th live pod: releases it from its ReplicaSet (disruptive). */
export function labelPodCommand(): fc.Arbitrary<SimCommand> {
  return fc.record({ index: fc.nat({ max: 20 }), app: fc.constantFrom(...APP_NAMES, undefined) }).map(({ index, app }) => {
    const label = `label pod #${index} ${app === undefined ? 'app-' : `app=${app} --overwrite`}`;
    return command(label, (m) => m.deployments.size > 0, (_m, r) => {
      r.step(label, (c) => {
        const pods = c.get('pods').filter((p) => !p.metadata.deletionTimestamp);
        const pod = pods[index % Math.max(pods.length, 1)];
        if (pod) relabel(c, 'Pod', pod.metadata.name, 'app', app);
      }, { disruptive: true });
    });
  });
}

/** Deletes the i-th live pod (disruptive). */
export function deletePodCommand(): fc.Arbitrary<SimCommand> {
  return fc.nat({ max: 20 }).map((index) =>
    command(`delete pod #${index}`, (m) => m.deployments.size > 0, (_m, r) => {
      r.step(`delete pod #${index}`, (c) => {
        const pods = c.get('pods').filter((p) => !p.metadata.deletionTimestamp);
        const pod = pods[index % Math.max(pods.length, 1)];
        if (pod) c.delete('pod', pod.metadata.name);
      }, { disruptive: true });
    }),
  );
}

export function applyServiceCommand(): fc.Arbitrary<SimCommand> {
  return fc
    .record({ name: fc.constantFrom('front', 'back'), app: fc.constantFrom(...APP_NAMES), targetPort: fc.constantFrom<number | string>(8080, 'http'), headless: fc.boolean() })
    .map(({ name, app, targetPort, headless }) => {
      const label = `apply service/${name} selector=app=${app} targetPort=${targetPort}${headless ? ' clusterIP=None' : ''}`;
      return command(label, () => true, (m, r) => {
        r.step(label, (c) => {
          // The ClusterIP is immutable: a change between headless and not needs a new Service.
          const old = c.find('service', name);
          if (old && ((old.spec as { clusterIP?: string }).clusterIP === 'None') !== headless) c.delete('service', name);
          c.apply({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name },
            spec: { selector: { app }, ...(headless ? { clusterIP: 'None' } : {}), ports: [{ name: 'http', port: 80, targetPort }] },
          });
        });
        m.services.add(name);
      });
    });
}

export function deleteServiceCommand(): fc.Arbitrary<SimCommand> {
  return fc.constantFrom('front', 'back').map((name) =>
    command(`delete service/${name}`, (m) => m.services.has(name), (m, r) => {
      r.step(`delete service/${name}`, (c) => void c.delete('service', name));
      m.services.delete(name);
    }),
  );
}

/** Lets virtual time pass (the cluster keeps working meanwhile). */
export function advanceCommand(): fc.Arbitrary<SimCommand> {
  return fc.constantFrom('100ms', '500ms', '1s', '2s', '5s', '30s').map((d) =>
    command(`advance ${d}`, () => true, (_m, r) => r.step(`advance ${d}`, (c) => c.advance(d))),
  );
}

/** Waits until the cluster is quiet, then checks the settled invariants (when no fault is in force). */
export function settleCommand(): fc.Arbitrary<SimCommand> {
  return fc.constant(command('settle', () => true, (_m, r) => r.settle()));
}

/** get + edit + replace, as kubectl label does with a patch. */
function relabel(c: Cluster, kind: string, name: string, key: string, value: string | undefined): void {
  const obj = c.get(kind, name) as StoredObject;
  const labels: Record<string, string> = { ...(obj.metadata.labels ?? {}) };
  if (value === undefined) delete labels[key];
  else labels[key] = value;
  c.replace({ ...obj, metadata: { ...obj.metadata, labels } });
}

// ---- faults ---------------------------------------------------------------------------------

function faultCommand(label: string, check: (m: Readonly<SimModel>) => boolean, fn: (f: FaultsApi) => void, update: (m: SimModel) => void): SimCommand {
  return command(label, (m) => m.faultsAvailable && check(m), (m, r) => {
    r.step(label, (c) => fn(faultsOf(c)!), { disruptive: true });
    update(m);
  });
}

export function nodeFaultCommands(): fc.Arbitrary<SimCommand>[] {
  const pick = fc.nat({ max: 15 });
  const nth = (list: readonly string[], i: number) => list[i % list.length]!;
  return [
    pick.map((i) => {
      let node = '';
      return faultCommand(`fault: fail node #${i}`, (m) => m.nodes.length > 0 && !m.failedNodes.has((node = nth(m.nodes, i))), (f) => f.failNode(node), (m) => void m.failedNodes.add(node));
    }),
    pick.map((i) => {
      let node = '';
      return faultCommand(`fault: recover node #${i}`, (m) => m.failedNodes.size > 0 && !!(node = nth([...m.failedNodes].sort(), i)), (f) => f.recoverNode(node), (m) => void m.failedNodes.delete(node));
    }),
    pick.map((i) => {
      let node = '';
      return faultCommand(`fault: stop kubelet #${i}`, (m) => m.nodes.length > 0 && !m.stoppedKubelets.has((node = nth(m.nodes, i))), (f) => f.stopKubelet(node), (m) => void m.stoppedKubelets.add(node));
    }),
    pick.map((i) => {
      let node = '';
      return faultCommand(`fault: start kubelet #${i}`, (m) => m.stoppedKubelets.size > 0 && !!(node = nth([...m.stoppedKubelets].sort(), i)), (f) => f.startKubelet(node), (m) => void m.stoppedKubelets.delete(node));
    }),
  ];
}

export function zoneFaultCommands(): fc.Arbitrary<SimCommand>[] {
  const pick = fc.nat({ max: 15 });
  const nth = (list: readonly string[], i: number) => list[i % list.length]!;
  return [
    pick.map((i) => {
      let zone = '';
      return faultCommand(`fault: fail zone #${i}`, (m) => m.zones.length > 1 && !m.failedZones.has((zone = nth(m.zones, i))), (f) => f.failZone(zone), (m) => void m.failedZones.add(zone));
    }),
    pick.map((i) => {
      let zone = '';
      return faultCommand(`fault: recover zone #${i}`, (m) => m.failedZones.size > 0 && !!(zone = nth([...m.failedZones].sort(), i)), (f) => f.recoverZone(zone), (m) => void m.failedZones.delete(zone));
    }),
    fc.constant(partitionCommand()),
    fc.constant(faultCommand('fault: heal partitions', (m) => m.partitioned, (f) => f.heal(), (m) => void (m.partitioned = false))),
  ];
}

function partitionCommand(): SimCommand {
  return command('fault: partition first zone from the rest', (m) => m.faultsAvailable && m.zones.length > 1 && !m.partitioned, (m, r) => {
    const [first, ...rest] = m.zones;
    r.step(`fault: partition ${first} | ${rest.join(',')}`, (c) => void faultsOf(c)!.partition([first!], rest), { disruptive: true });
    m.partitioned = true;
  });
}

export function masterFaultCommands(): fc.Arbitrary<SimCommand>[] {
  const pick = fc.nat({ max: 15 });
  const nth = (list: readonly string[], i: number) => list[i % list.length]!;
  return [
    pick.map((i) => {
      let node = '';
      return faultCommand(`fault: fail master #${i}`, (m) => m.masters.length > 0 && !m.failedMasters.has((node = nth(m.masters, i))), (f) => f.failMaster(node), (m) => void m.failedMasters.add(node));
    }),
    pick.map((i) => {
      let node = '';
      return faultCommand(`fault: recover master #${i}`, (m) => m.failedMasters.size > 0 && !!(node = nth([...m.failedMasters].sort(), i)), (f) => f.recoverMaster(node), (m) => void m.failedMasters.delete(node));
    }),
  ];
}

/** Undoes every fault the model knows of (the harness calls it before the final convergence check). */
export function recoverAll(m: SimModel, r: SimReal): void {
  if (!m.faultsAvailable || !hasFaults(m)) return;
  r.step('fault: recover everything', (c) => {
    const f = faultsOf(c)!;
    for (const n of [...m.failedMasters].sort()) f.recoverMaster(n);
    for (const z of [...m.failedZones].sort()) f.recoverZone(z);
    for (const n of [...m.failedNodes].sort()) f.recoverNode(n);
    for (const n of [...m.stoppedKubelets].sort()) f.startKubelet(n);
    if (m.partitioned) f.heal();
  }, { disruptive: true, harness: true });
  m.failedMasters.clear();
  m.failedZones.clear();
  m.failedNodes.clear();
  m.stoppedKubelets.clear();
  m.partitioned = false;
}

export interface OperationOptions {
  /** Deployment names the operations pick from (default web, api). */
  readonly deploymentNames?: readonly string[];
  readonly maxReplicas?: number;
  /** Include Service operations (default true). */
  readonly services?: boolean;
  /** Include pod relabelling and deletion (default true). */
  readonly podDisruptions?: boolean;
  /** Include faults when the cluster supports them (default true). */
  readonly faults?: boolean;
}

/**
 * The default operation mix: user operations weighted toward applies and rollouts, waits and
 * settles, and (when enabled and available) faults with their recoveries.
 */
export function operations(opts: OperationOptions = {}): fc.Arbitrary<SimCommand>[] {
  const out: fc.Arbitrary<SimCommand>[] = [
    applyDeploymentCommand(opts),
    applyDeploymentCommand(opts),
    scaleCommand(opts),
    setImageCommand(opts),
    undoCommand(opts),
    deleteDeploymentCommand(opts),
    labelDeploymentCommand(opts),
    advanceCommand(),
    advanceCommand(),
    settleCommand(),
  ];
  if (opts.services !== false) out.push(applyServiceCommand(), deleteServiceCommand());
  if (opts.podDisruptions !== false) out.push(labelPodCommand(), deletePodCommand());
  // Faults take two of the ~16 slots, so most of a sequence is still user operations; a fault
  // that does not apply (recovering what is up) is skipped by its precondition.
  if (opts.faults !== false) {
    const faults = fc.oneof(...nodeFaultCommands(), ...zoneFaultCommands(), ...masterFaultCommands());
    out.push(faults, faults);
  }
  return out;
}

/** A whole operation sequence for `fc.modelRun` in your own properties (see checkController). */
export function commandSequence(opts: OperationOptions & { maxCommands?: number } = {}): fc.Arbitrary<Iterable<SimCommand>> {
  return fc.commands(operations(opts), { maxCommands: opts.maxCommands ?? 15, size: 'max' });
}
