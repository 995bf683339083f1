/**
 * No basis a recipient can grant itself: the attacks of issue 22 on the running hub (consent
 * recorded by the agency it releases to, a copied fingerprint reference, a borrowed agency code,
 * convening about any child, a record's existence told by null). All values invented.
 */
import { DEFAULT_THRESHOLDS } from '../src/matching';
import { currentModel, dedupeStore } from '../src/resolution';
import { insertChildEverywhere } from './fixtures/persons';
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const la213 = () => hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'], sub: 'sw-1' });
const police = () => hub.token({ agency: 'POLICE-MPS', kind: 'POLICE', roles: ['OFFICER'], sub: 'pc-1' });
const code = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions?.code;
const ALL = ['LOCATION', 'CARE_PLAN', 'IMMIGRATION', 'EXPLOITATION', 'FAMILY', 'CONTACT', 'HEALTH'];
const RECORD = `mutation ($input: ConsentInput!) { recordConsent(input: $input) { id recordedBy reviewStatus active } }`;
const POSTCODE = `query ($id: ID!) { person(id: $id) { care { placements { postcode } } } }`;

async function postcodeSeenBy(token: string, personId: string): Promise<unknown> {
  const r = await hub.execute<{ person: { care: { placements: { postcode: string | null }[] | null } | null } }>(token, POSTCODE, { id: personId });
  return r.data?.person.care?.placements?.[0]?.postcode ?? null;
}

test('a police officer whose force holds a record of the child cannot record consent, and the sealed postcode stays sealed', async () => {
  const child = await insertChildEverywhere(hub.database.db, 's1');
  const attempt = await hub.execute(police(), RECORD, { input: { personId: child.personId, givenBy: 'CHILD', categories: ALL, recipients: ['POLICE', 'IMMIGRATION'] } });
  expect(code(attempt)).toBe('FORBIDDEN');
  expect(await hub.database.db.query(`select 1 from care.consent c join identity.source_identity s on s.id = c.source_identity_id where s.person_id = $1`, [child.personId])).toEqual([]);
  expect(await postcodeSeenBy(police(), child.personId)).toBeNull();
  const explained = await hub.execute<{ explainAccess: { released: boolean } }>(police(), `query ($id: ID!) { explainAccess(personId: $id, category: LOCATION) { released } }`, { id: child.personId });
  expect(explained.data!.explainAccess.released).toBe(false);
});

test('the LA records consent: who recorded it, RECORDED audit events naming it, LOCATION to the DPO; not justified ends it', async () => {
  const child = await insertChildEverywhere(hub.database.db, 's2');
  const recorded = await hub.execute<{ recordConsent: { id: string; recordedBy: string; reviewStatus: string | null; active: boolean } }>(la213(), RECORD, {
    input: { personId: child.personId, givenBy: 'CHILD', categories: ['LOCATION', 'CARE_PLAN'], recipients: ['POLICE'], purpose: 'finding him if he goes missing' },
  });
  expect(recorded.errors).toBeUndefined();
  const consent = recorded.data!.recordConsent;
  expect(consent).toMatchObject({ recordedBy: 'sw-1 (LA-213)', reviewStatus: 'PENDING', active: true });
  const events = await hub.database.db.query<{ category: string; outcome: string; basis_kind: string; basis_id: string; sub: string }>(
    `select category, outcome, basis_kind, basis_id, sub from audit.event where request_id = $1 order by category`, [recorded.extensions!.requestId]);
  expect(events).toEqual(['CARE_PLAN', 'LOCATION'].map((category) => ({ category, outcome: 'RECORDED', basis_kind: 'CONSENT', basis_id: consent.id, sub: 'sw-1' })));
  expect(await postcodeSeenBy(police(), child.personId)).toBe(`POSTCODEs2`);

  const queue = `query { consentReviews(status: PENDING) { id } }`;
  const dpo = hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['DPO'], sub: 'dpo-1' });
  expect((await hub.execute<{ consentReviews: { id: string }[] }>(dpo, queue)).data!.consentReviews.map((c) => c.id)).toContain(consent.id);
  const otherDpo = hub.token({ agency: 'LA-999', kind: 'CHILDRENS_SERVICES', roles: ['DPO'] });
  expect((await hub.execute<{ consentReviews: { id: string }[] }>(otherDpo, queue)).data!.consentReviews).toEqual([]);
  // The LA's education service signing with the LA's code is not the LA's DPO.
  expect(code(await hub.execute(hub.token({ agency: 'LA-213', kind: 'EDUCATION', roles: ['DPO'] }), queue))).toBe('FORBIDDEN');

  const reviewed = await hub.execute<{ reviewConsent: { reviewStatus: string; reviewOutcome: string; active: boolean } }>(dpo,
    `mutation ($id: ID!) { reviewConsent(id: $id, outcome: NOT_JUSTIFIED, note: "no need for the address") { reviewStatus reviewOutcome active } }`, { id: consent.id });
  expect(reviewed.data!.reviewConsent).toEqual({ reviewStatus: 'REVIEWED', reviewOutcome: 'NOT_JUSTIFIED', active: false });
  expect(await postcodeSeenBy(police(), child.personId)).toBeNull();
});

