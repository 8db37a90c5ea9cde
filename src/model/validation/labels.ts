/**
 * Validation of labels and LabelSelectors as the API server runs it on writes: label keys are
 * qualified names, values are label values, selector operators are In/NotIn/Exists/DoesNotExist
 * with the matching number of values.
 *
 * Paths are upstream's: every label problem is reported at the map itself (`metadata.labels`),
 * not at `metadata.labels[key]`; selector problems at e.g.
 * `spec.selector.matchExpressions[0].values[1]`. Labels are visited in sorted key order so the
 * error list is deterministic (upstream ranges over a Go map).
 *
 * @see kubernetes/apimachinery pkg/apis/meta/v1/validation/validation.go
 */
import { fieldError, type FieldError } from '../errors.js';
import type { LabelSelector, LabelSelectorRequirement } from '../types.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

/** metav1validation.LabelSelectorValidationOptions; validateLabelSelector defaults both to false. */
export interface LabelSelectorValidationOptions {
  /** Accept invalid values in matchExpressions (only for data persisted before the check existed). */
  readonly allowInvalidLabelValueInSelector?: boolean;
  /** Accept operators other than In/NotIn/Exists/DoesNotExist (SubjectAccessReview-style callers). */
  readonly allowUnknownOperatorInRequirement?: boolean;
}

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** A label key must be a qualified name: `[prefix/]name`. */
export function validateLabelName(key: string, path: string): FieldError[] {
  if (typeof key !== 'string') return [fieldError.invalid(path, key, 'must be a string')];
  return isQualifiedName(key).map((msg) => fieldError.invalid(path, key, msg));
}

/** Every key a qualified name, every value a label value; all reported at `path`. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (labels == null) return errs;
  // Untrusted input may carry any JSON here; report it rather than throw.
  if (typeof labels !== 'object' || Array.isArray(labels)) return [fieldError.invalid(path, labels, 'must be a map of string keys to string values')];
  for (const key of Object.keys(labels).sort()) {
    errs.push(...validateLabelName(key, path));
    const value = labels[key]!;
    if (typeof value !== 'string') {
      errs.push(fieldError.invalid(path, value, 'label values must be strings'));
      continue;
    }
    for (const msg of isValidLabelValue(value)) errs.push(fieldError.invalid(path, value, msg));
  }
  return errs;
}

/** One matchExpressions entry (ValidateLabelSelectorRequirement). */
export function validateLabelSelectorRequirement(
  sr: LabelSelectorRequirement,
  path: string,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (sr === null || typeof sr !== 'object' || Array.isArray(sr)) return [fieldError.invalid(path, sr, 'must be an object')];
  const valuesPath = child(path, 'values');
  if (sr.values != null && (!Array.isArray(sr.values) || sr.values.some((v) => typeof v !== 'string'))) {
    return [fieldError.invalid(valuesPath, sr.values, 'must be a list of strings')];
  }
  const values = sr.values ?? [];
  switch (sr.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(fieldError.required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(fieldError.forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) {
        errs.push(fieldError.invalid(child(path, 'operator'), sr.operator, 'not a valid selector operator'));
      }
  }
  errs.push(...validateLabelName(sr.key, child(path, 'key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((value, i) => {
      for (const msg of isValidLabelValue(value)) errs.push(fieldError.invalid(`${valuesPath}[${i}]`, value, msg));
    });
  }
  return errs;
}

/** metav1validation.ValidateLabelSelector: null is valid (it selects nothing). */
export function validateLabelSelector(
  ls: LabelSelector | null | undefined,
  path: string,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (ls == null) return errs;
  if (typeof ls !== 'object' || Array.isArray(ls)) return [fieldError.invalid(path, ls, 'must be an object')];
  if (ls.matchExpressions != null && !Array.isArray(ls.matchExpressions)) {
    return [fieldError.invalid(child(path, 'matchExpressions'), ls.matchExpressions, 'must be a list')];
  }
  errs.push(...validateLabels(ls.matchLabels, child(path, 'matchLabels')));
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, `${child(path, 'matchExpressions')}[${i}]`, opts));
  });
  return errs;
}
