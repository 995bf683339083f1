/**
 * Retention, as the DPO sets it: a policy file checked at start (a fault names the line), a dry
 * run that counts by kind and removes nothing, and a run that purges records their source let go
 * of long enough ago (with everything derived from them), closed episodes and found reports past
 * their period, and keeps everything else. All values invented.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAuditKey, verifyAudit } from '../src/access';
import { insertChildEverywhere } from './fixtures/persons';
import { readRetentionPolicy, runRetention } from '../src/ingest/retention';
import { queueDrift, writeSuggestions } from '../src/resolution';
import { createTestDatabase } from './support/db';

function policyFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'retention-')), 'retention.csv');
  fs.writeFileSync(file, text);
  return file;
}

test('the packaged policy reads; an unknown kind, a negative or fractional period, a repeated kind or no version is refused naming the line', () => {
  expect(readRetentionPolicy().days.get('RETRACTED_RECORD')).toBe(30);
  const cases: [string, RegExp][] = [
    ['# version: 1\nkind,days,note\nOLD_NOTES,10,x\n', /line 3: unknown kind "OLD_NOTES"/],
    ['# version: 1\nkind,days,note\nRETRACTED_RECORD,-5,x\n', /line 3: days must be a whole number of days, 0 or more, not "-5"/],
    ['# version: 1\nRETRACTED_RECORD,1.5,x\n', /line 2: days must be a whole number/],
    ['# version: 1\nRETRACTED_RECORD,5,x\nRETRACTED_RECORD,6,y\n', /line 3: RETRACTED_RECORD is given twice/],
    ['RETRACTED_RECORD,5,x\n', /no "# version:" line/],
  ];
  for (const [text, error] of cases) expect(() => readRetentionPolicy(policyFile(text))).toThrow(error);
});

test('a dry run counts by kind and removes nothing; a run removes what is due, with everything derived from it, and nothing else', async () => {
  const { database } = await createTestDatabase();
  const close = () => database.close();
  try {
    const db = database.db;
    const gone = await insertChildEverywhere(db, 'ret1');
    const kept = await insertChildEverywhere(db, 'ret2');
    // The LA let go of ret1's record 40 days ago; ret2's is current, and its missing episode ended 7 years ago.
    await db.query(`update identity.source_identity set retracted_at = now() - interval '40 days' where person_id = $1 and agency = 'LA-213'`, [gone.personId]);
    await db.query(`update care.missing_episode set started_at = now() - interval '7 years 1 day', ended_at = now() - interval '7 years' where source_identity_id in (select id from identity.source_identity where person_id = $1)`, [kept.personId]);
    // Two suggestions wait between the children: the purge moves ret1's other records to children of their own.
    const score = { weight: 3, probability: 0.9, grade: 'PROBABLE' as const, reasons: ['names agree'], contributions: [] };
    await writeSuggestions(db, [{ a: gone.sourceIdentityIds[1]!, b: kept.sourceIdentityIds[0]!, score }, { a: gone.sourceIdentityIds[2]!, b: kept.sourceIdentityIds[1]!, score }], 'test');
    const policy = readRetentionPolicy(policyFile('# version: t1\nRETRACTED_RECORD,30,x\nFOUND_MISSING_REPORT,2190,y\nCLOSED_MISSING_EPISODE,2190,z\n'));
    const count = async () => (await db.query<{ n: number }>(`select (select count(*) from identity.source_identity) + (select count(*) from care.missing_episode) + (select count(*) from identity.name) as n`))[0]!.n;
    const before = await count();
    const dry = await runRetention(db, policy, { dryRun: true });
    expect(dry).toEqual({ RETRACTED_RECORD: 1, FOUND_MISSING_REPORT: 0, CLOSED_MISSING_EPISODE: 1 });
    expect(await count()).toBe(before);
    expect(await runRetention(db, policy)).toEqual(dry);
    const left = async (ids: string[]) => (await db.query<{ agency: string }>(`select agency from identity.source_identity where id = any($1::uuid[]) order by agency`, [ids])).map((r) => r.agency);
    // The child's other records stay (rebuilt into children of their own: nothing else joined them).
    expect(await left(gone.sourceIdentityIds)).toEqual(['HO', 'POLICE-MPS']);
    expect(await left(kept.sourceIdentityIds)).toEqual(['HO', 'LA-213', 'POLICE-MPS']);
    expect(await db.query(`select 1 from care.missing_episode m join identity.source_identity s on s.id = m.source_identity_id where s.person_id = $1`, [kept.personId])).toEqual([]);
    expect((await db.query(`select 1 from care.placement p join identity.source_identity s on s.id = p.source_identity_id where s.person_id = $1`, [kept.personId])).length).toBeGreaterThan(0);
    expect(await db.query(`select 1 from identity.name n join identity.source_identity s on s.id = n.source_identity_id where s.retracted_at is not null`)).toEqual([]);
    // The queue the run left is the one a rebuild makes: its refreshes were put off to each chunk's end, not lost.
    expect((await db.query(`select 1 from identity.suggestion_queue`)).length).toBeGreaterThan(0);
    expect(await queueDrift(db)).toEqual({ extra: 0, missing: 0, miscounted: 0 });
    // Run again: nothing more is due.
    expect(await runRetention(db, policy)).toEqual({ RETRACTED_RECORD: 0, FOUND_MISSING_REPORT: 0, CLOSED_MISSING_EPISODE: 0 });
  } finally {
    await close();
  }
});

test('a run killed after a chunk committed is finished by the next, with the same result; the run that finishes records one audit event of counts', async () => {
  const { database, config } = await createTestDatabase();
  try {
    const db = database.db;
    const key = loadAuditKey(config.auditKeyFile, true);
    const children = [];
    for (let i = 0; i < 5; i++) children.push(await insertChildEverywhere(db, `retk${i}`));
    await db.query(`update identity.source_identity set retracted_at = now() - interval '40 days' where person_id = any($1::uuid[]) and agency = 'LA-213'`, [children.map((c) => c.personId)]);
    const policy = readRetentionPolicy(policyFile('# version: t2\nRETRACTED_RECORD,30,x\n'));
    const due = async () => (await db.query<{ n: number }>(`select count(*)::int as n from identity.source_identity where retracted_at is not null`))[0]!.n;
    const events = () => db.query<{ request_id: string; sub: string; person_id: string | null; paths: string; outcome: string }>(
      `select request_id, sub, person_id, paths, outcome from audit.event where sub = 'harbour retention' order by seq`);
    // Killed once its first chunk (2 records) committed: the process dies before the next.
    await expect(runRetention(db, policy, { chunkSize: 2, auditKey: key, onProgress: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(await due()).toBe(3);
    expect(await events()).toEqual([]);
    expect(await runRetention(db, policy, { chunkSize: 2, auditKey: key })).toEqual({ RETRACTED_RECORD: 3, CLOSED_MISSING_EPISODE: 0, FOUND_MISSING_REPORT: 0 });
    expect(await due()).toBe(0);
    const left = await db.query<{ agency: string }>(`select agency from identity.source_identity where person_id = any($1::uuid[]) or id = any($2::uuid[]) order by agency`,
      [children.map((c) => c.personId), children.flatMap((c) => c.sourceIdentityIds)]);
    expect(left.map((r) => r.agency)).toEqual([...Array(5).fill('HO'), ...Array(5).fill('POLICE-MPS')]);
    // One event for the run: on no child, counts by kind, the policy version; no record's id.
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toMatchObject({ person_id: null, outcome: 'RECORDED', paths: JSON.stringify([['retention', 'RETRACTED_RECORD', 3]]) });
    expect(event!.request_id).toMatch(/^retention run [0-9a-f-]{36} \(policy t2\)$/);
    expect((await verifyAudit(db, key)).problem).toBeUndefined();
    // A dry run records nothing.
    await runRetention(db, policy, { dryRun: true, auditKey: key });
    expect(await events()).toHaveLength(1);
  } finally {
    await database.close();
  }
});
