import { describe, it, expect } from 'vitest';
import {
  validateLabelName,
  validateLabels,
  validateLabelSelector,
  validateLabelSelectorRequirement,
} from '../../../src/model/validation/labels.js';
import { formatFieldError } from '../../../src/model/errors.js';
import type { LabelSelector } from '../../../src/model/types.js';

const NAME_PART_REGEX_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_REGEX_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('validateLabels', () => {
  // Ported from kubernetes/apimachinery pkg/apis/meta/v1/validation/validation_test.go TestValidateLabels (successCases)
  it.each<Record<string, string>>([
    { simple: 'bar' },
    { 'now-with-dashes': 'bar' },
    { '1-starts-with-num': 'bar' },
    { '1234': 'bar' },
    { 'simple/simple': 'bar' },
    { 'now-with-dashes/simple': 'bar' },
    { 'now-with-dashes/now-with-dashes': 'bar' },
    { 'now.with.dots/simple': 'bar' },
    { 'now-with.dashes-and.dots/simple': 'bar' },
    { '1-num.2-num/3-num': 'bar' },
    { '1234/5678': 'bar' },
    { '1.2.3.4/5678': 'bar' },
    { UpperCaseAreOK123: 'bar' },
    { goodvalue: '123_-.BaR' },
  ])('accepts %j', (labels) => {
    expect(validateLabels(labels, 'field')).toEqual([]);
  });

  // Ported from kubernetes/apimachinery pkg/apis/meta/v1/validation/validation_test.go TestValidateLabels
  // (labelNameErrorCases, labelValueErrorCases): exactly one error whose detail contains `expect`.
  it.each<[Record<string, string>, string]>([
    [{ 'nospecialchars^=@': 'bar' }, 'name part must consist of'],
    [{ 'cantendwithadash-': 'bar' }, 'name part must consist of'],
    [{ 'only/one/slash': 'bar' }, 'a qualified name must consist of'],
    [{ ['a'.repeat(254)]: 'bar' }, 'must be no more than'],
    [{ toolongvalue: 'a'.repeat(64) }, 'must be no more than'],
    [{ backslashesinvalue: 'some\\bad\\value' }, 'a valid label must be an empty string or consist of'],
    [{ nocommasallowed: 'bad,value' }, 'a valid label must be an empty string or consist of'],
    [{ strangecharsinvalue: '?#$notsogood' }, 'a valid label must be an empty string or consist of'],
  ])('rejects %j', (labels, expect_) => {
    const errs = validateLabels(labels, 'field');
    expect(errs).toHaveLength(1);
    expect(errs[0]!.detail).toContain(expect_);
  });

  it('reports keys and values at the map path itself, as upstream does', () => {
    expect(validateLabels({ 'bad-': 'ok', good: 'bad value' }, 'metadata.labels')).toEqual([
      { type: 'Invalid', field: 'metadata.labels', badValue: 'bad-', detail: NAME_PART_REGEX_MSG },
      { type: 'Invalid', field: 'metadata.labels', badValue: 'bad value', detail: LABEL_VALUE_REGEX_MSG },
    ]);
  });

  it('prints like the API server', () => {
    const [err] = validateLabels({ app: '-web' }, 'metadata.labels');
    expect(formatFieldError(err!)).toBe(`metadata.labels: Invalid value: "-web": ${LABEL_VALUE_REGEX_MSG}`);
  });

  it('visits keys in sorted order so the error list is deterministic', () => {
    const errs = validateLabels({ 'z-': 'a', 'a-': 'b', 'm-': 'c' }, 'metadata.labels');
    expect(errs.map((e) => e.badValue)).toEqual(['a-', 'm-', 'z-']);
  });

  it('reports both a too-long and malformed value', () => {
    const errs = validateLabels({ k: `${'a'.repeat(64)}-` }, 'metadata.labels');
    expect(errs.map((e) => e.detail)).toEqual(['must be no more than 63 characters', LABEL_VALUE_REGEX_MSG]);
  });

  it('accepts undefined and empty maps', () => {
    expect(validateLabels(undefined, 'metadata.labels')).toEqual([]);
    expect(validateLabels({}, 'metadata.labels')).toEqual([]);
    expect(validateLabels({ empty: '' }, 'metadata.labels')).toEqual([]);
  });
});

