/**
 * `ssda903`: the DfE children-looked-after return, CSV (one file per table, told apart by its
 * header) or XML (`EXPSSDA903`, by the `.xml` extension). Header → a child (LA child id = CHILD, UPN); Episodes → looked-after episodes and
 * placements (PL_POST is sealed LOCATION downstream); Missing → LA missing episodes (M missing,
 * A away without authorisation; open when MIS_END is blank); UASC → UASC status and its end.
 *
 * Columns, blank rules and code lists come from the DfE 2024 schema (columns.json). An unknown
 * code in a descriptive column is a warning on an accepted row; in SEX or MISSING, where it would
 * change what the row means, it rejects the row.
 */
import { FieldError, itemOf, type Connector, type InputFile, type Item, type Position, type Warning } from '../kit/contract';
import { readCsv } from '../kit/csv';
import { parseUkDate } from '../kit/dates';
import { canonicalUpn, type CanonicalIdentifier } from '../kit/identifiers';
import { readXml, serialise, type XmlNode } from '../kit/xml';
import columns from './columns.json';

export type Table = 'Header' | 'Episodes' | 'Missing' | 'UASC';
type ColumnRule = { blank: boolean; codes?: string[]; date?: boolean };
const RULES = columns as unknown as Record<Table, Record<string, ColumnRule>>;

/** The column that tells a table apart, checked in this order. */
const SIGNATURES: [Table, string][] = [['Episodes', 'DECOM'], ['Missing', 'MIS_START'], ['UASC', 'DUC'], ['Header', 'ETHNIC']];
/** Columns whose unknown code changes the meaning of the row: rejected, not warned. */
const DEFINING = new Set(['SEX', 'MISSING']);

export type Sex = 'MALE' | 'FEMALE';

export type Ssda903Record =
  | { type: 'child'; key: string; child: string; sex: Sex; dob: string; ethnic: string; upn: CanonicalIdentifier | undefined; upnCode: string }
  | {
      type: 'episode'; key: string; child: string; decom: string; dec: string | null; rne: string; ls: string; cin: string; place: string;
      placeProvider: string | null; rec: string | null; reasonPlaceChange: string | null; homePost: string | null; plPost: string | null; urn: string | null;
    }
  | { type: 'missing'; key: string; child: string; dob: string; kind: 'MISSING' | 'AWAY'; start: string; end: string | null }
  | { type: 'uasc'; key: string; child: string; sex: Sex; dob: string; ceased: string | null };

export function tableOf(header: string[]): Table | undefined {
  return SIGNATURES.find(([, column]) => header.includes(column))?.[0];
}

const sexOf = (code: string): Sex => (code === '1' ? 'MALE' : 'FEMALE');
const orNull = (v: string | undefined) => (v ? v : null);

/** Validate a row against its table's rules; dates become ISO. Throws FieldError. */
function checkRow(table: Table, values: Record<string, string>, warnings: Warning[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [column, rule] of Object.entries(RULES[table])) {
    const value = values[column] ?? '';
    if (value === '') {
      if (!rule.blank) throw new FieldError(column, 'MISSING_VALUE', 'a value is required');
      out[column] = '';
      continue;
    }
    if (rule.date) {
      out[column] = parseUkDate(column, value);
      continue;
    }
    if (rule.codes && !rule.codes.includes(value)) {
      const message = `unknown code "${value}" (expected one of ${rule.codes.join(', ')})`;
      if (DEFINING.has(column)) throw new FieldError(column, 'UNKNOWN_CODE', message);
      warnings.push({ field: column, code: 'UNKNOWN_CODE', message });
    }
    out[column] = value;
  }
  return out;
}

function toRecord(table: Table, v: Record<string, string>): Ssda903Record {
  switch (table) {
    case 'Header':
      return { type: 'child', key: v.CHILD!, child: v.CHILD!, sex: sexOf(v.SEX!), dob: v.DOB!, ethnic: v.ETHNIC!, upn: canonicalUpn(v.UPN!), upnCode: v.UPN! };
    case 'Episodes':
      if (v.DEC && v.DEC < v.DECOM!) throw new FieldError('DEC', 'DATES_OUT_OF_ORDER', `episode ends (${v.DEC}) before it starts (${v.DECOM})`);
      return {
        type: 'episode', key: `${v.CHILD}/${v.DECOM}`, child: v.CHILD!, decom: v.DECOM!, dec: orNull(v.DEC), rne: v.RNE!, ls: v.LS!, cin: v.CIN!,
        place: v.PLACE!, placeProvider: orNull(v.PLACE_PROVIDER), rec: orNull(v.REC), reasonPlaceChange: orNull(v.REASON_PLACE_CHANGE),
        homePost: orNull(v.HOME_POST), plPost: orNull(v.PL_POST), urn: orNull(v.URN),
      };
    case 'Missing':
      if (v.MIS_END && v.MIS_END < v.MIS_START!) throw new FieldError('MIS_END', 'DATES_OUT_OF_ORDER', `missing period ends (${v.MIS_END}) before it starts (${v.MIS_START})`);
      return { type: 'missing', key: `${v.CHILD}/${v.MIS_START}`, child: v.CHILD!, dob: v.DOB!, kind: v.MISSING === 'M' ? 'MISSING' : 'AWAY', start: v.MIS_START!, end: orNull(v.MIS_END) };
    case 'UASC':
      return { type: 'uasc', key: v.CHILD!, child: v.CHILD!, sex: sexOf(v.SEX!), dob: v.DOB!, ceased: orNull(v.DUC) };
  }
}

