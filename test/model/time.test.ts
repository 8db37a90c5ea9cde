import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  civilFromDays,
  daysFromCivil,
  formatRFC3339,
  formatRFC3339Micro,
  goQuote,
  parseRFC3339,
} from '../../src/model/time.js';
import { BadRequestError, InternalError } from '../../src/model/errors.js';

const DAY = 86_400_000;
const Y1970 = 0;
const Y2401 = daysFromCivil(2401, 1, 1) * DAY; // exclusive upper bound for "years 1970..2400"

function parseError(s: string): string {
  try {
    parseRFC3339(s);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return (e as BadRequestError).message;
  }
  throw new Error(`parseRFC3339(${JSON.stringify(s)}) did not throw`);
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (y: number, m: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

describe('formatRFC3339 / formatRFC3339Micro', () => {
  // Epoch seconds cross-checked with Python's datetime (UTC).
  it.each`
    ms                       | rfc3339                   | micro
    ${0}                     | ${'1970-01-01T00:00:00Z'} | ${'1970-01-01T00:00:00.000000Z'}
    ${1_735_689_600_000}     | ${'2025-01-01T00:00:00Z'} | ${'2025-01-01T00:00:00.000000Z'}
    ${1_735_689_600_123}     | ${'2025-01-01T00:00:00Z'} | ${'2025-01-01T00:00:00.123000Z'}
    ${1_735_689_599_999}     | ${'2024-12-31T23:59:59Z'} | ${'2024-12-31T23:59:59.999000Z'}
    ${951_782_400_000}       | ${'2000-02-29T00:00:00Z'} | ${'2000-02-29T00:00:00.000000Z'}
    ${1_709_164_800_000}     | ${'2024-02-29T00:00:00Z'} | ${'2024-02-29T00:00:00.000000Z'}
    ${4_107_542_400_000 - 1} | ${'2100-02-28T23:59:59Z'} | ${'2100-02-28T23:59:59.999000Z'}
    ${13_574_563_200_000}    | ${'2400-02-29T00:00:00Z'} | ${'2400-02-29T00:00:00.000000Z'}
    ${13_601_001_600_000}    | ${'2400-12-31T00:00:00Z'} | ${'2400-12-31T00:00:00.000000Z'}
    ${-1}                    | ${'1969-12-31T23:59:59Z'} | ${'1969-12-31T23:59:59.999000Z'}
    ${-62_167_219_200_000}   | ${'0000-01-01T00:00:00Z'} | ${'0000-01-01T00:00:00.000000Z'}
    ${253_402_300_799_999}   | ${'9999-12-31T23:59:59Z'} | ${'9999-12-31T23:59:59.999000Z'}
  `('$ms → $rfc3339', ({ ms, rfc3339, micro }: { ms: number; rfc3339: string; micro: string }) => {
    expect(formatRFC3339(ms)).toBe(rfc3339);
    expect(formatRFC3339Micro(ms)).toBe(micro);
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY, -62_167_219_200_001, 253_402_300_800_000])(
    'rejects %s as a bug (not an integer, or outside years 0000..9999)',
    (ms) => {
      expect(() => formatRFC3339(ms)).toThrow(InternalError);
      expect(() => formatRFC3339Micro(ms)).toThrow(InternalError);
    },
  );

  // Writes interleave a few nearby seconds (now, a deletion deadline, an Event's first time), and
  // seconds 16 apart share a slot of the stamp cache: every call still formats its own instant.
  it('interleaved nearby and colliding seconds each format their own instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_000_000_000_000 }),
        fc.array(fc.integer({ min: -40_000, max: 40_000 }), { minLength: 1, maxLength: 60 }),
        (base, offsets) => {
          for (const off of offsets) {
            const ms = base + off;
            const iso = new Date(ms).toISOString();
            expect(formatRFC3339(ms)).toBe(`${iso.slice(0, 19)}Z`);
            expect(formatRFC3339Micro(ms)).toBe(`${iso.slice(0, 23)}000Z`);
          }
        },
      ),
    );
  });

  it('rejects a fractional ms in a second it has just formatted', () => {
    expect(formatRFC3339(1_000_000)).toBe('1970-01-01T00:16:40Z');
    expect(() => formatRFC3339(1_000_000.5)).toThrow(InternalError);
    expect(() => formatRFC3339Micro(1_000_000.5)).toThrow(InternalError);
  });

  // Tests may use Date as an independent oracle; src/ may not.
  it('agrees with Date#toISOString for years 0..9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        const iso = new Date(ms).toISOString(); // "YYYY-MM-DDTHH:MM:SS.sssZ"
        expect(formatRFC3339Micro(ms)).toBe(`${iso.slice(0, 23)}000Z`);
        expect(formatRFC3339(ms)).toBe(`${iso.slice(0, 19)}Z`);
      }),
    );
  });
});

