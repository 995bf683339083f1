/**
 * Records pushed over GraphQL go through the same pipeline as `harbour sync`: they are written to
 * a private temporary file in the feed's own format (JSON Lines for police and Home Office; one
 * CSV per table for SSDA903 and LA person details, the table named by each record's `table`),
 * ingested, and the rejections mapped back to the index of the record that caused them.
 */
import type { GradeThresholds } from '../matching';
import fs from 'node:fs';
import { MAX_DEPTH } from '../../connectors/kit/contract';
import { csvCell } from '../../connectors/kit/csv';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db';
import { ErrorCode, HarbourError } from '../errors';
import type { Logger } from '../log';
import { FEEDS } from './feeds';
import { ingest, type IngestOptions, type IngestSummary } from './run';

/** The CSV files of each CSV feed, by the `table` a pushed record names. */
const CSV_TABLES: Record<string, Record<string, string>> = {
  ssda903: { Header: 'header.csv', Episodes: 'episodes.csv', Missing: 'missing.csv', UASC: 'uasc.csv' },
  'la-person': { person: 'person.csv', linked_identifiers: 'linked_identifiers.csv', aliases: 'aliases.csv', contacts: 'contacts.csv', plan: 'plan.csv', consent: 'consent.csv' },
};

/** At most this many records in one push. */
export const MAX_PUSH_RECORDS = 10_000;


/**
 * A record cut off below MAX_DEPTH + 1 levels (what lies deeper becomes "…"): what is written
 * stays too deep for the reader, which rejects it as TOO_DEEP with its index, and JSON.stringify
 * never recurses 10,000 levels (a RangeError that stopped the whole push).
 */
function clip(value: unknown, levels = MAX_DEPTH + 1): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (levels === 0) return '…';
  if (Array.isArray(value)) return value.map((v) => clip(v, levels - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clip(v, levels - 1)]));
}

/** A CSV cell's value: a list or object (no CSV column holds one) is written as its JSON, clipped. */
const cellOf = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(clip(value)) : value);

export interface PushResult {
  summary: IngestSummary;
  /** Index of the pushed record behind each rejection ordinal of the run. */
  recordIndexOf: (file: string, line: number | null) => number | null;
}

/** How pushed records are ingested besides `full`: purge-missing, thresholds, and the purge audit hook (IngestOptions). */
export type PushOptions = Pick<IngestOptions, 'purgeMissing' | 'onPurged'> & { matchThresholds?: GradeThresholds };

export async function pushRecords(db: Db, log: Logger, feed: string, agency: string, records: Record<string, unknown>[], full: boolean, options: PushOptions = {}): Promise<PushResult> {
  const applier = FEEDS[feed];
  if (!applier) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `unknown feed "${feed}" (known: ${Object.keys(FEEDS).join(', ')})`);
  if (records.length > MAX_PUSH_RECORDS) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `at most ${MAX_PUSH_RECORDS} records in one push, received ${records.length}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-push-'));
  try {
    const lineToIndex = new Map<string, Map<number, number>>();
    const files: string[] = [];
    const tables = CSV_TABLES[feed];
    if (!tables) {
      const file = path.join(dir, 'records.jsonl');
      fs.writeFileSync(file, records.map((r) => JSON.stringify(clip(r))).join('\n') + '\n', { mode: 0o600 });
      files.push(file);
      lineToIndex.set('records.jsonl', new Map(records.map((_, i) => [i + 1, i])));
    } else {
      const byTable = new Map<string, { index: number; record: Record<string, unknown> }[]>();
      records.forEach((record, index) => {
        const table = record.table;
        if (typeof table !== 'string' || !tables[table]) {
          throw new HarbourError(ErrorCode.BAD_USER_INPUT, `records[${index}].table must be one of ${Object.keys(tables).join(', ')}`);
        }
        byTable.set(table, [...(byTable.get(table) ?? []), { index, record }]);
      });
      for (const [table, rows] of byTable) {
        const name = tables[table]!;
        const columns = [...new Set(rows.flatMap(({ record }) => Object.keys(record).filter((k) => k !== 'table')))];
        const file = path.join(dir, name);
        fs.writeFileSync(file, [columns.join(','), ...rows.map(({ record }) => columns.map((c) => csvCell(cellOf(record[c]))).join(','))].join('\n') + '\n', { mode: 0o600 });
        files.push(file);
        lineToIndex.set(name, new Map(rows.map(({ index }, i) => [i + 2, index])));
      }
    }
    const summary = await ingest(db, log, applier, { agency, files, full, ...options });
    return { summary, recordIndexOf: (file, line) => (line === null ? null : (lineToIndex.get(file)?.get(line) ?? null)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
