import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/model/json.js';
import { list, map, mergeList, obj, type ObjectSchema, type Schema } from '../../src/model/schema/types.js';
import {
  StrategicMergePatchError,
  strategicMergePatch,
  strategicMergePatchWithSchema,
} from '../../src/model/strategic-merge-patch.js';

/**
 * The MergeItem test type of upstream's patch_test.go, as a kubesim schema:
 * mergingList (merge by name), nonMergingList, mergingIntList (merge), nonMergingIntList,
 * mergeItemPtr, simpleMap, replacingItem (replace), retainKeysMap, retainKeysMergingList.
 */
function mergeItemSchema(): ObjectSchema {
  const fields: Record<string, Schema> = {};
  const item = obj('MergeItem', fields);
  const retainFields: Record<string, Schema> = {
    name: 'string',
    value: 'string',
    other: 'string',
    simpleMap: map('string'),
    mergingIntList: mergeList('int32'),
    mergingList: mergeList(item, 'name'),
    nonMergingList: list(item),
  };
  Object.assign(fields, {
    name: 'string',
    value: 'string',
    other: 'string',
    mergingList: mergeList(item, 'name'),
    nonMergingList: list(item),
    mergingIntList: mergeList('int32'),
    nonMergingIntList: list('int32'),
    // A pointer to MergeItem tagged patchMergeKey:"name"; upstream's cases use it as a merge list.
    mergeItemPtr: mergeList(item, 'name'),
    simpleMap: map('string'),
    replacingItem: obj('RawExtension', {}, { open: true, replace: true }),
    retainKeysMap: obj('RetainKeysMergeItem', retainFields, { retainKeys: true }),
    retainKeysMergingList: mergeList(item, 'name'),
    jsonItem: 'any',
  });
  return item;
}

const SCHEMA = mergeItemSchema();

interface Case {
  description: string;
  original?: JsonValue;
  twoWay?: JsonValue;
  modified?: JsonValue;
  current?: JsonValue;
  threeWay?: JsonValue;
  result?: JsonValue;
  twoWayResult?: JsonValue;
}

// Ported from kubernetes/apimachinery pkg/util/strategicpatch/patch_test.go:
// createStrategicMergePatchTestCaseData and strategicMergePatchRawTestCases. Each case's two-way
// patch applied to `original` gives `twoWayResult` (or `modified`); its three-way patch applied
// to `current` gives `result`. Merge lists are compared sorted by merge key, as upstream's
// testPatchApplication does (sortMergeListsByName), since their order is not significant.
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/strategic-merge-patch-cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

function sortMergeLists(v: JsonValue, schema: Schema | undefined): JsonValue {
  if (Array.isArray(v)) {
    const s = schema !== undefined && typeof schema !== 'string' && schema.type === 'list' ? schema : undefined;
    const items = v.map((x) => sortMergeLists(x, s?.items));
    if (s?.strategy !== 'merge') return items;
    const key = (x: JsonValue): string => (s.mergeKey !== undefined && x !== null && typeof x === 'object' && !Array.isArray(x) ? JSON.stringify(x[s.mergeKey]) : JSON.stringify(x));
    return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(v)) {
    let child: Schema | undefined;
    if (schema !== undefined && typeof schema !== 'string') {
      if (schema.type === 'object') child = schema.fields[k];
      else if (schema.type === 'map') child = schema.values;
    }
    out[k] = sortMergeLists(v[k]!, child);
  }
  return out;
}

const usable = cases.filter((c) => !(c as { expectedError?: boolean }).expectedError);
const twoWay = usable.filter((c) => c.twoWay !== undefined && (c.twoWayResult ?? c.modified) !== undefined);
const threeWay = usable.filter((c) => c.threeWay !== undefined && c.result !== undefined);

describe('strategicMergePatchWithSchema (upstream cases)', () => {
  it('ports a meaningful number of cases', () => {
    expect(twoWay.length).toBeGreaterThan(80);
    expect(threeWay.length).toBeGreaterThan(80);
  });

  it.each(twoWay.map((c) => [c.description, c] as const))('two-way: %s', (_d, c) => {
    const got = strategicMergePatchWithSchema(c.original ?? {}, c.twoWay!, SCHEMA);
    expect(sortMergeLists(got, SCHEMA)).toEqual(sortMergeLists((c.twoWayResult ?? c.modified)!, SCHEMA));
  });

  it.each(threeWay.map((c) => [c.description, c] as const))('three-way: %s', (_d, c) => {
    const got = strategicMergePatchWithSchema(c.current ?? {}, c.threeWay!, SCHEMA);
    expect(sortMergeLists(got, SCHEMA)).toEqual(sortMergeLists(c.result!, SCHEMA));
  });
});

// Cases with a $setElementOrder directive pin the order: compare those exactly. Two are left
// out: upstream's order there (server-only item 4 before 3) comes from Go slice aliasing —
// deleteMatchingEntries shifts the live list in place and the appended item lands in the same
// backing array, which then serves as the "live order". kubesim orders by the real live list,
// giving [2, 3, 4]; the contents are still checked by the sorted comparison above.
const ALIASING = new Set(['add map and delete map from merging list', 'add map and delete map from merging list with conflict']);
const ordered = (p: JsonValue | undefined): boolean => JSON.stringify(p ?? null).includes('$setElementOrder');

describe('strategicMergePatchWithSchema (upstream $setElementOrder cases, exact order)', () => {
  it.each(threeWay.filter((c) => ordered(c.threeWay) && !ALIASING.has(c.description)).map((c) => [c.description, c] as const))('three-way: %s', (_d, c) => {
    expect(strategicMergePatchWithSchema(c.current ?? {}, c.threeWay!, SCHEMA)).toEqual(c.result);
  });
});