test('withdrawal keeps its reason and is audited', async () => {
  const child = await insertChildEverywhere(hub.database.db, 's3');
  const recorded = await hub.execute<{ recordConsent: { id: string } }>(la213(), RECORD, { input: { personId: child.personId, givenBy: 'CHILD', categories: ['HEALTH'], recipients: ['POLICE'] } });
  const withdrawn = await hub.execute<{ withdrawConsent: { active: boolean; withdrawalReason: string } }>(la213(),
    `mutation ($id: ID!) { withdrawConsent(id: $id, reason: "the child changed her mind") { active withdrawalReason } }`, { id: recorded.data!.recordConsent.id });
  expect(withdrawn.data!.withdrawConsent).toEqual({ active: false, withdrawalReason: 'the child changed her mind' });
  const [event] = await hub.database.db.query(`select outcome, basis_id from audit.event where request_id = $1`, [withdrawn.extensions!.requestId]);
  expect(event).toEqual({ outcome: 'RECORDED', basis_id: recorded.data!.recordConsent.id });
});

test('an education service signing with an LA code does not act as that LA', async () => {
  const child = await insertChildEverywhere(hub.database.db, 's4');
  const education = (roles: string[]) => hub.token({ agency: 'LA-213', kind: 'EDUCATION', roles });
  for (const query of [`{ breakGlassReviews { id } }`, `{ accessBy(sub: "sw-1") { totalCount } }`]) {
    expect(code(await hub.execute(education(['DPO']), query))).toBe('FORBIDDEN');
  }
  const convened = await hub.execute(education(['CASEWORKER']), `mutation ($input: StrategyDiscussionInput!) { conveneStrategyDiscussion(input: $input) { id } }`,
    { input: { personId: child.personId, agencies: [], heldOn: new Date().toISOString().slice(0, 10) } });
  expect(code(convened)).toBe('FORBIDDEN');
  // A justification naming LA-213 releases to LA-213's children's services, not to its education service.
  const declared = await hub.execute<{ declareSafeguardingJustification: { id: string } }>(hub.token({ agency: 'POLICE-MPS', kind: 'POLICE', roles: ['OFFICER'] }),
    `mutation ($input: JustificationInput!) { declareSafeguardingJustification(input: $input) { id } }`,
    { input: { personId: child.personId, statutoryBasis: 'CHILDREN_ACT_1989_S47', reason: 'a section 47 enquiry needs the placement history now', categories: ['CRIMINAL'], recipients: ['LA-213'] } });
  expect(declared.errors).toBeUndefined();
  const custody = `query ($id: ID!) { person(id: $id) { police { custody { offence } } } }`;
  const seen = async (token: string) => (await hub.execute<{ person: { police: { custody: unknown[] | null } | null } }>(token, custody, { id: child.personId })).data!.person.police?.custody ?? null;
  expect(await seen(la213())).toEqual([{ offence: 'OFFENCEs4' }]);
  expect(await seen(education(['CASEWORKER']))).toBeNull();
});

test('convening needs a relationship to the child and a real date', async () => {
  const child = await insertChildEverywhere(hub.database.db, 's5');
  const convene = (token: string, heldOn: string) => hub.execute(token, `mutation ($input: StrategyDiscussionInput!) { conveneStrategyDiscussion(input: $input) { id } }`,
    { input: { personId: child.personId, agencies: ['POLICE-MPS'], heldOn } });
  const today = new Date().toISOString().slice(0, 10);
  // A force with no record of the child, no alert about it and no basis: as if there were no such child.
  const stranger = await convene(hub.token({ agency: 'POLICE-WYP', kind: 'POLICE', roles: ['OFFICER'] }), today);
  expect(code(stranger)).toBe('NOT_FOUND');
  const ancient = await convene(la213(), '0001-01-01');
  expect(code(ancient)).toBe('BAD_USER_INPUT');
  expect(ancient.errors![0]!.message).toMatch(/heldOn/);
  expect((await convene(la213(), today)).errors).toBeUndefined();
});

