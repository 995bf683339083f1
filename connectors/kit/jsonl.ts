/**
 * A streaming JSON Lines reader: one object a line, yielded with its line number and raw text, or
 * a rejection (not JSON, not an object, invalid UTF-8, oversized, a cut-off last line, a NUL
 * character, values nested too deep). Blank lines are skipped. Holds one line at a time.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { MAX_DEPTH, MAX_FIELD_CHARS, MAX_RAW_CHARS, NUL_REASON, type IssueCode, type Rejection } from './contract';

export type JsonlItem =
  | { kind: 'object'; value: Record<string, unknown>; line: number; raw: string; file: string }
  | { kind: 'rejection'; rejection: Rejection };

/** A line longer than this is rejected unread (a JSON record of harbour's feeds is a few KiB). */
const MAX_LINE_CHARS = MAX_FIELD_CHARS * 10;

export async function* readJsonl(filePath: string): AsyncGenerator<JsonlItem> {
  const file = path.basename(filePath);
  const stream = createReadStream(filePath, { encoding: 'utf8' });
  // Whether the file ends with a newline decides if a bad last line is "cut off" or just bad.
  let endsWithNewline = true;
  stream.on('data', (chunk) => (endsWithNewline = (chunk as string).endsWith('\n')));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  // readline does not forward a read error (a missing file): close it and rethrow below.
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
    lines.close();
  });
  let line = 0;
  let any = false;
  const pending: { text: string; line: number }[] = [];
  for await (let text of lines) {
    line++;
    if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    if (text.trim() === '') continue;
    any = true;
    pending.push({ text, line });
    // Hold one line back: only the last line can be "truncated".
    if (pending.length > 1) yield check(pending.shift()!, false);
  }
  if (failure) throw failure;
  if (pending.length) yield check(pending.shift()!, !endsWithNewline);
  if (!any) yield { kind: 'rejection', rejection: { file, code: 'EMPTY_FILE', reason: 'the file is empty', raw: '' } };

  function check({ text, line }: { text: string; line: number }, last: boolean): JsonlItem {
    const raw = text.slice(0, MAX_RAW_CHARS);
    const reject = (code: Rejection['code'], reason: string): JsonlItem => ({ kind: 'rejection', rejection: { file, line, code, reason, raw } });
    if (text.length > MAX_LINE_CHARS) return reject('OVERSIZED_FIELD', `the line is longer than ${MAX_LINE_CHARS} characters`);
    if (text.includes('\uFFFD')) return reject('INVALID_UTF8', 'the line is not valid UTF-8');
    if (text.includes('\0')) return reject('NUL_CHARACTER', NUL_REASON);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return last ? reject('TRUNCATED', 'the last line is not complete JSON: the file looks cut off') : reject('MALFORMED_LINE', `not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('NOT_AN_OBJECT', `expected a JSON object, received ${Array.isArray(value) ? 'an array' : JSON.stringify(value)?.slice(0, 40)}`);
    const bad = flaw(value, '', 1);
    if (bad) return { kind: 'rejection', rejection: { file, line, field: bad.field || undefined, code: bad.code, reason: bad.reason, raw } };
    return { kind: 'object', value: value as Record<string, unknown>, line, raw, file };
  }
}

/**
 * The first value of a parsed line that cannot be stored: a string (or member name) holding
 * U+0000, or a value nested deeper than MAX_DEPTH, with its path (`names[0].given`).
 */
function flaw(value: unknown, at: string, depth: number): { field: string; code: IssueCode; reason: string } | undefined {
  if (typeof value === 'string') return value.includes('\0') ? { field: at, code: 'NUL_CHARACTER', reason: NUL_REASON } : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DEPTH) return { field: at, code: 'TOO_DEEP', reason: `values are nested more than ${MAX_DEPTH} deep` };
  const list = Array.isArray(value);
  for (const [key, member] of Object.entries(value)) {
    if (key.includes('\0')) return { field: at, code: 'NUL_CHARACTER', reason: `a member name: ${NUL_REASON}` };
    const found = flaw(member, list ? `${at}[${key}]` : at ? `${at}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return undefined;
}