/** Per-input state: keys seen per table (duplicates) and missing periods per child (overlaps). */
class Seen {
  private readonly keys = new Set<string>();
  private readonly periods = new Map<string, { start: string; end: string | null }[]>();

  /** The record, or the rejection it earns against what came before it. */
  item(table: Table, values: Record<string, string>, position: Position, raw: string, warnings: Warning[] = []): Item<Ssda903Record> {
    const item = itemOf((warnings) => toRecord(table, checkRow(table, values, warnings)), position, raw, this.keys, warnings);
    if (item.kind === 'record' && item.record.type === 'missing') {
      const record = item.record;
      const mine = this.periods.get(record.child) ?? this.periods.set(record.child, []).get(record.child)!;
      const overlap = mine.find((p) => record.start <= (p.end ?? '9999-12-31') && p.start <= (record.end ?? '9999-12-31'));
      if (overlap) (item.warnings as Warning[]).push({ field: 'MIS_START', code: 'OVERLAPPING_PERIOD', message: `overlaps the missing period from ${overlap.start} (DfE rule 574)` });
      mine.push({ start: record.start, end: record.end });
    }
    return item;
  }
}

async function* fromCsv(filePath: string, seen: Seen): AsyncGenerator<Item<Ssda903Record>> {
  let table: Table | undefined;
  let missingColumns: string[] = [];
  for await (const item of readCsv(filePath)) {
    if (item.kind === 'rejection') {
      yield item;
      continue;
    }
    if (item.kind === 'header') {
      table = tableOf(item.columns);
      missingColumns = table ? Object.keys(RULES[table]).filter((c) => !item.columns.includes(c)) : [];
      continue;
    }
    const position = { file: item.file, line: item.line };
    if (!table) {
      yield { kind: 'rejection', rejection: { ...position, code: 'UNKNOWN_TABLE', reason: 'the header matches no SSDA903 table (Header, Episodes, Missing, UASC)', raw: item.raw } };
    } else if (missingColumns.length) {
      yield { kind: 'rejection', rejection: { ...position, field: missingColumns[0], code: 'MISSING_COLUMN', reason: `the ${table} table needs column(s) ${missingColumns.join(', ')}`, raw: item.raw } };
    } else {
      yield seen.item(table, item.values, position, item.raw, item.warnings);
    }
  }
}

/** XML element names that differ from the CSV columns. */
const XML_NAMES: Record<string, string> = { CHILDID: 'CHILD', PL: 'PLACE' };

function valuesOf(node: XmlNode, extra: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = { ...extra };
  for (const c of node.children) if (c.children.length === 0) values[XML_NAMES[c.name] ?? c.name] = c.text.trim();
  return values;
}

/**
 * `<EXPSSDA903><CHILD><HEADER>…<UASC>1</UASC><DUC>…</DUC><AMISSING>…</AMISSING></HEADER><EPISODE>…`:
 * each CHILD becomes the rows the CSV tables would hold, checked by the same rules.
 */
async function* fromXml(filePath: string, seen: Seen): AsyncGenerator<Item<Ssda903Record>> {
  for await (const item of readXml(filePath, 'CHILD')) {
    if (item.kind === 'rejection') {
      yield item;
      continue;
    }
    const header = item.node.children.find((c) => c.name === 'HEADER');
    const base = { file: item.file, line: item.line };
    if (!header) {
      yield { kind: 'rejection', rejection: { ...base, path: item.path, field: 'HEADER', code: 'MISSING_VALUE', reason: 'a CHILD needs a HEADER', raw: item.raw } };
      continue;
    }
    const child = valuesOf(header);
    yield seen.item('Header', child, { ...base, path: `${item.path}/HEADER` }, serialise(header));
    if (child.UASC === '1') yield seen.item('UASC', { CHILD: child.CHILD ?? '', SEX: child.SEX ?? '', DOB: child.DOB ?? '', DUC: child.DUC ?? '' }, { ...base, path: `${item.path}/HEADER/UASC` }, serialise(header));
    let m = 0;
    for (const missing of header.children.filter((c) => c.name === 'AMISSING')) {
      yield seen.item('Missing', valuesOf(missing, { CHILD: child.CHILD ?? '', DOB: child.DOB ?? '' }), { ...base, path: `${item.path}/HEADER/AMISSING[${++m}]` }, serialise(missing));
    }
    let e = 0;
    for (const episode of item.node.children.filter((c) => c.name === 'EPISODE')) {
      yield seen.item('Episodes', valuesOf(episode, { CHILD: child.CHILD ?? '' }), { ...base, path: `${item.path}/EPISODE[${++e}]` }, serialise(episode));
    }
  }
}

const isXml = (filePath: string) => /\.xml$/i.test(filePath);

export const ssda903: Connector<Ssda903Record> = {
  feed: 'ssda903',
  async *parse(files: readonly InputFile[]): AsyncGenerator<Item<Ssda903Record>> {
    const seen = new Seen();
    for (const input of files) yield* isXml(input.path) ? fromXml(input.path, seen) : fromCsv(input.path, seen);
  },
};