describe('parseRFC3339', () => {
  it.each`
    input                                   | ms
    ${'1970-01-01T00:00:00Z'}               | ${0}
    ${'2025-01-01T00:00:00Z'}               | ${1_735_689_600_000}
    ${'2025-01-01T00:00:00.123Z'}           | ${1_735_689_600_123}
    ${'2025-01-01T00:00:00.123000Z'}        | ${1_735_689_600_123}
    ${'2025-01-01T00:00:00.1Z'}             | ${1_735_689_600_100}
    ${'2025-01-01T00:00:00.123456789Z'}     | ${1_735_689_600_123}
    ${'2025-01-01T00:00:00.9999999999999Z'} | ${1_735_689_600_999}
    ${'2025-01-01T00:00:00,5Z'}             | ${1_735_689_600_500}
    ${'2025-01-01T02:00:00+02:00'}          | ${1_735_689_600_000}
    ${'2024-12-31T19:00:00-05:00'}          | ${1_735_689_600_000}
    ${'2024-12-31T18:30:00.250-05:30'}      | ${1_735_689_600_250}
    ${'2025-01-01T00:00:00+00:00'}          | ${1_735_689_600_000}
    ${'2025-01-01T00:00:00-00:00'}          | ${1_735_689_600_000}
    ${'2025-01-02T00:00:00+24:00'}          | ${1_735_689_600_000}
    ${'2025-01-01T0:00:00Z'}                | ${1_735_689_600_000}
    ${'2000-02-29T00:00:00Z'}               | ${951_782_400_000}
    ${'2400-02-29T00:00:00Z'}               | ${13_574_563_200_000}
    ${'1969-12-31T23:59:59.999Z'}           | ${-1}
    ${'0000-01-01T00:00:00Z'}               | ${-62_167_219_200_000}
    ${'9999-12-31T23:59:59Z'}               | ${253_402_300_799_000}
  `('$input → $ms', ({ input, ms }: { input: string; ms: number }) => {
    expect(parseRFC3339(input)).toBe(ms);
  });

  // Error wording follows golang/go src/time/format.go (ParseError.Error, parse): what metav1.Time
  // UnmarshalJSON reports for a bad timestamp.
  const L = '"2006-01-02T15:04:05Z07:00"';
  it.each`
    input                                  | message
    ${''}                                  | ${`parsing time "" as ${L}: cannot parse "" as "2006"`}
    ${'abc'}                               | ${`parsing time "abc" as ${L}: cannot parse "abc" as "2006"`}
    ${'20x5-01-01T00:00:00Z'}              | ${`parsing time "20x5-01-01T00:00:00Z" as ${L}: cannot parse "20x5-01-01T00:00:00Z" as "2006"`}
    ${'2025-01-01 00:00:00Z'}              | ${`parsing time "2025-01-01 00:00:00Z" as ${L}: cannot parse " 00:00:00Z" as "T"`}
    ${'2025/01/01T00:00:00Z'}              | ${`parsing time "2025/01/01T00:00:00Z" as ${L}: cannot parse "/01/01T00:00:00Z" as "-"`}
    ${'2025-1-01T00:00:00Z'}               | ${`parsing time "2025-1-01T00:00:00Z" as ${L}: cannot parse "1-01T00:00:00Z" as "01"`}
    ${'2025-01-1T00:00:00Z'}               | ${`parsing time "2025-01-1T00:00:00Z" as ${L}: cannot parse "1T00:00:00Z" as "02"`}
    ${'2025-01-01T00:0:00Z'}               | ${`parsing time "2025-01-01T00:0:00Z" as ${L}: cannot parse "0:00Z" as "04"`}
    ${'2025-01-01T00:00:00'}               | ${`parsing time "2025-01-01T00:00:00" as ${L}: cannot parse "" as "Z07:00"`}
    ${'2025-01-01T00:00:00.Z'}             | ${`parsing time "2025-01-01T00:00:00.Z" as ${L}: cannot parse ".Z" as "Z07:00"`}
    ${'2025-01-01T00:00:00+0200'}          | ${`parsing time "2025-01-01T00:00:00+0200" as ${L}: cannot parse "+0200" as "Z07:00"`}
    ${'2025-01-01T00:00:00 02:00'}         | ${`parsing time "2025-01-01T00:00:00 02:00" as ${L}: cannot parse " 02:00" as "Z07:00"`}
    ${'2025-01-01t00:00:00z'}              | ${`parsing time "2025-01-01t00:00:00z" as ${L}: cannot parse "t00:00:00z" as "T"`}
    ${'2025-13-01T00:00:00Z'}              | ${'parsing time "2025-13-01T00:00:00Z": month out of range'}
    ${'2025-00-01T00:00:00Z'}              | ${'parsing time "2025-00-01T00:00:00Z": month out of range'}
    ${'2025-02-29T00:00:00Z'}              | ${'parsing time "2025-02-29T00:00:00Z": day out of range'}
    ${'2100-02-29T00:00:00Z'}              | ${'parsing time "2100-02-29T00:00:00Z": day out of range'}
    ${'2025-04-31T00:00:00Z'}              | ${'parsing time "2025-04-31T00:00:00Z": day out of range'}
    ${'2025-01-00T00:00:00Z'}              | ${'parsing time "2025-01-00T00:00:00Z": day out of range'}
    ${'2025-01-01T24:00:00Z'}              | ${'parsing time "2025-01-01T24:00:00Z": hour out of range'}
    ${'2025-01-01T00:60:00Z'}              | ${'parsing time "2025-01-01T00:60:00Z": minute out of range'}
    ${'2025-01-01T23:59:60Z'}              | ${'parsing time "2025-01-01T23:59:60Z": second out of range'}
    ${'2025-01-01T00:00:00+25:00'}         | ${'parsing time "2025-01-01T00:00:00+25:00": time zone offset hour out of range'}
    ${'2025-01-01T00:00:00Zjunk'}          | ${'parsing time "2025-01-01T00:00:00Zjunk": extra text: "junk"'}
    ${'2025-01-01T00:00:00Z\n'}            | ${'parsing time "2025-01-01T00:00:00Z\\x0a": extra text: "\\x0a"'}
  `('rejects $input', ({ input, message }: { input: string; message: string }) => {
    expect(parseError(input)).toBe(message);
  });

  it('rejects a non-string (untyped JSON) with BadRequestError', () => {
    expect(() => parseRFC3339(42 as unknown as string)).toThrow(BadRequestError);
  });
});

