/**
 * The loop, as the story goes on the demo `npm start` loads: records arrive, the LA's queue shows
 * what may be the same child, a caseworker decides, the child's view changes; a mistaken SAME is
 * undone exactly. All values synthetic (the demo generator).
 */
import { queueDrift, REVIEW_BAR, writeSuggestions } from '../src/resolution';
import { loadDemo, startTestHub, type GraphQLResponse, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
  await loadDemo(hub);
}, 120_000);
afterAll(() => hub.close());

const la886 = () => hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'], sub: 'sw-886' });
const code = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions?.code;

interface Node { id: string; status: string; grade: string; reasons: string[]; persons: { id: string }[]; records: { agency: string; localId: string | null }[] }
const QUEUE = `query ($first: Int) { matchSuggestions(first: $first) { totalCount openCount edges { node { id status grade reasons persons { id } records { agency localId } } } } }`;

async function queue(token = la886()): Promise<{ totalCount: number; openCount: number; nodes: Node[] }> {
  const r = await hub.execute<{ matchSuggestions: { totalCount: number; openCount: number; edges: { node: Node }[] } }>(token, QUEUE, { first: 100 });
  expect(r.errors).toBeUndefined();
  return { ...r.data!.matchSuggestions, nodes: r.data!.matchSuggestions.edges.map((e) => e.node) };
}

const personOf = async (agency: string, localId: string) =>
  (await hub.database.db.query<{ person_id: string }>(`select person_id from identity.source_identity where agency = $1 and local_id = $2`, [agency, localId]))[0]!.person_id;

const POLICE_VIEW = `query ($id: ID!) { person(id: $id) { id identities { agency localId } police { missingReports { agency } custody { agency } } } }`;

const decide = (id: string, decision: string, reason = 'same phone, same name, same nationality; police confirmed') =>
  hub.execute<{ decideSuggestion: { status: string; persons: { id: string }[] } }>(la886(),
    `mutation ($id: ID!, $d: SuggestionDecision!, $r: String!) { decideSuggestion(id: $id, decision: $d, reason: $r) { status persons { id } } }`, { id, d: decision, r: reason });

test('before anyone decides, child 0009’s strategy pack lists the police record as a possible other record, not yet confirmed', async () => {
  const { url } = await hub.server();
  const id = await personOf('LA-886', 'C886-0009');
  const response = await fetch(`${url.replace(/\/graphql$/, '')}/strategy-pack/${id}`, { headers: { authorization: `Bearer ${la886()}` } });
  const html = await response.text();
  expect(response.status).toBe(200);
  const section = html.slice(html.indexOf('Possible other records'), html.indexOf('<h2>Risk signals'));
  expect(section).toContain('P-0009');
  expect(section).toMatch(/POLICE-/);
});

test.each(['0009', '0013'])('child %s: the LA record and the police record are in the LA’s queue; one SAME makes one child whose view carries the police records', async (n) => {
  const la = await personOf('LA-886', `C886-${n}`);
  const { nodes, openCount } = await queue();
  expect(openCount).toBeGreaterThan(0);
  const suggestion = nodes.find((x) => x.records.some((r) => r.localId === `C886-${n}`) && x.records.some((r) => r.localId === `P-${n}`));
  expect(suggestion).toBeDefined();
  expect(suggestion!.status).toBe('OPEN');
  expect(suggestion!.persons.map((p) => p.id)).toContain(la);

  const decided = await decide(suggestion!.id, 'SAME');
  expect(decided.errors).toBeUndefined();
  expect(decided.data!.decideSuggestion.status).toBe('SAME');
  expect(decided.data!.decideSuggestion.persons).toHaveLength(1);
  const child = decided.data!.decideSuggestion.persons[0]!.id;
  const view = await hub.execute<{ person: { identities: { localId: string }[]; police: { missingReports: unknown[] | null; custody: unknown[] | null } | null } }>(la886(), POLICE_VIEW, { id: child });
  expect(view.data!.person.identities.map((i) => i.localId)).toEqual(expect.arrayContaining([`C886-${n}`, `P-${n}`]));
  expect(view.data!.person.police?.missingReports?.length).toBeGreaterThan(0);
  // Audited on the child, as a change a user made.
  const [event] = await hub.database.db.query<{ outcome: string; sub: string }>(`select outcome, sub from audit.event where person_id = $1 and outcome = 'RECORDED' order by seq desc limit 1`, [child]);
  expect(event).toEqual({ outcome: 'RECORDED', sub: 'sw-886' });
  // Deciding it SAME again is a coded mistake, and nothing changes.
  expect(code(await decide(suggestion!.id, 'SAME'))).toBe('BAD_USER_INPUT');
});

