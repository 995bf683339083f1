/**
 * No personal data in logs: a real `harbour serve` at debug level takes pushed records, a search,
 * a strategy pack and client mistakes, all carrying known values; afterwards its log
 * output holds none of them, and no raw PostgreSQL message. All values invented.
 */
import { createTestDatabaseUrl, runtimeUrlOf } from './support/db';
import { assertBuilt, harbour, killStragglers, type HarbourProcess } from './support/processes';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signDevToken } from '../src/access';

const V = { given: 'Thessalonikea', family: 'Wintergreenby', dob: '2011-07-19', phone: '07700 900613', phoneDigits: '7700900613', hoRef: 'B9081726', iabs: 'IABS-90817263', localId: 'P-LOG-0001', location: 'Quarrymouth' };

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-logs-'));
let server: HarbourProcess;
let url: string;
const token = (agency: string, kind: string, roles: string[]) => signDevToken(home, { sub: 'log-test', agency, agencyKind: kind, roles, ttlSeconds: 600 });

beforeAll(async () => {
  assertBuilt();
  const env = { HARBOUR_HOME: home, HARBOUR_ENV: 'development', HARBOUR_LOG_LEVEL: 'debug', DATABASE_URL: runtimeUrlOf(await createTestDatabaseUrl()) };
  server = harbour(['serve', '--port', '0'], env);
  url = (await server.waitFor(/harbour listening on (\S+)/, 90_000))[1]!;
}, 120_000);
afterAll(async () => {
  await server?.stop('SIGTERM');
  killStragglers();
});

async function post(auth: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, text: await response.text() };
}

test('ingest, search, the pack and client mistakes leave no name, date of birth, identifier, phone or place in the log', async () => {
  const police = token('POLICE-KENT', 'POLICE', ['SYSTEM']);
  const pushed = await post(police, `mutation ($records: [JSONObject!]!) { submitRecords(feed: POLICE, records: $records) { read rejected } }`, { records: [
    { type: 'person', person_ref: V.localId, names: [{ given: V.given, family: V.family, kind: 'ASSERTED' }], dob: V.dob, sex: 'F', nationality: 'ALB',
      contacts: [{ kind: 'PHONE', value: V.phone }], biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: V.iabs }], identifiers: [{ scheme: 'HO_REF', value: V.hoRef }] },
    { type: 'missing_report', report_ref: 'MIS-LOG-1', person_ref: V.localId, reported_at: '2026-05-02T08:00:00Z', last_seen_at: '2026-05-01T21:00:00Z', last_seen_location: V.location, missing_from_la: 'LA-886', risk: [] },
    // A rejected row carries its values too.
    { type: 'person', person_ref: 'P-LOG-0002', names: [{ given: V.given, family: V.family, kind: 'ASSERTED' }], dob: '2011-13-45', sex: 'F' },
  ] });
  expect(pushed.status).toBe(200);
  const officer = token('POLICE-KENT', 'POLICE', ['OFFICER']);
  const search = await post(officer, `query ($e: PersonExample!) { identitySearch(example: $e, first: 3) { person { id } } }`,
    { e: { names: [{ given: V.given, family: V.family }], dob: V.dob, phones: [V.phone] } });
  expect(search.status).toBe(200);
  const personId = /"id":"([0-9a-f-]{36})"/.exec(search.text)?.[1];
  expect(personId).toBeDefined();
  const pack = await fetch(url.replace(/\/graphql$/, `/strategy-pack/${personId}`), { headers: { authorization: `Bearer ${officer}` } });
  expect(pack.status).toBe(200);
  await pack.text();
  // Client mistakes with values in them.
  await post(officer, `query ($e: PersonExample!) { identitySearch(example: $e) { person { id } } }`, { e: { names: [{ given: V.given }], dob: `${V.dob}x` } });
  await post(officer, `{ personBySourceRecord(agency: "POLICE-KENT", localId: "${V.localId}") { id nope } }`);
  await post('not-a-token', `{ me { sub } }`);

  await server.stop('SIGTERM');
  const log = server.stderr() + server.stdout();
  // There is a log to search: the push and the requests are in it, by id.
  expect(log).toMatch(/records pushed/);
  expect(log).toMatch(/authentication refused/);
  const found = Object.entries(V).filter(([, value]) => log.toLowerCase().includes(value.toLowerCase())).map(([name]) => name);
  expect(found).toEqual([]);
  expect(log).not.toMatch(/invalid input syntax|violates|duplicate key|syntax error at/);
}, 120_000);
