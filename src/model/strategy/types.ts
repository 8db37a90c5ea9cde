/**
 * The per-kind admission contract, after upstream's registry strategies
 * (pkg/registry/<group>/<kind>/strategy.go): defaulting, then validation on create or update.
 * The API path (src/sim) calls these for every write, users' and reconcilers' alike, after the
 * generic metadata checks of ./object-meta.ts.
 */
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../types.js';

export interface Strategy<T extends object = KubeObject> {
  readonly kind: string;
  /** Validates metadata.name (e.g. isDNS1123Subdomain, or isDNS1035Label for Services). */
  readonly nameValidator: (name: string) => string[];
  /**
   * SetDefaults_* for the kind plus the mutating admission upstream runs by default (for pods:
   * DefaultTolerationSeconds). Mutates `obj` in place: the caller passes kubesim's own copy.
   */
  applyDefaults(obj: T): void;
  /** Validation of a new object's spec and kind-specific metadata rules. */
  validateCreate(obj: T): FieldError[];
  /** Validation of an update, including immutable fields. `obj` is already defaulted. */
  validateUpdate(obj: T, old: T): FieldError[];
}
