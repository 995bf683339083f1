/**
 * Persons and judgements: a shared fingerprint reference links identities on arrival; a POSITIVE
 * judgement merges persons and the merged-away id resolves to its survivor; a NEGATIVE judgement
 * splits them, and no automatic link joins that pair again.
 */
import { pushRecords } from '../src/ingest';
import { rootLogger } from '../src/log';
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
const log = rootLogger('silent');
const caseworker = () => hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'], sub: 'alice' });
const q = <T>(sql: string, params: unknown[] = []) => hub.database.db.query<T>(sql, params);
const identity = async (agency: string, localId: string) => (await q<{ id: string; person_id: string }>(`select id, person_id from identity.source_identity where agency = $1 and local_id = $2`, [agency, localId]))[0]!;

const policePerson = (updatedAt: string) => ({ type: 'person', person_ref: 'P-0001', names: [{ given: 'Van Anh', kind: 'ASSERTED' }], dob: '2010-01-01', dob_precision: 'YEAR', sex: 'M',
  biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-55120931' }], updated_at: updatedAt });

const JUDGE = `mutation ($a: ID!, $b: ID!, $j: Judgement!, $reason: String!) { recordJudgement(a: $a, b: $b, judgement: $j, reason: $reason) { id identities { agency } } }`;

beforeAll(async () => {
  hub = await startTestHub();
  await pushRecords(hub.database.db, log, 'home-office', 'HO', [
    { type: 'person', person_ref: 'HO-B1234567', names: [{ given: 'Anh', family: 'Nguyen Van', kind: 'LEGAL' }], dob: '2009-03-15', sex: 'M',
      biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-55120931' }], updated_at: '2026-02-20T12:00:00Z' },
  ], false);
  await pushRecords(hub.database.db, log, 'police', 'POLICE-KENT', [policePerson('2026-05-10T05:00:00Z')], false);
  await pushRecords(hub.database.db, log, 'la-person', 'LA-886', [
    { table: 'person', pers_person_id: 'C886-0001', pers_forename: 'Anh', pers_surname: 'Nguyen', pers_sex: 'M', pers_dob: '2009-03-15', pers_dob_precision: 'DAY', pers_nationality: 'VNM', pers_upn: '', pers_common_child_id: '' },
  ], false);
});
afterAll(() => hub.close());

test('a fingerprint reference that custody and the Home Office share links them into one person on arrival, method recorded', async () => {
  const ho = await identity('HO', 'HO-B1234567');
  const police = await identity('POLICE-KENT', 'P-0001');
  expect(police.person_id).toBe(ho.person_id);
  const links = await q<{ method: string; evidence: string }>(`select method, evidence from identity.link where removed_at is null`);
  expect(links).toEqual([{ method: 'BIOMETRIC', evidence: 'same IABS reference' }]);
  expect((await identity('LA-886', 'C886-0001')).person_id).not.toBe(ho.person_id);
});

test('a POSITIVE judgement merges the persons; the merged-away id resolves to the survivor', async () => {
  const ho = await identity('HO', 'HO-B1234567');
  const la = await identity('LA-886', 'C886-0001');
  const response = await hub.execute<{ recordJudgement: { id: string; identities: { agency: string }[] } }>(caseworker(), JUDGE, { a: la.id, b: ho.id, j: 'POSITIVE', reason: 'same child: photograph and fingerprints agree' });
  expect(response.errors).toBeUndefined();
  expect(response.data!.recordJudgement.id).toBe(ho.person_id); // two identities already held it
  expect(response.data!.recordJudgement.identities.map((i) => i.agency).sort()).toEqual(['HO', 'LA-886', 'POLICE-KENT']);
  const old = await hub.execute<{ person: { id: string } }>(caseworker(), 'query ($id: ID!) { person(id: $id) { id } }', { id: la.person_id });
  expect(old.data!.person.id).toBe(ho.person_id);
  const events = await q<{ kind: string }>(`select kind from identity.person_event where person_id = $1 order by id`, [la.person_id]);
  expect(events.map((e) => e.kind)).toContain('MERGED_INTO');
});

test('a NEGATIVE judgement splits the pair, and a later automatic link does not join it again', async () => {
  const ho = await identity('HO', 'HO-B1234567');
  const police = await identity('POLICE-KENT', 'P-0001');
  const response = await hub.execute<{ recordJudgement: { id: string; identities: { agency: string }[] } }>(caseworker(), JUDGE, { a: ho.id, b: police.id, j: 'NEGATIVE', reason: 'different boys: custody photo is of an adult' });
  expect(response.errors).toBeUndefined();
  expect(response.data!.recordJudgement.identities.map((i) => i.agency).sort()).toEqual(['HO', 'LA-886']);
  const split = await identity('POLICE-KENT', 'P-0001');
  expect(split.person_id).not.toBe(ho.person_id);

  // The police record arrives again, changed: the shared fingerprint would link it, but the judgement stands.
  await pushRecords(hub.database.db, log, 'police', 'POLICE-KENT', [policePerson('2026-06-01T05:00:00Z')], false);
  expect((await identity('POLICE-KENT', 'P-0001')).person_id).toBe(split.person_id);
  // A POSITIVE judgement on a pair across that NEGATIVE one is refused with a clear error.
  const la = await identity('LA-886', 'C886-0001');
  const refused = await hub.execute(caseworker(), JUDGE, { a: la.id, b: police.id, j: 'POSITIVE', reason: 'the LA thinks they are the same' });
  expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

test('a judgement needs a reason and a judging role', async () => {
  const ho = await identity('HO', 'HO-B1234567');
  const la = await identity('LA-886', 'C886-0001');
  const short = await hub.execute(caseworker(), JUDGE, { a: la.id, b: ho.id, j: 'UNSURE', reason: 'hmm' });
  expect(short.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const system = hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['SYSTEM'] });
  const forbidden = await hub.execute(system, JUDGE, { a: la.id, b: ho.id, j: 'UNSURE', reason: 'a machine should not judge' });
  expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
