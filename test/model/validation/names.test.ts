import { describe, it, expect } from 'vitest';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  regexError,
} from '../../../src/model/validation/names.js';

describe('isDNS1123Label', () => {
  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsDNS1123Label
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)])(
    'accepts %j',
    (v) => {
      expect(isDNS1123Label(v)).toEqual([]);
    },
  );

  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsDNS1123Label
  it.each([
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A',
    '-', 'a-', '-a', '1-', '-1',
    '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2',
    ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
    'a'.repeat(64),
  ])('rejects %j', (v) => {
    expect(isDNS1123Label(v).length).toBeGreaterThan(0);
  });

  it('words its errors as upstream', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('A')).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('isDNS1123Subdomain', () => {
  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsDNS1123Subdomain
  it.each([
    'a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b',
    '0', '01', '012', '1a', '1-a', '1--a--b--2',
    'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a',
    'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1',
    '0.a', '01.a', '012.a', '1a.a', '1-a.a', '1--a--b--2',
    '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1',
    'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55',
    'a'.repeat(253),
  ])('accepts %j', (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([]);
  });

  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsDNS1123Subdomain
  it.each([
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A',
    '-', 'a-', '-a', '1-', '-1',
    '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2',
    ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
    'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A',
    'A.1', 'aB.1', 'A1.1', '1A.1',
    '0.A', '01.A', '012.A', '1A.a', '1a.A',
    'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee',
    'a@b', 'a,b', 'a_b', 'a;b',
    'a:b', 'a%b', 'a?b', 'a$b',
    'a'.repeat(254),
  ])('rejects %j', (v) => {
    expect(isDNS1123Subdomain(v).length).toBeGreaterThan(0);
  });

  it('words its errors as upstream', () => {
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
    expect(isDNS1123Subdomain('A')).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });
});

describe('isDNS1035Label', () => {
  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsDNS1035Label
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)])('accepts %j', (v) => {
    expect(isDNS1035Label(v)).toEqual([]);
  });

  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsDNS1035Label
  it.each([
    '0', '01', '012', '1a', '1-a', '1--a--b--2',
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A',
    '-', 'a-', '-a', '1-', '-1',
    '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2',
    ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
    'a'.repeat(64),
  ])('rejects %j', (v) => {
    expect(isDNS1035Label(v).length).toBeGreaterThan(0);
  });

  it('words its errors as upstream', () => {
    expect(isDNS1035Label('1a')).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });
});

describe('isQualifiedName', () => {
  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsQualifiedName
  it.each([
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    '1234',
    'simple/simple',
    'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes',
    'now.with.dots/simple',
    'now-with.dashes-and.dots/simple',
    '1-num.2-num/3-num',
    '1234/5678',
    '1.2.3.4/5678',
    'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo',
    'a'.repeat(63),
    `${'a'.repeat(253)}/${'b'.repeat(63)}`,
  ])('accepts %j', (v) => {
    expect(isQualifiedName(v)).toEqual([]);
  });

  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsQualifiedName
  it.each([
    'nospecialchars%^=@',
    'cantendwithadash-',
    '-cantstartwithadash-',
    'only/one/slash',
    'Example.com/abc',
    'example_com/abc',
    'example.com/',
    '/simple',
    'a'.repeat(64),
    `${'a'.repeat(254)}/abc`,
  ])('rejects %j', (v) => {
    expect(isQualifiedName(v).length).toBeGreaterThan(0);
  });

  const nameRegexMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  it.each<[string, string[]]>([
    ['only/one/slash', [`a qualified name ${nameRegexMsg} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    ['/simple', ['prefix part must be non-empty']],
    ['example.com/', ['name part must be non-empty', `name part ${nameRegexMsg}`]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
    [`${'a'.repeat(254)}/abc`, ['prefix part must be no more than 253 characters']],
    ['-x-', [`name part ${nameRegexMsg}`]],
  ])('words the errors for %j as upstream', (v, msgs) => {
    expect(isQualifiedName(v)).toEqual(msgs);
  });
});

describe('isValidLabelValue', () => {
  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsValidLabelValue
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), ''])(
    'accepts %j',
    (v) => {
      expect(isValidLabelValue(v)).toEqual([]);
    },
  );

  // Ported from kubernetes/apimachinery pkg/util/validation/validation_test.go TestIsValidLabelValue
  it.each([
    'nospecialchars%^=@',
    'Tama-nui-te-rā.is.Māori.sun',
    '\\backslashes\\are\\bad',
    '-starts-with-dash',
    'ends-with-dash-',
    '.starts.with.dot',
    'ends.with.dot.',
    'a'.repeat(64),
  ])('rejects %j', (v) => {
    expect(isValidLabelValue(v).length).toBeGreaterThan(0);
  });

  it('anchors the whole value (no match on a prefix or before a trailing newline)', () => {
    expect(isValidLabelValue('abc\n').length).toBeGreaterThan(0);
    expect(isQualifiedName('abc\n').length).toBeGreaterThan(0);
    expect(isDNS1123Label('abc\n').length).toBeGreaterThan(0);
  });
});

describe('regexError', () => {
  it('matches upstream RegexError spacing', () => {
    expect(regexError('bad', 'x+')).toBe("bad (regex used for validation is 'x+')");
    expect(regexError('bad', 'x+', 'a', 'b')).toBe("bad (e.g. 'a',  or 'b', regex used for validation is 'x+')");
  });
});

describe('lengths are measured in UTF-8 bytes, as Go len() does', () => {
  it('reports both the length and the syntax problem for 32 two-byte characters', () => {
    // 'ā' is 2 bytes in UTF-8: 64 bytes > 63, though only 32 UTF-16 units.
    expect(isValidLabelValue('ā'.repeat(32))).toHaveLength(2);
  });
});
