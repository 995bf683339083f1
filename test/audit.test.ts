/**
 * The disclosure audit: append-only (triggers refuse UPDATE, DELETE and TRUNCATE; the hub's audit
 * role may insert only the content columns), hash-chained under concurrency, written before the
 * response is sent (one call of `audit.append`) and failing closed, and verified by `harbour audit verify` as a real process.
 * A superuser's tampering is caught too: a forged append and a rewritten row by the MAC under the
 * audit key (which the database never holds), a removed tail or a renumbered chain by a checkpoint.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { appendAudit, loadAuditKey, readCheckpoints, startCheckpoints, takeCheckpoint, verifyAudit, type Checkpoint, type DataCategory, type Principal } from '../src/access';
import { eventMac, GENESIS, rowHash, type AuditRow, type FiledCheckpoint } from '../src/access/audit';
import type { Database, Db } from '../src/db';
import { insertChildEverywhere } from './fixtures/persons';
import { postGraphQL, startTestHub, type TestHub } from './support/hub';
import { CATEGORIES } from './support/oracle';
import { Client } from 'pg';
import { migrations } from '../migrations';
import { AuditKeyed1765186400000 } from '../migrations/1765186400000-audit-keyed';
import { AuditCanonicalFast1765900000000 } from '../migrations/1765900000000-audit-canonical-fast';
import { createDataSource, openDatabase } from '../src/db';
import { rootLogger } from '../src/log';
import { adminUrl, createTestDatabase, testConfig } from './support/db';
import { assertBuilt, harbour } from './support/processes';

let hub: TestHub;
let personId: string;
const police = () => hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'], sub: 'pc-7' });
const QUERY = `query ($id: ID!) { person(id: $id) { identities { names { given } contacts { value } } care { placements { postcode } } } }`;

beforeAll(async () => {
  hub = await startTestHub();
  personId = (await insertChildEverywhere(hub.database.db, '31')).personId;
});
afterAll(() => hub.close());

const db = () => hub.database.db;
const owner = () => hub.owner.db;
const key = () => loadAuditKey(hub.config.auditKeyFile, true);

test('every decision of a request is in the audit, with its client path, before the response is sent', async () => {
  const response = await hub.execute(police(), QUERY, { id: personId });
  const requestId = response.extensions!.requestId as string;
  const rows = await db().query<{ sub: string; agency: string; roles: string[]; person_id: string; category: string; paths: string; outcome: string; basis_kind: string | null }>(
    `select sub, agency, roles, person_id, category, paths, outcome, basis_kind from audit.event where request_id = $1 order by seq`,
    [requestId],
  );
  expect(rows.every((r) => r.sub === 'pc-7' && r.agency === 'POLICE-KENT' && r.roles.join() === 'OFFICER' && r.person_id === personId)).toBe(true);
  // One row per decision (person, category, outcome, basis), with every path it governed.
  expect(rows.map((r) => ({ ...r, paths: JSON.parse(r.paths) as unknown }))).toEqual(expect.arrayContaining([
    expect.objectContaining({ category: 'IDENTITY', paths: [0, 1, 2].map((i) => ['person', 'identities', i, 'names']), outcome: 'RELEASED', basis_kind: 'AGREEMENT' }),
    expect.objectContaining({ category: 'CONTACT', paths: [0, 1, 2].map((i) => ['person', 'identities', i, 'contacts']), outcome: 'WITHHELD', basis_kind: null }),
    expect.objectContaining({ category: 'CARE_PLAN', paths: [['person', 'care', 'placements']], outcome: 'WITHHELD' }),
  ]));
  expect(new Set(rows.map((r) => `${r.category} ${r.outcome} ${r.basis_kind}`)).size).toBe(rows.length);
});

test('the audit is append-only: UPDATE, DELETE and TRUNCATE are refused, even to the table owner', async () => {
  await hub.execute(police(), QUERY, { id: personId });
  for (const sql of ['update audit.event set sub = $1', 'delete from audit.event where sub <> $1', 'truncate audit.event']) {
    await expect(owner().query(sql, sql.includes('$1') ? ['tamper'] : [])).rejects.toThrow(/append-only/);
  }
});

test('the hub runs as a role that is no superuser and owns nothing: it cannot turn the triggers off or change a row', async () => {
  const [me] = await db().query<{ user: string; superuser: boolean }>(`select current_user as user, rolsuper as superuser from pg_roles where rolname = current_user`);
  expect(me).toEqual({ user: 'harbour_app', superuser: false });
  expect(await db().query(`select 1 from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = current_user`)).toEqual([]);
  const refusals: [string, RegExp][] = [
    ['alter table audit.event disable trigger event_append_only', /must be owner of table event/],
    ['alter table audit.event disable trigger all', /must be owner of table event/],
    ['set session_replication_role = replica', /permission denied to set parameter "session_replication_role"/],
    ['delete from audit.event', /permission denied for table event/],
    [`update audit.event set sub = 'tamper'`, /permission denied for table event/],
    ['truncate audit.event', /permission denied for table event/],
    [`insert into audit.event (request_id, sub, agency, roles, category, paths, outcome) values ('r', 's', 'LA-213', '{}', 'IDENTITY', '[]', 'RELEASED')`, /permission denied for table event/],
    ['set role harbour_audit_writer', /permission denied to set role/],
  ];
  for (const [sql, refusal] of refusals) await expect(db().query(sql)).rejects.toThrow(refusal);
});

test('the audit role may insert only the content columns, and read; never set the chain or change a row', async () => {
  await expect(owner().transaction(async (tx) => {
    await tx.query('set local role harbour_audit_writer');
    await tx.query(`insert into audit.event (seq, at, request_id, sub, agency, roles, category, paths, outcome, prev_hash, hash)
                    values (999999, now(), 'r', 's', 'LA-213', '{}', 'IDENTITY', '[]', 'RELEASED', '\\x00', '\\x00')`);
  })).rejects.toThrow(/permission denied/);
  await expect(owner().transaction(async (tx) => {
    await tx.query('set local role harbour_audit_writer');
    await tx.query(`delete from audit.event`);
  })).rejects.toThrow(/permission denied/);
  await expect(owner().transaction(async (tx) => {
    await tx.query('set local role harbour_audit_writer');
    await tx.query(`insert into audit.event (request_id, sub, agency, roles, category, paths, outcome) values ('r-role', 's', 'LA-213', '{CASEWORKER}', 'IDENTITY', '[]', 'RELEASED')`);
  })).rejects.toThrow(/needs the 32-byte MAC/);
  const inserted = await owner().transaction(async (tx) => {
    await tx.query('set local role harbour_audit_writer');
    const mac = eventMac(key(), { request_id: 'r-role', sub: 's', agency: 'LA-213', roles: ['CASEWORKER'], person_id: null, category: 'IDENTITY', paths: '[]', outcome: 'RELEASED', basis_kind: null, basis_id: null });
    return tx.query<{ seq: string }>(`insert into audit.event (request_id, sub, agency, roles, category, paths, outcome, mac) values ('r-role', 's', 'LA-213', '{CASEWORKER}', 'IDENTITY', '[]', 'RELEASED', $1) returning seq`, [mac]);
  });
  expect(Number(inserted[0]!.seq)).toBeGreaterThan(0);
});

test('eight concurrent writers keep one unbroken chain', async () => {
  const principal = { sub: 'load', agency: 'POLICE-KENT', agencyKind: 'POLICE' as const, roles: ['OFFICER' as const] };
  const decision = { kind: 'RELEASED' as const, basis: 'AGREEMENT' as const };
  await Promise.all(Array.from({ length: 8 }, (_, w) => (async () => {
    for (let i = 0; i < 10; i++) {
      await appendAudit(db(), key(), `r-${w}-${i}`, principal, CATEGORIES.map((category, k) => ({ personId, category: category as DataCategory, path: ['person', k], decision })));
    }
  })()));
  const result = await verifyAudit(db(), key(), { pageSize: 97 }); // pages that do not divide the row count
  expect(result.brokenAt).toBeUndefined();
  const [{ n }] = (await db().query<{ n: string }>(`select count(*) as n from audit.event`)) as [{ n: string }];
  expect(result.rows).toBe(Number(n));
  // One request's rows are contiguous: a batch is one statement under the chain's lock.
  const runs = await db().query<{ request_id: string; span: string; n: string }>(
    `select request_id, max(seq) - min(seq) + 1 as span, count(*) as n from audit.event where request_id like 'r-%-%' group by request_id`,
  );
  expect(runs.every((r) => r.span === r.n)).toBe(true);
});

test('fail closed: when the audit cannot be written, no data is sent', async () => {
  const server = await hub.server();
  const headers = { authorization: `Bearer ${police()}` };
  // The audit role loses its right to write.
  await owner().query('revoke insert on audit.event from harbour_audit_writer');
  try {
    const refused = await postGraphQL(server.url, { query: QUERY, variables: { id: personId } }, headers);
    expect(refused.status).toBe(503);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }) })]);
    expect(JSON.stringify(refused.body)).not.toMatch(/GIVEN31|permission denied|audit\.event/);
    // A request that discloses nothing about a child needs no audit row, and is answered.
    const me = await postGraphQL(server.url, { query: '{ me { agency } }' }, headers);
    expect(me.body.data).toEqual({ me: { agency: 'POLICE-KENT' } });
  } finally {
    await owner().query('grant insert (request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind, basis_id, mac) on audit.event to harbour_audit_writer');
  }
  const again = await postGraphQL(server.url, { query: QUERY, variables: { id: personId } }, headers);
  expect(again.status).toBe(200);
  expect(JSON.stringify(again.body.data)).toMatch(/GIVEN31/);
});

test('harbour audit verify passes on an intact chain and names the first altered row', async () => {
  assertBuilt();
  await hub.execute(police(), QUERY, { id: personId });
  const env = { DATABASE_URL: hub.config.databaseUrl!, HARBOUR_ENV: 'test' };
  const intact = harbour(['audit', 'verify'], env);
  expect(await intact.exited).toBe(0);
  expect(intact.output()).toMatch(/audit chain verified: \d+ events/);

  const [target] = await db().query<{ seq: string }>(`select seq::text from audit.event order by seq offset 3 limit 1`);
  // A superuser with the triggers off alters who one row says asked.
  await asSuperuser(owner(), (tx) => tx.query(`update audit.event set sub = 'someone-else' where seq = $1`, [target!.seq]));
  const tampered = harbour(['audit', 'verify', '--json'], env);
  expect(await tampered.exited).toBe(1);
  expect(JSON.parse(tampered.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: false, brokenAt: target!.seq, problem: 'its content does not match its hash' });
}, 60_000);

// A superuser of the database (what the hub was in the embedded default) tampers with the audit:
// with `session_replication_role = replica` the append-only triggers do not fire.

const officer: Principal = { sub: 'pc-7', agency: 'POLICE-KENT', agencyKind: 'POLICE', roles: ['OFFICER'] };

/** A store of its own with `requests` requests audited by the hub (two decisions each), to tamper with. */
async function auditedStore(requests: number, principal = officer): Promise<Database> {
  const { database } = await createTestDatabase();
  for (let i = 0; i < requests; i++) {
    await appendAudit(database.db, key(), `t-${i}`, principal, (['IDENTITY', 'CONTACT'] as DataCategory[]).map((category, k) => ({
      personId: personId.toUpperCase(), category, path: ['person', k], decision: { kind: 'RELEASED', basis: 'AGREEMENT' },
    })));
  }
  return database;
}

