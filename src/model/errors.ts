/**
 * Typed errors. Every rejected call throws a `KubesimError` subclass carrying a
 * Kubernetes-style `reason` (metav1.StatusReason) and HTTP `code`, with a message shaped like
 * the API server's, so callers can branch on `reason` and people read what kubectl would print.
 *
 * Field-level problems are `FieldError`s (apimachinery's field.Error): a path such as
 * `spec.template.spec.containers[0].image`, a type, the bad value and a detail.
 *
 * @see kubernetes/apimachinery pkg/api/errors/errors.go, pkg/util/validation/field/errors.go
 */

export type StatusReason =
  | 'BadRequest'
  | 'Invalid'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Forbidden'
  | 'TooManyRequests'
  | 'RequestEntityTooLarge'
  | 'ServiceUnavailable'
  | 'InternalError';

const CODES: Record<StatusReason, number> = {
  BadRequest: 400,
  Invalid: 422,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Forbidden: 403,
  TooManyRequests: 429,
  RequestEntityTooLarge: 413,
  ServiceUnavailable: 503,
  InternalError: 500,
};

/** A resource as the API names it in messages: plural plus group, e.g. `deployments.apps`. */
export interface GroupResource {
  readonly resource: string;
  readonly group: string;
}

export function formatGroupResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

export class KubesimError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  constructor(reason: StatusReason, message: string) {
    super(message);
    this.name = new.target.name;
    this.reason = reason;
    this.code = CODES[reason];
  }
}

/** Malformed input that is not an object write: a quantity, a selector, a duration, YAML. */
export class BadRequestError extends KubesimError {
  constructor(message: string) {
    super('BadRequest', message);
  }
}

export class NotFoundError extends KubesimError {
  constructor(
    readonly resource: GroupResource,
    readonly objectName: string,
  ) {
    super('NotFound', `${formatGroupResource(resource)} "${objectName}" not found`);
  }
}

export class AlreadyExistsError extends KubesimError {
  constructor(
    readonly resource: GroupResource,
    readonly objectName: string,
  ) {
    super('AlreadyExists', `${formatGroupResource(resource)} "${objectName}" already exists`);
  }
}

export class ConflictError extends KubesimError {
  constructor(
    readonly resource: GroupResource,
    readonly objectName: string,
    detail = 'the object has been modified; please apply your changes to the latest version and try again',
  ) {
    super(
      'Conflict',
      `Operation cannot be fulfilled on ${formatGroupResource(resource)} "${objectName}": ${detail}`,
    );
  }
}

export class ForbiddenError extends KubesimError {
  constructor(message: string) {
    super('Forbidden', message);
  }
}

export class TooManyRequestsError extends KubesimError {
  constructor(message: string) {
    super('TooManyRequests', message);
  }
}

export class RequestEntityTooLargeError extends KubesimError {
  constructor(limitBytes: number) {
    super('RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);
  }
}

export class ServiceUnavailableError extends KubesimError {
  constructor(message = 'the server is currently unable to handle the request') {
    super('ServiceUnavailable', message);
  }
}

/** A bug in kubesim or a user reconciler misbehaving (e.g. a loop that never quiesces). */
export class InternalError extends KubesimError {
  constructor(message: string) {
    super('InternalError', message);
  }
}

export type FieldErrorType =
  | 'Invalid'
  | 'Required'
  | 'Duplicate'
  | 'NotSupported'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany';

export interface FieldError {
  readonly type: FieldErrorType;
  /** Dotted path with indices, as upstream prints it: `spec.template.spec.containers[0].name`. */
  readonly field: string;
  readonly badValue?: unknown;
  readonly detail?: string;
}

/** Formats a value the way field.Error does: strings quoted, numbers and booleans bare. */
function formatBadValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** One field error as upstream's `field.Error.Error()` prints it. */
export function formatFieldError(e: FieldError): string {
  const detail = e.detail ? `: ${e.detail}` : '';
  switch (e.type) {
    case 'Invalid':
      return `${e.field}: Invalid value: ${formatBadValue(e.badValue)}${detail}`;
    case 'Required':
      return `${e.field}: Required value${detail}`;
    case 'Duplicate':
      return `${e.field}: Duplicate value: ${formatBadValue(e.badValue)}`;
    case 'NotSupported':
      return `${e.field}: Unsupported value: ${formatBadValue(e.badValue)}${detail}`;
    case 'Forbidden':
      return `${e.field}: Forbidden${detail}`;
    case 'TooLong':
      return `${e.field}: Too long${detail}`;
    case 'TooMany':
      return `${e.field}: Too many: ${formatBadValue(e.badValue)}${detail}`;
  }
}

/** Constructors mirroring apimachinery's field.Invalid / field.Required / ... */
export const fieldError = {
  invalid: (field: string, badValue: unknown, detail: string): FieldError => ({
    type: 'Invalid',
    field,
    badValue,
    detail,
  }),
  required: (field: string, detail = ''): FieldError => ({ type: 'Required', field, detail }),
  duplicate: (field: string, badValue: unknown): FieldError => ({ type: 'Duplicate', field, badValue }),
  notSupported: (field: string, badValue: unknown, supported: readonly string[]): FieldError => ({
    type: 'NotSupported',
    field,
    badValue,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail }),
  tooLong: (field: string, maxLength: number): FieldError => ({
    type: 'TooLong',
    field,
    detail: `may not be more than ${maxLength} bytes`,
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: 'TooMany',
    field,
    badValue: actual,
    detail: `must have at most ${max} items`,
  }),
};

/**
 * A write rejected by validation: `Deployment.apps "web" is invalid: spec.replicas: Invalid
 * value: -1: must be greater than or equal to 0`. Several causes print as `[a, b]`.
 */
export class InvalidError extends KubesimError {
  readonly causes: readonly FieldError[];
  constructor(
    readonly qualifiedKind: string,
    readonly objectName: string,
    causes: readonly FieldError[],
  ) {
    const parts = causes.map(formatFieldError);
    const body = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    super('Invalid', `${qualifiedKind} "${objectName}" is invalid: ${body}`);
    this.causes = causes;
  }
}
