/**
 * Invariants that declare the kinds they read (declareKindsRead, as the built-in `always`
 * invariants do): checkController skips them after a write that changed none of those kinds,
 * but still checks them at the end of every operation; one undeclared invariant among them
 * brings back a check after every write.
 */
import { describe, expect, it } from 'vitest';
import { checkController, defaultImages, defineInvariant, type Invariant } from '../../src/testing/index.js';
import { declareKindsRead } from '../../src/testing/define-invariant.js';

function counting(name: string): { inv: Invariant; calls: () => number } {
  let calls = 0;
  const inv = defineInvariant(name, () => {
    calls += 1;
    return true;
  });
  return { inv, calls: () => calls };
}

const run = (invariants: Invariant[]) =>
  checkController({ cluster: { nodes: 3, zones: 3, images: defaultImages }, invariants, numRuns: 4, maxCommands: 10, seed: 11, operations: { faults: false } });

describe('invariants with declared kinds', () => {
  it('are checked less often than after every write, but at least once per operation', () => {
    const declared = counting('readsNamespaces');
    declareKindsRead(declared.inv, ['Namespace']);
    const plain = counting('readsEverything');
    run([declared.inv]);
    run([plain.inv]);
    expect(declared.calls()).toBeGreaterThan(4);
    expect(declared.calls()).toBeLessThan(plain.calls());
  });

  it('are checked after every write when another invariant declares nothing', () => {
    const declared = counting('readsNamespaces');
    declareKindsRead(declared.inv, ['Namespace']);
    const plain = counting('readsEverything');
    const alone = counting('readsEverythingAlone');
    run([declared.inv, plain.inv]);
    run([alone.inv]);
    expect(declared.calls()).toBe(plain.calls());
    expect(plain.calls()).toBe(alone.calls());
  });
});
