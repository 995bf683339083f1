/**
 * The embedded PostgreSQL's buffer cache is sized for what it holds (see `sharedBuffersMb`): the
 * demo and the test suite get PostgreSQL's 128 MB default, a large store up to a quarter of memory.
 */
import { machineSharedBuffersMb, sharedBuffersMb } from '../src/db/embedded';
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const MB = 2 ** 20;
const GB = 2 ** 30;

test('the buffer cache is what the databases hold and a quarter more, between 128 MB and a quarter of memory (8 GB at most)', () => {
  expect(sharedBuffersMb(40 * MB, 24 * GB)).toBe(128);
  expect(sharedBuffersMb(2 * GB, 24 * GB)).toBe(2560);
  expect(sharedBuffersMb(40 * GB, 24 * GB)).toBe(6 * 1024);
  expect(sharedBuffersMb(40 * GB, 512 * MB)).toBe(128);
  expect(machineSharedBuffersMb(256 * GB)).toBe(8 * 1024);
});

// Only when the suite runs on the embedded server (HARBOUR_TEST_DATABASE_URL unset).
(process.env.HARBOUR_TEST_DATABASE_URL ? test.skip : test)('the test suite’s server is not given a quarter of the machine’s memory', async () => {
  const [row] = await hub.database.db.query<{ mb: string }>(`select (setting::bigint * 8 / 1024)::text as mb from pg_settings where name = 'shared_buffers'`);
  expect(Number(row!.mb)).toBeLessThan(Math.max(1024, machineSharedBuffersMb() / 4));
});
