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
import { generateDemo } from '../src/demo/generate';
import { loadGenerated } from '../src/demo/load';
import { rootLogger } from '../src/log';
import { DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS, MatchModel } from '../src/matching';
import { dedupeStore } from '../src/matching/candidates';
import { createTestDatabase, createTestDatabaseUrl } from './support/db';
import { assertBuilt } from './support/processes';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-match-'));
const HEADER = 'record_id,full_name,given_name,family_name,dob,sex,nationality,phone,fingerprint_ref,identifiers,address,postcode';

async function harbour(args: string[], databaseUrl: string) {
  return run(process.execPath, [path.join(ROOT, 'bin/harbour.js'), ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: databaseUrl, HARBOUR_ENV: 'test' } });
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
  expect(stderr).toContain('left.csv line 4, column dob: expected a date as YYYY-MM-DD, YYYY-MM or YYYY, received "1999-02-31"; that value is left out');
  const out = csvRows(path.join(dir, 'out.csv'));
  expect(out[0]).toBe('left_id,right_id,probability,grade,match_weight,reasons');
  const pairs = out.slice(1).map((l) => l.split(',').slice(0, 4));
  expect(pairs.map((p) => `${p[0]}-${p[1]}`).sort()).toEqual(['L1-R1', 'L3-R3']);
  expect(pairs.find((p) => p[0] === 'L1')![3]).toBe('certain'); // the same phone
  expect(out.find((l) => l.startsWith('L3'))).toContain('transliteration variants (aleksandr / alexander)');
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
  expect(grade('p1')).toBe('probable');
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
