/**
 * A streaming CSV reader (csv-parse): header row required, UTF-8 with optional BOM, CRLF or LF.
 * Yields each data row with its line number and raw text, or a rejection for a row that cannot
 * even be read as a row (wrong column count, an unclosed quote, an oversized field, invalid UTF-8).
 * Holds one row at a time: a 1M-row file is never in memory.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parse, type CsvError } from 'csv-parse';
import { MAX_FIELD_CHARS, MAX_RAW_CHARS, type Rejection } from './contract';

export type CsvItem =
  | { kind: 'header'; columns: string[]; file: string }
  | { kind: 'row'; values: Record<string, string>; line: number; raw: string; file: string }
  | { kind: 'rejection'; rejection: Rejection };

const REPLACEMENT = '\uFFFD';

export async function* readCsv(filePath: string): AsyncGenerator<CsvItem> {
  const file = path.basename(filePath);
  const input = createReadStream(filePath);
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_FIELD_CHARS * 20,
    }),
  );
  // pipe() does not forward a read error (a missing file): without this the parser waits forever.
  input.on('error', (error) => parser.destroy(error));
  const skipped: Rejection[] = [];
  parser.on('skip', (error: CsvError & { lines?: number; record?: string[]; raw?: string }) => {
    const raw = (error.raw ?? '').slice(0, MAX_RAW_CHARS);
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') skipped.push({ file, line: error.lines, code: 'TRUNCATED', reason: 'the file ends inside a quoted field: it looks cut off', raw });
    else if (error.code === 'CSV_MAX_RECORD_SIZE') skipped.push({ file, line: error.lines, code: 'OVERSIZED_FIELD', reason: error.message, raw: raw.slice(0, 1000) });
    else skipped.push({ file, line: error.lines, code: 'MALFORMED_LINE', reason: error.message, raw });
  });
  let columns: string[] | undefined;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      while (skipped.length) yield { kind: 'rejection', rejection: skipped.shift()! };
      const text = raw.replace(/\r?\n$/, '').slice(0, MAX_RAW_CHARS);
      const line = info.lines;
      if (!columns) {
        columns = record.map((c) => c.trim());
        yield { kind: 'header', columns, file };
        continue;
      }
      if (text.includes(REPLACEMENT)) {
        yield { kind: 'rejection', rejection: { file, line, code: 'INVALID_UTF8', reason: 'the row is not valid UTF-8', raw: text } };
        continue;
      }
      if (record.length !== columns.length) {
        const truncated = !/\r?\n$/.test(raw) && record.length < columns.length;
        yield {
          kind: 'rejection',
          rejection: truncated
            ? { file, line, code: 'TRUNCATED', reason: `the last line ends after ${record.length} of ${columns.length} columns: the file looks cut off`, raw: text }
            : { file, line, code: 'WRONG_COLUMN_COUNT', reason: `expected ${columns.length} columns, received ${record.length}`, raw: text },
        };
        continue;
      }
      const long = record.findIndex((v) => v.length > MAX_FIELD_CHARS);
      if (long >= 0) {
        yield { kind: 'rejection', rejection: { file, line, field: columns[long], code: 'OVERSIZED_FIELD', reason: `value longer than ${MAX_FIELD_CHARS} characters`, raw: text.slice(0, 1000) } };
        continue;
      }
      const values: Record<string, string> = {};
      columns.forEach((c, i) => (values[c] = record[i]!.trim()));
      yield { kind: 'row', values, line, raw: text, file };
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