describe('strategicMergePatchWithSchema: order and directives', () => {
  it('keeps patch order and places server-only items by live order', () => {
    const original = { mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
    const patch = { mergingList: [{ name: 'd' }, { name: 'b', value: '2' }] };
    // normalizeElementOrder: d is not in the live list, so it is placed before the first
    // server-only item; a precedes b in the live list, so a comes before b.
    expect(strategicMergePatchWithSchema(original, patch, SCHEMA).mergingList).toEqual([
      { name: 'd' },
      { name: 'a' },
      { name: 'b', value: '2' },
      { name: 'c' },
    ]);
  });

  it('$setElementOrder reorders a merged list', () => {
    const original = { mergingList: [{ name: 'a' }, { name: 'b' }] };
    const patch = { '$setElementOrder/mergingList': [{ name: 'b' }, { name: 'a' }] };
    expect(strategicMergePatchWithSchema(original, patch, SCHEMA).mergingList).toEqual([{ name: 'b' }, { name: 'a' }]);
  });

  it.each`
    patch                                                        | message
    ${{ mergingList: [{ $patch: 'delete' }] }}                   | ${'does not contain declared merge key: name'}
    ${{ mergingList: [{ $patch: 'merge', name: 'a' }] }}         | ${'merging lists cannot yet be specified in the patch'}
    ${{ mergingList: [{ $patch: 'frobnicate', name: 'a' }] }}    | ${'unknown patch type: frobnicate'}
    ${{ mergeItemPtr: { $patch: 'frobnicate' } }}                | ${'unknown patch type: frobnicate'}
    ${{ $retainKeys: ['name'], value: 'x' }}                     | ${'invalid patch format of retainKeys'}
    ${{ mergingList: [{ value: 'x' }] }}                         | ${'does not contain declared merge key: name'}
    ${{ mergingIntList: [[1]] }}                                 | ${'lists of lists are not supported'}
  `('rejects $patch with $message', ({ patch, message }) => {
    const original = { mergingList: [{ name: 'a' }], mergeItemPtr: { name: 'x' }, mergingIntList: [1] };
    expect(() => strategicMergePatchWithSchema(original, patch, SCHEMA)).toThrow(StrategicMergePatchError);
    expect(() => strategicMergePatchWithSchema(original, patch, SCHEMA)).toThrow(message);
  });

  it('never modifies its inputs', () => {
    const original = { mergingList: [{ name: 'a', value: '1' }] };
    const patch = { mergingList: [{ name: 'a', value: '2' }] };
    const o = JSON.stringify(original);
    const p = JSON.stringify(patch);
    strategicMergePatchWithSchema(original, patch, SCHEMA);
    expect([JSON.stringify(original), JSON.stringify(patch)]).toEqual([o, p]);
  });
});

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
          { name: 'sidecar', image: 'envoy:1' },
        ],
        tolerations: [{ key: 'a', operator: 'Exists' }],
      },
    },
  },
};

describe('strategicMergePatch on kubesim kinds (k8s.io/api patchMergeKey tags)', () => {
  type Container = { name: string; image?: string; ports?: unknown; env?: unknown };
  const containers = (o: JsonValue): Container[] => (o as unknown as typeof DEPLOYMENT).spec.template.spec.containers as Container[];
  it('merges containers by name', () => {
    const out = strategicMergePatch(DEPLOYMENT, { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } });
    expect(containers(out).map((c) => [c.name, c.image])).toEqual([['web', 'nginx:1.28'], ['sidecar', 'envoy:1']]);
    expect(containers(out)[0]!.ports).toEqual([{ containerPort: 80 }]);
  });
  it('merges env by name and ports by containerPort', () => {
    const out = strategicMergePatch(DEPLOYMENT, {
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 443 }] }] } } },
    });
    const web = containers(out)[0]!;
    expect(web.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(web.ports).toEqual([{ containerPort: 443 }, { containerPort: 80 }]); // patch items lead (normalizeElementOrder)
  });
  it('deletes a container with $patch: delete', () => {
    const out = strategicMergePatch(DEPLOYMENT, { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
    expect(containers(out).map((c) => c.name)).toEqual(['web']);
  });
  it('replaces the container list with $patch: replace', () => {
    const out = strategicMergePatch(DEPLOYMENT, { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'busybox' }] } } } });
    expect(containers(out)).toEqual([{ name: 'only', image: 'busybox' }]);
  });
  it('replaces tolerations (no patch strategy) and merges finalizers as a set', () => {
    const out = strategicMergePatch(DEPLOYMENT, { metadata: { finalizers: ['b', 'a'] }, spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } }) as unknown as typeof DEPLOYMENT;
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(out.metadata.finalizers).toEqual(['b', 'a']);
  });
  it('$deleteFromPrimitiveList removes from a merged scalar list', () => {
    const out = strategicMergePatch(DEPLOYMENT, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }) as unknown as typeof DEPLOYMENT;
    expect(out.metadata.finalizers).toEqual([]);
  });
  it('$retainKeys clears the strategy fields not listed (Recreate drops rollingUpdate)', () => {
    const out = strategicMergePatch(DEPLOYMENT, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }) as unknown as typeof DEPLOYMENT;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });
  it('null deletes a field; a map $patch: delete empties it', () => {
    const out = strategicMergePatch(DEPLOYMENT, { metadata: { labels: { app: null } }, spec: { strategy: { $patch: 'delete' } } }) as unknown as typeof DEPLOYMENT;
    expect(out.metadata.labels).toEqual({});
    expect(out.spec.strategy).toEqual({});
  });
  it('merges service ports by port', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = strategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }) as unknown as typeof svc;
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });
});
