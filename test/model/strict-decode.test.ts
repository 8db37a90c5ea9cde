/**
 * Strict decoding answers "decodes cleanly" with one walk that builds no paths, and only walks
 * again, with the path-building walks, to word the error. Both must agree on every input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findTypeError, findUnknownFields, strictDecodeError } from '../../src/model/strict-decode.js';

const base = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' } },
  spec: {
    containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '1' } } }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
});

/** Sets `value` at `path` (creating objects on the way), in a copy of the base pod. */
function withValueAt(path: readonly string[], value: unknown): Record<string, unknown> {
  const pod = base() as Record<string, unknown>;
  let at: Record<string, unknown> = pod;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at = (at[key] = next !== null && typeof next === 'object' ? next : {}) as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
  return pod;
}

const paths = fc.constantFrom(
  ['spec', 'replicas'],
  ['spec', 'containers'],
  ['spec', 'nodeName'],
  ['spec', 'priority'],
  ['spec', 'tolerations'],
  ['spec', 'nodeSelector'],
  ['spec', 'affinity'],
  ['spec', 'containerz'],
  ['metadata', 'labels'],
  ['metadata', 'annotations'],
  ['metadata', 'ownerReferences'],
  ['status'],
  ['status', 'phase'],
  ['status', 'madeUp'],
);

describe('strictDecodeError', () => {
  it('rejects exactly the manifests with a type error or an unknown field', () => {
    fc.assert(
      fc.property(paths, fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        const pod = withValueAt(path, value);
        const slow = findTypeError(pod) !== undefined || findUnknownFields(pod).length > 0;
        expect(strictDecodeError(pod) !== undefined).toBe(slow);
      }),
      { seed: 7, numRuns: 600 },
    );
  });

  it('words the error as before: the type error first, else every unknown field', () => {
    expect(strictDecodeError(base())).toBeUndefined();
    expect(strictDecodeError(withValueAt(['spec', 'priority'], 'high'))?.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.priority of type int32',
    );
    const pod = withValueAt(['spec', 'containerz'], []);
    (pod.spec as { containers: Record<string, unknown>[] }).containers[0]!.imagex = 'x';
    expect(strictDecodeError(pod)?.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagex", unknown field "spec.containerz"',
    );
  });
});
