/**
 * Helpers shared by the write-path tests: a batch with the default namespace (and others), and the fields an
 * expected Invalid error names.
 */
import { expect } from 'vitest';
import { InvalidError } from '../../src/model/errors.js';
import { emptyState, StoreBatch } from '../../src/model/store.js';
import { createObject, type WriteContext } from '../../src/model/writes.js';

/** A batch over an empty store holding the `default` Namespace and any `more` named ones. */
export function batchWithDefaultNamespace(ctx: WriteContext, ...more: string[]): StoreBatch {
  const b = new StoreBatch(emptyState());
  for (const name of ['default', ...more]) createObject(b, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, ctx);
  return b;
}

/** The fields of the InvalidError `f` throws; fails the test if it throws nothing or something else. */
export function invalidFields(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidError);
    return (e as InvalidError).causes.map((c) => c.field);
  }
  throw new Error('expected an Invalid error');
}
