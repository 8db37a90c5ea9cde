import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseDuration, formatDuration } from '../../src/clock/duration.js';
import { BadRequestError, InternalError } from '../../src/model/errors.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

function parseError(input: string): BadRequestError {
  try {
    parseDuration(input);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return e as BadRequestError;
  }
  throw new Error(`parseDuration(${JSON.stringify(input)}) did not throw`);
}

describe('parseDuration', () => {
  // Ported from golang/go src/time/time_test.go parseDurationTests: the accepted inputs whose
  // value is a whole number of milliseconds (Go's value in ns / 1e6).
  it.each`
    input                         | ms
    ${'0'}                        | ${0}
    ${'5s'}                       | ${5 * S}
    ${'30s'}                      | ${30 * S}
    ${'1478s'}                    | ${1478 * S}
    ${'-5s'}                      | ${-5 * S}
    ${'+5s'}                      | ${5 * S}
    ${'-0'}                       | ${0}
    ${'+0'}                       | ${0}
    ${'5.0s'}                     | ${5 * S}
    ${'5.6s'}                     | ${5 * S + 600}
    ${'5.s'}                      | ${5 * S}
    ${'.5s'}                      | ${500}
    ${'1.0s'}                     | ${1 * S}
    ${'1.00s'}                    | ${1 * S}
    ${'1.004s'}                   | ${1 * S + 4}
    ${'1.0040s'}                  | ${1 * S + 4}
    ${'100.00100s'}               | ${100 * S + 1}
    ${'13ms'}                     | ${13}
    ${'14s'}                      | ${14 * S}
    ${'15m'}                      | ${15 * M}
    ${'16h'}                      | ${16 * H}
    ${'3h30m'}                    | ${3 * H + 30 * M}
    ${'10.5s4m'}                  | ${4 * M + 10 * S + 500}
    ${'-2m3.4s'}                  | ${-(2 * M + 3 * S + 400)}
    ${'39h9m14.425s'}             | ${39 * H + 9 * M + 14 * S + 425}
    ${'0.3333333333333333333h'}   | ${20 * M}
    ${'0.100000000000000000000h'} | ${6 * M}
  `('Go table: $input → $ms ms', ({ input, ms }: { input: string; ms: number }) => {
    expect(parseDuration(input)).toBe(ms);
  });

  // Same parser, other whole-millisecond spellings: the brief's examples, sub-ms units that add up
  // to whole milliseconds, and the int64-nanosecond limit expressed in ms.
  it.each`
    input                  | ms
    ${'300ms'}             | ${300}
    ${'1.5s'}              | ${1500}
    ${'2m30s'}             | ${150 * S}
    ${'1h'}                | ${H}
    ${'-1m'}               | ${-M}
    ${'1h30m'}             | ${90 * M}
    ${'12000µs'}           | ${12}
    ${'12000μs'}           | ${12}
    ${'3000us'}            | ${3}
    ${'2000000ns'}         | ${2}
    ${'1.5ms500us'}        | ${2}
    ${'0.001s'}            | ${1}
    ${'1h0m0s'}            | ${H}
    ${'9223372036854ms'}   | ${9_223_372_036_854}
    ${'-9223372036854ms'}  | ${-9_223_372_036_854}
    ${'2562047h47m16.854s'} | ${9_223_372_036_854}
  `('$input → $ms ms', ({ input, ms }: { input: string; ms: number }) => {
    expect(parseDuration(input)).toBe(ms);
  });

  // Ported from the same Go table: inputs Go accepts whose value has a sub-millisecond part.
  // Virtual time is whole milliseconds, so these are rejected rather than rounded.
  it.each([
    '10ns',
    '11us',
    '12µs',
    '12μs',
    '1h2m3s4ms5us6ns',
    '52763797000ns',
    '9007199254740993ns',
    '9223372036854775807ns',
    '9223372036854775.807us',
    '9223372036s854ms775us807ns',
    '-9223372036854775807ns',
    '0.830103483285477580700h',
    '1.5ms',
  ])('rejects %s (not a whole number of ms)', (input) => {
    expect(parseError(input).message).toBe(
      `time: invalid duration "${input.replace('µ', '\\xc2\\xb5').replace('μ', '\\xce\\xbc')}": virtual time has millisecond resolution`,
    );
  });

  // Ported from golang/go src/time/time_test.go parseDurationTests, the "errors" section, plus
  // the error message shapes of src/time/format.go ParseDuration.
  it.each`
    input                          | message
    ${''}                          | ${'time: invalid duration ""'}
    ${'3'}                         | ${'time: missing unit in duration "3"'}
    ${'-'}                         | ${'time: invalid duration "-"'}
    ${'s'}                         | ${'time: invalid duration "s"'}
    ${'.'}                         | ${'time: invalid duration "."'}
    ${'-.'}                        | ${'time: invalid duration "-."'}
    ${'.s'}                        | ${'time: invalid duration ".s"'}
    ${'+.s'}                       | ${'time: invalid duration "+.s"'}
    ${'3000000h'}                  | ${'time: invalid duration "3000000h"'}
    ${'9223372036854775808ns'}     | ${'time: invalid duration "9223372036854775808ns"'}
    ${'9223372036854775.808us'}    | ${'time: invalid duration "9223372036854775.808us"'}
    ${'9223372036854ms775us808ns'} | ${'time: invalid duration "9223372036854ms775us808ns"'}
    ${'abc'}                       | ${'time: invalid duration "abc"'}
    ${'1'}                         | ${'time: missing unit in duration "1"'}
    ${'1x'}                        | ${'time: unknown unit "x" in duration "1x"'}
    ${'1s2'}                       | ${'time: missing unit in duration "1s2"'}
    ${'5 s'}                       | ${'time: unknown unit " s" in duration "5 s"'}
    ${'1d'}                        | ${'time: unknown unit "d" in duration "1d"'}
    ${'1µ'}                        | ${'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"'}
    ${'1"s'}                       | ${'time: unknown unit "\\"s" in duration "1\\"s"'}
    ${'--1s'}                      | ${'time: invalid duration "--1s"'}
  `('rejects $input: $message', ({ input, message }: { input: string; message: string }) => {
    expect(parseError(input).message).toBe(message);
  });

  it('treats the most negative int64 nanoseconds as not a whole number of ms', () => {
    // Go versions differ on accepting "-9223372036854775808ns"; either way it is 808ns past a ms.
    expect(() => parseDuration('-9223372036854775808ns')).toThrow(BadRequestError);
  });

  it.each`
    input       | ms
    ${250}      | ${250}
    ${0}        | ${0}
    ${-1500}    | ${-1500}
  `('takes the number $input as milliseconds', ({ input, ms }: { input: number; ms: number }) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it('normalises -0 to 0', () => {
    expect(Object.is(parseDuration(-0), 0)).toBe(true);
    expect(Object.is(parseDuration('-0s'), 0)).toBe(true);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53])(
    'rejects the number %s',
    (input) => {
      expect(() => parseDuration(input)).toThrow(BadRequestError);
      expect(() => parseDuration(input)).toThrow(/must be an integer number of milliseconds/);
    },
  );

  it('rejects values that are neither numbers nor strings (untyped input from YAML)', () => {
    expect(() => parseDuration(null as unknown as number)).toThrow(BadRequestError);
    expect(() => parseDuration({} as unknown as string)).toThrow(BadRequestError);
  });
});

describe('formatDuration', () => {
  // Ported from golang/go src/time/time_test.go durationTests, restricted to whole milliseconds;
  // as upstream, each positive case is also checked negated with a leading "-".
  it.each`
    str             | ms
    ${'0s'}         | ${0}
    ${'3.3s'}       | ${3300}
    ${'4m5s'}       | ${4 * M + 5 * S}
    ${'4m5.001s'}   | ${4 * M + 5001}
    ${'5h6m7.001s'} | ${5 * H + 6 * M + 7001}
    ${'300ms'}      | ${300}
    ${'1ms'}        | ${1}
    ${'999ms'}      | ${999}
    ${'1s'}         | ${S}
    ${'1.5s'}       | ${1500}
    ${'1.05s'}      | ${1050}
    ${'59.999s'}    | ${59_999}
    ${'1m0s'}       | ${M}
    ${'2m30s'}      | ${150 * S}
    ${'1h0m0s'}     | ${H}
    ${'1h30m0s'}    | ${90 * M}
    ${'48h0m0.01s'} | ${48 * H + 10}
    ${'2562047h47m16.854s'} | ${9_223_372_036_854}
  `('$ms ms → $str', ({ str, ms }: { str: string; ms: number }) => {
    expect(formatDuration(ms)).toBe(str);
    if (ms > 0) expect(formatDuration(-ms)).toBe(`-${str}`);
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects %s as a bug', (ms) => {
    expect(() => formatDuration(ms)).toThrow(InternalError);
  });

  // Mirrors golang/go TestParseDurationRoundTrip (there: random whole-ms durations).
  it('round-trips through parseDuration for every ms in the int64-nanosecond range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9_223_372_036_854, max: 9_223_372_036_854 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
