import { describe, expect, it } from 'vitest';
import { DESCRIBE_TABWRITER, TABLE_TABWRITER, tabwrite } from '../../src/kubectl/tabwriter.js';
import { parseArgs, tokenize } from '../../src/kubectl/args.js';

// Layout rules of golang/go src/text/tabwriter (tabwriter_test.go): column blocks end at a line
// without a cell in that column; the trailing cell is never padded; minwidth applies.
describe('tabwrite', () => {
  it.each([
    ['a\tb\tc\nlonger\tx\ty\n', TABLE_TABWRITER, 'a        b     c\nlonger   x     y\n'],
    ['Name:\tx\nService Account:\ty\nIPs:\n  IP:\tz\nControlled By:\tw\n', DESCRIBE_TABWRITER, 'Name:             x\nService Account:  y\nIPs:\n  IP:           z\nControlled By:  w\n'],
    ['Labels:\ta=b\n\tc=d\n', DESCRIBE_TABWRITER, 'Labels:  a=b\n         c=d\n'],
    ['  Type\tStatus\tReason\n  A \tTrue\tX\nOld:\t<none>\n', DESCRIBE_TABWRITER, '  Type  Status  Reason\n  A     True    X\nOld:    <none>\n'],
    ['né\tx\nab\ty\n', DESCRIBE_TABWRITER, 'né  x\nab  y\n'],
  ])('%j', (input, opts, expected) => {
    expect(tabwrite(input, opts)).toBe(expected);
  });
});

describe('kubectl command line', () => {
  it.each([
    [`get pods -o jsonpath='{.items[*].metadata.name}'`, ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']],
    [`get pods -o jsonpath="{\\"\\n\\"}"`, ['get', 'pods', '-o', 'jsonpath={"\\n"}']],
    [`get  a\\ b`, ['get', 'a b']],
  ])('tokenizes %s', (line, words) => {
    expect(tokenize(line)).toEqual(words);
  });

  it('parses flags in pflag forms, before or after the verb', () => {
    const a = parseArgs(tokenize('-n kube-system get pods -oyaml --selector=app=web -A --no-headers=false -L a -L b'));
    expect(a.positional).toEqual(['get', 'pods']);
    expect(Object.fromEntries(a.flags)).toEqual({
      namespace: 'kube-system',
      output: 'yaml',
      selector: 'app=web',
      'all-namespaces': 'true',
      'no-headers': 'false',
      'label-columns': 'a,b',
    });
  });
});