test('a SAME across an LA and a police force is on record with both: the force’s DPO lists it with the force as the other agency, and the audit holds it for the force’s record', async () => {
  // Child 0009 was decided above: LA-886's caseworker, on the LA's record and the police record.
  const child = await personOf('LA-886', 'C886-0009');
  const [{ agency: force }] = (await hub.database.db.query<{ agency: string }>(`select agency from identity.source_identity where local_id = 'P-0009'`)) as [{ agency: string }];
  expect(force).toMatch(/^POLICE-/);
  const r = await hub.execute<{ matchDecisions: { edges: { node: { sub: string; agency: string; otherAgency: string | null; decision: string; records: { localId: string }[] } }[] } }>(
    hub.token({ agency: force, kind: 'POLICE', roles: ['DPO'], sub: 'dpo-force' }),
    `query ($p: ID) { matchDecisions(personId: $p) { edges { node { sub agency otherAgency decision records { localId } } } } }`, { p: child });
  expect(r.errors).toBeUndefined();
  const decision = r.data!.matchDecisions.edges.map((e) => e.node).find((n) => n.records.some((x) => x.localId === 'P-0009'));
  expect(decision).toEqual(expect.objectContaining({ sub: 'sw-886', agency: 'LA-886', otherAgency: force, decision: 'SAME' }));
  // The audit event on the child the police record belonged to names the force.
  const events = await hub.database.db.query<{ sub: string; agency: string; person: string }>(
    `select e.sub, e.agency, coalesce(p.replaced_by, p.id) as person from audit.event e join identity.person p on p.id = e.person_id
      where e.outcome = 'RECORDED' and e.basis_kind = 'CROSS_AGENCY_DECISION' and e.basis_id = $1`, [force]);
  expect(events).toContainEqual({ sub: 'sw-886', agency: 'LA-886', person: child });
});

test('a page of the queue costs the same statements for 1 or 20 suggestions: a walk of the queue’s table and its counts, not the suggestions', async () => {
  const tableOf = (sql: string) => /^select (audit\.append)|(?:from|into) (\w+\.\w+)/.exec(sql)?.slice(1).find(Boolean);
  const statements = async (first: number) => {
    hub.database.recorder.start();
    const r = await hub.execute<{ matchSuggestions: { edges: unknown[] } }>(la886(), QUEUE, { first });
    const sql = hub.database.recorder.stop();
    expect(r.data!.matchSuggestions.edges).toHaveLength(first);
    return sql.map(tableOf);
  };
  const one = await statements(1);
  const twenty = await statements(20);
  expect(twenty).toHaveLength(one.length);
  expect(twenty).toEqual(expect.arrayContaining(['identity.suggestion_queue', 'identity.suggestion_queue_count']));
  expect(twenty).not.toContain('identity.match_suggestion');
});

test('a DIFFERENT after a SAME restores both children with their own ids, and the pair is not suggested again', async () => {
  const { nodes } = await queue();
  const suggestion = nodes.find((n) => n.persons.length === 2);
  expect(suggestion).toBeDefined();
  const before = suggestion!.persons.map((p) => p.id).sort();
  expect(before).toHaveLength(2);
  expect((await decide(suggestion!.id, 'SAME')).data!.decideSuggestion.persons).toHaveLength(1);
  const undone = await decide(suggestion!.id, 'DIFFERENT', 'the caseworker met both children: two brothers');
  expect(undone.errors).toBeUndefined();
  expect(undone.data!.decideSuggestion.status).toBe('DIFFERENT');
  expect(undone.data!.decideSuggestion.persons.map((p) => p.id).sort()).toEqual(before);
  // Both ids resolve to themselves again.
  const replaced = await hub.database.db.query<{ replaced_by: string | null }>(`select replaced_by from identity.person where id = any($1::uuid[])`, [before]);
  expect(replaced).toEqual([{ replaced_by: null }, { replaced_by: null }]);
  expect((await queue()).nodes.find((n) => n.id === suggestion!.id)).toBeUndefined();
});

test('the queue is only for the agencies that hold either child; a refused decision changes nothing', async () => {
  const { nodes } = await queue();
  const open = nodes[0]!;
  const stranger = hub.token({ agency: 'LA-999', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] });
  expect((await queue(stranger)).nodes).toEqual([]);
  const refused = await hub.execute(stranger, `mutation ($id: ID!) { decideSuggestion(id: $id, decision: SAME, reason: "I think these are the same") { id } }`, { id: open.id });
  expect(code(refused)).toBe('NOT_FOUND');
  const short = await decide(open.id, 'SAME', 'yes');
  expect(code(short)).toBe('BAD_USER_INPUT');
  const analyst = await hub.execute(hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['ANALYST'] }),
    `mutation ($id: ID!) { decideSuggestion(id: $id, decision: SAME, reason: "the analyst thinks so too") { id } }`, { id: open.id });
  expect(code(analyst)).toBe('FORBIDDEN');
  expect((await queue()).nodes.find((n) => n.id === open.id)?.status).toBe('OPEN');
});

