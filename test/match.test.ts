/**
 * The evaluation interface and batch deduplication, end to end: `harbour match link` and
 * `harbour match compare` as real processes over person-record CSVs, and `dedupeStore` over a
 * generated demo store loaded through the real connectors, checked against the generator's truth.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { writePersonFiles } from '../bench/persons';
import { generateDemo } from '../src/demo/generate';
import { loadGenerated } from '../src/demo/load';
import { rootLogger } from '../src/log';
import { DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS, fhirGrade, MatchModel, prepare } from '../src/matching';
import { personRecord } from '../src/resolution';
import { dedupeStore, recordFrequencies, withScratchLinkage, type LinkedPair } from '../src/resolution';
import { createTestDatabase, createTestDatabaseUrl, testConfig } from './support/db';
import { assertBuilt } from './support/processes';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-match-'));
const HEADER = 'record_id,full_name,given_name,family_name,dob,sex,nationality,phone,fingerprint_ref,identifiers,address,postcode';

async function harbour(args: string[], databaseUrl: string, nodeOptions: string[] = []) {
  return run(process.execPath, [...nodeOptions, path.join(ROOT, 'bin/harbour.js'), ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: databaseUrl, HARBOUR_ENV: 'test' } });
}

const csvRows = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n');

beforeAll(() => assertBuilt());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('match link writes every pair graded possible or better, with FHIR grades and reasons; a bad value is reported, not fatal', async () => {
  fs.writeFileSync(path.join(dir, 'left.csv'), [HEADER,
    'L1,,Anh,Nguyen,2009-03-15,M,VNM,07700 900123,,,,',
    'L2,,Selam,Tesfay,2010-05-06,F,ERI,,,,,',
    'L3,Aleksandr Ivanov,,,1999-02-31,M,,,,,,'].join('\n'));
  fs.writeFileSync(path.join(dir, 'right.csv'), [HEADER,
    'R1,"NGUYEN, Van Anh",,,2009,M,VNM,+447700900123,,,,',
    'R2,Mohammed Al-Hassan,,,2008-01-01,M,SDN,,,,,',
    'R3,Alexander Ivanov,,,,M,,,,,,'].join('\n'));
  const url = await createTestDatabaseUrl();
  const { stderr } = await harbour(['match', 'link', 'left.csv', 'right.csv', '--out', 'out.csv'], url);
  expect(stderr).toContain('left.csv line 4, column dob: expected a date as YYYY-MM-DD, YYYY-MM or YYYY; that value is left out');
  expect(stderr).not.toContain('1999-02-31');
  const out = csvRows(path.join(dir, 'out.csv'));
  expect(out[0]).toBe('left_id,right_id,probability,grade,match_weight,reasons');
  const pairs = out.slice(1).map((l) => l.split(',').slice(0, 4));
  expect(pairs.map((p) => `${p[0]}-${p[1]}`).sort()).toEqual(['L1-R1', 'L3-R3']);
  expect(pairs.find((p) => p[0] === 'L1')![3]).toBe('certain'); // the same phone
  expect(out.find((l) => l.startsWith('L3'))).toContain('recorded spellings of one name (aleksandr / alexander)');
}, 60000);

test('match link on 2,000 × 2,000 records runs in a 96 MB heap and writes the pairs and values of scoring them with all the records\' frequencies', async () => {
  // 111k candidate pairs: the version that scored them all in one array before writing ran out of heap here.
  const planted = writePersonFiles({ records: 2000, seed: 7, left: path.join(dir, 'big-left.csv'), right: path.join(dir, 'big-right.csv'), truth: path.join(dir, 'big-truth.csv') });
  const url = await createTestDatabaseUrl();
  const { stderr } = await harbour(['match', 'link', 'big-left.csv', 'big-right.csv', '--out', 'big-out.csv'], url, ['--max-old-space-size=96']);
  expect(stderr).toMatch(/^\d+ pairs graded possible or better written to big-out\.csv \(\d+ candidate pairs scored/m);
  expect(fs.existsSync(path.join(dir, 'big-out.csv.partial'))).toBe(false);
  const out = parse(fs.readFileSync(path.join(dir, 'big-out.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  // The same values as scoring each pair in memory with the frequencies of all 4,000 records.
  const read = (file: string) => (parse(fs.readFileSync(path.join(dir, file), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => prepare(personRecord(row)));
  const records = [...read('big-left.csv'), ...read('big-right.csv')];
  const byId = new Map(records.map((r) => [r.source.id, r]));
  const freq = recordFrequencies(records);
  const model = new MatchModel(DEFAULT_PARAMETERS, testConfig(url).matchThresholds);
  for (const row of out) {
    const score = model.score(byId.get(row.left_id!)!, byId.get(row.right_id!)!, freq, 'link');
    expect([row.probability, row.grade, row.match_weight, row.reasons]).toEqual([score.probability.toFixed(6), fhirGrade(score.grade), score.weight.toFixed(3), score.reasons.join('; ')]);
  }
  // Sorted by left id, then weight (highest first), then right id; each pair once.
  const keys = out.map((r) => `${r.left_id} ${(1000 - Number(r.match_weight)).toFixed(3).padStart(9, '0')} ${r.right_id}`);
  expect(keys).toEqual([...keys].sort());
  expect(new Set(out.map((r) => `${r.left_id}-${r.right_id}`)).size).toBe(out.length);
  // The planted pairs (right records rewritten from left ones) are found.
  const found = new Set(out.map((r) => `${r.left_id}-${r.right_id}`));
  const truth = fs.readFileSync(path.join(dir, 'big-truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.replace(',', '-'));
  expect(truth).toHaveLength(planted);
  expect(truth.filter((p) => found.has(p)).length).toBeGreaterThanOrEqual(0.99 * planted);
}, 180000);

test('match link a chunk at a time, the next chunk opened while one is scored: the same pairs in the same order whatever the chunk and fetch; a failed write gives up the chunk waiting and drops the scratch schema', async () => {
  writePersonFiles({ records: 300, seed: 11, left: path.join(dir, 'chunk-left.csv'), right: path.join(dir, 'chunk-right.csv') });
  const read = (file: string) => (parse(fs.readFileSync(path.join(dir, file), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => personRecord(row));
  const [left, right] = [read('chunk-left.csv'), read('chunk-right.csv')];
  const { database, config } = await createTestDatabase();
  try {
    const model = new MatchModel(DEFAULT_PARAMETERS, config.matchThresholds);
    const link = (options: { chunk: number; fetch: number }, write: (pairs: LinkedPair[]) => Promise<void>) => withScratchLinkage(database.db, 'link', async (linkage) => {
      await linkage.add('L', left);
      await linkage.add('R', right);
      return linkage.pairs(model, write, options);
    });
    const whole: LinkedPair[] = [];
    const once = await link({ chunk: 10_000, fetch: 100_000 }, async (pairs) => void whole.push(...pairs));
    const chunked: LinkedPair[] = [];
    let writes = 0;
    const inChunks = await link({ chunk: 23, fetch: 40 }, async (pairs) => {
      writes++;
      chunked.push(...pairs);
    });
    expect(writes).toBe(Math.ceil(300 / 23));
    expect(whole.length).toBeGreaterThan(50);
    expect(chunked).toEqual(whole);
    expect({ ...inChunks }).toEqual({ ...once });
    // A write that fails in the middle: the linkage fails with its error, and leaves nothing behind.
    let calls = 0;
    await expect(link({ chunk: 23, fetch: 40 }, async () => {
      if (++calls === 3) throw new Error('disk full');
    })).rejects.toThrow('disk full');
    expect(calls).toBe(3);
    const [remaining] = await database.db.query<{ n: number }>(`select count(*)::int as n from pg_namespace where nspname like 'match\\_scratch\\_%'`);
    expect(remaining!.n).toBe(0);
  } finally {
    await database.close();
  }
}, 120000);

test('match link: a row without record_id, or with one an earlier row has, is reported by line and left out; a missing file is named', async () => {
  fs.writeFileSync(path.join(dir, 'dup.csv'), [HEADER,
    'D1,,Anh,Nguyen,2009-03-15,M,VNM,07700 900123,,,,',
    ',,Selam,Tesfay,2010-05-06,F,ERI,,,,,',
    'D1,,Selam,Tesfay,2010-05-06,F,ERI,,,,,',
    'D2,"NGUYEN, Van Anh",,,2009,M,VNM,+447700900123,,,,'].join('\n'));
  const url = await createTestDatabaseUrl();
  const { stderr } = await harbour(['match', 'link', 'dup.csv', '--out', 'dup-out.csv'], url);
  expect(stderr).toContain('dup.csv line 3: record_id is empty; that row is left out');
  expect(stderr).toContain('dup.csv line 4: record_id is that of an earlier row; that row is left out');
  expect(csvRows(path.join(dir, 'dup-out.csv')).slice(1).map((l) => l.split(',').slice(0, 2).join('-'))).toEqual(['D1-D2']);
  await expect(harbour(['match', 'link', 'missing.csv', '--out', 'x.csv'], url)).rejects.toThrow(/cannot read missing\.csv/);
}, 60000);

test('match compare scores every given pair', async () => {
  const header = `pair_id,${HEADER.split(',').map((c) => `a_${c}`).join(',')},${HEADER.split(',').map((c) => `b_${c}`).join(',')}`;
  const row = (id: string, a: string, b: string) => `${id},${a},${b}`;
  fs.writeFileSync(path.join(dir, 'pairs.csv'), [header,
    row('p1', 'a1,,Yusuf,Ahmadi,2010-01-01,M,AFG,,,,,', 'b1,,Yousef,Ahmady,2010,M,AFG,,,,,'),
    row('p2', 'a2,,Harry,Jones,2010-07-19,M,GBR,,,,,', 'b2,,Chloe,Smith,2012-12-18,F,GBR,,,,,'),
    row('p3', 'a3,محمد,,,,,,,IABS-1,,,', 'b3,Mohamed,,,,,,,iabs-1,,,')].join('\n'));
  await harbour(['match', 'compare', 'pairs.csv', '--out', 'scored.csv'], await createTestDatabaseUrl());
  const out = csvRows(path.join(dir, 'scored.csv'));
  expect(out[0]).toBe('pair_id,probability,grade,match_weight,reasons');
  const grade = (id: string) => out.find((l) => l.startsWith(`${id},`))!.split(',')[2];
  // Two variant name parts, the same birth year, sex and nationality: certain for a chosen pair (one in nine before the evidence).
  expect(grade('p1')).toBe('certain');
  expect(grade('p2')).toBe('certainly-not');
  expect(grade('p3')).toBe('certain');
}, 60000);

test('dedupe over a generated store: certain suggestions are right, no person mixes two children, twins and siblings are never linked', async () => {
  const { database, config } = await createTestDatabase();
  try {
    const demo = path.join(dir, 'demo');
    const { truth } = generateDemo({ children: 80, seed: 7, out: demo });
    await loadGenerated(database.db, rootLogger('silent'), demo);
    const result = await dedupeStore(database.db, new MatchModel(DEFAULT_PARAMETERS, config.matchThresholds ?? DEFAULT_THRESHOLDS), { chunk: 50 });
    expect(result.done).toBe(result.total);
    const lines = fs.readFileSync(truth, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    await database.db.query(`create temp table truth as select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as t(feed, agency, local_id, child)`, [0, 1, 2, 3].map((k) => lines.map((l) => l[k])));
    const child = `(select t.child from identity.source_identity s join truth t on t.agency = s.agency and t.local_id = s.local_id and t.feed = s.feed where s.id = %s limit 1)`;
    const [mixed] = await database.db.query<{ n: number }>(
      `select count(*)::int as n from (select s.person_id from identity.source_identity s join truth t on t.agency = s.agency and t.local_id = s.local_id and t.feed = s.feed group by 1 having count(distinct t.child) > 1) x`);
    expect(mixed!.n).toBe(0);
    const [certain] = await database.db.query<{ total: number; wrong: number }>(
      `select count(*)::int as total, (count(*) filter (where ${child.replace('%s', 'm.a')} <> ${child.replace('%s', 'm.b')}))::int as wrong from identity.match_suggestion m where grade = 'CERTAIN'`);
    expect(certain!.total).toBeGreaterThan(0);
    expect(certain!.wrong / certain!.total).toBeLessThanOrEqual(0.05);
  } finally {
    await database.close();
  }
}, 120000);

test('a match link killed in the middle leaves its scratch schema; the next match command on the machine removes it', async () => {
  const { spawn } = await import('node:child_process');
  const { Client } = await import('pg');
  writePersonFiles({ records: 3000, seed: 9, left: path.join(dir, 'kill-left.csv'), right: path.join(dir, 'kill-right.csv'), truth: path.join(dir, 'kill-truth.csv') });
  writePersonFiles({ records: 50, seed: 10, left: path.join(dir, 'next-left.csv'), right: path.join(dir, 'next-right.csv'), truth: path.join(dir, 'next-truth.csv') });
  const url = await createTestDatabaseUrl();
  const client = new Client({ connectionString: url });
  await client.connect();
  const scratch = async () => (await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like 'match\\_scratch\\_%'`)).rows.map((r) => r.nspname);
  try {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/harbour.js'), 'match', 'link', 'kill-left.csv', 'kill-right.csv', '--out', 'kill-out.csv'], {
      cwd: dir, env: { ...process.env, DATABASE_URL: url, HARBOUR_ENV: 'test' }, stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    while ((await scratch()).length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGKILL');
    await exited;
    const left = await scratch();
    expect(left).toHaveLength(1);
    await harbour(['match', 'link', 'next-left.csv', 'next-right.csv', '--out', 'next-out.csv'], url);
    expect(await scratch()).toEqual([]);
  } finally {
    await client.end();
  }
});
