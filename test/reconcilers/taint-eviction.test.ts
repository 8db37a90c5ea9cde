/**
 * Which Node changes wake the taint eviction controller: only a change of the node's NoExecute
 * taints (upstream's NodeUpdated handler compares the old and new NoExecute taints).
 *
 * @see kubernetes/kubernetes pkg/controller/tainteviction/taint_eviction.go (NodeUpdated)
 */
import { describe, expect, it } from 'vitest';
import { taintEvictionController } from '../../src/reconcilers/taint-eviction.js';
import type { ClusterState } from '../../src/model/store.js';
import type { StoredObject, WatchMapper } from '../../src/index.js';

const node = (taints?: object[], extra: object = {}): StoredObject =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u1' }, spec: taints ? { taints } : {}, status: extra }) as unknown as StoredObject;

const nodeMapper = taintEvictionController().watches.Node as WatchMapper;
const wake = (oldObject: StoredObject | undefined, object: StoredObject | undefined) =>
  nodeMapper({ kind: 'Node', oldObject, object }, undefined as unknown as ClusterState);

describe('taint eviction: node changes', () => {
  const noExecute = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }];
  const noSchedule = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }];

  it('a write that keeps the taints (same array) wakes nothing', () => {
    const before = node(noExecute);
    const after = { ...before, status: { phase: 'Running' } } as StoredObject;
    expect(wake(before, after)).toEqual([]);
  });

  it('an equal but rebuilt taint list wakes nothing', () => {
    expect(wake(node(noExecute), node(noExecute.map((t) => ({ ...t }))))).toEqual([]);
  });

  it('a NoExecute taint added or removed wakes the node', () => {
    expect(wake(node(), node(noExecute))).toEqual(['n1']);
    expect(wake(node(noExecute), node())).toEqual(['n1']);
  });

  it('a NoSchedule-only change wakes nothing; a new node with NoExecute taints wakes it', () => {
    expect(wake(node(), node(noSchedule))).toEqual([]);
    expect(wake(undefined, node(noExecute))).toEqual(['n1']);
    expect(wake(node(noExecute), undefined)).toEqual([]);
  });
});
