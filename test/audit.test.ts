/**
 * The disclosure audit: append-only (triggers refuse UPDATE, DELETE and TRUNCATE; the hub's audit
 * role may insert only the content columns), hash-chained under concurrency, written before the
 * response is sent (one call of `audit.append`) and failing closed, and verified by `harbour audit verify` as a real process.
 */
import { appendAudit, verifyAudit, type DataCategory } from '../src/access';
import { insertChildEverywhere } from './fixtures/persons';
import { postGraphQL, startTestHub, type TestHub } from './support/hub';
import { CATEGORIES } from './support/oracle';
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
    await expect(db().query(sql, sql.includes('$1') ? ['tamper'] : [])).rejects.toThrow(/append-only/);
  }
});

test('the audit role may insert only the content columns, and read; never set the chain or change a row', async () => {
  await expect(db().transaction(async (tx) => {
    await tx.query('set local role harbour_audit_writer');
    await tx.query(`insert into audit.event (seq, at, request_id, sub, agency, roles, category, paths, outcome, prev_hash, hash)
                    values (999999, now(), 'r', 's', 'LA-213', '{}', 'IDENTITY', '[]', 'RELEASED', '\\x00', '\\x00')`);
  })).rejects.toThrow(/permission denied/);
  await expect(db().transaction(async (tx) => {
    await tx.query('set local role harbour_audit_writer');
    await tx.query(`delete from audit.event`);
  })).rejects.toThrow(/permission denied/);
  const inserted = await db().transaction(async (tx) => {
    await tx.query('set local role harbour_audit_writer');
    return tx.query<{ seq: string }>(`insert into audit.event (request_id, sub, agency, roles, category, paths, outcome) values ('r-role', 's', 'LA-213', '{CASEWORKER}', 'IDENTITY', '[]', 'RELEASED') returning seq`);
  });
  expect(Number(inserted[0]!.seq)).toBeGreaterThan(0);
});

test('eight concurrent writers keep one unbroken chain', async () => {
  const principal = { sub: 'load', agency: 'POLICE-KENT', agencyKind: 'POLICE' as const, roles: ['OFFICER' as const] };
  const decision = { kind: 'RELEASED' as const, basis: 'AGREEMENT' as const };
  await Promise.all(Array.from({ length: 8 }, (_, w) => (async () => {
    for (let i = 0; i < 10; i++) {
      await appendAudit(db(), `r-${w}-${i}`, principal, CATEGORIES.map((category, k) => ({ personId, category: category as DataCategory, path: ['person', k], decision })));
    }
  })()));
  const result = await verifyAudit(db(), 97); // pages that do not divide the row count
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
  await db().query('revoke insert on audit.event from harbour_audit_writer');
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
    await db().query('grant insert (request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind, basis_id) on audit.event to harbour_audit_writer');
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
  await db().transaction(async (tx) => {
    await tx.query(`set local session_replication_role = replica`);
    await tx.query(`update audit.event set sub = 'someone-else' where seq = $1`, [target!.seq]);
  });
  const tampered = harbour(['audit', 'verify', '--json'], env);
  expect(await tampered.exited).toBe(1);
  expect(JSON.parse(tampered.output().trim().split('\n').at(-1)!)).toMatchObject({ ok: false, brokenAt: target!.seq, problem: 'its content does not match its hash' });
}, 60_000);