describe('round trips, years 1970..2400', () => {
  it('parse(formatMicro(ms)) === ms, and parse(format(ms)) drops the milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: Y1970, max: Y2401 - 1 }), (ms) => {
        expect(parseRFC3339(formatRFC3339Micro(ms))).toBe(ms);
        expect(parseRFC3339(formatRFC3339(ms))).toBe(ms - (ms % 1000));
      }),
    );
  });

  it('a stamp as formatRFC3339 writes it reads as the same stamp with an explicit +00:00 offset', () => {
    // The first is read by the short path for whole-second UTC stamps, the second by the
    // general parser: they must agree everywhere.
    fc.assert(
      fc.property(fc.integer({ min: Y1970, max: Y2401 - 1 }), (ms) => {
        const stamp = formatRFC3339(ms);
        expect(parseRFC3339(stamp)).toBe(parseRFC3339(`${stamp.slice(0, -1)}+00:00`));
      }),
    );
  });

  it('every valid civil timestamp (leap days included) formats back to itself', () => {
    const civil = fc
      .record({
        year: fc.integer({ min: 1970, max: 2400 }),
        month: fc.integer({ min: 1, max: 12 }),
        dayRaw: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        milli: fc.integer({ min: 0, max: 999 }),
      })
      .map((c) => ({ ...c, day: Math.min(c.dayRaw, daysIn(c.year, c.month)) }));
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    fc.assert(
      fc.property(civil, (c) => {
        const stamp = `${p(c.year, 4)}-${p(c.month)}-${p(c.day)}T${p(c.hour)}:${p(c.minute)}:${p(c.second)}`;
        const ms = parseRFC3339(`${stamp}.${p(c.milli, 3)}Z`);
        expect(ms).toBe(Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, c.milli));
        expect(formatRFC3339Micro(ms)).toBe(`${stamp}.${p(c.milli, 3)}000Z`);
        expect(formatRFC3339(ms)).toBe(`${stamp}Z`);
      }),
    );
  });

  it('the same instant written with any zone offset parses to the same ms', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Y1970 + DAY, max: Y2401 - DAY }),
        fc.integer({ min: -23 * 60, max: 23 * 60 }),
        (ms, offsetMin) => {
          const local = formatRFC3339Micro(ms + offsetMin * 60_000).slice(0, -1); // drop "Z"
          const sign = offsetMin < 0 ? '-' : '+';
          const abs = Math.abs(offsetMin);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(parseRFC3339(`${local}${zone}`)).toBe(ms);
        },
      ),
    );
  });
});

