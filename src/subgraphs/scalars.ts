/**
 * The `Date` and `DateTime` scalars: graphql-scalars' descriptions and output, with input read
 * strictly and refused as the client's mistake (BAD_USER_INPUT) with a sentence saying what was
 * expected. A `dd/mm/yyyy` date is refused, never guessed: the hint reads it as a UK date only to
 * say what to write instead. Years are four digits, 0001–9999 (what PostgreSQL and ISO 8601 agree on).
 *
 * The subgraphs use these types; the gateway checks the same way at the edge (`gateway/input.ts`).
 */
import { GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { GraphQLDate, GraphQLDateTime } from 'graphql-scalars';
import { ErrorCode, HarbourError } from '../errors';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LONG_YEAR = /^[+-]?\d{5,}-\d{2}-\d{2}(?:$|[Tt ])/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DAY_MONTH_YEAR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));

function isCalendarDay(year: number, month: number, day: number): boolean {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return year >= 1 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** The UK reading of `d/m/yyyy`, as YYYY-MM-DD and in words, when it is a day of the calendar. */
function ukReading(value: string): { iso: string; words: string } | undefined {
  const m = DAY_MONTH_YEAR.exec(value);
  if (!m) return undefined;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDay(year, month, day)) return undefined;
  return { iso: `${pad(year, 4)}-${pad(month)}-${pad(day)}`, words: `${day} ${MONTHS[month - 1]} ${year}` };
}

const EXPECTED_DATE = 'expected a date as YYYY-MM-DD';
const EXPECTED_DATE_TIME = 'expected a date and time as YYYY-MM-DDThh:mm:ssZ (or with an offset such as +01:00)';
const OUT_OF_RANGE = 'years run from 0001 to 9999';

/** Why `value` is not a `Date` (undefined when it is one). */
export function dateProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `${EXPECTED_DATE}, got ${shown(value)}`;
  const m = DATE.exec(value);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (year === 0) return `${EXPECTED_DATE}, got ${value}: ${OUT_OF_RANGE}`;
    return isCalendarDay(year, month, day) ? undefined : `${EXPECTED_DATE}, got ${value}, which is not a day of the calendar`;
  }
  if (LONG_YEAR.test(value)) return `${EXPECTED_DATE}, got ${value}: ${OUT_OF_RANGE}`;
  const uk = ukReading(value);
  if (uk) return `${EXPECTED_DATE}, got ${value} (for ${uk.words} write ${uk.iso})`;
  if (DATE_TIME.test(value)) return `${EXPECTED_DATE}, got ${value} (a date and time; write only ${value.slice(0, 10)})`;
  return `${EXPECTED_DATE}, got ${value}`;
}

/** `value` as a Date, or why it is not a `DateTime`. */
export function readDateTime(value: unknown): Date | string {
  if (typeof value !== 'string') return `${EXPECTED_DATE_TIME}, got ${shown(value)}`;
  const m = DATE_TIME.exec(value);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    if (year === 0) return `${EXPECTED_DATE_TIME}, got ${value}: ${OUT_OF_RANGE}`;
    if (!isCalendarDay(year, month, day)) return `${EXPECTED_DATE_TIME}, got ${value}, whose date is not a day of the calendar`;
    if (hour > 23 || minute > 59 || second > 59 || (m[8] && (Number(m[9]) > 23 || Number(m[10]) > 59))) return `${EXPECTED_DATE_TIME}, got ${value}, which is not a time of day`;
    const at = new Date(value);
    const utcYear = at.getUTCFullYear();
    if (Number.isNaN(at.getTime()) || utcYear < 1 || utcYear > 9999) return `${EXPECTED_DATE_TIME}, got ${value}: ${OUT_OF_RANGE}`;
    return at;
  }
  if (LONG_YEAR.test(value)) return `${EXPECTED_DATE_TIME}, got ${value}: ${OUT_OF_RANGE}`;
  const uk = ukReading(value);
  if (uk) return `${EXPECTED_DATE_TIME}, got ${value} (for midnight UTC on ${uk.words} write ${uk.iso}T00:00:00Z)`;
  if (DATE.test(value) && dateProblem(value) === undefined) return `${EXPECTED_DATE_TIME}, got ${value} (for midnight UTC write ${value}T00:00:00Z)`;
  return `${EXPECTED_DATE_TIME}, got ${value}`;
}

const refuse = (message: string) => new HarbourError(ErrorCode.BAD_USER_INPUT, message);
const literal = (node: ValueNode): unknown => (node.kind === Kind.STRING ? node.value : print(node));

function parseDate(value: unknown): string {
  const problem = dateProblem(value);
  if (problem) throw refuse(problem);
  return value as string;
}

function parseDateTime(value: unknown): Date {
  const read = readDateTime(value);
  if (typeof read === 'string') throw refuse(read);
  return read;
}

/** `Date`: input is the `YYYY-MM-DD` string itself (no time zone to shift it a day). */
export const DateScalar = new GraphQLScalarType({
  ...GraphQLDate.toConfig(),
  parseValue: parseDate,
  parseLiteral: (node) => parseDate(literal(node)),
});

/** `DateTime`: input is an RFC 3339 date-time with `Z` or an offset, as a Date. */
export const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTime.toConfig(),
  parseValue: parseDateTime,
  parseLiteral: (node) => parseDateTime(literal(node)),
});

/** The scalars read strictly at the edge, by name. */
export const STRICT_SCALARS: readonly GraphQLScalarType[] = [DateScalar, DateTimeScalar];
