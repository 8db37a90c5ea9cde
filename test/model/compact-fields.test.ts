/**
 * Objects the store keeps for long are copied once so that all their fields sit in the object
 * itself (src/model/json.ts compactFields): what a reader gets must still be plain JSON, the
 * same fields in the same order, prototype Object.prototype, frozen.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { compactFields, fieldCount } from '../../src/model/json.js';
import { getObject } from '../../src/model/store.js';
import { createObject, type WriteContext } from '../../src/model/writes.js';
import { batchWithDefaultNamespace } from './write-support.js';

const ctx: WriteContext = { nowMs: 7_000, epochMs: 1_735_689_600_000, ids: Rng.root('t') };

describe('compactFields (stored objects keep all their fields in-object)', () => {
  it('copies a plain object with the same fields, order and prototype; small ones are kept as they are', () => {
    const big = { b: 1, a: [2], c: { d: 3 }, e: null, f: 'x', '1': true };
    const copy = compactFields(big, fieldCount(big));
    expect(copy).not.toBe(big);
    expect(Object.keys(copy)).toEqual(Object.keys(big));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(big));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.constructor).toBe(Object);
    expect(copy).toStrictEqual(big);
    const small = { a: 1, b: 2 };
    expect(compactFields(small, fieldCount(small))).toBe(small);
  });

  it('a stored pod reads as plain JSON: same fields and order as written', () => {
    const b = batchWithDefaultNamespace(ctx, 'team-a');
    const input = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'team-a', labels: { app: 'a' }, annotations: { x: 'y' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    };
    const stored = createObject(b, JSON.parse(JSON.stringify(input)), ctx);
    const read = getObject(b.commit(), 'Pod', 'team-a', 'p')!;
    expect(read).toBe(stored);
    expect(Object.keys(read.metadata)).toEqual(['name', 'namespace', 'labels', 'annotations', 'creationTimestamp', 'uid', 'resourceVersion']);
    expect(Object.getPrototypeOf(read.metadata)).toBe(Object.prototype);
    expect(Object.isFrozen(read) && Object.isFrozen(read.metadata) && Object.isFrozen(read.spec)).toBe(true);
  });
});