test('"none" and "not allowed" look alike for the police, Home Office and LA records', async () => {
  const child = await insertChildEverywhere(hub.database.db, 's6');
  const bare = await hub.database.db.query<{ id: string }>(`insert into identity.person default values returning id`);
  await hub.database.db.query(`insert into identity.source_identity (person_id, agency, feed, local_id) values ($1, 'NHS-RJ1', 'test', 's6-bare')`, [bare[0]!.id]);
  const q = `query ($id: ID!) { person(id: $id) { police { custody { offence } } immigration { nrm { agency } } care { agency } } }`;
  // HEALTH may see no CRIMINAL, no IMMIGRATION, and no LA record without a basis.
  const health = hub.token({ agency: 'NHS-RJ1', kind: 'HEALTH', roles: ['CASEWORKER'] });
  const withRecords = await hub.execute<{ person: unknown }>(health, q, { id: child.personId });
  const without = await hub.execute<{ person: unknown }>(health, q, { id: bare[0]!.id });
  expect(withRecords.data!.person).toEqual({ police: null, immigration: null, care: null });
  expect(without.data!.person).toEqual(withRecords.data!.person);
});

test('a copied fingerprint reference on a record that disagrees on who the child is links nothing: it becomes a suggestion', async () => {
  const push = (agency: string, kind: string, feed: string, records: Record<string, unknown>[]) =>
    hub.execute(hub.token({ agency, kind, roles: ['SYSTEM'] }), `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { rejected } }`, { feed, records });
  await push('HO', 'IMMIGRATION', 'HOME_OFFICE', [{ type: 'person', person_ref: 'HO-S7', names: [{ given: 'Selam', family: 'Haile', kind: 'LEGAL' }], dob: '2010-04-02', dob_precision: 'DAY', sex: 'F',
    nationality: 'ERI', biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-55501234' }] }]);
  await push('POLICE-WYP', 'POLICE', 'POLICE', [{ type: 'person', person_ref: 'P-WYP-7', names: [{ given: 'Mark', family: 'Jones', kind: 'ASSERTED' }], dob: '1994-11-20', dob_precision: 'DAY', sex: 'M',
    nationality: 'GBR', biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-55501234' }] }]);
  const persons = await hub.database.db.query<{ local_id: string; person_id: string; id: string }>(`select local_id, person_id, id from identity.source_identity where local_id in ('HO-S7', 'P-WYP-7') order by local_id`);
  expect(persons).toHaveLength(2);
  expect(persons[0]!.person_id).not.toBe(persons[1]!.person_id);
  expect(await hub.database.db.query(`select 1 from identity.link where (a, b) in (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`, [persons[0]!.id, persons[1]!.id])).toEqual([]);
  const [suggestion] = await hub.database.db.query<{ reasons: string[] }>(`select reasons from identity.match_suggestion where $1 in (a, b) and $2 in (a, b)`, [persons[0]!.id, persons[1]!.id]);
  expect(suggestion!.reasons[0]).toMatch(/not linked automatically/);
  expect(suggestion!.reasons).toEqual(expect.arrayContaining(['different sex recorded']));
});

test('match dedupe over a store holding that pair runs to the end and keeps the one suggestion (each record finds the other by the shared reference)', async () => {
  const ids = await hub.database.db.query<{ id: string }>(`select id from identity.source_identity where local_id in ('HO-S7', 'P-WYP-7')`);
  expect(ids).toHaveLength(2);
  // Both records in one chunk: the pair is met from each side. One statement wrote it twice and
  // PostgreSQL refused ("ON CONFLICT DO UPDATE command cannot affect row a second time").
  // As `harbour match dedupe` runs: as the owner (it makes a scratch schema).
  const result = await dedupeStore(hub.owner.db, await currentModel(hub.owner.db, DEFAULT_THRESHOLDS));
  expect(result.done).toBe(result.total);
  const suggestions = await hub.database.db.query<{ reasons: string[] }>(`select reasons from identity.match_suggestion where $1 in (a, b) and $2 in (a, b)`, [ids[0]!.id, ids[1]!.id]);
  expect(suggestions).toHaveLength(1);
  expect(suggestions[0]!.reasons[0]).toMatch(/not linked automatically/);
});
