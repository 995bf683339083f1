/** Strict dates: a calendar date that exists, or a FieldError naming what was received. */
import { FieldError } from './contract';

function exists(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** `dd/mm/yyyy` (SSDA903) → `yyyy-mm-dd`. */
export function parseUkDate(field: string, value: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (!m || !exists(Number(m[3]), Number(m[2]), Number(m[1]))) throw new FieldError(field, 'BAD_DATE', `expected dd/mm/yyyy, received "${value}"`);
  return `${m[3]}-${m[2]}-${m[1]}`;
}

/** ISO `yyyy-mm-dd`. */
export function parseIsoDate(field: string, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m || !exists(Number(m[1]), Number(m[2]), Number(m[3]))) throw new FieldError(field, 'BAD_DATE', `expected yyyy-mm-dd, received "${value}"`);
  return value;
}

/** ISO `yyyy-mm-dd` or the UK `dd/mm/yyyy` (case-management exports write either) → `yyyy-mm-dd`. */
export function parseIsoOrUkDate(field: string, value: string): string {
  for (const parse of [parseIsoDate, parseUkDate]) {
    try {
      return parse(field, value);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
    }
  }
  throw new FieldError(field, 'BAD_DATE', `expected yyyy-mm-dd or dd/mm/yyyy, received "${value}"`);
}

/** ISO 8601 date-time with an offset (or Z). */
export function parseIsoDateTime(field: string, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m || !exists(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59) {
    throw new FieldError(field, 'BAD_DATE', `expected an ISO 8601 date-time with offset, received "${value}"`);
  }
  return new Date(value).toISOString();
}