test('a record arriving for a child who is not missing becomes a suggestion in its batch', async () => {
  await hub.execute(hub.token({ agency: 'POLICE-WYP', kind: 'POLICE', roles: ['SYSTEM'] }),
    `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { rejected } }`,
    { feed: 'POLICE', records: [{ type: 'person', person_ref: 'P-WYP-NEW', names: [{ given: 'Anh', family: 'Tran', kind: 'ASSERTED' }], dob: '2010-05-06', dob_precision: 'DAY', sex: 'M', nationality: 'VNM', contacts: [{ kind: 'PHONE', value: '07700 900411' }] }] });
  await hub.execute(hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['SYSTEM'] }),
    `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { rejected } }`,
    { feed: 'LA_PERSON', records: [{ table: 'person', pers_person_id: 'C886-NEW', pers_forename: 'Anh', pers_surname: 'Tran', pers_sex: 'M', pers_dob: '2010-05-06', pers_dob_precision: 'DAY', pers_nationality: 'VNM', pers_upn: '', pers_common_child_id: '' },
      { table: 'contacts', person_id: 'C886-NEW', kind: 'PHONE', value: '07700 900411' }] });
  const { nodes } = await queue();
  expect(nodes.find((n) => n.records.some((r) => r.localId === 'C886-NEW') && n.records.some((r) => r.localId === 'P-WYP-NEW'))).toBeDefined();
});

test('a weaker pair (below possible, at or above the review bar) enters the queue too, showing its grade', async () => {
  await hub.execute(hub.token({ agency: 'POLICE-WYP', kind: 'POLICE', roles: ['SYSTEM'] }),
    `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { rejected } }`,
    { feed: 'POLICE', records: [{ type: 'person', person_ref: 'P-WYP-WEAK', names: [{ given: 'Zabihullah', family: 'Stanekzai', kind: 'ASSERTED' }], dob: '2009-03-04', dob_precision: 'DAY', sex: 'M', nationality: 'AFG' }] });
  await hub.execute(hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['SYSTEM'] }),
    `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { rejected } }`,
    { feed: 'LA_PERSON', records: [{ table: 'person', pers_person_id: 'C886-WEAK', pers_forename: 'Zabiullah', pers_surname: 'Stanikzai', pers_sex: 'M', pers_dob: '2011-01-01', pers_dob_precision: 'DAY', pers_nationality: 'AFG', pers_upn: '', pers_common_child_id: '' }] });
  const [row] = await hub.database.db.query<{ probability: number; grade: string }>(
    `select m.probability, m.grade from identity.match_suggestion m join identity.source_identity sa on sa.id = m.a join identity.source_identity sb on sb.id = m.b
      where m.status = 'OPEN' and array[sa.local_id, sb.local_id] @> array['C886-WEAK', 'P-WYP-WEAK']`);
  expect(row).toBeDefined();
  expect(row!.probability).toBeGreaterThanOrEqual(REVIEW_BAR);
  expect(row!.probability).toBeLessThan(0.5);
  const { nodes } = await queue();
  const weak = nodes.findIndex((n) => n.records.some((r) => r.localId === 'C886-WEAK') && n.records.some((r) => r.localId === 'P-WYP-WEAK'));
  expect(weak).toBeGreaterThanOrEqual(0);
  // Its grade tells the caseworker how weak it is.
  expect(nodes[weak]!.grade).toBe(row!.grade);
  expect(['CERTAIN', 'PROBABLE']).not.toContain(nodes[weak]!.grade);
});

test('UNSURE moves a suggestion from the open queue to the unsure one; DIFFERENT on an open one takes it out of the queue for good', async () => {
  const before = await queue();
  const [unsure, different] = before.nodes.filter((n) => n.persons.length === 2);
  expect((await decide(unsure!.id, 'UNSURE', 'cannot tell from the records; asked the police to check')).data!.decideSuggestion.status).toBe('UNSURE');
  expect((await decide(different!.id, 'DIFFERENT', 'two different children: the school confirmed both')).data!.decideSuggestion.status).toBe('DIFFERENT');
  const after = await queue();
  expect(after.openCount).toBe(before.openCount - 2);
  expect(after.nodes.map((n) => n.id)).not.toContain(unsure!.id);
  expect(after.nodes.map((n) => n.id)).not.toContain(different!.id);
  const r = await hub.execute<{ matchSuggestions: { totalCount: number; edges: { node: { id: string } }[] } }>(la886(), `{ matchSuggestions(status: UNSURE) { totalCount edges { node { id } } } }`);
  expect(r.data!.matchSuggestions.edges.map((e) => e.node.id)).toContain(unsure!.id);
  expect(r.data!.matchSuggestions.totalCount).toBeGreaterThanOrEqual(1);
});

