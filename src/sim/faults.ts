/**
 * Fault injection (`cluster.faults`): machines switched off and on, kubelets stopped and
 * started, whole zones lost, control-plane masters lost, network partitions — now, or at a
 * virtual time given as data (`schedule({ at: '2m', fault: 'failNode', target: 'node-3' })`),
 * fired by the cluster's timer queue.
 *
 * Faults are data: each one in force is a record in the store's '~Fault' table (see
 * src/reconcilers/kubelet/node-lease.ts for its shape), so the kubelet, the heartbeats and the
 * node lifecycle controller read it from state like anything else, and every injection is a
 * trace note (`fault failNode node-3`). Partitions live in the Router (`cluster.network`).
 *
 * Injecting a fault that is already in force, or recovering what is not failed, changes
 * nothing (and is still noted). Unknown nodes throw NotFoundError; unknown zones, non-master
 * targets of failMaster and malformed schedules throw BadRequestError.
 */
import { parseDuration, type Duration } from '../clock/duration.js';
import { BadRequestError, NotFoundError } from '../model/errors.js';
import { deepFreeze } from '../model/json.js';
import { getObject, listObjects, type ClusterState, type StoreBatch } from '../model/store.js';
import { formatRFC3339Micro } from '../model/time.js';
import { FAULT_TABLE, faultName, getFault, type FaultRecord } from '../reconcilers/kubelet/node-lease.js';
import { formatTime } from '../reconcilers/kubelet/pod-status.js';
import type { Router } from '../network/router.js';
import { describePartition } from '../network/partitions.js';
import { activeFaults, type ControlPlane } from './control-plane.js';

const ZONE_LABEL = 'topology.kubernetes.io/zone';

export const FAULT_VERBS = [
  'failNode',
  'recoverNode',
  'stopKubelet',
  'startKubelet',
  'failZone',
  'recoverZone',
  'failMaster',
  'recoverMaster',
  'partition',
  'heal',
] as const;
export type FaultVerb = (typeof FAULT_VERBS)[number];

/** A fault as data: what, on what, and when (`at` since the cluster's start, or `after` from now). */
export interface FaultSpec {
  readonly fault: FaultVerb;
  /** Node, zone or master name (failMaster/recoverMaster: optional). */
  readonly target?: string;
  /** partition: the two sides (node or zone names). */
  readonly sides?: readonly [string | readonly string[], string | readonly string[]];
  readonly at?: Duration;
  readonly after?: Duration;
}

/** A scheduled fault: its spec and its due time in virtual ms. */
export interface ScheduledFault {
  readonly dueMs: number;
  readonly spec: FaultSpec;
}

/** What the faults need from the cluster facade. */
export interface FaultHost {
  readonly state: ClusterState;
  readonly nowMs: number;
  readonly epochMs: number;
  readonly network: Router;
  readonly controlPlane: ControlPlane;
  /** One commit of fault records, traced as `note`, then the kubelets of `woken` are woken and the cluster drains. */
  commitFaults(note: string, write: (batch: StoreBatch) => void, woken: readonly string[]): void;
  /** A note without a write (partitions, no-ops), then a drain. */
  note(note: string): void;
  /** Puts a fault on the timer queue. */
  scheduleFault(f: ScheduledFault): void;
}

export class Faults {
  constructor(private readonly host: FaultHost) {}

  /** Switches a node's machine off: kubelet, containers and (for a master) its etcd member stop. */
  failNode(name: string): void {
    this.requireNode(name);
    this.down('failNode', [name], name);
  }

  /** Switches it on again; its kubelet starts with it. */
  recoverNode(name: string): void {
    this.requireNode(name);
    this.up('recoverNode', [name], name, ['node', 'kubelet']);
  }

  /** Stops the kubelet only: the machine and its containers keep running, heartbeats stop. */
  stopKubelet(name: string): void {
    this.requireNode(name);
    const h = this.host;
    const present = getFault(h.state, 'kubelet', name) !== undefined;
    h.commitFaults(`fault stopKubelet ${name}`, (batch) => {
      if (!present) batch.put(FAULT_TABLE, this.record('kubelet', name, 'KubeletStopped'));
    }, []);
  }

  startKubelet(name: string): void {
    this.requireNode(name);
    this.up('startKubelet', [name], name, ['kubelet']);
  }

  /** Every node in the zone goes down (masters too). */
  failZone(zone: string): void {
    this.down('failZone', this.zoneNodes(zone), zone);
  }

  recoverZone(zone: string): void {
    this.up('recoverZone', this.zoneNodes(zone), zone, ['node', 'kubelet']);
  }

  /** A master's machine goes off; without a name, the first master still up. */
  failMaster(name?: string): void {
    const target = name ?? this.host.controlPlane.up(this.host.state)[0];
    if (name !== undefined) this.requireMaster(name);
    else if (this.host.controlPlane.members.length === 0) this.requireMaster('');
    if (target === undefined) return this.host.note('fault failMaster (every master is already down)');
    this.down('failMaster', [target], target);
  }

  /** A master comes back; without a name, the first master that is down. */
  recoverMaster(name?: string): void {
    const cp = this.host.controlPlane;
    if (name !== undefined) this.requireMaster(name);
    else if (cp.members.length === 0) this.requireMaster('');
    const target = name ?? cp.members.find((m) => !cp.up(this.host.state).includes(m));
    if (target === undefined) return this.host.note('fault recoverMaster (every master is up)');
    this.up('recoverMaster', [target], target, ['node', 'kubelet']);
  }

  /** Cuts traffic between two sets of nodes or zones (cluster.network.partition). */
  partition(a: string | readonly string[], b: string | readonly string[]): void {
    this.host.network.partition(a, b);
    const parts = this.host.network.partitions();
    this.host.note(`fault partition ${describePartition(parts[parts.length - 1]!)}`);
  }

