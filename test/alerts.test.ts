/**
 * Match on arrival: a Home Office record that matches a child with an open police missing report
 * raises an alert in the same transaction, to the LA the child is missing from and the police
 * force; it reaches the LA's system by a signed webhook, retried until delivered, across a
 * restart of the deliverer; the agencies see and acknowledge it through GraphQL.
 */
import http from 'node:http';
import { addSubscription, DELIVERY_HEADER, signature, SIGNATURE_HEADER, startAlertDelivery, TIMESTAMP_HEADER } from '../src/alerts';
import { freePort } from '../src/db';
import { pushRecords } from '../src/ingest';
import { rootLogger } from '../src/log';
import { prepare } from '../src/matching';
import { MissingChildren, queueDrift } from '../src/resolution';
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
const log = rootLogger('silent');
const la = () => hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'], sub: 'alice' });
const q = <T>(sql: string, params: unknown[] = []) => hub.database.db.query<T>(sql, params);

const hoPerson = (updatedAt: string) => ({ type: 'person', person_ref: 'HO-B1234567', names: [{ given: 'Van Anh', family: 'Nguyen', kind: 'ASSERTED' }], dob: '2009-03-01', dob_precision: 'MONTH', sex: 'M', nationality: 'VNM', updated_at: updatedAt });

interface Received { headers: http.IncomingHttpHeaders; body: string }

function receiver(port: number): Promise<{ received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ received, close: () => new Promise((r) => server.close(() => r())) })));
}

async function until(check: () => Promise<boolean> | boolean, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  hub = await startTestHub();
  await pushRecords(hub.database.db, log, 'police', 'POLICE-KENT', [
    { type: 'person', person_ref: 'P-0001', names: [{ given: 'Anh', family: 'Nguyen', kind: 'ASSERTED' }], dob: '2009-03-15', sex: 'M', nationality: 'VNM', updated_at: '2026-03-02T08:00:00Z' },
    { type: 'missing_report', report_ref: 'MIS-26-0001', person_ref: 'P-0001', reported_at: '2026-03-02T08:00:00Z', last_seen_at: '2026-03-01T21:00:00Z', last_seen_location: 'Croydon', missing_from_la: 'LA-886',
      risk: [{ level: 'HIGH', graded_at: '2026-03-02T08:10:00Z' }], ukmpu_notified_at: null, found_at: null, found_location: null, found_by: null, updated_at: '2026-03-02T08:10:00Z' },
  ], false);
});
afterAll(() => hub.close());

test('a matching arrival raises one alert, in its batch, for the LA and the police force; the webhook is signed and survives a restart', async () => {
  const port = await freePort();
  const subscription = await addSubscription(hub.database.db, 'LA-886', `http://127.0.0.1:${port}/harbour-alerts`);

  const { summary } = await pushRecords(hub.database.db, log, 'home-office', 'HO', [hoPerson('2026-05-10T05:00:00Z')], false);
  const alerts = await q<{ id: string; agencies: string[]; grade: string; raised_at: Date; finished_at: Date }>(
    `select a.id, a.agencies, a.grade, a.raised_at, r.finished_at from identity.match_alert a, ingest.run r where r.id = $1`, [summary.runId]);
  expect(alerts).toHaveLength(1);
  expect(alerts[0]!.agencies.sort()).toEqual(['LA-886', 'POLICE-KENT']);
  expect(['CERTAIN', 'PROBABLE']).toContain(alerts[0]!.grade);
  // Raised in the batch's transaction: it exists before the run is even finished.
  expect(alerts[0]!.raised_at.getTime()).toBeLessThanOrEqual(alerts[0]!.finished_at.getTime());

  // The LA's system is down: the first deliverer fails and is stopped (a restart).
  const first = startAlertDelivery(hub.database.db, log, 50);
  await until(async () => (await q<{ attempts: number }>(`select attempts from identity.alert_outbox`))[0]!.attempts >= 1);
  await first.stop();
  const [failed] = await q<{ delivered_at: Date | null; last_error: string }>(`select delivered_at, last_error from identity.alert_outbox`);
  expect(failed).toEqual({ delivered_at: null, last_error: 'unreachable' });

  // The system comes up; a new deliverer picks the alert up from the outbox after the backoff.
  const inbox = await receiver(port);
  const second = startAlertDelivery(hub.database.db, log, 50);
  try {
    await until(() => inbox.received.length >= 1);
    await until(async () => (await q<{ delivered_at: Date | null }>(`select delivered_at from identity.alert_outbox`))[0]!.delivered_at !== null);
  } finally {
    await second.stop();
    await inbox.close();
  }
  expect(inbox.received).toHaveLength(1);
  const { headers, body } = inbox.received[0]!;
  expect(headers[SIGNATURE_HEADER]).toBe(signature(subscription.secret, headers[TIMESTAMP_HEADER] as string, body));
  expect(headers[DELIVERY_HEADER]).toBeDefined();
  expect(JSON.parse(body)).toMatchObject({ type: 'match_alert', alertId: alerts[0]!.id, agencies: expect.arrayContaining(['LA-886', 'POLICE-KENT']) });
  // Ids and grades only: no name, date of birth or identifier leaves harbour in a webhook.
  expect(body).not.toMatch(/Anh|Nguyen|2009|B1234567/i);

  // The same record arriving again, changed, raises no second open alert.
  await pushRecords(hub.database.db, log, 'home-office', 'HO', [hoPerson('2026-05-11T05:00:00Z')], false);
  expect(await q(`select id from identity.match_alert`)).toHaveLength(1);
});

