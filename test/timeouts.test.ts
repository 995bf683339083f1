/**
 * Request work is bounded in PostgreSQL: a statement, or a wait for a lock, past its limit ends
 * the request at once with a coded error, however long the lock is held. Migrations, sync and
 * match use the other pool, which has no limit.
 */
import { Client } from 'pg';
import { TIMEOUT_MESSAGE } from '../src/db';
import { insertPerson } from './fixtures/persons';
import { startTestHub, type TestHub } from './support/hub';

const LOCK_MS = 300;
const STATEMENT_MS = 1200;
let hub: TestHub;
let personId: string;

beforeAll(async () => {
  hub = await startTestHub({ HARBOUR_LOCK_TIMEOUT_MS: String(LOCK_MS), HARBOUR_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS) });
  ({ personId } = await insertPerson(hub.database.db, 2, ['LA-213', 'POLICE-MPS']));
});
afterAll(() => hub.close());

const query = () => `{ person(id: "${personId}") { identities { agency names { given } } } }`;
const caseworker = () => hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES' });

/** Run `work` while another connection (the owner's: the hub's role may not lock the audit so) holds `table` in ACCESS EXCLUSIVE mode. */
async function whileLocked<T>(table: string, work: () => Promise<T>): Promise<T> {
  const holder = new Client({ connectionString: hub.owner.url });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query(`lock table ${table} in access exclusive mode`);
    return await work();
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

test('while another connection holds LOCK TABLE audit.event, a request fails within the lock timeout, with AUDIT_UNAVAILABLE and no data', async () => {
  const { result, ms } = await whileLocked('audit.event', () => timed(() => hub.execute(caseworker(), query())));
  expect(result.data ?? undefined).toBeUndefined();
  expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }) })]);
  // Without the limit it waited as long as the lock was held (here: until this test let go).
  expect(ms).toBeLessThan(LOCK_MS + 2000);
  // Released, the same request is answered.
  expect((await hub.execute(caseworker(), query())).errors).toBeUndefined();
});

test('a lock held on the data a request reads is a coded TIMEOUT, never the database message', async () => {
  const { result, ms } = await whileLocked('identity.source_identity', () => timed(() => hub.execute(caseworker(), query())));
  expect(result.errors?.[0]).toMatchObject({ message: TIMEOUT_MESSAGE, extensions: { code: 'TIMEOUT' } });
  expect(JSON.stringify(result)).not.toMatch(/canceling|lock timeout|source_identity/i);
  expect(ms).toBeLessThan(LOCK_MS + 2000);
});

test('the limits bound the request pool only: migrations, sync and match run on a pool without them', async () => {
  expect(await hub.database.requests.query('show statement_timeout')).toEqual([{ statement_timeout: `${STATEMENT_MS}ms` }]);
  expect(await hub.database.requests.query('show lock_timeout')).toEqual([{ lock_timeout: `${LOCK_MS}ms` }]);
  await expect(hub.database.requests.query('select pg_sleep(1.5)')).rejects.toMatchObject({ message: TIMEOUT_MESSAGE, extensions: { code: 'TIMEOUT' } });
  expect(await hub.database.db.query('show statement_timeout')).toEqual([{ statement_timeout: '0' }]);
  expect(await hub.database.db.query('select pg_sleep(1.5)::text as slept')).toEqual([{ slept: '' }]);
});
