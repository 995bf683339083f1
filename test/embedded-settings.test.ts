/**
 * The embedded PostgreSQL is sized for the machine it runs on, not left at the 128 MB buffer
 * cache PostgreSQL ships with (see `sharedBuffersMb`).
 */
import { sharedBuffersMb } from '../src/db/embedded';
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

test('the buffer cache is a quarter of memory, between 128 MB and 8 GB', () => {
  const gb = 2 ** 30;
  expect(sharedBuffersMb(512 * 2 ** 20)).toBe(128);
  expect(sharedBuffersMb(24 * gb)).toBe(6 * 1024);
  expect(sharedBuffersMb(256 * gb)).toBe(8 * 1024);
});

// Only when the suite runs on the embedded server (HARBOUR_TEST_DATABASE_URL unset).
(process.env.HARBOUR_TEST_DATABASE_URL ? test.skip : test)('the running embedded server uses it', async () => {
  const [row] = await hub.database.db.query<{ mb: string }>(`select (setting::bigint * 8 / 1024)::text as mb from pg_settings where name = 'shared_buffers'`);
  expect(Number(row!.mb)).toBe(sharedBuffersMb());
});
