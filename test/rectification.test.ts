/**
 * Rectification (issue 26, item 4), as the DPO would check it: a source corrects a child's
 * record — a name, a date of birth, an identifier — and sends it again. Harbour keeps the
 * corrected values only: afterwards no table in any schema holds the old name or date, a search
 * by the old name no longer finds the child, a suggestion that rested on the wrong values leaves
 * the queue (and one the new values make appears), an automatic link that rested on a wrong
 * identifier is withdrawn and the pair goes back to a person to judge, and the chronology says a
 * correction was made, never what was wrong. All values invented.
 */
import { startTestHub, type TestHub } from './support/hub';
import { residues, residuesOf } from './support/residues';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const SUBMIT = `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { inserted updated rejected } }`;
const system = (agency: string, kind: string) => hub.token({ agency, kind, roles: ['SYSTEM'] });
const db = () => hub.database.db;
async function submit(agency: string, kind: string, feed: string, records: Record<string, unknown>[]) {
  const r = await hub.execute<{ submitRecords: { inserted: number; updated: number; rejected: number } }>(system(agency, kind), SUBMIT, { feed, records });
  expect(r.errors).toBeUndefined();
  expect(r.data!.submitRecords.rejected).toBe(0);
  return r.data!.submitRecords;
}
const laPerson = (id: string, given: string, family: string, dob: string, sex = 'F', nationality = 'ERI') =>
  ({ table: 'person', pers_person_id: id, pers_forename: given, pers_surname: family, pers_sex: sex, pers_dob: dob, pers_dob_precision: 'DAY', pers_nationality: nationality, pers_upn: '', pers_common_child_id: '' });
const policePerson = (ref: string, given: string, family: string, dob: string, extra: Record<string, unknown> = {}) =>
  ({ type: 'person', person_ref: ref, names: [{ given, family, kind: 'ASSERTED' }], dob, dob_precision: 'DAY', sex: 'M', nationality: 'ERI', ...extra });
const recordOf = async (agency: string, localId: string) =>
  (await db().query<{ id: string; person_id: string }>(`select id, person_id from identity.source_identity where agency = $1 and local_id = $2`, [agency, localId]))[0]!;

const caseworker = () => hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] });
const officer = () => hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'] });

/** The open suggestions a user sees, as pairs of `agency/localId`, each pair sorted. */
async function queue(token: string): Promise<string[][]> {
  const r = await hub.execute<{ matchSuggestions: { edges: { node: { records: { agency: string; localId: string }[] } }[] } }>(token,
    `{ matchSuggestions(first: 100) { edges { node { records { agency localId } } } } }`);
  expect(r.errors).toBeUndefined();
  return r.data!.matchSuggestions.edges.map((e) => e.node.records.map((x) => `${x.agency}/${x.localId}`).sort());
}

test('a name and a date of birth corrected at source: the old values are nowhere, the old name finds nothing, the chronology says a correction was made', async () => {
  const OLD = { given: 'Oriabelle', family: 'Thistlewaite', dob: '2010-06-21' };
  await submit('LA-886', 'CHILDRENS_SERVICES', 'LA_PERSON', [laPerson('C886-RECT1', OLD.given, OLD.family, OLD.dob),
    { table: 'contacts', person_id: 'C886-RECT1', kind: 'PHONE', value: '07700 900431' }]);
  const { person_id: personId } = await recordOf('LA-886', 'C886-RECT1');
  // Before: stored, keyed, in the vocabulary (the scan can find them).
  expect(await residues(db(), OLD.family)).toEqual(expect.arrayContaining(['identity.name', 'identity.match_token', 'identity.match_vocabulary']));
  expect(await residues(db(), OLD.dob)).toContain('identity.birth_date');

  const corrected = await submit('LA-886', 'CHILDRENS_SERVICES', 'LA_PERSON', [laPerson('C886-RECT1', 'Sorcha', 'Vandermeer', '2010-07-12')]);
  expect(corrected).toMatchObject({ inserted: 0, updated: 1 });
  // Nothing of the wrong values is left anywhere; the audit and the correction hold ids and words only.
  expect(await residuesOf(db(), OLD)).toEqual({});
  expect((await recordOf('LA-886', 'C886-RECT1')).person_id).toBe(personId);

  const SEARCH = `query ($example: PersonExample!) { identitySearch(example: $example, first: 10) { person { id } } }`;
  const search = async (full: string) => (await hub.execute<{ identitySearch: { person: { id: string } }[] }>(caseworker(), SEARCH, { example: { names: [{ full }] } })).data!.identitySearch.map((c) => c.person.id);
  expect(await search(`${OLD.given} ${OLD.family}`)).not.toContain(personId);
  expect(await search('Sorcha Vandermeer')).toContain(personId);

  const view = await hub.execute<{ person: { safeguarding: { chronology: { kind: string; agency: string; category: string; summary: string | null }[] } } }>(caseworker(),
    `query ($id: ID!) { person(id: $id) { safeguarding { chronology { kind agency category summary } } } }`, { id: personId });
  expect(view.errors).toBeUndefined();
  expect(view.data!.person.safeguarding.chronology).toEqual([
    { kind: 'RECORD_CORRECTED', agency: 'LA-886', category: 'IDENTITY', summary: expect.stringMatching(/^Record corrected by .+: name, date of birth$/) },
  ]);
  // Sending the corrected record again is no new correction.
  await submit('LA-886', 'CHILDRENS_SERVICES', 'LA_PERSON', [laPerson('C886-RECT1', 'Sorcha', 'Vandermeer', '2010-07-12')]);
  expect(await db().query(`select fields from identity.correction c join identity.source_identity s on s.id = c.source_identity_id where s.local_id = 'C886-RECT1'`))
    .toEqual([{ fields: ['name', 'date of birth'] }]);
});

