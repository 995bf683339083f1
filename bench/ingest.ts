/**
 * The ingest scenario: rows/s of `harbour sync ssda903` end to end (parse, validate, hash, apply,
 * record the run) against PostgreSQL's COPY of the same rows into the same table, in the same run,
 * on a fresh database. Peak resident memory of the process during the ingest is reported too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { HarbourConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { FEEDS, ingest } from '../src/ingest';
import type { Logger } from '../src/log';

/** An SSDA903 Episodes file of `rows` rows, three episodes a child; cached by size. */
export function episodesCsv(dir: string, rows: number): string {
  const file = path.join(dir, `episodes-${rows}.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const out = fs.openSync(`${file}.part`, 'w');
  const places = ['U1', 'U3', 'K2', 'R5', 'P2', 'H5'];
  let chunk = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n';
  for (let i = 0; i < rows; i++) {
    const child = 100000 + Math.floor(i / 3);
    const episode = i % 3;
    const start = `${String(1 + ((child + episode * 7) % 28)).padStart(2, '0')}/${String(1 + episode * 4).padStart(2, '0')}/2020`;
    const end = episode < 2 ? `${String(1 + ((child + episode * 7) % 28)).padStart(2, '0')}/${String(3 + episode * 4).padStart(2, '0')}/2020` : '';
    chunk += `${child},${start},L,C2,N1,${places[i % places.length]},PR1,${end},${end ? 'E11' : ''},,AB${i % 90} 1CD,ZZ${i % 97} 9XY,${1000000 + (i % 5000)}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
  fs.renameSync(`${file}.part`, file);
  return file;
}

export interface IngestResult {
  scenario: string;
  rows: number;
  rows_per_s: number;
  baseline: string;
  baseline_rows_per_s: number;
  ratio: number;
  target_ratio: number;
  /** The stricter comparison: COPY of the placement rows alone. */
  placement_only_rows_per_s: number;
  placement_only_ratio: number;
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

export async function ingestScenario(config: HarbourConfig, adminUrl: string, log: Logger, rows: number, say: (m: string) => void): Promise<IngestResult> {
  const file = episodesCsv(path.join(config.home, 'bench'), rows);
  const url = await freshDatabase(adminUrl, 'harbour_bench_ingest');
  const database = await openDatabase({ ...config, databaseUrl: url }, log, { poolSize: 4 });
  await database.migrate();

  say(`ingest: ${rows} SSDA903 episode rows through harbour sync`);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const summary = await ingest(database.db, log, FEEDS.ssda903!, { agency: 'LA-213', files: [file] });
  const ingestSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (summary.read !== rows || summary.rejected !== 0) throw new Error(`bench: expected ${rows} clean rows, read ${summary.read}, rejected ${summary.rejected}`);

  // The baselines: COPY of the same rows into the same (emptied) tables. "All tables" is every row
  // the ingest wrote (persons, source identities, placements, record hashes), in foreign-key order;
  // "placements" is the domain table alone, the stricter comparison.
  const tables: [string, string][] = [
    ['identity.person', 'id, created_at, replaced_by, replaced_at'],
    ['identity.source_identity', 'id, person_id, agency, feed, local_id, sex, nationality, content_hash, first_seen, last_seen, retracted_at'],
    ['care.placement', 'id, source_identity_id, agency, local_key, placement_type, legal_status, started_on, ended_on, postcode, first_seen, last_seen, retracted_at, home_postcode, urn, reason_for_change, placement_provider'],
    ['ingest.record_state', 'agency, feed, kind, local_key, content_hash, last_run_id, retracted_at'],
  ];
  const dumps = tables.map(([table]) => path.join(config.home, 'bench', `${table}.copy`));
  const pool = new Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  const copyIn = async (indexes: number[]) => {
    await client.query(`truncate ${tables.map(([t]) => t).join(', ')} cascade`);
    const started = performance.now();
    for (const i of indexes) await pipeline(fs.createReadStream(dumps[i]!), client.query(copyFrom(`copy ${tables[i]![0]} (${tables[i]![1]}) from stdin`)));
    return (performance.now() - started) / 1000;
  };
  try {
    for (const [i, [table, columns]] of tables.entries()) await pipeline(client.query(copyTo(`copy ${table} (${columns}) to stdout`)), fs.createWriteStream(dumps[i]!));
    say('ingest: COPY of the same rows into the same tables');
    const allSeconds = await copyIn([0, 1, 2, 3]);
    say('ingest: COPY of the placement rows alone');
    await copyIn([0, 1]);
    const placementSeconds = await (async () => {
      const started = performance.now();
      await pipeline(fs.createReadStream(dumps[2]!), client.query(copyFrom(`copy ${tables[2]![0]} (${tables[2]![1]}) from stdin`)));
      return (performance.now() - started) / 1000;
    })();
    const rowsPerSecond = rows / ingestSeconds;
    return {
      scenario: 'ingest/ssda903-csv-vs-copy', rows, rows_per_s: Math.round(rowsPerSecond), baseline: 'COPY of the rows the ingest wrote, into the same tables',
      baseline_rows_per_s: Math.round(rows / allSeconds), ratio: +(rowsPerSecond / (rows / allSeconds)).toFixed(3), target_ratio: 0.5,
      placement_only_rows_per_s: Math.round(rows / placementSeconds), placement_only_ratio: +(rowsPerSecond / (rows / placementSeconds)).toFixed(3),
      peak_rss_mb: Math.round(peak / 2 ** 20),
    };
  } finally {
    client.release();
    await pool.end();
    for (const dump of dumps) fs.rmSync(dump, { force: true });
    await database.close();
  }
}
