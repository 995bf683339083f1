/**
 * A streaming CSV reader (csv-parse): header row required, UTF-8 with optional BOM, CRLF or LF
 * (mixed in one file too). Yields each data row with its line number and raw text, or a rejection
 * for a row that cannot even be read as a row (wrong column count, an unclosed quote, an oversized
 * record, invalid UTF-8, a NUL character, a header naming a column twice). A last line without its
 * line end is kept with a TRUNCATED warning: the file may have been cut there.
 * Holds one row at a time: a 1M-row file is never in memory.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { MAX_FIELD_CHARS, MAX_RAW_CHARS, NUL_REASON, type Rejection, type Warning } from './contract';

export type CsvItem =
  | { kind: 'header'; columns: string[]; file: string }
  | { kind: 'row'; values: Record<string, string>; line: number; raw: string; file: string; warnings: Warning[] }
  | { kind: 'rejection'; rejection: Rejection };

const REPLACEMENT = '\uFFFD';
/** A record (all its fields, quotes and separators) over this many bytes is rejected unread. */
const MAX_RECORD_BYTES = MAX_FIELD_CHARS * 20;
const QUOTE = 0x22;
const LF = 0x0a;
const COMMA = 0x2c;

interface Dropped { line: number; raw: string; unclosed: boolean }

/**
 * Frames records ahead of csv-parse (RFC 4180: a line break inside quotes does not end a record)
 * and replaces a record over MAX_RECORD_BYTES, whole, by a one-field marker (`"\0<nonce>:<n>"`, with
 * the record's line breaks, so csv-parse counts lines as before) that readCsv turns into one
 * rejection. csv-parse's own max_record_size gives up on the rest of the chunk it fails in: the
 * next rows were lost, and a long line was rejected once per chunk.
 */
class RecordLimit extends Transform {
  readonly dropped: Dropped[] = [];
  private readonly prefix = `\0${randomBytes(6).toString('hex')}:`;
  private quoted = false;
  private fieldStart = true;
  /** The last byte closed a quoted field: a quote now is an escaped one. */
  private justClosed = false;
  private bytes = 0;
  private line = 1;
  private breaks = 0;
  private pending: Buffer[] = [];
  private dropping: Dropped | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    let from = 0;
    // Locals, written back at the end: this loop sees every byte of the file.
    let { quoted, fieldStart, justClosed, bytes } = this;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (quoted) {
        if (c === QUOTE) {
          quoted = false;
          justClosed = true;
        } else if (c === LF) this.breaks++;
      } else if (c === QUOTE && (fieldStart || justClosed)) {
        // a quote opens a field only at its start ("" inside quotes is one quote), as csv-parse reads it
        quoted = true;
        fieldStart = false;
      } else if (c === LF) {
        if (this.dropping) out.push(this.marker(), chunk.subarray(i, i + 1));
        else out.push(...this.pending, chunk.subarray(from, i + 1));
        this.pending = [];
        this.dropping = undefined;
        this.line += this.breaks + 1;
        this.breaks = 0;
        bytes = 0;
        fieldStart = true;
        justClosed = false;
        from = i + 1;
        continue;
      } else {
        fieldStart = c === COMMA;
        justClosed = false;
      }
      if (++bytes > MAX_RECORD_BYTES && !this.dropping) {
        const head = Buffer.concat([...this.pending, chunk.subarray(from, i + 1)]).toString('utf8', 0, 4000);
        this.dropping = { line: this.line, raw: head.slice(0, 1000), unclosed: false };
        this.pending = [];
      }
    }
    Object.assign(this, { quoted, fieldStart, justClosed, bytes });
    if (!this.dropping) this.pending.push(chunk.subarray(from));
    done(null, Buffer.concat(out));
  }

  override _flush(done: TransformCallback): void {
    if (this.dropping) this.dropping.unclosed = this.quoted;
    done(null, this.dropping ? this.marker() : Buffer.concat(this.pending));
  }

  private marker(): Buffer {
    this.dropped.push(this.dropping!);
    return Buffer.from(`"${this.prefix}${this.dropped.length - 1}${'\n'.repeat(this.breaks)}"`);
  }

  /** The record a marker stands for, if `record` is one. */
  droppedOf(record: string[]): Dropped | undefined {
    return record.length === 1 && record[0]!.startsWith(this.prefix) ? this.dropped[parseInt(record[0]!.slice(this.prefix.length), 10)] : undefined;
  }
}

