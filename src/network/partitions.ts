/**
 * Network partitions between two sets of nodes. A side is a list of node names and zone
 * names; a zone name stands for every node labelled topology.kubernetes.io/zone=<zone> at the
 * time a request is checked (so a node added to a partitioned zone is cut off too). A node
 * name wins over a zone of the same name. Traffic between a node on one side and a node on
 * the other fails; traffic within a side, or with clients on no node, is unaffected.
 */
import { BadRequestError } from '../model/errors.js';
import { getObject, listObjects, type ClusterState } from '../model/store.js';
import { ZONE_LABEL } from './proxy.js';

export interface Partition {
  readonly a: readonly string[];
  readonly b: readonly string[];
}

function asList(side: string | readonly string[]): string[] {
  return [...new Set(typeof side === 'string' ? [side] : side)].sort();
}

/** Whether `node` is on `side` (named directly, or by its zone). */
export function onSide(state: ClusterState, side: readonly string[], node: string): boolean {
  if (side.includes(node)) return true;
  const zone = getObject(state, 'Node', undefined, node)?.metadata.labels?.[ZONE_LABEL];
  // A listed name that is a node means that node, not a zone of the same name.
  return zone !== undefined && side.includes(zone) && !getObject(state, 'Node', undefined, zone);
}

/** The node names a side stands for now, sorted. */
export function sideNodes(state: ClusterState, side: readonly string[]): string[] {
  return listObjects(state, 'Node')
    .map((n) => n.metadata.name)
    .filter((n) => onSide(state, side, n));
}

/**
 * Validates and normalises a partition: each name must be a node or a zone some node is in,
 * and the two sides must not share a node (a node cannot be cut off from itself).
 */
export function makePartition(state: ClusterState, a: string | readonly string[], b: string | readonly string[]): Partition {
  const sides = [asList(a), asList(b)] as const;
  const zones = new Set(listObjects(state, 'Node').map((n) => n.metadata.labels?.[ZONE_LABEL]).filter((z) => z !== undefined));
  for (const side of sides) {
    if (side.length === 0) throw new BadRequestError('partition: each side needs at least one node or zone');
    for (const name of side) {
      if (!getObject(state, 'Node', undefined, name) && !zones.has(name)) {
        throw new BadRequestError(`partition: "${name}" is neither a node nor a zone`);
      }
    }
  }
  const left = new Set(sideNodes(state, sides[0]));
  const shared = sideNodes(state, sides[1]).filter((n) => left.has(n));
  if (shared.length > 0) throw new BadRequestError(`partition: node(s) ${shared.join(', ')} on both sides`);
  return { a: sides[0], b: sides[1] };
}

/** The first partition separating nodes `x` and `y`, if any. */
export function partitionBetween(state: ClusterState, partitions: readonly Partition[], x: string, y: string): Partition | undefined {
  if (x === y) return undefined;
  return partitions.find(
    (p) => (onSide(state, p.a, x) && onSide(state, p.b, y)) || (onSide(state, p.b, x) && onSide(state, p.a, y)),
  );
}

export function describePartition(p: Partition): string {
  return `[${p.a.join(', ')}] | [${p.b.join(', ')}]`;
}
