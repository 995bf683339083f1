/** GraphQL push for agency systems: own agency, SYSTEM role, same pipeline, rejections by record. */
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const SUBMIT = `mutation ($feed: Feed!, $records: [JSONObject!]!) {
  submitRecords(feed: $feed, records: $records) { runId feed agency read inserted updated unchanged rejected rejections { recordIndex field code reason } } }`;
const system = (agency: string, kind = 'POLICE') => hub.token({ agency, kind, roles: ['SYSTEM'] });

const records = [
  { type: 'person', person_ref: 'P-1', names: [{ given: 'Van Anh', kind: 'ASSERTED' }], sex: 'M' },
  { type: 'missing_report', report_ref: 'MIS-1', person_ref: 'P-1', reported_at: 'yesterday' },
  { type: 'custody', custody_ref: 'CUS-1', person_ref: 'P-1', arrested_at: '2026-05-10T04:30:00Z', offence: 'cannabis cultivation' },
];

test('a police system pushes records for its own force; a bad one comes back with its index, field and reason', async () => {
  const response = await hub.execute<{ submitRecords: Record<string, unknown> }>(system('POLICE-WYP'), SUBMIT, { feed: 'POLICE', records });
  expect(response.errors).toBeUndefined();
  expect(response.data!.submitRecords).toMatchObject({
    feed: 'police', agency: 'POLICE-WYP', read: 3, inserted: 2, rejected: 1,
    rejections: [{ recordIndex: 1, field: 'reported_at', code: 'BAD_DATE', reason: 'expected an ISO 8601 date-time with offset, received "yesterday"' }],
  });
  const again = await hub.execute<{ submitRecords: Record<string, unknown> }>(system('POLICE-WYP'), SUBMIT, { feed: 'POLICE', records });
  expect(again.data!.submitRecords).toMatchObject({ inserted: 0, unchanged: 2, rejected: 1 });
});

test('only a SYSTEM token may push', async () => {
  const response = await hub.execute(hub.token({ agency: 'POLICE-WYP', kind: 'POLICE', roles: ['OFFICER'] }), SUBMIT, { feed: 'POLICE', records });
  expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(response.data ?? null).toBeNull();
});

test('a system must be of the kind its agency code stands for: an LA\'s education system holds no LA records', async () => {
  const response = await hub.execute(system('LA-216', 'EDUCATION'), SUBMIT, { feed: 'POLICE', records });
  expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(response.data ?? null).toBeNull();
});

test('CSV feeds take a table per record; rejections map back to the record', async () => {
  const response = await hub.execute<{ submitRecords: { read: number; inserted: number; rejections: { recordIndex: number; field: string }[] } }>(system('LA-216', 'CHILDRENS_SERVICES'), SUBMIT, {
    feed: 'SSDA903',
    records: [
      { table: 'Header', CHILD: '1', SEX: '1', DOB: '15/03/2009', ETHNIC: 'OOTH', UPN: 'UN1', MOTHER: '', MC_DOB: '' },
      { table: 'Missing', CHILD: '1', DOB: '15/03/2009', MISSING: 'M', MIS_START: '01/02/2026', MIS_END: '' },
      { table: 'Missing', CHILD: '1', DOB: '15/03/2009', MISSING: 'M', MIS_START: '30/02/2026', MIS_END: '' },
    ],
  });
  expect(response.data!.submitRecords).toMatchObject({ read: 3, inserted: 2, rejections: [{ recordIndex: 2, field: 'MIS_START' }] });
});

test('ingestRun shows a run and its rejections to its own agency, and to nobody else', async () => {
  const pushed = await hub.execute<{ submitRecords: { runId: string } }>(system('POLICE-NYP'), SUBMIT, { feed: 'POLICE', records });
  const query = 'query ($id: ID!) { ingestRun(id: $id) { feed agency phase read rejected rejections { line field code raw } } }';
  const own = await hub.execute<{ ingestRun: Record<string, unknown> }>(hub.token({ agency: 'POLICE-NYP', kind: 'POLICE', roles: ['ANALYST'] }), query, { id: pushed.data!.submitRecords.runId });
  expect(own.data!.ingestRun).toEqual({
    feed: 'police', agency: 'POLICE-NYP', phase: 'COMPLETED', read: 3, rejected: 1,
    rejections: [{ line: 2, field: 'reported_at', code: 'BAD_DATE', raw: JSON.stringify(records[1]) }],
  });
  const other = await hub.execute(hub.token({ agency: 'POLICE-MPS', kind: 'POLICE', roles: ['ANALYST'] }), query, { id: pushed.data!.submitRecords.runId });
  expect(other.data).toEqual({ ingestRun: null });
  // The same code with another kind is not the agency that sent the rows (they hold personal data):
  // such a token is not even accepted.
  await expect(hub.execute(hub.token({ agency: 'POLICE-NYP', kind: 'EDUCATION', roles: ['ANALYST'] }), query, { id: pushed.data!.submitRecords.runId })).rejects.toMatchObject({ reason: 'agencyKind does not agree with the agency code' });
});
