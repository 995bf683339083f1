/**
 * A sync killed with SIGKILL mid-run and started again ends with exactly the state and counts of
 * an uninterrupted run (real `harbour sync` processes, two databases compared).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabaseUrl } from './support/db';
import { assertBuilt, harbour } from './support/processes';

const ROWS = 60_000;

function episodesFile(): string {
  const lines = ['CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN'];
  for (let i = 0; i < ROWS; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    // every 500th row is bad, so rejections are part of what must come out the same
    lines.push(i % 500 === 7 ? `${i},31/02/2019,L,C2,N1,U1,PR1,,,,,,` : `${1000 + Math.floor(i / 3)},${day}/0${1 + (i % 3)}/2019,L,C2,N1,U1,PR1,,,,,ZZ${i % 90} 1AA,${i}`);
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'resume-')), 'episodes.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function snapshot(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const run = await client.query(`select read, inserted, updated, unchanged, rejected, phase from ingest.run order by started_at`);
    const placements = await client.query(`select md5(string_agg(local_key || ':' || started_on || ':' || coalesce(postcode, ''), ',' order by local_key)) as digest, count(*) from care.placement`);
    const rejections = await client.query(`select md5(string_agg(ordinal || ':' || line || ':' || code, ',' order by ordinal)) as digest, count(*) from ingest.rejection`);
    const identities = await client.query(`select count(*) from identity.source_identity`);
    return { runs: run.rows, placements: placements.rows[0], rejections: rejections.rows[0], identities: identities.rows[0] };
  } finally {
    await client.end();
  }
}

async function checkpoint(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ checkpoint: number }>(`select checkpoint from ingest.run where phase = 'RUNNING'`);
    return result.rows[0]?.checkpoint ?? 0;
  } finally {
    await client.end();
  }
}

test('SIGKILL mid-run, then the same command again: same state and counts as a run never interrupted', async () => {
  assertBuilt();
  const file = episodesFile();
  const sync = (url: string) => harbour(['sync', 'ssda903', file, '--agency', 'LA-213', '--json'], { DATABASE_URL: url, HARBOUR_ENV: 'test' });

  const plainUrl = await createTestDatabaseUrl();
  const plain = sync(plainUrl);
  expect(await plain.exited).toBe(0);
  const plainSummary = JSON.parse(plain.output().trim().split('\n').at(-1)!) as Record<string, number>;
  expect(plainSummary).toMatchObject({ read: ROWS, rejected: ROWS / 500 });

  const killedUrl = await createTestDatabaseUrl();
  const killed = sync(killedUrl);
  for (let waited = 0; (await checkpoint(killedUrl)) < 5000; waited += 50) {
    if (waited > 60_000 || killed.child.exitCode !== null) throw new Error(`the run finished or stalled before it could be killed:\n${killed.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  killed.child.kill('SIGKILL');
  await killed.exited;
  const done = await checkpoint(killedUrl);
  expect(done).toBeGreaterThan(0);
  expect(done).toBeLessThan(ROWS);

  const resumed = sync(killedUrl);
  expect(await resumed.exited).toBe(0);
  const resumedSummary = JSON.parse(resumed.output().trim().split('\n').at(-1)!) as Record<string, number>;
  const { runId: _a, durationMs: _b, ...expected } = plainSummary;
  const { runId: _c, durationMs: _d, ...actual } = resumedSummary;
  expect(actual).toEqual(expected);
  expect(await snapshot(killedUrl)).toEqual(await snapshot(plainUrl));
}, 240_000);
