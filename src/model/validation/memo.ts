/**
 * Remembers frozen values that a validator found valid, so that a later write carrying the very
 * same frozen value (a pod status update sharing the stored spec, an Endpoints update sharing
 * the controller's shared address objects) does not check it again. The write path's frozen
 * values are kubesim's own, deep-frozen (stored objects and shareableJson values; deepFreeze
 * and cloneJson rely on the same rule), so a frozen value that passed once passes again.
 *
 * Only for validators whose verdict depends on the value and the given context alone: the
 * field path only names where errors are reported, and a valid value reports none.
 */
import type { FieldError } from '../errors.js';

export class ValidMemo<C = true> {
  private readonly valid = new WeakMap<object, C>();

  /** `validate()`'s errors, or none without calling it when `value` already passed in `context`. */
  check(value: unknown, context: C, validate: () => FieldError[]): FieldError[] {
    if (this.passed(value, context)) return [];
    const errs = validate();
    if (errs.length === 0) this.remember(value, context);
    return errs;
  }

  /** Whether `value` is frozen and already passed in `context`. */
  passed(value: unknown, context: C): boolean {
    return value !== null && typeof value === 'object' && this.valid.get(value) === context;
  }

  /** Records that `value` passed in `context` (a no-op unless it is frozen). */
  remember(value: unknown, context: C): void {
    if (value !== null && typeof value === 'object' && Object.isFrozen(value)) this.valid.set(value, context);
  }
}
