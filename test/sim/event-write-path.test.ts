/**
 * The recorder's two write paths give the same Events: a well-formed report takes the short
 * path (createRecordedEvent, validation proven by the recorder's own checks), anything else the
 * full createObject path, which rejects it with the error the API server would give
 * (pkg/apis/core/validation/events.go, ValidateObjectMeta). Also: the correlation key is all of
 * client-go's getEventKey parts (tools/record/events_cache.go), however they are stored.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { KubesimError } from '../../src/model/errors.js';
import type { EventRecord } from '../../src/model/reconcile.js';
import { emptyState, listObjects, StoreBatch, type ClusterState } from '../../src/model/store.js';
import type { KubeObject } from '../../src/model/types.js';
import { createObject, deleteObject, type WriteContext } from '../../src/model/writes.js';
import { EventRecorder } from '../../src/sim/events.js';

let ctx: WriteContext = { nowMs: 7_000, epochMs: 1_735_689_600_000, ids: Rng.root('t') };

/** A fresh store; uids are drawn afresh too, so two runs draw the same ones. */
function store(): ClusterState {
  ctx = { ...ctx, ids: Rng.root('t') };
  const b = new StoreBatch(emptyState());
  createObject(b, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
  createObject(b, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, ctx);
  return b.commit();
}

/** Records `records` in one batch; the Events stored, oldest first, or the error thrown. */
function record(records: EventRecord[], base = store(), recorder = new EventRecorder()): KubeObject[] | KubesimError {
  const b = new StoreBatch(base);
  try {
    for (const r of records) recorder.record(b, r, ctx);
  } catch (e) {
    if (e instanceof KubesimError) return e;
    throw e;
  }
  return listObjects(b.commit(), 'Event').sort((x, y) => Number(x.metadata.resourceVersion) - Number(y.metadata.resourceVersion));
}

const scheduled: EventRecord = {
  involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: 'u-1' },
  type: 'Normal',
  reason: 'Scheduled',
  message: 'Successfully assigned team-a/web-1 to node-1',
  source: 'default-scheduler',
};

describe('EventRecorder write paths', () => {
  it('writes a well-formed report as the API server stores it', () => {
    const [e] = record([scheduled]) as KubeObject[];
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `web-1.${((1_735_689_607_000n * 1_000_000n) as bigint).toString(16)}`,
        namespace: 'team-a',
        creationTimestamp: '2025-01-01T00:00:07Z',
        uid: e!.metadata!.uid,
        resourceVersion: e!.metadata!.resourceVersion,
      },
      involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: 'u-1' },
      reason: 'Scheduled',
      message: 'Successfully assigned team-a/web-1 to node-1',
      source: { component: 'default-scheduler' },
      firstTimestamp: '2025-01-01T00:00:07Z',
      lastTimestamp: '2025-01-01T00:00:07Z',
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'default-scheduler',
      reportingInstance: '',
    });
    expect(Object.keys(e!.metadata!)).toEqual(['name', 'namespace', 'creationTimestamp', 'uid', 'resourceVersion']);
    expect(Object.isFrozen(e) && Object.isFrozen(e!.metadata) && Object.isFrozen(e!.involvedObject)).toBe(true);
  });

  it('gives the same JSON on both paths', () => {
    const short = record([scheduled]);
    // A null-prototype involvedObject is valid JSON input the recorder does not vouch for.
    const full = record([{ ...scheduled, involvedObject: Object.assign(Object.create(null) as object, scheduled.involvedObject) as never }]);
    expect(JSON.stringify(full)).toBe(JSON.stringify(short));
  });

  it.each`
    why                                    | change                                                              | message
    ${'a name with a slash'}               | ${{ involvedObject: { kind: 'Pod', namespace: 'default', name: 'a/b' } }} | ${"may not contain '/'"}
    ${'a namespace that is not a label'}   | ${{ involvedObject: { kind: 'Pod', namespace: 'Team_A', name: 'a' } }}    | ${'metadata.namespace'}
    ${'a type other than Normal, Warning'} | ${{ type: 'Info' }}                                                 | ${'has invalid value: Info'}
    ${'a reason that is not a string'}     | ${{ reason: 42 }}                                                   | ${'reason'}
    ${'no involved object'}                | ${{ involvedObject: undefined }}                                    | ${'involvedObject'}
  `('rejects $why as createObject does', ({ change, message }: { change: Partial<EventRecord>; message: string }) => {
    const r = record([{ ...scheduled, ...change }]);
    expect(r).toBeInstanceOf(KubesimError);
    expect((r as KubesimError).reason).toBe('Invalid');
    expect((r as KubesimError).message).toContain(message);
  });

  it('still refuses a missing or terminating namespace on the short path', () => {
    const missing = record([{ ...scheduled, involvedObject: { kind: 'Pod', namespace: 'nope', name: 'a', uid: 'u' } }]);
    expect((missing as KubesimError).reason).toBe('NotFound');
    const b = new StoreBatch(store());
    deleteObject(b, 'Namespace', undefined, 'team-a', ctx);
    const terminating = record([scheduled], b.commit());
    expect((terminating as KubesimError).reason).toBe('Forbidden');
  });

  it('aggregates only repeats of every key part, whatever the uid and message share', () => {
    const base = { ...scheduled, message: 'm' };
    const recorder = new EventRecorder();
    const events = record(
      [
        base,
        { ...base, reason: 'Other' },
        { ...base, type: 'Warning' },
        { ...base, source: 'other-scheduler' },
        { ...base, host: 'node-1' },
        { ...base, involvedObject: { ...base.involvedObject, name: 'web-2' } },
        { ...base, involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u-1' } },
        { ...base, involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: '' } },
        { ...base, involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-1' } as never },
        // The uid and message joined give the same map key as the first: still another event.
        { ...base, involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: 'u-1\u0000m' }, message: '' },
        base,
        { ...base, involvedObject: { kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: '' } },
      ],
      store(),
      recorder,
    ) as (KubeObject & { count: number })[];
    // In the order the Events were created (their names' serials), not last written.
    const serial = (e: KubeObject) => BigInt(`0x${e.metadata!.name!.split('.').pop()!}`);
    events.sort((a, b) => (serial(a) < serial(b) ? -1 : 1));
    expect(events.map((e) => e.count)).toEqual([2, 1, 1, 1, 1, 1, 1, 3, 1]);
  });
});