test('a suggestion that rested on the wrong name and date leaves the queue; one the corrected values make appears', async () => {
  await submit('POLICE-KENT', 'POLICE', 'POLICE', [
    policePerson('P-KENT-RECT2', 'Evander', 'Stonebridge', '2011-08-14'),
    policePerson('P-KENT-RECT3', 'Tobiah', 'Larkspur', '2011-03-02'),
  ]);
  await submit('LA-886', 'CHILDRENS_SERVICES', 'LA_PERSON', [laPerson('C886-RECT2', 'Evander', 'Stonebridge', '2011-08-14', 'M')]);
  expect(await queue(caseworker())).toContainEqual(['LA-886/C886-RECT2', 'POLICE-KENT/P-KENT-RECT2']);
  expect(await queue(caseworker())).not.toContainEqual(['LA-886/C886-RECT2', 'POLICE-KENT/P-KENT-RECT3']);

  await submit('LA-886', 'CHILDRENS_SERVICES', 'LA_PERSON', [laPerson('C886-RECT2', 'Tobiah', 'Larkspur', '2011-03-02', 'M')]);
  const after = await queue(caseworker());
  expect(after).not.toContainEqual(['LA-886/C886-RECT2', 'POLICE-KENT/P-KENT-RECT2']);
  expect(after).toContainEqual(['LA-886/C886-RECT2', 'POLICE-KENT/P-KENT-RECT3']);
});

test('an automatic link that rested only on a wrong PNC ID is withdrawn when the force corrects it; the pair goes back to a person to judge', async () => {
  await submit('HO', 'IMMIGRATION', 'HOME_OFFICE', [policePerson('HO-RECT4', 'Dariusz', 'Wenlock', '2009-11-30', { identifiers: [{ scheme: 'PNC_ID', value: '2019/0123456E' }] })]);
  await submit('POLICE-KENT', 'POLICE', 'POLICE', [policePerson('P-KENT-RECT4', 'Dariusz', 'Wenlock', '2009-11-30', { identifiers: [{ scheme: 'PNC_ID', value: '2019/0123456E' }] })]);
  const [ho, kent] = [await recordOf('HO', 'HO-RECT4'), await recordOf('POLICE-KENT', 'P-KENT-RECT4')];
  expect(kent.person_id).toBe(ho.person_id);

  // The force finds it keyed the wrong PNC ID: the child's own is another (valid) one.
  await submit('POLICE-KENT', 'POLICE', 'POLICE', [policePerson('P-KENT-RECT4', 'Dariusz', 'Wenlock', '2009-11-30', { identifiers: [{ scheme: 'PNC_ID', value: '2019/0123457F' }] })]);
  const [ho2, kent2] = [await recordOf('HO', 'HO-RECT4'), await recordOf('POLICE-KENT', 'P-KENT-RECT4')];
  expect(kent2.person_id).not.toBe(ho2.person_id);
  expect(await db().query(`select method, removed_at is not null as removed from identity.link where (a, b) in (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`, [ho.id, kent.id]))
    .toEqual([{ method: 'IDENTIFIER', removed: true }]);
  // Same name, same date of birth: still likely one child, for a person to decide.
  expect(await queue(officer())).toContainEqual(['HO/HO-RECT4', 'POLICE-KENT/P-KENT-RECT4']);
  // The wrong PNC ID is nowhere but in the Home Office's own record (its fact and its key), which still holds it.
  expect(await residues(db(), '2019/0123456E')).toEqual(['identity.identifier', 'identity.match_token']);
  expect(await db().query(`select distinct source_identity_id as id from identity.identifier where canonical = $1
                           union select distinct source_identity_id from identity.match_token where key like '%' || $1`, ['2019/0123456E'])).toEqual([{ id: ho.id }]);
});