async function withAuditedStore(requests: number, work: (store: Database) => Promise<void>, principal = officer): Promise<void> {
  const store = await auditedStore(requests, principal);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

function asSuperuser(d: Db, work: (tx: Db) => Promise<unknown>): Promise<unknown> {
  return d.transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    await work(tx);
  });
}

/** What an attacker without the key can still do: recompute every hash (the rule is public) from `from` on. */
async function rechain(tx: Db, from: number): Promise<void> {
  const [before] = await tx.query<{ hash: Buffer }>('select hash from audit.event where seq = $1', [from - 1]);
  let prev = before?.hash ?? GENESIS;
  for (const row of await tx.query<AuditRow>('select * from audit.event where seq >= $1 order by seq', [from])) {
    const hash = rowHash(prev, { ...row, mac: row.mac! });
    await tx.query('update audit.event set prev_hash = $1, hash = $2 where seq = $3', [prev, hash, row.seq]);
    prev = hash;
  }
}

const filed = (c: Awaited<ReturnType<typeof takeCheckpoint>>, line = 1): FiledCheckpoint => ({ ...c, line });

test('an event appended through audit.append without the audit key fails verify by its MAC', async () => {
  await withAuditedStore(3, async (store) => {
    await store.db.query(
      `select audit.append('forged', 'pc-7', 'POLICE-KENT', '{OFFICER}', $1::uuid[], '{IDENTITY}', '{"[]"}', '{RELEASED}', '{AGREEMENT}', array[null]::text[], $2::bytea[])`,
      [[personId], [randomBytes(32)]],
    );
    expect(await verifyAudit(store.db, key())).toMatchObject({ rows: 6, brokenAt: '7', problem: 'its MAC does not match its content: it was not written with this audit key' });
  });
});

