/** The demo generator: seeded, realistic enough to be hard, and clean through the real connectors. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemo } from '../src/demo/generate';
import { loadGenerated } from '../src/demo/load';
import { rootLogger } from '../src/log';
import { createTestDatabase } from './support/db';

const read = (dir: string) => {
  const out: Record<string, string> = {};
  const walk = (d: string) => fs.readdirSync(d).forEach((f) => (fs.statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : (out[path.relative(dir, path.join(d, f))] = fs.readFileSync(path.join(d, f), 'utf8'))));
  walk(dir);
  return out;
};

test('the same seed writes the same files; another seed does not', () => {
  const [a, b, c] = [0, 1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'demo-')));
  generateDemo({ children: 40, seed: 7, out: a! });
  generateDemo({ children: 40, seed: 7, out: b! });
  generateDemo({ children: 40, seed: 8, out: c! });
  expect(read(a!)).toEqual(read(b!));
  expect(read(a!)['truth.csv']).not.toEqual(read(c!)['truth.csv']);
});

test('every generated record is accepted by its connector, and truth.csv names every source record', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-'));
  generateDemo({ children: 80, seed: 11, out });
  const { database } = await createTestDatabase();
  try {
    const runs = await loadGenerated(database.db, rootLogger('silent'), out);
    expect(runs.reduce((n, r) => n + r.rejected, 0)).toBe(0);
    const truth = fs.readFileSync(path.join(out, 'truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const [stored] = await database.db.query<{ n: string }>(`select count(*) as n from identity.source_identity`);
    expect(Number(stored!.n)).toBe(truth.length);
    // Hard cases are there: placeholder dates, another name in custody elsewhere, a shared hostel phone.
    const [hard] = await database.db.query<{ placeholders: string; wyp: string; hostel: string; children: string }>(
      `select (select count(*) from identity.birth_date where precision = 'YEAR' and to_char(value, 'MM-DD') = '01-01') placeholders,
              (select count(*) from identity.source_identity where agency = 'POLICE-WYP') wyp,
              (select count(distinct source_identity_id) from identity.contact_point where canonical = '+447700900999') hostel,
              (select count(distinct child) from (select unnest($1::text[]) as child) c) children`,
      [truth.map((t) => t[3])],
    );
    expect(Number(hard!.children)).toBe(80);
    expect(Number(hard!.placeholders)).toBeGreaterThan(0);
    expect(Number(hard!.wyp)).toBeGreaterThan(0);
    expect(Number(hard!.hostel)).toBeGreaterThan(1);
  } finally {
    await database.close();
  }
});