describe('validateLabelName', () => {
  it.each<[string, string[]]>([
    ['app', []],
    ['example.com/app', []],
    ['-app', [NAME_PART_REGEX_MSG]],
    ['/app', ['prefix part must be non-empty']],
    ['example.com/', ['name part must be non-empty', NAME_PART_REGEX_MSG]],
    [
      'Example.com/app',
      [
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
  ])('%j -> %j', (key, details) => {
    expect(validateLabelName(key, 'spec.selector.matchExpressions[0].key')).toEqual(
      details.map((detail) => ({ type: 'Invalid', field: 'spec.selector.matchExpressions[0].key', badValue: key, detail })),
    );
  });
});

describe('validateLabelSelector', () => {
  // Ported from kubernetes/apimachinery pkg/apis/meta/v1/validation/validation_test.go TestLabelSelectorMatchExpression
  it.each<{ name: string; ls: LabelSelector; count: number; contains?: string }>([
    {
      name: 'valid LabelSelector',
      ls: { matchExpressions: [{ key: 'key', operator: 'In', values: ['value'] }] },
      count: 0,
    },
    {
      name: "matchExpression's key name isn't valid",
      ls: { matchExpressions: [{ key: '-key', operator: 'In', values: ['value'] }] },
      count: 1,
      contains: 'name part must consist of alphanumeric characters',
    },
    {
      name: "matchExpression's operator isn't valid",
      ls: { matchExpressions: [{ key: 'key', operator: 'abc', values: ['value'] }] },
      count: 1,
      contains: 'not a valid selector operator',
    },
    {
      name: "matchExpression's value name isn't valid",
      ls: { matchExpressions: [{ key: 'key', operator: 'In', values: ['-value'] }] },
      count: 1,
      contains: 'a valid label must be an empty string or consist of',
    },
  ])('$name', ({ ls, count, contains }) => {
    const errs = validateLabelSelector(ls, 'labelSelector');
    expect(errs).toHaveLength(count);
    if (contains !== undefined) expect(errs.map(formatFieldError).join('\n')).toContain(contains);
  });

  it('uses upstream paths and messages for every rule', () => {
    const ls: LabelSelector = {
      matchLabels: { 'bad key': 'v' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt', values: ['1'] },
        { key: 'd', operator: 'NotIn', values: ['ok', 'not ok'] },
      ],
    };
    expect(validateLabelSelector(ls, 'spec.selector').map(formatFieldError)).toEqual([
      `spec.selector.matchLabels: Invalid value: "bad key": ${NAME_PART_REGEX_MSG}`,
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator',
      `spec.selector.matchExpressions[3].values[1]: Invalid value: "not ok": ${LABEL_VALUE_REGEX_MSG}`,
    ]);
  });

  it('accepts null, undefined and empty selectors', () => {
    expect(validateLabelSelector(null, 'spec.selector')).toEqual([]);
    expect(validateLabelSelector(undefined, 'spec.selector')).toEqual([]);
    expect(validateLabelSelector({}, 'spec.selector')).toEqual([]);
    expect(validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, 'spec.selector')).toEqual([]);
  });

  it('honours the options (default off)', () => {
    const ls: LabelSelector = { matchExpressions: [{ key: 'k', operator: 'Weird', values: ['-v'] }] };
    expect(validateLabelSelector(ls, 's')).toHaveLength(2);
    expect(validateLabelSelector(ls, 's', { allowUnknownOperatorInRequirement: true, allowInvalidLabelValueInSelector: true })).toEqual(
      [],
    );
  });

  it('validateLabelSelectorRequirement checks the key after the operator', () => {
    expect(
      validateLabelSelectorRequirement({ key: '', operator: 'NotIn', values: [] }, 'spec.selector.matchExpressions[0]').map((e) => e.field),
    ).toEqual(['spec.selector.matchExpressions[0].values', 'spec.selector.matchExpressions[0].key', 'spec.selector.matchExpressions[0].key']);
  });

  it('accepts a root path', () => {
    expect(validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }, '').map((e) => e.field)).toEqual([
      'matchExpressions[0].values',
    ]);
  });
});

describe('wrongly typed input is reported, never thrown', () => {
  it.each([
    ['labels not a map', () => validateLabels('x' as never, 'metadata.labels')],
    ['a non-string label value', () => validateLabels({ a: 5 } as never, 'metadata.labels')],
    ['selector not an object', () => validateLabelSelector(7 as never, 'spec.selector')],
    ['matchExpressions not a list', () => validateLabelSelector({ matchExpressions: {} } as never, 'spec.selector')],
    ['a null expression', () => validateLabelSelector({ matchExpressions: [null] } as never, 'spec.selector')],
    ['a null in values', () => validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [null] }] } as never, 'spec.selector')],
  ])('%s', (_why, run) => {
    expect(run()).not.toHaveLength(0);
  });
});