test('undoing a merge gives the absorbed child back the children merged into it before: their old ids resolve to it again, not to the survivor', async () => {
  const officer = hub.token({ agency: 'POLICE-WYP', kind: 'POLICE', roles: ['OFFICER'], sub: 'pc-wyp' });
  const system = hub.token({ agency: 'POLICE-WYP', kind: 'POLICE', roles: ['SYSTEM'] });
  const person = (ref: string, given: string, dob: string) => ({ type: 'person', person_ref: ref, names: [{ given, family: 'Okonkwo', kind: 'ASSERTED' }], dob, dob_precision: 'DAY', sex: 'F', nationality: 'NGA' });
  const push = (records: unknown[]) => hub.execute(system, `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { rejected } }`, { feed: 'POLICE', records });
  // A's two records first (A is the older child), then B's and C's.
  await push([person('U-A1', 'Adaeze', '2011-02-03'), person('U-A2', 'Ada', '2011-02-03')]);
  await push([person('U-B', 'Chiamaka', '2012-07-08'), person('U-C', 'Chi', '2012-07-08')]);
  const id = async (ref: string) => (await hub.database.db.query<{ id: string }>(`select id from identity.source_identity where agency = 'POLICE-WYP' and local_id = $1`, [ref]))[0]!.id;
  const [a1, a2, b, c] = [await id('U-A1'), await id('U-A2'), await id('U-B'), await id('U-C')];
  const score = { weight: 5, probability: 0.97, grade: 'PROBABLE' as const, reasons: ['names agree'], contributions: [] };
  await writeSuggestions(hub.database.db, [{ a: a1, b: a2, score }, { a: b, b: c, score }, { a: a1, b, score }], 'test');
  const suggestion = async (x: string, y: string) => (await hub.database.db.query<{ id: string }>(`select id from identity.match_suggestion where a = least($1::uuid, $2::uuid) and b = greatest($1::uuid, $2::uuid)`, [x, y]))[0]!.id;
  const decideAs = async (sid: string, d: string, reason: string) => {
    const r = await hub.execute<{ decideSuggestion: { persons: { id: string }[] } }>(officer,
      `mutation ($id: ID!, $d: SuggestionDecision!, $r: String!) { decideSuggestion(id: $id, decision: $d, reason: $r) { persons { id } } }`, { id: sid, d, r: reason });
    expect(r.errors).toBeUndefined();
    return r.data!.decideSuggestion.persons.map((p) => p.id);
  };
  await decideAs(await suggestion(a1, a2), 'SAME', 'one girl: her mother confirmed the pet name');
  const before = { c: await personOf('POLICE-WYP', 'U-C') };
  const bChild = (await decideAs(await suggestion(b, c), 'SAME', 'one girl: her mother confirmed the pet name'))[0]!;
  const cChild = before.c === bChild ? await hub.database.db.query<{ id: string }>(`select id from identity.person where replaced_by = $1`, [bChild]).then((r) => r[0]!.id) : before.c;
  const aChild = (await decideAs(await suggestion(a1, b), 'SAME', 'the officer thought these were one girl'))[0]!;
  expect(aChild).not.toBe(bChild);
  const replacedBy = async (p: string) => (await hub.database.db.query<{ replaced_by: string | null }>(`select replaced_by from identity.person where id = $1`, [p]))[0]!.replaced_by;
  expect(await replacedBy(cChild)).toBe(aChild);
  await decideAs(await suggestion(a1, b), 'DIFFERENT', 'two sisters: the school knows both of them');
  expect(await replacedBy(bChild)).toBeNull();
  expect(await replacedBy(cChild)).toBe(bChild);
  const view = await hub.execute<{ person: { id: string } }>(officer, `query ($id: ID!) { person(id: $id) { id } }`, { id: cChild });
  expect(view.data!.person.id).toBe(bChild);
});

test('after the story, the queue kept in step with every write equals the queue rebuilt from scratch', async () => {
  const [{ n }] = (await hub.database.db.query<{ n: number }>(`select count(*)::int as n from identity.suggestion_queue`)) as [{ n: number }];
  expect(n).toBeGreaterThan(0);
  expect(await queueDrift(hub.database.db)).toEqual({ extra: 0, missing: 0, miscounted: 0 });
});
