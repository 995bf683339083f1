/**
 * The connector contract. A connector turns one source format into typed records or rejections;
 * it knows formats, never the database. Every item read is yielded exactly once, as a record or
 * a rejection, so `read = accepted + rejected` holds by construction.
 */

/** Coded reasons a row cannot be accepted (rejections) or is accepted with a doubt (warnings). */
export type IssueCode =
  | 'EMPTY_FILE'
  | 'UNKNOWN_TABLE'
  | 'MISSING_COLUMN'
  | 'WRONG_COLUMN_COUNT'
  | 'MISSING_VALUE'
  | 'BAD_DATE'
  | 'UNKNOWN_CODE'
  | 'DATES_OUT_OF_ORDER'
  | 'OVERLAPPING_PERIOD'
  | 'DUPLICATE_KEY'
  | 'OVERSIZED_FIELD'
  | 'TRUNCATED'
  | 'INVALID_UTF8'
  | 'MALFORMED_XML'
  | 'NOT_AN_OBJECT'
  | 'MALFORMED_LINE'
  | 'BAD_IDENTIFIER'
  | 'NUL_CHARACTER'
  | 'TOO_DEEP'
  | 'DUPLICATE_COLUMN'
  | 'UNKNOWN_ENCODING'
  | 'UNKNOWN_RECORD';

/**
 * The codes that say an input is not whole: empty, cut off (a last line without its line end, a
 * JSON Lines last line that does not parse, an unclosed quote), an XML document not closed, or a
 * file that cannot be read as a whole (unknown encoding, unknown table, a missing or duplicated
 * column). A full snapshot with any of them, as a rejection or a warning, retracts nothing.
 */
export const NOT_WHOLE: ReadonlySet<IssueCode> = new Set<IssueCode>(['EMPTY_FILE', 'TRUNCATED', 'MALFORMED_XML', 'UNKNOWN_ENCODING', 'UNKNOWN_TABLE', 'MISSING_COLUMN', 'DUPLICATE_COLUMN']);

/** Where an item came from: a line of a text file, or an element path of an XML file. */
export interface Position {
  file: string;
  line?: number;
  path?: string;
}

export interface Rejection extends Position {
  field?: string;
  code: IssueCode;
  reason: string;
  /** The raw text of the row (truncated to 64 KiB). */
  raw: string;
}

export interface Warning {
  field?: string;
  code: IssueCode;
  message: string;
}

export type Item<R> =
  | { readonly kind: 'record'; readonly record: R; readonly position: Position; readonly warnings: readonly Warning[] }
  | { readonly kind: 'rejection'; readonly rejection: Rejection };

export interface InputFile {
  /** The path as given; rejections name its base name. */
  path: string;
}

export interface Connector<R> {
  readonly feed: string;
  parse(files: readonly InputFile[]): AsyncIterable<Item<R>>;
}

/** A field over this many characters rejects its row: no real value is that long. */
export const MAX_FIELD_CHARS = 10_000;
/** Values nested deeper than this (objects and lists) reject their record: harbour's records nest 3 deep. */
export const MAX_DEPTH = 32;
/** Why a value holding U+0000 is refused (PostgreSQL text cannot hold it). */
export const NUL_REASON = 'the value holds a NUL character (U+0000), which no text may hold';
/** Raw text kept with a rejection. */
export const MAX_RAW_CHARS = 64 * 1024;

export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly code: IssueCode,
    message: string,
  ) {
    super(message);
  }
}

/** `[connector:ssda903] missing.csv line 42, column MIS_START: expected dd/mm/yyyy, received "31/02/2019"` */
export function describe(feed: string, r: Rejection): string {
  const where = r.line !== undefined ? `line ${r.line}` : r.path ? `at ${r.path}` : '';
  const field = r.field ? `, column ${r.field}` : '';
  return `[connector:${feed}] ${r.file}${where ? ` ${where}` : ''}${field}: ${r.reason}`;
}

/** A record's identity within one input: duplicates are rejected after the first. */
export interface Keyed {
  type: string;
  key: string;
}

/**
 * A source's deletion of a record (the DfE CSC API payload's `purge` flag): the record whose local
 * id is `key` is purged, with everything derived from it, as `purgeRecords` does. It carries no
 * other value: a deleted record needs none.
 */
export interface PurgeRecord {
  type: 'purge';
  key: string;
}

const YES = new Set(['TRUE', 'Y', 'YES', '1']);
const NO = new Set(['', 'FALSE', 'N', 'NO', '0']);

/** A CSV purge flag: true, false (or empty), Y/N, yes/no, 1/0, any case; anything else rejects the row. */
export function csvPurgeFlag(value: string | undefined, column: string): boolean {
  const v = (value ?? '').trim().toUpperCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  throw new FieldError(column, 'UNKNOWN_CODE', `expected true or false (or Y/N, 1/0), received "${(value ?? '').slice(0, 40)}"`);
}

/**
 * The item for one row: the record `parse` returns, or a rejection for the FieldError it throws or
 * for a key `seen` already holds (the first one wins; later ones are rejected, never merged).
 * `warnings`: what the reader already noted about the row.
 */
export function itemOf<R extends Keyed>(parse: (warnings: Warning[]) => R, position: Position, raw: string, seen: Set<string>, warnings: Warning[] = []): Item<R> {
  let record: R;
  try {
    record = parse(warnings);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    return { kind: 'rejection', rejection: { ...position, field: error.field, code: error.code, reason: error.message, raw } };
  }
  const id = `${record.type}\0${record.key}`;
  if (seen.has(id)) return { kind: 'rejection', rejection: { ...position, code: 'DUPLICATE_KEY', reason: `the ${record.type} ${record.key} came earlier in this input`, raw } };
  seen.add(id);
  return { kind: 'record', record, position, warnings };
}