test('a rewritten event fails verify by its MAC, even with every hash after it recomputed', async () => {
  await withAuditedStore(3, async (store) => {
    expect(await verifyAudit(store.db, key())).toEqual({ rows: 6, unkeyed: 0, checkpoints: 0 });
    await asSuperuser(store.db, async (tx) => {
      await tx.query(`update audit.event set sub = 'someone-else' where seq = 3`);
      await rechain(tx, 3);
    });
    expect(await verifyAudit(store.db, key())).toMatchObject({ rows: 2, brokenAt: '3', problem: 'its MAC does not match its content: it was not written with this audit key' });
  });
});

test('events deleted from the end fail verify against a checkpoint taken before', async () => {
  await withAuditedStore(4, async (store) => {
    const checkpoint = filed(await takeCheckpoint(store.db, key()));
    expect(checkpoint).toMatchObject({ seq: '8', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await asSuperuser(store.db, (tx) => tx.query('delete from audit.event where seq > 5'));
    // The chain itself is whole: only what was kept outside the database can tell.
    expect(await verifyAudit(store.db, key())).toEqual({ rows: 5, unkeyed: 0, checkpoints: 0 });
    expect(await verifyAudit(store.db, key(), { checkpoints: [checkpoint] })).toMatchObject({
      rows: 5, brokenAt: '6', problem: `the audit ends at sequence 5, but checkpoint line 1 (taken ${checkpoint.at}, sequence 8) saw more: events were removed from the end`,
    });
  });
});

test('an event removed or inserted before a checkpoint, with the chain renumbered and recomputed, fails verify against it', async () => {
  const renumber = async (tx: Db, from: number, by: number) => {
    const seqs = (await tx.query<{ seq: string }>('select seq::text from audit.event where seq >= $1 order by seq', [from])).map((r) => Number(r.seq));
    for (const seq of by > 0 ? seqs.reverse() : seqs) await tx.query('update audit.event set seq = $1 where seq = $2', [seq + by, seq]);
  };
  const tampering = {
    removed: async (tx: Db) => {
      await tx.query('delete from audit.event where seq = 2');
      await renumber(tx, 3, -1);
    },
    // A copy of an event the hub wrote, so its MAC holds: a replay.
    inserted: async (tx: Db) => {
      await renumber(tx, 3, 1);
      await tx.query('insert into audit.event select 3, at, request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind, basis_id, prev_hash, hash, mac from audit.event where seq = 2');
    },
  };
  for (const [name, tamper] of Object.entries(tampering)) {
    await withAuditedStore(3, async (store) => {
      const checkpoint = filed(await takeCheckpoint(store.db, key()), 4);
      await appendAudit(store.db, key(), 't-after', officer, [{ personId, category: 'IDENTITY' as DataCategory, path: ['person'], decision: { kind: 'RELEASED', basis: 'AGREEMENT' } }]);
      await asSuperuser(store.db, async (tx) => {
        await tamper(tx);
        await rechain(tx, 2);
      });
      const renumbered = await verifyAudit(store.db, key());
      expect([name, renumbered.problem]).toEqual([name, undefined]);
      expect([name, await verifyAudit(store.db, key(), { checkpoints: [checkpoint] })]).toEqual([name, expect.objectContaining({
        brokenAt: '6', problem: `it differs from checkpoint line 4 (taken ${checkpoint.at}, sequence 6): the chain was rewritten up to here`,
      })]);
    });
  }
});

test('a checkpoint not signed with the audit key is refused, and checkpoints that agree are counted', async () => {
  await withAuditedStore(2, async (store) => {
    const head = filed(await takeCheckpoint(store.db, key()), 2);
    const other = randomBytes(32);
    expect(await verifyAudit(store.db, key(), { checkpoints: [head, filed(await takeCheckpoint(store.db, key()), 3)] })).toEqual({ rows: 4, unkeyed: 0, checkpoints: 2 });
    expect(await verifyAudit(store.db, key(), { checkpoints: [filed(await takeCheckpoint(store.db, other), 7)] })).toMatchObject({ problem: expect.stringMatching(/^checkpoint line 7 \(taken .*, sequence 4\) is not signed with the audit key$/) });
    // A checkpoint moved to another sequence number no longer bears its signature.
    expect((await verifyAudit(store.db, key(), { checkpoints: [{ ...head, seq: '3' }] })).problem).toMatch(/not signed/);
  });
});

test('the canonical text is unambiguous: a sub holding the old separator cannot pass for another row', async () => {
  // A user whose sub holds \x1f. Under the old rule (fields joined with \x1f) the row as edited
  // below, by another sub of another agency, read the same as the row written: the edit kept its hash.
  const separated = { ...officer, sub: 'pc-7\x1fPOLICE-MPS', agency: 'POLICE-KENT' };
  await withAuditedStore(1, async (store) => {
    await appendAudit(store.db, key(), 't-multibyte', { ...officer, sub: 'Zoë 名前 \u{1F600}', roles: [] }, [{ personId: 'not-a-uuid', category: 'IDENTITY' as DataCategory, path: ['person'], decision: { kind: 'WITHHELD', releasableWith: [] } }]);
    expect(await verifyAudit(store.db, key())).toEqual({ rows: 3, unkeyed: 0, checkpoints: 0 });
    await asSuperuser(store.db, (tx) => tx.query(`update audit.event set sub = 'pc-7', agency = 'POLICE-MPS\x1fPOLICE-KENT' where seq = 1`));
    expect(await verifyAudit(store.db, key())).toMatchObject({ rows: 0, brokenAt: '1', problem: 'its content does not match its hash' });
  }, separated);
});

test('harbour audit checkpoint writes a signed line; verify --checkpoint names a deleted tail (exit 1) and a line that is not a checkpoint (exit 2)', async () => {
  assertBuilt();
  const store = await auditedStore(3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-checkpoints-'));
  const file = path.join(dir, 'dpo.jsonl');
  const env = { DATABASE_URL: store.url, HARBOUR_ENV: 'test' };
  const lastLine = (text: string) => text.trim().split('\n').at(-1);
  try {
    const taken = harbour(['audit', 'checkpoint', '--out', file], env);
    expect(await taken.exited).toBe(0);
    const checkpoint = JSON.parse(taken.stdout()) as Checkpoint;
    expect(checkpoint).toMatchObject({ seq: '6' });
    expect(fs.readFileSync(file, 'utf8')).toBe(`${JSON.stringify(checkpoint)}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const intact = harbour(['audit', 'verify', '--checkpoint', file], env);
    expect(await intact.exited).toBe(0);
    expect(intact.stdout()).toBe('audit chain verified: 6 events; checkpoints matched: 1\n');

    await asSuperuser(store.db, (tx) => tx.query('delete from audit.event where seq > 4'));
    const truncated = harbour(['audit', 'verify', '--checkpoint', file], env);
    expect(await truncated.exited).toBe(1);
    expect(lastLine(truncated.stderr())).toBe(`audit chain broken at sequence 5: the audit ends at sequence 4, but checkpoint line 1 (taken ${checkpoint.at}, sequence 6) saw more: events were removed from the end (4 events before it verify)`);

    fs.appendFileSync(file, 'not a checkpoint\n');
    const malformed = harbour(['audit', 'verify', '--checkpoint', file], env);
    expect(await malformed.exited).toBe(2);
    expect(lastLine(malformed.stderr())).toBe(`harbour audit verify: --checkpoint ${file} line 2 is not a checkpoint: expected {"seq", "hash", "at", "mac"}.`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('the hub writes a checkpoint at start, each interval the head has moved, and at stop, and logs each (hashes only)', async () => {
  const store = await auditedStore(1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-checkpoints-'));
  const file = path.join(dir, 'audit-checkpoints.jsonl');
  const logged: { msg: string; checkpoint?: Checkpoint }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line) as (typeof logged)[number]) });
  const lines = () => (fs.existsSync(file) ? readCheckpoints(file) : []);
  const until = async (n: number) => {
    for (let waited = 0; lines().length < n && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  };
  try {
    const checkpoints = startCheckpoints(store.db, key(), file, 1, log);
    await until(1);
    await appendAudit(store.db, key(), 't-moved', officer, [{ personId, category: 'IDENTITY' as DataCategory, path: ['person'], decision: { kind: 'RELEASED', basis: 'AGREEMENT' } }]);
    await until(2);
    await new Promise((r) => setTimeout(r, 1500)); // an interval with nothing new writes nothing
    await appendAudit(store.db, key(), 't-last', officer, [{ personId, category: 'CONTACT' as DataCategory, path: ['person'], decision: { kind: 'RELEASED', basis: 'AGREEMENT' } }]);
    await checkpoints.stop();
    expect(lines().map((c) => c.seq)).toEqual(['2', '3', '4']);
    expect(await verifyAudit(store.db, key(), { checkpoints: lines() })).toEqual({ rows: 4, unkeyed: 0, checkpoints: 3 });
    const { line: _line, ...last } = lines().at(-1)!;
    expect(logged.filter((l) => l.msg === 'audit checkpoint').at(-1)!.checkpoint).toEqual(last);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('events written before the keyed rule still verify under the old one, but only as the start of the chain', async () => {
  // A store migrated up to the keyed rule and audited under the old one, then migrated on.
  const name = `harbour_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`).finally(() => admin.end());
  const url = Object.assign(new URL(adminUrl()), { pathname: `/${name}` }).toString();
  const { dataSource } = createDataSource(url);
  // The keyed rule, and what rewrites its functions, come afterwards.
  const keyed = [AuditKeyed1765186400000, AuditCanonicalFast1765900000000];
  dataSource.setOptions({ migrations: migrations.filter((m) => !keyed.includes(m)) });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  for (const request of ['old-1', 'old-2']) {
    await dataSource.query(`select audit.append($1, 'pc-7', 'POLICE-KENT', '{OFFICER}', '{null}', '{IDENTITY}', '{"[]"}', '{WITHHELD}', '{null}', '{null}')`, [request]);
  }
  await dataSource.destroy();
  const store = await openDatabase(testConfig(url), rootLogger('silent'), { poolSize: 2 });
  try {
    expect(await store.migrate()).toEqual(['AuditKeyed1765186400000', 'AuditCanonicalFast1765900000000']);
    expect(await verifyAudit(store.db, key())).toEqual({ rows: 2, unkeyed: 2, checkpoints: 0 });
    await appendAudit(store.db, key(), 'new-1', officer, [{ personId, category: 'IDENTITY' as DataCategory, path: ['person'], decision: { kind: 'RELEASED', basis: 'AGREEMENT' } }]);
    expect(await verifyAudit(store.db, key())).toEqual({ rows: 3, unkeyed: 2, checkpoints: 0 });
    // An event without a MAC after a keyed one did not come from the hub, whatever its hash.
    await asSuperuser(store.db, (tx) => tx.query(`insert into audit.event select 4, at, request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind, basis_id,
                                                   (select hash from audit.event where seq = 3), hash, null from audit.event where seq = 1`));
    expect(await verifyAudit(store.db, key())).toMatchObject({ rows: 3, brokenAt: '4', problem: 'it has no MAC, yet comes after keyed events: the hub did not write it' });
  } finally {
    await store.close();
  }
});

test('harbour serve refuses, in production, a connection that could alter the audit (a superuser here)', async () => {
  assertBuilt();
  const serve = harbour(['serve', '--port', '0'], { DATABASE_URL: hub.owner.url, HARBOUR_ENV: 'production', HARBOUR_ISSUERS_FILE: path.join(os.tmpdir(), 'not-read.json') });
  expect(await serve.exited).toBe(2);
  expect(serve.stderr().trim().split('\n').at(-1)).toBe(
    'configuration: DATABASE_URL must be a role that is neither a superuser nor the owner of audit.event, such as a member of harbour_app (README, "The audit"), received "a connection as a superuser"',
  );
}, 60_000);

test('harbour audit verify never makes an audit key: without one it says so, naming the variable (exit 2)', async () => {
  assertBuilt();
  const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-key-')), 'audit.key');
  const verify = harbour(['audit', 'verify'], { DATABASE_URL: hub.config.databaseUrl!, HARBOUR_ENV: 'development', HARBOUR_AUDIT_KEY_FILE: missing });
  expect(await verify.exited).toBe(2);
  expect(verify.stderr().trim()).toBe(`configuration: HARBOUR_AUDIT_KEY_FILE must be a file holding at least 32 random bytes in base64 (\`openssl rand -base64 32\`), received ${JSON.stringify(missing)}`);
  expect(fs.existsSync(missing)).toBe(false);
}, 60_000);
