/**
 * Purge from the source, as the DPO would check it: an LA deletes a child's record in its system,
 * and afterwards no table in any schema holds the record's id or any of its values; the child's
 * police record is still there, on its own; the audit keeps its events and records the purge.
 * Refused purges delete nothing. All values invented.
 */
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub';
import { residues as scan, residuesOf } from './support/residues';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const SUBMIT = `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { rejected } }`;
const PURGE = `mutation ($feed: Feed!, $ids: [String!]!) { purgeRecords(feed: $feed, localIds: $ids) { purged } }`;
const system = (agency: string, kind: string) => hub.token({ agency, kind, roles: ['SYSTEM'] });
const la = () => system('LA-886', 'CHILDRENS_SERVICES');
const code = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions?.code;

/** Values that appear nowhere else, so any row holding one is a residue. */
const V = { localId: 'C886-PURGE1', given: 'Zephyrinea', family: 'Quillfeatherby', phone: '07700 900777', phoneCanonical: '+447700900777', upn: 'A123456789012', alias: 'Zefira' };

const residues = (value: string) => scan(hub.database.db, value);

beforeAll(async () => {
  const r1 = await hub.execute<{ submitRecords: { rejected: number } }>(la(), SUBMIT, { feed: 'LA_PERSON', records: [
    { table: 'person', pers_person_id: V.localId, pers_forename: V.given, pers_surname: V.family, pers_sex: 'F', pers_dob: '2011-02-03', pers_dob_precision: 'DAY', pers_nationality: 'ALB', pers_upn: V.upn, pers_common_child_id: '' },
    { table: 'contacts', person_id: V.localId, kind: 'PHONE', value: V.phone },
    { table: 'aliases', person_id: V.localId, name_type: 'ALTERNATE', forename: V.alias, surname: V.family },
  ] });
  expect(r1.data!.submitRecords.rejected).toBe(0);
  // The police hold a record of her too, with the same phone: one child.
  const r2 = await hub.execute(system('POLICE-KENT', 'POLICE'), SUBMIT, { feed: 'POLICE', records: [
    { type: 'person', person_ref: 'P-KENT-PURGE', names: [{ given: 'Zefi', family: 'Kola', kind: 'ASSERTED' }], dob: '2011-02-03', dob_precision: 'DAY', sex: 'F', nationality: 'ALB', contacts: [{ kind: 'PHONE', value: '07700 900123' }] },
  ] });
  expect(r2.errors).toBeUndefined();
});

test('before the purge the values are stored (the scan can find them)', async () => {
  expect(await residues(V.family)).toEqual(expect.arrayContaining(['identity.name']));
  expect(await residues(V.phoneCanonical)).toEqual(expect.arrayContaining(['identity.contact_point']));
  expect(await residues(V.alias)).toEqual(expect.arrayContaining(['identity.name', 'ingest.record_state']));
});

test('refused purges delete nothing: another agency’s record, an unknown id, a caseworker, another kind’s feed', async () => {
  expect(code(await hub.execute(system('LA-213', 'CHILDRENS_SERVICES'), PURGE, { feed: 'LA_PERSON', ids: [V.localId] }))).toBe('BAD_USER_INPUT');
  const unknown = await hub.execute(la(), PURGE, { feed: 'LA_PERSON', ids: [V.localId, 'C886-NOSUCH'] });
  expect(code(unknown)).toBe('BAD_USER_INPUT');
  expect(unknown.errors![0]!.message).toContain('C886-NOSUCH');
  expect(code(await hub.execute(hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] }), PURGE, { feed: 'LA_PERSON', ids: [V.localId] }))).toBe('FORBIDDEN');
  expect(code(await hub.execute(la(), PURGE, { feed: 'POLICE', ids: ['P-KENT-PURGE'] }))).toBe('FORBIDDEN');
  expect(await residues(V.localId)).toEqual(expect.arrayContaining(['identity.source_identity']));
});

test('after the purge no table in any schema holds the record’s id or any of its values; the audit records the purge', async () => {
  const [{ id, person_id: personId }] = await hub.database.db.query<{ id: string; person_id: string }>(`select id, person_id from identity.source_identity where local_id = $1`, [V.localId]) as [{ id: string; person_id: string }];
  const purged = await hub.execute<{ purgeRecords: { purged: number } }>(la(), PURGE, { feed: 'LA_PERSON', ids: [V.localId] });
  expect(purged.errors).toBeUndefined();
  expect(purged.data!.purgeRecords.purged).toBe(1);
  expect(await residuesOf(hub.database.db, { ...V, id })).toEqual({});
  // The police record is untouched; the audit has the purge as a change to the child.
  expect(await residues('P-KENT-PURGE')).toEqual(expect.arrayContaining(['identity.source_identity']));
  const events = await hub.database.db.query<{ outcome: string; person_id: string }>(`select outcome, person_id from audit.event where request_id = $1`, [purged.extensions!.requestId]);
  expect(events).toEqual([{ outcome: 'RECORDED', person_id: personId }]);
});

test('every column that references a child or a record is indexed: deleting one never reads a whole table to check it', async () => {
  const unindexed = await hub.database.db.query<{ reference: string }>(
    `select c.conrelid::regclass || '.' || a.attname as reference
       from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and c.confrelid in ('identity.source_identity'::regclass, 'identity.person'::regclass)
        and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
      order by 1`,
  );
  expect(unindexed.map((r) => r.reference)).toEqual([]);
});