export async function* readCsv(filePath: string): AsyncGenerator<CsvItem> {
  const file = path.basename(filePath);
  const input = createReadStream(filePath);
  const limit = new RecordLimit();
  const parser = input.pipe(limit).pipe(
    parse({
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // Either line end, in any mix: an export whose line ends change midway merged rows.
      record_delimiter: ['\r\n', '\n'],
    }),
  );
  // pipe() does not forward a read error (a missing file): without this the parser waits forever.
  input.on('error', (error) => parser.destroy(error));
  // csv-parse counts every CR as a line of its own, besides the CR of a record's CRLF line end: a
  // quoted field holding a CRLF put every later line number one out. Lines are counted by LF here
  // (as editors and RecordLimit count them): each record takes its stray CRs off the count.
  let strayCrs = 0;
  const lineOf = (lines: number | undefined, raw: string): number | undefined => {
    strayCrs += (raw.match(/\r/g)?.length ?? 0) - (/\r\n?$/.test(raw) ? 1 : 0);
    return lines === undefined ? undefined : lines - strayCrs;
  };
  const skipped: Rejection[] = [];
  parser.on('skip', (error: CsvError & { lines?: number; record?: string[]; raw?: string }) => {
    const line = lineOf(error.lines, error.raw ?? '');
    const raw = (error.raw ?? '').slice(0, MAX_RAW_CHARS);
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') skipped.push({ file, line, code: 'TRUNCATED', reason: 'the file ends inside a quoted field: it looks cut off', raw });
    else skipped.push({ file, line, code: 'MALFORMED_LINE', reason: error.message, raw });
  });
  let columns: string[] | undefined;
  let duplicate: string | undefined;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      while (skipped.length) yield { kind: 'rejection', rejection: skipped.shift()! };
      const dropped = limit.droppedOf(record);
      if (dropped) {
        yield {
          kind: 'rejection',
          rejection: dropped.unclosed
            ? { file, line: dropped.line, code: 'TRUNCATED', reason: 'the file ends inside a quoted field: it looks cut off', raw: dropped.raw }
            : { file, line: dropped.line, code: 'OVERSIZED_FIELD', reason: `the row is longer than ${MAX_RECORD_BYTES} bytes`, raw: dropped.raw },
        };
        continue;
      }
      // csv-parse keeps the CR of a CRLF line end in `raw`, and drops the LF.
      const unterminated = !/[\r\n]$/.test(raw);
      const text = raw.replace(/\r?\n$|\r$/, '').slice(0, MAX_RAW_CHARS);
      const line = lineOf(info.lines, raw)!;
      if (!columns) {
        columns = record.map((c) => c.trim());
        duplicate = columns.find((c, i) => c !== '' && columns!.indexOf(c) !== i);
        yield { kind: 'header', columns, file };
        continue;
      }
      const reject = (rejection: Omit<Rejection, 'file' | 'line' | 'raw'>, rawText = text): CsvItem => ({ kind: 'rejection', rejection: { file, line, ...rejection, raw: rawText } });
      if (duplicate !== undefined) {
        yield reject({ field: duplicate, code: 'DUPLICATE_COLUMN', reason: `the header names column ${duplicate} twice: its values cannot be told apart` });
        continue;
      }
      if (text.includes(REPLACEMENT)) {
        yield reject({ code: 'INVALID_UTF8', reason: 'the row is not valid UTF-8' });
        continue;
      }
      if (record.length !== columns.length) {
        yield reject(unterminated && record.length < columns.length
          ? { code: 'TRUNCATED', reason: `the last line ends after ${record.length} of ${columns.length} columns: the file looks cut off` }
          : { code: 'WRONG_COLUMN_COUNT', reason: `expected ${columns.length} columns, received ${record.length}` });
        continue;
      }
      const long = record.findIndex((v) => v.length > MAX_FIELD_CHARS);
      if (long >= 0) {
        yield reject({ field: columns[long], code: 'OVERSIZED_FIELD', reason: `value longer than ${MAX_FIELD_CHARS} characters` }, text.slice(0, 1000));
        continue;
      }
      const nul = record.findIndex((v) => v.includes('\0'));
      if (nul >= 0) {
        yield reject({ field: columns[nul], code: 'NUL_CHARACTER', reason: NUL_REASON });
        continue;
      }
      const values: Record<string, string> = {};
      columns.forEach((c, i) => (values[c] = record[i]!.trim()));
      const warnings: Warning[] = unterminated ? [{ code: 'TRUNCATED', message: 'the last line has no line end: the file may have been cut off here, so a full snapshot retracts nothing' }] : [];
      yield { kind: 'row', values, line, raw: text, file, warnings };
    }
  } catch (error) {
    // A file that cannot be read is not a row to reject: the run cannot go on.
    if (typeof (error as NodeJS.ErrnoException).syscall === 'string') throw error;
    // An error csv-parse cannot skip (an unclosed quote at the end of the file): what is left is one rejection.
    const e = error as CsvError & { lines?: number };
    yield { kind: 'rejection', rejection: { file, line: e.lines, code: 'TRUNCATED', reason: `the file ends inside a quoted field (${e.message})`, raw: '' } };
  }
  while (skipped.length) yield { kind: 'rejection', rejection: skipped.shift()! };
  if (!columns) yield { kind: 'rejection', rejection: { file, code: 'EMPTY_FILE', reason: 'the file is empty: a header row is required', raw: '' } };
}

/** One CSV cell as RFC 4180 writes it: quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
