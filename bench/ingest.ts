/**
 * The ingest scenarios: rows/s of `harbour sync` end to end for each connector format (parse,
 * validate, hash, apply, match on arrival, record the run) against PostgreSQL's COPY of the same
 * rows into the same tables, in the same run, on a fresh database. Peak resident memory of the
 * process during each ingest is reported too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { Pool, type PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { HarbourConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { FEEDS, ingest } from '../src/ingest';
import type { Logger } from '../src/log';
import { episodesCsv, feedInputs } from './feeds';

export interface IngestResult {
  scenario: string;
  rows: number;
  rows_per_s: number;
  baseline: string;
  baseline_rows_per_s: number;
  ratio: number;
  target_ratio: number;
  /** The stricter comparison (SSDA903 CSV): COPY of the placement rows alone. */
  placement_only_rows_per_s?: number;
  placement_only_ratio?: number;
  peak_rss_mb: number;
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Every table the ingest left rows in, parents before children (foreign keys), with its columns. */
async function writtenTables(client: PoolClient): Promise<{ table: string; columns: string }[]> {
  const { rows } = await client.query<{ table: string; columns: string; parents: string[] }>(
    `select c.oid::regclass::text as table,
            (select string_agg(quote_ident(a.attname), ', ' order by a.attnum) from pg_attribute a
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns,
            array(select f.confrelid::regclass::text from pg_constraint f where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid) as parents
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname in ('identity', 'care', 'police', 'immigration', 'safeguarding', 'ingest')`,
  );
  const nonEmpty: typeof rows = [];
  for (const r of rows) if ((await client.query<{ x: boolean }>(`select exists (select 1 from ${r.table}) as x`)).rows[0]!.x) nonEmpty.push(r);
  const ordered: typeof nonEmpty = [];
  const placed = new Set<string>();
  while (ordered.length < nonEmpty.length) {
    const ready = nonEmpty.filter((t) => !placed.has(t.table) && t.parents.every((p) => placed.has(p) || !nonEmpty.some((x) => x.table === p)));
    if (!ready.length) throw new Error('bench: foreign keys form a cycle');
    for (const t of ready) {
      ordered.push(t);
      placed.add(t.table);
    }
  }
  return ordered;
}

/**
 * rows/s of one connector end to end (parse, validate, hash, apply, match on arrival, record the
 * run) into a fresh database, against COPY of every row the ingest wrote into the same (emptied)
 * tables, in the same run. With `placementOnly`, also against COPY of the placement rows alone.
 */
async function ingestVsCopy(config: HarbourConfig, adminUrl: string, log: Logger, input: { scenario: string; feed: string; agency: string; files: string[]; target: number; placementOnly?: boolean }, say: (m: string) => void): Promise<IngestResult> {
  const url = await freshDatabase(adminUrl, 'harbour_bench_ingest');
  const database = await openDatabase({ ...config, databaseUrl: url }, log, { poolSize: 4 });
  await database.migrate();

  say(`${input.scenario}: harbour sync ${input.feed}`);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const summary = await ingest(database.db, log, FEEDS[input.feed]!, { agency: input.agency, files: input.files });
  const ingestSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (summary.rejected !== 0) throw new Error(`bench: expected clean rows, read ${summary.read}, rejected ${summary.rejected}`);
  const rows = summary.read;

  const pool = new Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  const tables = await writtenTables(client);
  const dumps = tables.map(({ table }) => path.join(config.home, 'bench', `${table}.copy`));
  const copyIn = async (which: number[]) => {
    await client.query(`truncate ${tables.map(({ table }) => table).join(', ')} cascade`);
    const started = performance.now();
    for (const i of which) await pipeline(fs.createReadStream(dumps[i]!), client.query(copyFrom(`copy ${tables[i]!.table} (${tables[i]!.columns}) from stdin`)));
    return (performance.now() - started) / 1000;
  };
  try {
    for (const [i, { table, columns }] of tables.entries()) await pipeline(client.query(copyTo(`copy ${table} (${columns}) to stdout`)), fs.createWriteStream(dumps[i]!));
    say(`${input.scenario}: COPY of the same rows into the same tables (${tables.map((t) => t.table).join(', ')})`);
    const allSeconds = await copyIn(tables.map((_, i) => i));
    const rowsPerSecond = rows / ingestSeconds;
    const result: IngestResult = {
      scenario: input.scenario, rows, rows_per_s: Math.round(rowsPerSecond), baseline: 'COPY of the rows the ingest wrote, into the same tables',
      baseline_rows_per_s: Math.round(rows / allSeconds), ratio: +(rowsPerSecond / (rows / allSeconds)).toFixed(3), target_ratio: input.target,
      peak_rss_mb: Math.round(peak / 2 ** 20),
    };
    if (input.placementOnly) {
      const placement = tables.findIndex((t) => t.table === 'care.placement');
      const parents = tables.map((t, i) => i).filter((i) => ['identity.person', 'identity.source_identity'].includes(tables[i]!.table));
      await copyIn(parents);
      const started = performance.now();
      await pipeline(fs.createReadStream(dumps[placement]!), client.query(copyFrom(`copy care.placement (${tables[placement]!.columns}) from stdin`)));
      const placementSeconds = (performance.now() - started) / 1000;
      result.placement_only_rows_per_s = Math.round(rows / placementSeconds);
      result.placement_only_ratio = +(rowsPerSecond / (rows / placementSeconds)).toFixed(3);
    }
    return result;
  } finally {
    client.release();
    await pool.end();
    for (const dump of dumps) fs.rmSync(dump, { force: true });
    await database.close();
  }
}

/** The ingest scenarios: SSDA903 CSV (target 0.5x of COPY), then SSDA903 XML, LA person details CSV, police and Home Office JSON Lines. */
export async function ingestScenarios(config: HarbourConfig, adminUrl: string, log: Logger, rows: number, say: (m: string) => void, only?: string[]): Promise<IngestResult[]> {
  const dir = path.join(config.home, 'bench');
  const wanted = (name: string) => !only || only.includes(name);
  const results = [];
  if (wanted('ssda903-csv')) results.push(await ingestVsCopy(config, adminUrl, log, { scenario: 'ingest/ssda903-csv-vs-copy', feed: 'ssda903', agency: 'LA-213', files: [episodesCsv(dir, rows)], target: 0.5, placementOnly: true }, say));
  for (const input of feedInputs(path.join(dir, 'feeds'), rows).filter((i) => wanted(`${i.feed}-${i.format}`))) {
    // CSV 0.5x, JSON Lines and XML 0.3x (the targets).
    results.push(await ingestVsCopy(config, adminUrl, log, { ...input, scenario: `ingest/${input.feed}-${input.format}-vs-copy`, target: input.format === 'csv' ? 0.5 : 0.3 }, say));
  }
  return results;
}
