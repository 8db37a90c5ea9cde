/**
 * ValidMemo skips a validator only for a frozen value that already passed in the same context:
 * anything mutable, anything that failed, and any other context is checked again.
 */
import { describe, expect, it } from 'vitest';
import { fieldError } from '../../../src/model/errors.js';
import { ValidMemo } from '../../../src/model/validation/memo.js';

describe('ValidMemo', () => {
  it('checks a frozen value once per context, mutable and failing values every time', () => {
    const memo = new ValidMemo<string>();
    let calls = 0;
    const ok = () => {
      calls++;
      return [];
    };
    const bad = () => {
      calls++;
      return [fieldError.invalid('ip', 'x', 'must be a valid IP address')];
    };
    const frozen = Object.freeze({ ip: '10.0.0.1' });
    expect(memo.check(frozen, 'IPv4', ok)).toEqual([]);
    expect(memo.check(frozen, 'IPv4', ok)).toEqual([]);
    expect(calls).toBe(1);
    memo.check(frozen, 'IPv6', ok);
    expect(calls).toBe(2);

    const mutable = { ip: '10.0.0.1' };
    memo.check(mutable, 'IPv4', ok);
    memo.check(mutable, 'IPv4', ok);
    expect(calls).toBe(4);

    const invalid = Object.freeze({ ip: 'x' });
    expect(memo.check(invalid, 'IPv4', bad)).toHaveLength(1);
    expect(memo.check(invalid, 'IPv4', bad)).toHaveLength(1);
    expect(calls).toBe(6);
  });
});
