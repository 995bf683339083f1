/**
 * Reading fields of a JSON record: each function returns the typed value or throws a FieldError
 * naming the field path (`risk[0].level`) and what it received.
 */
import { FieldError } from './contract';
import { parseIsoDate, parseIsoDateTime } from './dates';

type Obj = Record<string, unknown>;

const shown = (v: unknown) => (typeof v === 'string' ? `"${v.slice(0, 60)}"` : JSON.stringify(v)?.slice(0, 60) ?? 'nothing');

export function str(o: Obj, field: string, at = field): string {
  const v = o[field];
  if (typeof v !== 'string' || v.trim() === '') throw new FieldError(at, 'MISSING_VALUE', `expected a non-empty string, received ${shown(v)}`);
  return v.trim();
}

export function optStr(o: Obj, field: string, at = field): string | null {
  const v = o[field];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new FieldError(at, 'MISSING_VALUE', `expected a string, received ${shown(v)}`);
  return v.trim() || null;
}

export function optBool(o: Obj, field: string, at = field): boolean | null {
  const v = o[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') throw new FieldError(at, 'MISSING_VALUE', `expected true or false, received ${shown(v)}`);
  return v;
}

export function oneOf<T extends string>(o: Obj, field: string, values: readonly T[], at = field): T {
  const v = o[field];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new FieldError(at, 'UNKNOWN_CODE', `expected one of ${values.join(', ')}, received ${shown(v)}`);
  return v as T;
}

export function optOneOf<T extends string>(o: Obj, field: string, values: readonly T[], at = field): T | null {
  return o[field] === undefined || o[field] === null ? null : oneOf(o, field, values, at);
}

export function date(o: Obj, field: string, at = field): string {
  return parseIsoDate(at, str(o, field, at));
}

export function optDate(o: Obj, field: string, at = field): string | null {
  const v = optStr(o, field, at);
  return v === null ? null : parseIsoDate(at, v);
}

export function dateTime(o: Obj, field: string, at = field): string {
  return parseIsoDateTime(at, str(o, field, at));
}

export function optDateTime(o: Obj, field: string, at = field): string | null {
  const v = optStr(o, field, at);
  return v === null ? null : parseIsoDateTime(at, v);
}

/** A list of objects (absent or null: empty). */
export function objects(o: Obj, field: string): Obj[] {
  const v = o[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) {
    throw new FieldError(field, 'NOT_AN_OBJECT', `expected a list of objects, received ${shown(v)}`);
  }
  return v as Obj[];
}

export function optObject(o: Obj, field: string): Obj | null {
  const v = o[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new FieldError(field, 'NOT_AN_OBJECT', `expected an object, received ${shown(v)}`);
  return v as Obj;
}

export function strings(o: Obj, field: string): string[] {
  const v = o[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new FieldError(field, 'MISSING_VALUE', `expected a list of strings, received ${shown(v)}`);
  return v as string[];
}
