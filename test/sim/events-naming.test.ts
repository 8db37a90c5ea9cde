/**
 * Event names and involvedObjects as the recorder writes them: `<object>.<unix nanos in hex>`
 * (client-go's recorder), a serial in the low digits keeping names of one instant apart; Events
 * about one object carry equal (and shared) involvedObjects.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { emptyState, listObjects, StoreBatch } from '../../src/model/store.js';
import type { KubeObject, StoredObject } from '../../src/model/types.js';
import { createObject, type WriteContext } from '../../src/model/writes.js';
import { EventRecorder } from '../../src/sim/events.js';

function record(epochMs: number, nowMs: number, events: { name: string; uid?: string; reason: string }[]): StoredObject[] {
  const ctx: WriteContext = { nowMs, epochMs, ids: Rng.root('t') };
  const batch = new StoreBatch(emptyState());
  createObject(batch, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
  const recorder = new EventRecorder();
  for (const e of events) {
    const involvedObject = { kind: 'Pod', namespace: 'default', name: e.name, ...(e.uid ? { uid: e.uid } : {}) };
    recorder.record(batch, { involvedObject, type: 'Normal', reason: e.reason, message: e.reason, source: 'kubelet', host: 'n1' }, ctx);
  }
  return listObjects(batch.commit(), 'Event').sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
}

describe('Event names', () => {
  it.each`
    epochMs            | nowMs          | why
    ${0}               | ${0}           | ${'zero'}
    ${0}               | ${16_777_216}  | ${'2^24 ms: the carry between the halves'}
    ${1_735_689_600_000} | ${1_234}     | ${'2025'}
    ${4_102_444_800_000} | ${86_400_000} | ${'2100'}
  `('are the pod name and (ms × 10^6 + serial) in hex: $why', ({ epochMs, nowMs }: { epochMs: number; nowMs: number }) => {
    const events = record(epochMs, nowMs, [
      { name: 'a', reason: 'Pulling' },
      { name: 'a', reason: 'Pulled' },
    ]);
    const nanos = BigInt(epochMs + nowMs) * 1_000_000n;
    expect(events.map((e) => e.metadata.name)).toEqual([`a.${nanos.toString(16)}`, `a.${(nanos + 1n).toString(16)}`]);
  });
});

describe('Event involvedObjects', () => {
  it('are equal for Events about one object, and each Event names its own', () => {
    const events = record(0, 0, [
      { name: 'a', uid: 'u1', reason: 'Pulling' },
      { name: 'a', uid: 'u1', reason: 'Pulled' },
      { name: 'b', uid: 'u1', reason: 'Started' },
      { name: 'c', reason: 'Started' },
    ]) as (KubeObject & { involvedObject: object })[];
    expect(events.map((e) => e.involvedObject)).toEqual([
      { kind: 'Pod', namespace: 'default', name: 'a', uid: 'u1' },
      { kind: 'Pod', namespace: 'default', name: 'a', uid: 'u1' },
      { kind: 'Pod', namespace: 'default', name: 'b', uid: 'u1' },
      { kind: 'Pod', namespace: 'default', name: 'c' },
    ]);
    expect(events[1]!.involvedObject).toBe(events[0]!.involvedObject);
    for (const e of events) expect(Object.isFrozen(e.involvedObject)).toBe(true);
  });
});