test('the agencies that must act see the alert with its reasons and acknowledge it; others find nothing', async () => {
  const LIST = `{ matchAlerts(status: OPEN) { totalCount edges { cursor node { id status grade reasons agencies missingPerson { id } candidate { agency names { given family } } } } pageInfo { hasNextPage } } }`;
  const response = await hub.execute<{ matchAlerts: { totalCount: number; edges: { node: { id: string; reasons: string[]; candidate: { agency: string } } }[] } }>(la(), LIST);
  expect(response.errors).toBeUndefined();
  expect(response.data!.matchAlerts.totalCount).toBe(1);
  const alert = response.data!.matchAlerts.edges[0]!.node;
  expect(alert.candidate.agency).toBe('HO');
  expect(alert.reasons.join('; ')).toMatch(/name parts agree|names agree/);

  const ho = hub.token({ agency: 'HO', kind: 'IMMIGRATION', roles: ['CASEWORKER'] });
  expect((await hub.execute<{ matchAlerts: { totalCount: number } }>(ho, LIST)).data!.matchAlerts.totalCount).toBe(0);
  // The education service of the LA the child is missing from is not the LA's children's services.
  const education = hub.token({ agency: 'LA-886', kind: 'EDUCATION', roles: ['CASEWORKER'] });
  expect((await hub.execute<{ matchAlerts: { totalCount: number } }>(education, LIST)).data!.matchAlerts.totalCount).toBe(0);
  const ACK = `mutation ($id: ID!) { acknowledgeMatchAlert(id: $id) { status acknowledgedBy } }`;
  expect((await hub.execute(ho, ACK, { id: alert.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect((await hub.execute(education, ACK, { id: alert.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const acked = await hub.execute<{ acknowledgeMatchAlert: { status: string; acknowledgedBy: string } }>(la(), ACK, { id: alert.id });
  expect(acked.data!.acknowledgeMatchAlert).toEqual({ status: 'ACKNOWLEDGED', acknowledgedBy: 'alice (LA-886)' });
  expect((await hub.execute<{ matchAlerts: { totalCount: number } }>(la(), LIST)).data!.matchAlerts.totalCount).toBe(0);
});

test('the missing children an ingest run holds between batches are read again once another process changes them, and let go once found', async () => {
  const person = (given: string, updatedAt: string) => ({ type: 'person', person_ref: 'P-0002', names: [{ given, family: 'Rahimi', kind: 'ASSERTED' }], dob: '2010-05-02', sex: 'M', nationality: 'AFG', updated_at: updatedAt });
  const report = (foundAt: string | null) => ({ type: 'missing_report', report_ref: 'MIS-26-0002', person_ref: 'P-0002', reported_at: '2026-04-02T08:00:00Z', last_seen_at: '2026-04-01T21:00:00Z', last_seen_location: 'Dover',
    missing_from_la: 'LA-886', risk: [{ level: 'HIGH', graded_at: '2026-04-02T08:10:00Z' }], ukmpu_notified_at: null, found_at: foundAt, found_location: null, found_by: null, updated_at: foundAt ?? '2026-04-02T08:10:00Z' });
  await pushRecords(hub.database.db, log, 'police', 'POLICE-KENT', [person('Khalid', '2026-04-02T08:00:00Z'), report(null)], false);
  const [{ id }] = (await q<{ id: string }>(`select id from identity.source_identity where agency = 'POLICE-KENT' and local_id = 'P-0002'`)) as [{ id: string }];
  const held = new MissingChildren();
  const refresh = () => hub.database.db.transaction((tx) => held.refresh(tx, new Map()));
  await refresh();
  expect(held.record(id)?.source.names).toEqual(['Khalid Rahimi']);

  // Another run (another process, as far as `held` knows) corrects the child's name.
  await pushRecords(hub.database.db, log, 'police', 'POLICE-KENT', [person('Farhad', '2026-04-03T08:00:00Z')], false);
  await refresh();
  expect(held.record(id)?.source.names).toEqual(['Farhad Rahimi']);
  // A sighting under the new name is paired with the child; one under the old name no longer is.
  const sighting = (given: string) => prepare({ id: 'sighting', names: [`${given} Rahimi`], dobs: [{ value: '2010-05-02' }] });
  expect(held.pairsFor('sighting', sighting('Farhad')).map((p) => p.missing.id)).toContain(id);
  expect(held.pairsFor('sighting', prepare({ id: 'sighting', names: ['Khalid Karimi'], dobs: [{ value: '2011-01-01' }] })).map((p) => p.missing.id)).not.toContain(id);

  await pushRecords(hub.database.db, log, 'police', 'POLICE-KENT', [report('2026-04-05T10:00:00Z')], false);
  await refresh();
  expect(held.record(id)).toBeUndefined();
  expect(held.pairsFor('sighting', sighting('Farhad'))).toEqual([]);
});

test('an alert answered "not this child" is DIFFERENT for its pair: rejected with who and why, the pair judged NEGATIVE', async () => {
  const [alert] = await q<{ id: string; missing_identity_id: string; candidate_identity_id: string }>(`select id, missing_identity_id, candidate_identity_id from identity.match_alert order by raised_at limit 1`);
  const REJECT = `mutation ($id: ID!, $r: String!) { rejectMatchAlert(id: $id, reason: $r) { status rejectedBy rejectionReason } }`;
  expect((await hub.execute(la(), REJECT, { id: alert!.id, r: 'no' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const ho = hub.token({ agency: 'HO', kind: 'IMMIGRATION', roles: ['CASEWORKER'] });
  expect((await hub.execute(ho, REJECT, { id: alert!.id, r: 'the photograph shows another child' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const rejected = await hub.execute<{ rejectMatchAlert: unknown }>(la(), REJECT, { id: alert!.id, r: 'the photograph shows another child' });
  expect(rejected.data!.rejectMatchAlert).toEqual({ status: 'REJECTED', rejectedBy: 'alice (LA-886)', rejectionReason: 'the photograph shows another child' });
  expect((await hub.execute(la(), REJECT, { id: alert!.id, r: 'the photograph shows another child' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const pair = [alert!.missing_identity_id, alert!.candidate_identity_id].sort();
  expect(await q(`select judgement, sub from identity.judgement where a = $1 and b = $2`, pair)).toEqual([{ judgement: 'NEGATIVE', sub: 'alice' }]);
});

test('one open alert per missing child and candidate child: a second record of the candidate joins it, named among its records', async () => {
  await pushRecords(hub.database.db, log, 'police', 'POLICE-KENT', [
    { type: 'person', person_ref: 'P-0002', names: [{ given: 'Bao', family: 'Tran', kind: 'ASSERTED' }], dob: '2010-06-01', sex: 'F', nationality: 'VNM', updated_at: '2026-04-02T08:00:00Z' },
    { type: 'missing_report', report_ref: 'MIS-26-0002', person_ref: 'P-0002', reported_at: '2026-04-02T08:00:00Z', last_seen_at: '2026-04-01T21:00:00Z', last_seen_location: 'Dover', missing_from_la: 'LA-886',
      risk: [{ level: 'HIGH', graded_at: '2026-04-02T08:10:00Z' }], ukmpu_notified_at: null, found_at: null, found_location: null, found_by: null, updated_at: '2026-04-02T08:10:00Z' },
  ], false);
  const seen = (ref: string, given: string, at: string) => ({ type: 'person', person_ref: ref, names: [{ given, family: 'Tran', kind: 'ASSERTED' }], dob: '2010-06-01', dob_precision: 'DAY', sex: 'F', nationality: 'VNM',
    biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-33310002' }], updated_at: at });
  await pushRecords(hub.database.db, log, 'home-office', 'HO', [seen('HO-T1', 'Bao', '2026-04-03T09:00:00Z')], false);
  await pushRecords(hub.database.db, log, 'home-office', 'HO', [seen('HO-T2', 'Bao Ngoc', '2026-04-04T09:00:00Z')], false);
  const rows = await q<{ n: number; records: number }>(
    `select count(*)::int as n, max(cardinality(a.candidate_identity_ids))::int as records from identity.match_alert a
      join identity.source_identity m on m.id = a.missing_identity_id where m.local_id = 'P-0002' and a.status = 'OPEN'`);
  expect(rows).toEqual([{ n: 1, records: 2 }]);
  const listed = await hub.execute<{ matchAlerts: { edges: { node: { candidates: { localId: string }[] } }[] } }>(la(), `{ matchAlerts(status: OPEN) { edges { node { candidates { localId } } } } }`);
  expect(listed.data!.matchAlerts.edges.map((e) => e.node.candidates.map((c) => c.localId).sort())).toContainEqual(['HO-T1', 'HO-T2']);
});

test('after the alerts, the queue kept in step with every write equals the queue rebuilt from scratch', async () => {
  expect(await queueDrift(hub.database.db)).toEqual({ extra: 0, missing: 0, miscounted: 0 });
});
