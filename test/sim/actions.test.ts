/**
 * A reconciler's status writes (src/sim/actions.ts): the usual `{ ...stored, status }` shape
 * keeps the parts it did not change as the very stored values, while anything new is copied
 * and checked as any API input is.
 */
import { describe, expect, it } from 'vitest';
import { createCluster, getObject, type Cluster, type KubeObject, type Reconciler, type StoredObject } from '../../src/index.js';

type PodStatus = { phase?: string; conditions?: unknown[]; podIP?: string; [k: string]: unknown };

/**
 * A reconciler that posts, once per sync, the status `next(storedPod)` builds (each write wakes
 * it again), noting every version of the pod it sees in `seen`.
 */
function poster(writes: ((pod: StoredObject) => object)[], seen: StoredObject[]): Reconciler {
  return {
    name: 'poster',
    watches: { Pod: 'self' },
    reconcile(state, key) {
      const [ns, name] = key.split('/');
      const pod = getObject(state, 'Pod', ns, name!);
      if (pod) seen.push(pod);
      const next = writes.shift();
      if (!pod || !next) return { actions: [] };
      return { actions: [{ verb: 'updateStatus', object: next(pod) as KubeObject }] };
    },
  };
}

function cluster(writes: ((pod: StoredObject) => object)[], seen: StoredObject[] = []): Cluster {
  const c = createCluster({ nodes: 1, scheduler: false, controllers: false, reconcilers: [poster(writes, seen)] });
  c.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'a', labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx:1.27' }] },
  });
  return c;
}

const stored = (c: Cluster): StoredObject => getObject(c.state, 'Pod', 'default', 'a')!;
const statusOf = (c: Cluster): PodStatus => stored(c).status as PodStatus;
const errors = (c: Cluster): string[] => c.trace().flatMap((e) => (e.op === 'error' ? [String(e.message)] : []));

const conditions = [
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: 'False' },
];

describe('status writes from reconcilers', () => {
  it('keeps the stored parts a status write carries unchanged, and writes the new ones', () => {
    const seen: StoredObject[] = [];
    const c = cluster(
      [
        (pod) => ({ ...pod, status: { phase: 'Running', podIP: '10.244.0.5', conditions } }),
        (pod) => ({ ...pod, status: { ...(pod.status as PodStatus), podIP: '10.244.0.6' } }),
      ],
      seen,
    );
    const [, first, second] = seen;
    expect(first!.status).toEqual({ phase: 'Running', podIP: '10.244.0.5', conditions });
    expect(second!.status).toEqual({ phase: 'Running', podIP: '10.244.0.6', conditions });
    expect(stored(c)).toBe(second);
    // The conditions were not rewritten: the stored value is carried over, not a copy of it.
    expect((second!.status as PodStatus).conditions).toBe((first!.status as PodStatus).conditions);
    expect(second!.metadata.labels).toBe(first!.metadata.labels);
    expect(errors(c)).toEqual([]);
  });

  it('copies a frozen value that is not the stored one, so the caller cannot change the store later', () => {
    const ready = { type: 'Ready', status: 'True' };
    const c = cluster([(pod) => ({ ...pod, status: { phase: 'Running', conditions: Object.freeze([ready]) } })]);
    ready.status = 'False';
    expect(statusOf(c).conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(Object.isFrozen((statusOf(c).conditions as object[])[0])).toBe(true);
  });

  it.each`
    what                          | write                                                                                                   | field
    ${'a Date next to stored conditions'} | ${(pod: StoredObject) => ({ ...pod, status: { ...(pod.status as PodStatus), startTime: new Date(0) } })} | ${'status.startTime: not a plain object'}
    ${'NaN in a new condition'}   | ${(pod: StoredObject) => ({ ...pod, status: { ...(pod.status as PodStatus), conditions: [...((pod.status as PodStatus).conditions ?? []), { type: 'X', status: Number.NaN }] } })} | ${'status.conditions[2].status: NaN is not a valid JSON number'}
    ${'a function in the labels'} | ${(pod: StoredObject) => ({ ...pod, metadata: { ...pod.metadata, labels: { app: () => 'web' } } })}   | ${'metadata.labels.app: a function is not a JSON value'}
  `('rejects $what with a typed error naming the field, and writes nothing', ({ write, field }) => {
    const seen: StoredObject[] = [];
    const c = cluster([(pod) => ({ ...pod, status: { phase: 'Running', conditions } }), write], seen);
    expect(errors(c)).toEqual([expect.stringContaining(field)]);
    // The rejected write is the last one: the pod stays as the first write left it.
    expect(stored(c)).toBe(seen[1]);
    expect(stored(c).status).toEqual({ phase: 'Running', conditions });
  });

  it('keeps every metadata field but the resourceVersion when the write carries the stored metadata', () => {
    const seen: StoredObject[] = [];
    const c = cluster([(pod) => ({ ...pod, status: { phase: 'Running', conditions } })], seen);
    const [before, after] = seen;
    expect(errors(c)).toEqual([]);
    expect(Object.keys(after!.metadata)).toEqual(Object.keys(before!.metadata));
    expect({ ...after!.metadata, resourceVersion: undefined }).toEqual({ ...before!.metadata, resourceVersion: undefined });
    expect(Number(after!.metadata.resourceVersion)).toBeGreaterThan(Number(before!.metadata.resourceVersion));
    expect(Object.isFrozen(after!.metadata)).toBe(true);
  });

  it('rejects a status write built from a stale copy of the pod as a Conflict, and writes nothing', () => {
    const seen: StoredObject[] = [];
    let first: StoredObject | undefined;
    const c = cluster(
      [
        (pod) => ((first = pod), { ...pod, status: { phase: 'Running', conditions } }),
        () => ({ ...first!, status: { phase: 'Failed' } }),
      ],
      seen,
    );
    expect(errors(c)).toEqual([expect.stringMatching(/conflict|modified/i)]);
    expect(stored(c)).toBe(seen[1]);
    expect(statusOf(c).phase).toBe('Running');
  });

  it('takes a status write that repeats the stored status as a no-op', () => {
    const seen: StoredObject[] = [];
    const c = cluster([(pod) => ({ ...pod, status: { phase: 'Running', conditions } }), (pod) => ({ ...pod })], seen);
    expect(errors(c)).toEqual([]);
    expect(seen).toHaveLength(2);
    expect(stored(c)).toBe(seen[1]);
  });
});
