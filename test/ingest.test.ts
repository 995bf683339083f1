/**
 * Ingest end to end on real PostgreSQL: the DfE samples, idempotent re-runs, --full retraction,
 * rejections kept with the run, and what an LA then sees through the gateway.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FEEDS, ingest } from '../src/ingest';
import { rootLogger } from '../src/log';
import { startTestHub, type TestHub } from './support/hub';

const SAMPLES = path.resolve(__dirname, '../data/ssda903');
const TABLES = ['header.csv', 'episodes.csv', 'missing.csv', 'uasc.csv'].map((f) => path.join(SAMPLES, f));
const log = rootLogger('silent');
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const sync = (agency: string, files: string[], full = false) => ingest(hub.database.db, log, FEEDS.ssda903!, { agency, files, full });

function tmp(name: string, content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-')), name);
  fs.writeFileSync(file, content);
  return file;
}

test('the DfE samples: read = accepted + rejected; a second run reports everything unchanged', async () => {
  const first = await sync('LA-213', TABLES);
  expect(first).toMatchObject({ read: 7900, inserted: 7900, updated: 0, unchanged: 0, rejected: 0, retracted: 0 });
  const second = await sync('LA-213', TABLES);
  expect(second).toMatchObject({ read: 7900, inserted: 0, updated: 0, unchanged: 7900, rejected: 0 });
  const [counts] = await hub.database.db.query<{ identities: string; placements: string; missing: string }>(
    `select (select count(*) from identity.source_identity where agency = 'LA-213' and feed = 'ssda903') identities,
            (select count(*) from care.placement where agency = 'LA-213') placements,
            (select count(*) from care.missing_episode where agency = 'LA-213') missing`,
  );
  expect(counts).toEqual({ identities: '2675', placements: '5050', missing: '43' });
});

test('the DfE XML sample: read = accepted + rejected; a second run reports everything unchanged', async () => {
  const xml = [path.join(SAMPLES, 'fake_903.xml')];
  expect(await sync('LA-214', xml)).toMatchObject({ read: 730, inserted: 730, rejected: 0 });
  expect(await sync('LA-214', xml)).toMatchObject({ read: 730, inserted: 0, updated: 0, unchanged: 730, rejected: 0 });
});

test('the LA sees its child through the gateway; another LA does not see the sealed placement postcode', async () => {
  const query = `{ personBySourceRecord(agency: "LA-213", localId: "566910") { identities { feed birthDates { value precision } identifiers { scheme value verified } }
                   care { placements { startedOn endedOn postcode } } } }`;
  const own = await hub.execute<{ personBySourceRecord: { identities: unknown[]; care: { placements: { startedOn: string; postcode: string | null }[] } } }>(
    hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES' }), query);
  const person = own.data!.personBySourceRecord;
  expect(person.identities).toEqual([
    { feed: 'ssda903', birthDates: [{ value: '2008-03-27', precision: 'DAY' }], identifiers: expect.arrayContaining([{ scheme: 'LA_CHILD_ID', value: '566910', verified: false }, { scheme: 'UPN', value: 'D051910639385', verified: false }]) },
  ]);
  expect(person.care.placements).toEqual([
    { startedOn: '2016-02-15', endedOn: '2017-08-14', postcode: null },
    { startedOn: '2017-08-14', endedOn: null, postcode: 'WV27 9FW' },
  ]);
  const other = await hub.execute<{ personBySourceRecord: { care: { placements: { postcode: string | null }[] } } }>(hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES' }), query);
  expect(other.data!.personBySourceRecord.care.placements.map((p) => p.postcode)).toEqual([null, null]);
  expect(other.extensions?.withheld).toHaveLength(2);
});

test('rejections are kept with the run: file, line, field, code, reason and the raw text', async () => {
  const file = tmp('missing.csv', 'CHILD,DOB,MISSING,MIS_START,MIS_END\n9001,12/03/2010,M,31/02/2019,\n9001,12/03/2010,M,01/03/2019,\n');
  const summary = await sync('LA-300', [file]);
  expect(summary).toMatchObject({ read: 2, inserted: 1, rejected: 1 });
  const rows = await hub.database.db.query('select file, line, field, code, reason, raw from ingest.rejection where run_id = $1', [summary.runId]);
  expect(rows).toEqual([{ file: 'missing.csv', line: 2, field: 'MIS_START', code: 'BAD_DATE', reason: 'expected dd/mm/yyyy, received "31/02/2019"', raw: '9001,12/03/2010,M,31/02/2019,' }]);
});

test('--full retracts what the snapshot no longer holds, and a later snapshot brings it back', async () => {
  const header = 'CHILD,DOB,MISSING,MIS_START,MIS_END\n';
  const both = tmp('missing.csv', `${header}7001,12/03/2010,M,01/02/2019,02/02/2019\n7001,12/03/2010,A,05/03/2019,\n`);
  const one = tmp('missing.csv', `${header}7001,12/03/2010,M,01/02/2019,02/02/2019\n`);
  expect(await sync('LA-301', [both], true)).toMatchObject({ inserted: 2, retracted: 0 });
  expect(await sync('LA-301', [one], true)).toMatchObject({ unchanged: 1, retracted: 1 });
  const open = () => hub.database.db.query(`select local_key from care.missing_episode where agency = 'LA-301' and retracted_at is null order by local_key`);
  expect(await open()).toEqual([{ local_key: '7001/2019-02-01' }]);
  expect(await sync('LA-301', [both], true)).toMatchObject({ unchanged: 1, updated: 1, retracted: 0 });
  expect(await open()).toHaveLength(2);
});

test('a changed row is an update, not a new record', async () => {
  const header = 'CHILD,DOB,MISSING,MIS_START,MIS_END\n';
  await sync('LA-302', [tmp('missing.csv', `${header}7002,12/03/2010,M,01/02/2019,\n`)]);
  const found = await sync('LA-302', [tmp('missing.csv', `${header}7002,12/03/2010,M,01/02/2019,09/02/2019\n`)]);
  expect(found).toMatchObject({ inserted: 0, updated: 1 });
  const [row] = await hub.database.db.query<{ ended_at: Date | null }>(`select ended_at from care.missing_episode where agency = 'LA-302'`);
  expect(row!.ended_at?.toISOString()).toBe('2019-02-09T00:00:00.000Z');
});

test('police JSON Lines: a person, a missing report with its re-gradings, custody; visible through the gateway', async () => {
  const person = { type: 'person', person_ref: 'P-0001', names: [{ given: 'Van Anh', family: 'Nguyen', kind: 'ASSERTED' }], dob: '2009-01-01', dob_precision: 'YEAR', sex: 'M', nationality: 'VNM',
    identifiers: [{ scheme: 'PNC_ID', value: '19/123456E' }], biometrics: [{ modality: 'FINGERPRINT', repository: 'IDENT1', reference: 'ID1-88213377' }], contacts: [{ kind: 'PHONE', value: '07700 900123' }] };
  const report = { type: 'missing_report', report_ref: 'MIS-26-0001', person_ref: 'P-0001', reported_at: '2026-03-02T08:00:00Z', last_seen_at: '2026-03-01T21:00:00Z', last_seen_location: 'Croydon',
    risk: [{ level: 'HIGH', graded_at: '2026-03-03T08:10:00Z' }, { level: 'MEDIUM', graded_at: '2026-03-02T08:10:00Z' }] };
  const custody = { type: 'custody', custody_ref: 'CUS-26-0042', person_ref: 'P-0001', arrested_at: '2026-05-10T04:30:00Z', location: 'Bradford', offence: 'cannabis cultivation', fingerprints_taken: true };
  const file = tmp('police.jsonl', [person, report, custody].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const first = await ingest(hub.database.db, log, FEEDS.police!, { agency: 'POLICE-MPS', files: [file] });
  expect(first).toMatchObject({ read: 3, inserted: 3, rejected: 0 });
  expect(await ingest(hub.database.db, log, FEEDS.police!, { agency: 'POLICE-MPS', files: [file] })).toMatchObject({ unchanged: 3 });

  const response = await hub.execute<{ personBySourceRecord: { identities: { identifiers: unknown[]; biometrics: unknown[]; contacts: unknown[] }[]; police: { missingReports: unknown[]; custody: unknown[] } } }>(
    hub.token({ agency: 'POLICE-MPS', kind: 'POLICE', roles: ['OFFICER'] }),
    `{ personBySourceRecord(agency: "POLICE-MPS", localId: "P-0001") { identities { identifiers { scheme value verified } biometrics { repository reference } contacts { kind value } }
       police { missingReports { riskLevel riskHistory { level } open lastSeenLocation } custody { offence location fingerprintsTaken } } } }`,
  );
  const found = response.data!.personBySourceRecord;
  expect(found.identities[0]).toEqual({
    identifiers: [{ scheme: 'PNC_ID', value: '2019/0123456E', verified: true }],
    biometrics: [{ repository: 'IDENT1', reference: 'ID1-88213377' }],
    contacts: [{ kind: 'PHONE', value: '+447700900123' }],
  });
  expect(found.police.missingReports).toEqual([{ riskLevel: 'HIGH', riskHistory: [{ level: 'MEDIUM' }, { level: 'HIGH' }], open: true, lastSeenLocation: 'Croydon' }]);
  expect(found.police.custody).toEqual([{ offence: 'cannabis cultivation', location: 'Bradford', fingerprintsTaken: true }]);
});

test('sex and nationality are written with a new identity, follow a changed record, and stay when a batch brings only other records', async () => {
  const person = (sex: string, nationality: string) => JSON.stringify({ type: 'person', person_ref: 'P-0077', names: [{ given: 'Dawit', family: 'Tesfay', kind: 'ASSERTED' }], dob: '2010-05-01', dob_precision: 'DAY', sex, nationality,
    identifiers: [], biometrics: [], contacts: [] });
  const report = JSON.stringify({ type: 'missing_report', report_ref: 'MIS-77', person_ref: 'P-0077', reported_at: '2026-04-02T08:00:00Z',
    last_seen_at: '2026-04-01T21:00:00Z', last_seen_location: 'Walsall', risk: [{ level: 'HIGH', graded_at: '2026-04-02T08:10:00Z' }] });
  const stored = async () => (await hub.database.db.query(`select sex, nationality from identity.source_identity where agency = 'POLICE-WMP' and local_id = 'P-0077'`))[0];
  const police = (lines: string[]) => ingest(hub.database.db, log, FEEDS.police!, { agency: 'POLICE-WMP', files: [tmp('wmp.jsonl', lines.join('\n') + '\n')] });
  expect(await police([person('M', 'ERI')])).toMatchObject({ inserted: 1, rejected: 0 });
  expect(await stored()).toEqual({ sex: 'MALE', nationality: 'ERI' });
  expect(await police([person('F', 'ETH')])).toMatchObject({ updated: 1 });
  expect(await stored()).toEqual({ sex: 'FEMALE', nationality: 'ETH' });
  expect(await police([report])).toMatchObject({ inserted: 1, rejected: 0 });
  expect(await stored()).toEqual({ sex: 'FEMALE', nationality: 'ETH' });
});

test('Home Office JSON Lines: person with passport and age dispute, encounter, status, NRM; visible through the gateway', async () => {
  const lines = [
    { type: 'person', person_ref: 'HO-B7654321', names: [{ given: 'Anh', family: 'Nguyen Van', kind: 'LEGAL' }], dob: '2009-03-15', dob_precision: 'MONTH', sex: 'M', nationality: 'VNM',
      identifiers: [{ scheme: 'HO_REF', value: 'b7654321' }], documents: [{ mrz: ['P<VNMNGUYEN<VAN<<ANH<<<<<<<<<<<<<<<<<<<<<<<<', 'C123456788VNM0903156M3001019<<<<<<<<<<<<<<02'] }],
      age_dispute: { claimed_dob: '2009-03-15', status: 'DISPUTED' } },
    { type: 'encounter', encounter_ref: 'ENC-9', person_ref: 'HO-B7654321', at: '2026-02-20T11:00:00Z', kind: 'PORT_ARRIVAL', location: 'Dover', unaccompanied: true, referred_to_la: 'LA-886' },
    { type: 'status', person_ref: 'HO-B7654321', asylum_claimed_at: '2026-02-21', status: 'PENDING' },
    { type: 'nrm', nrm_ref: 'NRM-26-99', person_ref: 'HO-B7654321', referred_at: '2026-02-22', exploitation_types: ['CRIMINAL', 'LABOUR'], rg: { outcome: 'POSITIVE', at: '2026-02-27' } },
  ];
  const file = tmp('ho.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  expect(await ingest(hub.database.db, log, FEEDS['home-office']!, { agency: 'HO', files: [file] })).toMatchObject({ read: 4, inserted: 4, rejected: 0 });
  const response = await hub.execute<{ personBySourceRecord: { identities: { identifiers: { scheme: string; value: string; verified: boolean }[] }[]; immigration: Record<string, unknown> } }>(
    hub.token({ agency: 'HO', kind: 'IMMIGRATION', roles: ['CASEWORKER'] }),
    `{ personBySourceRecord(agency: "HO", localId: "HO-B7654321") { identities { identifiers { scheme value verified } }
       immigration { status { status claimedAt } encounters { kind location referredToLa } nrm { exploitationTypes reasonableGrounds reasonableGroundsAt } } } }`,
  );
  const found = response.data!.personBySourceRecord;
  expect(found.identities[0]!.identifiers).toEqual([{ scheme: 'HO_REF', value: 'B7654321', verified: false }, { scheme: 'PASSPORT', value: 'C12345678', verified: true }]);
  expect(found.immigration).toEqual({
    status: { status: 'PENDING', claimedAt: '2026-02-21' },
    encounters: [{ kind: 'PORT_ARRIVAL', location: 'Dover', referredToLa: 'LA-886' }],
    nrm: [{ exploitationTypes: ['CRIMINAL', 'LABOUR'], reasonableGrounds: 'POSITIVE', reasonableGroundsAt: '2026-02-27' }],
  });
  const [dispute] = await hub.database.db.query(`select status, claimed_dob::text from immigration.age_dispute where agency = 'HO'`);
  expect(dispute).toEqual({ status: 'DISPUTED', claimed_dob: '2009-03-15' });
});

test('LA person details join the SSDA903 child; --full retracts an alias the LA no longer holds', async () => {
  await sync('LA-215', [tmp('header.csv', 'CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC215-1,1,15/03/2009,OOTH,UN2,,\n')]);
  const person = tmp('person.csv', 'pers_person_id,pers_forename,pers_surname,pers_sex,pers_dob,pers_dob_precision,pers_nationality,pers_upn,pers_common_child_id\nC215-1,Anh,Nguyen,M,2009-03-15,DAY,VNM,,\n');
  const aliases = (rows: string) => tmp('aliases.csv', `person_id,forename,surname,full_name,name_type\n${rows}`);
  const plan = tmp('plan.csv', 'person_id,item,status,recorded_at,note\nC215-1,PHOTOGRAPH,DONE,2026-02-22,\n');
  const la = (files: string[]) => ingest(hub.database.db, log, FEEDS['la-person']!, { agency: 'LA-215', files, full: true });
  expect(await la([person, aliases('C215-1,Van Anh,,,ASSERTED\nC215-1,Minh,,,NICKNAME\n'), plan])).toMatchObject({ inserted: 4, rejected: 0 });

  const query = `{ personBySourceRecord(agency: "LA-215", localId: "C215-1") { identities { feed names { kind given } } } }`;
  const token = hub.token({ agency: 'LA-215', kind: 'CHILDRENS_SERVICES' });
  const names = async () => {
    const response = await hub.execute<{ personBySourceRecord: { identities: { feed: string; names: { kind: string; given: string }[] }[] } }>(token, query);
    return response.data!.personBySourceRecord.identities.map((i) => [i.feed, i.names.map((n) => `${n.kind}:${n.given}`)]);
  };
  // One person: the SSDA903 child and the LA's person record share the id.
  expect(await names()).toEqual([['ssda903', []], ['la-person', ['LEGAL:Anh', 'ASSERTED:Van Anh', 'NICKNAME:Minh']]]);
  expect(await la([person, aliases('C215-1,Van Anh,,,ASSERTED\n'), plan])).toMatchObject({ unchanged: 3, retracted: 1 });
  expect(await names()).toEqual([['ssda903', []], ['la-person', ['LEGAL:Anh', 'ASSERTED:Van Anh']]]);
});

test('every dated fact is a timeline event of its person, with its category; retracted facts drop out', async () => {
  const header = 'CHILD,DOB,MISSING,MIS_START,MIS_END\n';
  await sync('LA-303', [tmp('missing.csv', `${header}8001,12/03/2010,M,01/02/2019,09/02/2019\n8001,12/03/2010,A,05/03/2019,\n`)], true);
  const events = () => hub.database.db.query<{ kind: string; category: string; at: Date }>(
    `select kind, category, at from safeguarding.timeline_event e join identity.source_identity s on s.id = e.source_identity_id
      where s.agency = 'LA-303' order by at, kind`,
  );
  expect((await events()).map((e) => [e.kind, e.category, e.at.toISOString().slice(0, 10)])).toEqual([
    ['WENT_MISSING', 'MISSING', '2019-02-01'], ['RETURNED', 'MISSING', '2019-02-09'], ['WENT_MISSING', 'MISSING', '2019-03-05'],
  ]);
  await sync('LA-303', [tmp('missing.csv', `${header}8001,12/03/2010,M,01/02/2019,09/02/2019\n`)], true);
  expect(await events()).toHaveLength(2);
});
