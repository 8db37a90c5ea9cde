/** cloneJsonSharing: a write's copy keeps the parts equal to the stored object's as those very values. */
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/model/errors.js';
import { cloneJsonSharing, deepFreeze } from '../../src/model/json.js';

const stored = deepFreeze({
  kind: 'Pod',
  metadata: { name: 'a', labels: { app: 'web' } },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
    podIPs: [{ ip: '10.0.0.1' }],
  },
});

type Copy = { metadata: { labels: object }; status: { conditions: object[]; podIPs: object[] } };

describe('cloneJsonSharing', () => {
  it('keeps equal parts below the top-level fields as the stored values, and copies the rest', () => {
    const input = {
      kind: 'Pod',
      metadata: { name: 'a', labels: { app: 'web' } },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        podIPs: stored.status.podIPs,
      },
    };
    const out = cloneJsonSharing(input, stored) as unknown as Copy;
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    // The object and its top-level fields are fresh: the write path assigns into them.
    expect(out.metadata).not.toBe(stored.metadata);
    expect(out.status).not.toBe(stored.status);
    expect(Object.isFrozen(out.status)).toBe(false);
    // Equal content, rebuilt or passed through: the stored value.
    expect(out.metadata.labels).toBe(stored.metadata.labels);
    expect(out.status.podIPs).toBe(stored.status.podIPs);
    expect(out.status.conditions[0]).toBe(stored.status.conditions[0]);
    // A changed condition is a copy, and so is the list holding it.
    expect(out.status.conditions[1]).not.toBe(stored.status.conditions[1]);
    expect(out.status.conditions).not.toBe(stored.status.conditions);
  });

  it.each`
    why                       | labels
    ${'a key fewer'}          | ${{ app: 'web' }}
    ${'a key more'}           | ${{ app: 'web', tier: 'front', zone: 'a' }}
    ${'the same keys reordered'} | ${{ tier: 'front', app: 'web' }}
  `('copies a part with $why, in its own key order', ({ labels }) => {
    const base = deepFreeze({ metadata: { labels: { app: 'web', tier: 'front' } } });
    const out = cloneJsonSharing({ metadata: { labels } }, base) as unknown as Copy;
    expect(out.metadata.labels).not.toBe(base.metadata.labels);
    expect(Object.keys(out.metadata.labels)).toEqual(Object.keys(labels));
  });

  it('drops undefined fields as cloneJson does, and still shares what is then equal', () => {
    const out = cloneJsonSharing({ metadata: { labels: { app: 'web', gone: undefined } } }, stored) as unknown as Copy;
    expect(out.metadata.labels).toBe(stored.metadata.labels);
  });

  it.each`
    what                      | status                                                       | message
    ${'a Date'}               | ${{ conditions: [{ type: 'Initialized', status: 'True' }, new Date(0)] }} | ${'status.conditions[1]: not a plain object'}
    ${'NaN'}                  | ${{ phase: Number.NaN }}                                     | ${'status.phase: NaN is not a valid JSON number'}
    ${'a function'}           | ${{ conditions: [{ type: 'Ready', status: () => 'True' }] }} | ${'status.conditions[0].status: a function is not a JSON value'}
  `('rejects $what next to stored parts, naming the field', ({ status, message }) => {
    expect(() => cloneJsonSharing({ kind: 'Pod', status }, stored)).toThrow(BadRequestError);
    expect(() => cloneJsonSharing({ kind: 'Pod', status }, stored)).toThrow(message);
  });

  it('rejects an empty Date where the stored part is an empty object', () => {
    const base = deepFreeze({ status: { extra: { nested: {} } } });
    expect(() => cloneJsonSharing({ status: { extra: { nested: new Date(0) } } }, base)).toThrow('status.extra.nested: not a plain object');
  });
});
