import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { humanDuration, shortHumanDuration } from '../../src/clock/human-duration.js';
import { InternalError } from '../../src/model/errors.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

// Go's `-2*time.Second + 1` is one nanosecond past -2s; the nearest whole-ms value on the same
// side of the boundary is -2s + 1ms, which upstream's truncation also prints as "0s".

describe('humanDuration', () => {
  // Ported from kubernetes/apimachinery pkg/util/duration/duration_test.go TestHumanDuration
  it.each`
    ms                          | want
    ${S}                        | ${'1s'}
    ${70 * S}                   | ${'70s'}
    ${190 * S}                  | ${'3m10s'}
    ${70 * M}                   | ${'70m'}
    ${47 * H}                   | ${'47h'}
    ${49 * H}                   | ${'2d1h'}
    ${(8 * 24 + 2) * H}         | ${'8d'}
    ${367 * 24 * H}             | ${'367d'}
    ${(365 * 2 * 24 + 25) * H}  | ${'2y1d'}
    ${(365 * 8 * 24 + 2) * H}   | ${'8y'}
  `('$ms ms → $want', ({ ms, want }: { ms: number; want: string }) => {
    expect(humanDuration(ms)).toBe(want);
  });

  // Ported from kubernetes/apimachinery pkg/util/duration/duration_test.go TestHumanDurationBoundaries
  it.each`
    ms                          | want
    ${-2 * S}                   | ${'<invalid>'}
    ${-2 * S + 1}               | ${'0s'}
    ${0}                        | ${'0s'}
    ${S - 1}                    | ${'0s'}
    ${2 * M - 1}                | ${'119s'}
    ${2 * M}                    | ${'2m'}
    ${2 * M + S}                | ${'2m1s'}
    ${10 * M - 1}               | ${'9m59s'}
    ${10 * M}                   | ${'10m'}
    ${10 * M + S}               | ${'10m'}
    ${3 * H - 1}                | ${'179m'}
    ${3 * H}                    | ${'3h'}
    ${3 * H + M}                | ${'3h1m'}
    ${8 * H - 1}                | ${'7h59m'}
    ${8 * H}                    | ${'8h'}
    ${8 * H + 59 * M}           | ${'8h'}
    ${2 * D - 1}                | ${'47h'}
    ${2 * D}                    | ${'2d'}
    ${2 * D + H}                | ${'2d1h'}
    ${8 * D - 1}                | ${'7d23h'}
    ${8 * D}                    | ${'8d'}
    ${8 * D + 23 * H}           | ${'8d'}
    ${2 * Y - 1}                | ${'729d'}
    ${2 * Y}                    | ${'2y'}
    ${2 * Y + 23 * H}           | ${'2y'}
    ${2 * Y + 23 * H + 59 * M}  | ${'2y'}
    ${2 * Y + D - 1}            | ${'2y'}
    ${2 * Y + D}                | ${'2y1d'}
    ${3 * Y}                    | ${'3y'}
    ${4 * Y}                    | ${'4y'}
    ${5 * Y}                    | ${'5y'}
    ${6 * Y}                    | ${'6y'}
    ${7 * Y}                    | ${'7y'}
    ${8 * Y - 1}                | ${'7y364d'}
    ${8 * Y}                    | ${'8y'}
    ${8 * Y + 364 * D}          | ${'8y'}
    ${9 * Y}                    | ${'9y'}
  `('boundary $ms ms → $want', ({ ms, want }: { ms: number; want: string }) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it('says "0s" for up to two seconds in the future and "<invalid>" beyond', () => {
    expect(humanDuration(-1999)).toBe('0s');
    expect(humanDuration(-2000)).toBe('<invalid>');
    expect(humanDuration(-2001)).toBe('<invalid>');
  });

  it('never prints more than two units, and never a zero unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * Y }), (ms) => {
        const out = humanDuration(ms);
        expect(out).toMatch(/^(\d+[smhdy]){1,2}$/);
        if (out !== '0s') expect(out).not.toMatch(/(^|[a-z])0[smhdy]/);
      }),
    );
  });
});

describe('shortHumanDuration', () => {
  // Ported from kubernetes/apimachinery pkg/util/duration/duration_test.go TestShortHumanDurationBoundaries
  it.each`
    ms              | want
    ${-2 * S}       | ${'<invalid>'}
    ${-2 * S + 1}   | ${'0s'}
    ${0}            | ${'0s'}
    ${S - 1}        | ${'0s'}
    ${S}            | ${'1s'}
    ${2 * S - 1}    | ${'1s'}
    ${M - 1}        | ${'59s'}
    ${M}            | ${'1m'}
    ${2 * M - 1}    | ${'1m'}
    ${H - 1}        | ${'59m'}
    ${H}            | ${'1h'}
    ${2 * H - 1}    | ${'1h'}
    ${D - 1}        | ${'23h'}
    ${D}            | ${'1d'}
    ${2 * D - 1}    | ${'1d'}
    ${Y - 1}        | ${'364d'}
    ${Y}            | ${'1y'}
    ${2 * Y - 1}    | ${'1y'}
    ${2 * Y}        | ${'2y'}
  `('boundary $ms ms → $want', ({ ms, want }: { ms: number; want: string }) => {
    expect(shortHumanDuration(ms)).toBe(want);
  });

  it('prints exactly one unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * Y }), (ms) => {
        expect(shortHumanDuration(ms)).toMatch(/^\d+[smhdy]$/);
      }),
    );
  });
});

describe('input checks', () => {
  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s as a bug', (ms) => {
    expect(() => humanDuration(ms)).toThrow(InternalError);
    expect(() => shortHumanDuration(ms)).toThrow(InternalError);
  });
});
