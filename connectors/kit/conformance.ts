/**
 * The conformance suite every connector passes: the same bad inputs, each ending in a clear
 * coded rejection or warning, the run completing and nothing else lost. A connector's test calls
 * `conformanceSuite` with a valid header and rows of its own format. Test-only: not in the build.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connector, IssueCode, Item } from './contract';

export interface CsvSample {
  /** The header line. */
  header: string;
  /** Two valid data lines with different keys. */
  rows: [string, string];
  file: string;
}

export async function collect<R>(connector: Connector<R>, files: string[]): Promise<Item<R>[]> {
  const items: Item<R>[] = [];
  for await (const item of connector.parse(files.map((p) => ({ path: p })))) items.push(item);
  return items;
}

function write(content: string | Buffer, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-conformance-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const accepted = <R>(items: Item<R>[]) => items.filter((i) => i.kind === 'record').length;
const codes = <R>(items: Item<R>[]) => items.flatMap((i) => (i.kind === 'rejection' ? [i.rejection.code] : []));
const warningCodes = <R>(items: Item<R>[]) => items.flatMap((i) => (i.kind === 'record' ? i.warnings.map((w) => w.code) : []));

/** Registers the shared CSV cases for `connector` (call inside a jest `describe`). */
export function conformanceSuite<R>(connector: Connector<R>, sample: CsvSample): void {
  const { header, rows, file } = sample;
  const lf = `${header}\n${rows[0]}\n${rows[1]}\n`;
  const firstColumn = header.split(',')[0]!;
  const cases: [string, string | Buffer, number, IssueCode[], IssueCode[]?][] = [
    ['an empty file', '', 0, ['EMPTY_FILE']],
    ['a header only', `${header}\n`, 0, []],
    ['a byte-order mark', `\uFEFF${lf}`, 2, []],
    ['CRLF line ends', lf.replace(/\n/g, '\r\n'), 2, []],
    ['an unknown header', `NOT,A,KNOWN,TABLE\n1,2,3,4\n`, 0, ['UNKNOWN_TABLE']],
    ['a row with too many columns', `${header}\n${rows[0]},extra\n${rows[1]}\n`, 1, ['WRONG_COLUMN_COUNT']],
    ['the same key twice', `${header}\n${rows[0]}\n${rows[0]}\n`, 1, ['DUPLICATE_KEY']],
    ['an oversized field', `${header}\n${rows[0]}\n${rows[1].replace(/^[^,]*/, 'x'.repeat(20_000))}\n`, 1, ['OVERSIZED_FIELD']],
    ['a truncated final line', `${header}\n${rows[0]}\n${rows[1].split(',').slice(0, 2).join(',')}`, 1, ['TRUNCATED']],
    ['an unclosed quote at the end', `${header}\n${rows[0]}\n"${rows[1]}`, 1, ['TRUNCATED']],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`${header}\n${rows[0]}\n`), Buffer.from([0xc3, 0x28]), Buffer.from(`${rows[1].slice(1)}\n`)]), 1, ['INVALID_UTF8']],
    ['a NUL byte in a field', `${header}\n${rows[0]}\u0000\n${rows[1]}\n`, 1, ['NUL_CHARACTER']],
    ['line ends that change from CRLF to LF', `${header}\r\n${rows[0]}\n${rows[1]}\n`, 2, []],
    ['a 10 MB line between valid rows', `${header}\n${rows[0]}\n${'x'.repeat(10_000_000)}\n${rows[1]}\n`, 2, ['OVERSIZED_FIELD']],
    ['a duplicated header column', `${header},${firstColumn}\n${rows[0]},${rows[0].split(',')[0]}\n${rows[1]},${rows[1].split(',')[0]}\n`, 0, ['DUPLICATE_COLUMN', 'DUPLICATE_COLUMN']],
    ['a final line without its newline (a possible cut: warned)', `${header}\n${rows[0]}\n${rows[1]}`, 2, [], ['TRUNCATED']],
  ];
  test.each(cases)(`conformance: %s`, async (_name, content, expectedAccepted, expectedCodes, expectedWarnings = []) => {
    const items = await collect(connector, [write(content, file)]);
    expect(accepted(items)).toBe(expectedAccepted);
    expect(codes(items)).toEqual(expectedCodes);
    expect(warningCodes(items)).toEqual(expectedWarnings);
    for (const item of items) {
      if (item.kind === 'rejection') {
        expect(item.rejection.file).toBe(file);
        expect(item.rejection.reason.length).toBeGreaterThan(5);
      }
    }
  });
}

export interface JsonlSample {
  /** Two valid lines with different keys. */
  lines: [string, string];
  file: string;
}

/** A JSON line with one more member, `note`, holding `json`. */
const withNote = (line: string, json: string) => line.replace(/}\s*$/, `,"note":${json}}`);

/** The shared JSON Lines cases. */
export function jsonlConformanceSuite<R>(connector: Connector<R>, sample: JsonlSample): void {
  const [a, b] = sample.lines;
  const cases: [string, string | Buffer, number, IssueCode[]][] = [
    ['an empty file', '', 0, ['EMPTY_FILE']],
    ['blank lines only', '\n\n', 0, ['EMPTY_FILE']],
    ['a byte-order mark', `\uFEFF${a}\n${b}\n`, 2, []],
    ['CRLF line ends and a blank line', `${a}\r\n\r\n${b}\r\n`, 2, []],
    ['a line that is not JSON', `${a}\n{"type": oops}\n${b}\n`, 2, ['MALFORMED_LINE']],
    ['JSON that is not an object', `${a}\n[1,2]\n42\n${b}\n`, 2, ['NOT_AN_OBJECT', 'NOT_AN_OBJECT']],
    ['an unknown record type', `${a}\n{"type":"unknown"}\n${b}\n`, 2, ['UNKNOWN_TABLE']],
    ['the same key twice', `${a}\n${a}\n${b}\n`, 2, ['DUPLICATE_KEY']],
    ['an oversized line', `${a}\n{"type":"x","pad":"${'x'.repeat(200_000)}"}\n${b}\n`, 2, ['OVERSIZED_FIELD']],
    ['a truncated final line', `${a}\n${b.slice(0, Math.floor(b.length / 2))}`, 1, ['TRUNCATED']],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`${a}\n`), Buffer.from(b.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(`${b.slice(20)}\n`)]), 1, ['INVALID_UTF8']],
    ['a NUL character written as \\u0000', `${a}\n${withNote(b, '"x\\u0000y"')}\n${b}\n`, 2, ['NUL_CHARACTER']],
    ['a raw NUL byte', `${a}\n${withNote(b, '"x\u0000y"')}\n${b}\n`, 2, ['NUL_CHARACTER']],
    ['a value nested 10,000 deep', `${a}\n${withNote(b, `${'['.repeat(10_000)}${']'.repeat(10_000)}`)}\n${b}\n`, 2, ['TOO_DEEP']],
  ];
  test.each(cases)('conformance (JSON Lines): %s', async (_name, content, expectedAccepted, expectedCodes) => {
    const items = await collect(connector, [write(content, sample.file)]);
    expect(accepted(items)).toBe(expectedAccepted);
    expect(codes(items)).toEqual(expectedCodes);
  });
}