  /** Removes every partition. */
  heal(): void {
    this.host.network.heal();
    this.host.note('fault heal');
  }

  /** The faults in force, as stored. */
  list(): FaultRecord[] {
    return activeFaults(this.host.state);
  }

  /** Schedules faults as data; each fires when virtual time reaches it. */
  schedule(input: FaultSpec | readonly FaultSpec[]): ScheduledFault[] {
    const specs: readonly FaultSpec[] = Array.isArray(input) ? input : [input as FaultSpec];
    const scheduled = specs.map((s, i) => this.validate(s, specs.length > 1 ? `schedule[${i}]` : 'schedule'));
    for (const f of scheduled) this.host.scheduleFault(f);
    return scheduled;
  }

  /** Runs a fault spec now (what a scheduled fault does when it fires). */
  run(spec: FaultSpec): void {
    switch (spec.fault) {
      case 'partition':
        return this.partition(spec.sides![0], spec.sides![1]);
      case 'heal':
        return this.heal();
      case 'failMaster':
        return this.failMaster(spec.target);
      case 'recoverMaster':
        return this.recoverMaster(spec.target);
      default:
        return this[spec.fault](spec.target!);
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  private validate(s: FaultSpec, where: string): ScheduledFault {
    if (s === null || typeof s !== 'object') throw new BadRequestError(`faults.${where}: expected { fault, target?, at | after }`);
    if (!FAULT_VERBS.includes(s.fault)) throw new BadRequestError(`faults.${where}.fault: unknown fault ${JSON.stringify(s.fault)}; one of ${FAULT_VERBS.join(', ')}`);
    if ((s.at === undefined) === (s.after === undefined)) throw new BadRequestError(`faults.${where}: give exactly one of at (since the cluster's start) or after (from now)`);
    const now = this.host.nowMs;
    const dueMs = s.at !== undefined ? parseDuration(s.at) : now + parseDuration(s.after!);
    if (dueMs < now) throw new BadRequestError(`faults.${where}.at: ${String(s.at)} is in the past (now is ${now}ms)`);
    if (s.fault === 'partition') {
      if (!Array.isArray(s.sides) || s.sides.length !== 2) throw new BadRequestError(`faults.${where}.sides: partition needs two sides`);
    } else if (s.fault !== 'heal' && s.fault !== 'failMaster' && s.fault !== 'recoverMaster') {
      if (typeof s.target !== 'string' || s.target === '') throw new BadRequestError(`faults.${where}.target: ${s.fault} needs a target`);
      if (s.fault.endsWith('Zone')) this.zoneNodes(s.target);
      else this.requireNode(s.target);
    } else if (s.target !== undefined && s.fault !== 'heal') this.requireMaster(s.target);
    return { dueMs, spec: { ...s } };
  }

  private record(scope: 'node' | 'kubelet', node: string, fault: FaultRecord['fault']): FaultRecord {
    const h = this.host;
    const nowEpoch = h.epochMs + h.nowMs;
    // A kubelet cannot renew while the API server is gone: its heartbeats ended then.
    const heartbeatUntil = Math.min(nowEpoch, h.controlPlane.unavailableSinceMs(h.state) ?? nowEpoch);
    return deepFreeze({
      kind: FAULT_TABLE,
      metadata: { name: faultName(scope, node), resourceVersion: '0', uid: '' },
      fault,
      target: node,
      since: formatTime(nowEpoch),
      heartbeatUntil: formatRFC3339Micro(heartbeatUntil),
    }) as FaultRecord;
  }

  private down(verb: FaultVerb, nodes: readonly string[], what: string): void {
    const h = this.host;
    const fresh = nodes.filter((n) => getFault(h.state, 'node', n) === undefined);
    h.commitFaults(`fault ${verb} ${what}`, (batch) => {
      for (const n of fresh) batch.put(FAULT_TABLE, this.record('node', n, h.controlPlane.isMember(n) ? 'MasterDown' : 'NodeDown'));
    }, []);
  }

  private up(verb: FaultVerb, nodes: readonly string[], what: string, scopes: readonly ('node' | 'kubelet')[]): void {
    const h = this.host;
    const hit = nodes.filter((n) => scopes.some((s) => getFault(h.state, s, n) !== undefined));
    h.commitFaults(`fault ${verb} ${what}`, (batch) => {
      for (const n of hit) for (const s of scopes) if (getFault(h.state, s, n)) batch.remove(FAULT_TABLE, undefined, faultName(s, n));
    }, hit);
  }

  private requireNode(name: string): void {
    if (typeof name !== 'string' || !getObject(this.host.state, 'Node', undefined, name)) {
      throw new NotFoundError({ group: '', resource: 'nodes' }, String(name));
    }
  }

  private requireMaster(name: string): void {
    const cp = this.host.controlPlane;
    if (cp.members.length === 0) throw new BadRequestError('this cluster has no control-plane masters (createCluster({ controlPlane: { masters: 3 } }))');
    this.requireNode(name);
    if (!cp.isMember(name)) throw new BadRequestError(`node "${name}" is not a control-plane master (masters: ${cp.members.join(', ')})`);
  }

  /** The nodes labelled with the zone, sorted; BadRequest when there are none. */
  private zoneNodes(zone: string): string[] {
    const nodes = listObjects(this.host.state, 'Node')
      .filter((n) => n.metadata.labels?.[ZONE_LABEL] === zone)
      .map((n) => n.metadata.name);
    if (nodes.length === 0) throw new BadRequestError(`zone "${String(zone)}" has no nodes (label ${ZONE_LABEL})`);
    return nodes;
  }
}