describe('civil-date helpers', () => {
  it('daysFromCivil and civilFromDays are inverse across leap years and centuries', () => {
    fc.assert(
      fc.property(fc.integer({ min: daysFromCivil(0, 1, 1), max: daysFromCivil(9999, 12, 31) }), (days) => {
        const { year, month, day } = civilFromDays(days);
        expect(day).toBeGreaterThanOrEqual(1);
        expect(day).toBeLessThanOrEqual(daysIn(year, month));
        expect(daysFromCivil(year, month, day)).toBe(days);
      }),
    );
  });

  it.each`
    y       | m    | d     | days
    ${1970} | ${1} | ${1}  | ${0}
    ${1969} | ${12}| ${31} | ${-1}
    ${2000} | ${3} | ${1}  | ${11_017}
    ${2025} | ${1} | ${1}  | ${20_089}
  `('daysFromCivil($y, $m, $d) = $days', ({ y, m, d, days }: { y: number; m: number; d: number; days: number }) => {
    expect(daysFromCivil(y, m, d)).toBe(days);
    expect(civilFromDays(days)).toEqual({ year: y, month: m, day: d });
  });

  it.each`
    input          | quoted
    ${'abc'}       | ${'"abc"'}
    ${'12µs'}      | ${'"12\\xc2\\xb5s"'}
    ${'a"b\\c'}    | ${'"a\\"b\\\\c"'}
    ${'tab\there'} | ${'"tab\\x09here"'}
  `('goQuote($input) = $quoted', ({ input, quoted }: { input: string; quoted: string }) => {
    expect(goQuote(input)).toBe(quoted);
  });
});
