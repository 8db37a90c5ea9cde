/**
 * Invariants that declare the kinds they read (declareKindsRead, as the built-in `always`
 * invariants do): checkController skips them after a write that changed none of those kinds,
 * but still checks them at the end of every operation; one undeclared invariant among them
 * brings back a check after every write. Declared invariants are skipped one by one: after a
 * write of pods only, one that reads Namespaces is not checked again within the operation.
 */
import { describe, expect, it } from 'vitest';
import { checkController, ControllerCheckFailure, defaultImages, defineInvariant, type Invariant } from '../../src/testing/index.js';
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

  it('are skipped one by one: each is checked after the writes of the kinds it reads', () => {
    const namespaces = counting('readsNamespaces');
    declareKindsRead(namespaces.inv, ['Namespace']);
    const pods = counting('readsPods');
    declareKindsRead(pods.inv, ['Pod']);
    run([namespaces.inv, pods.inv]);
    expect(namespaces.calls()).toBeGreaterThan(4);
    expect(namespaces.calls()).toBeLessThan(pods.calls());
  });

  it('still name every invariant failing in the state where the first one failed', () => {
    // Both fail once a pod is bound, which happens after its creation within the same apply
    // (a later write of that operation). The second declares a kind no operation writes, so only
    // the first is due after the bind; the failure names both, as a check of all would.
    const noneBound = (name: string, kinds: string[]) =>
      declareKindsRead(
        defineInvariant(name, (c) => c.get('pods').every((p) => !(p.spec as { nodeName?: string }).nodeName)),
        kinds,
      );
    const inv = [noneBound('noPodsSeenByPods', ['Pod']), noneBound('noPodsSeenByNamespaces', ['Namespace'])];
    let failure: unknown;
    try {
      checkController({ cluster: { nodes: 3, zones: 3, images: defaultImages }, invariants: inv, numRuns: 20, maxCommands: 10, seed: 11, operations: { faults: false } });
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(ControllerCheckFailure);
    const message = (failure as Error).message;
    expect(message).toContain('invariant noPodsSeenByPods violated');
    expect(message).toContain('invariant noPodsSeenByNamespaces violated');
  });
});
