/**
 * The DPO's list of match decisions (issue 25): on the demo data, LA-886's caseworkers merge,
 * undo, keep apart, stay unsure and split; the LA's DPO reads every one of them with its reason,
 * records, children and effect; the police force's DPO reads those about children it holds; nobody
 * else may ask. All values synthetic (the demo generator).
 */
import { BACKFILL } from '../migrations/1765500000000-judgement-effect';
import { loadDemo, startTestHub, type GraphQLResponse, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
  await loadDemo(hub);
}, 120_000);
afterAll(() => hub.close());

const caseworker = (sub = 'sw-886') => hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'], sub });
const dpo = (agency: string, kind: string, sub = `dpo-${agency}`) => hub.token({ agency, kind, roles: ['DPO'], sub });
const code = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions?.code;

interface Decision {
  id: string; at: string; sub: string; agency: string; decision: string; reason: string; effect: string;
  records: { id: string; agency: string; localId: string | null }[]; persons: { id: string; replacedBy: string | null }[];
}
interface Page { matchDecisions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: Decision }[] } }
const LIST = `query ($personId: ID, $sub: String, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  matchDecisions(personId: $personId, sub: $sub, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id at sub agency decision reason effect records { id agency localId } persons { id replacedBy } } } } }`;
const list = (token: string, variables: Record<string, unknown> = {}) => hub.execute<Page>(token, LIST, variables);
async function nodes(token: string, variables: Record<string, unknown> = {}): Promise<Decision[]> {
  const r = await list(token, variables);
  expect(r.errors).toBeUndefined();
  return r.data!.matchDecisions.edges.map((e) => e.node);
}

interface Suggestion { id: string; persons: { id: string }[]; records: { agency: string; localId: string | null }[] }
async function queue(): Promise<Suggestion[]> {
  const r = await hub.execute<{ matchSuggestions: { edges: { node: Suggestion }[] } }>(caseworker(), `{ matchSuggestions(first: 100) { edges { node { id persons { id } records { agency localId } } } } }`);
  expect(r.errors).toBeUndefined();
  return r.data!.matchSuggestions.edges.map((e) => e.node);
}
async function decide(id: string, decision: string, reason: string, sub = 'sw-886'): Promise<string[]> {
  const r = await hub.execute<{ decideSuggestion: { persons: { id: string }[] } }>(caseworker(sub),
    `mutation ($id: ID!, $d: SuggestionDecision!, $r: String!) { decideSuggestion(id: $id, decision: $d, reason: $r) { persons { id } } }`, { id, d: decision, r: reason });
  expect(r.errors).toBeUndefined();
  return r.data!.decideSuggestion.persons.map((p) => p.id);
}
const recordOf = async (agency: string, localId: string) =>
  (await hub.database.db.query<{ id: string; person_id: string }>(`select id, person_id from identity.source_identity where agency = $1 and local_id = $2`, [agency, localId]))[0]!;

const REASONS = {
  merge: 'same phone and fingerprints; police confirmed',
  other: 'same name, same date of birth, same carer',
  undo: 'the caseworker met both children: two brothers',
  apart: 'photograph shows another child entirely',
  unsure: 'photo too old to compare; asked the police',
  split: 'the police record is a cousin staying at the address',
};
let police: { agency: string; id: string };
let child0009: string;
let absorbed0009: string;
let start: Date;

beforeAll(async () => {
  start = new Date(Date.now() - 1000);
  // Child 0009: the LA's record and the police record are one child (SAME), then the police record is judged another child (a split).
  const open = await queue();
  const s0009 = open.find((s) => s.records.some((r) => r.localId === 'C886-0009') && s.records.some((r) => r.localId === 'P-0009'))!;
  expect(s0009).toBeDefined();
  police = { agency: s0009.records.find((r) => r.localId === 'P-0009')!.agency, id: (await recordOf(s0009.records.find((r) => r.localId === 'P-0009')!.agency, 'P-0009')).id };
  const la = await recordOf('LA-886', 'C886-0009');
  absorbed0009 = s0009.persons.map((p) => p.id).find((id) => id !== la.person_id)!;
  child0009 = (await decide(s0009.id, 'SAME', REASONS.merge))[0]!;
  // Three other pairs of children, none sharing a child with another or with 0009: one pair the force
  // holds no record of (merged, then undone), two it does (kept apart, left unsure). Chosen by what the
  // force holds, not by queue position: suggestions of equal probability come in no fixed order.
  const used = new Set(s0009.persons.map((p) => p.id));
  const heldByPolice = async (s: Suggestion) => (await hub.database.db.query(
    `select 1 from identity.source_identity where agency = $1 and person_id = any($2::uuid[]) and retracted_at is null limit 1`,
    [police.agency, s.persons.map((p) => p.id)])).length > 0;
  const pick: { merged?: Suggestion; held: Suggestion[] } = { held: [] };
  for (const s of await queue()) {
    if (pick.merged && pick.held.length === 2) break;
    if (s.persons.length !== 2 || s.persons.some((p) => used.has(p.id))) continue;
    const held = await heldByPolice(s);
    if (held ? pick.held.length === 2 : pick.merged) continue;
    s.persons.forEach((p) => used.add(p.id));
    if (held) pick.held.push(s); else pick.merged = s;
  }
  expect(pick.merged).toBeDefined();
  expect(pick.held).toHaveLength(2);
  const merged = pick.merged!;
  const [apart, unsure] = pick.held as [Suggestion, Suggestion];
  await decide(merged.id, 'SAME', REASONS.other);
  await decide(merged.id, 'DIFFERENT', REASONS.undo);
  await decide(apart.id, 'DIFFERENT', REASONS.apart, 'sw-886-b');
  await decide(unsure.id, 'UNSURE', REASONS.unsure);
  const split = await hub.execute(caseworker(), `mutation ($a: ID!, $b: ID!, $r: String!) { recordJudgement(a: $a, b: $b, judgement: NEGATIVE, reason: $r) { id } }`,
    { a: la.id, b: police.id, r: REASONS.split });
  expect(split.errors).toBeUndefined();
}, 60_000);

test('the LA’s DPO lists its users’ decisions newest first: who, agency, decision, reason, records, children and what each did', async () => {
  const response = await list(dpo('LA-886', 'CHILDRENS_SERVICES'));
  expect(response.errors).toBeUndefined();
  const all = response.data!.matchDecisions.edges.map((e) => e.node);
  expect(all.map((d) => [d.effect, d.decision, d.reason, d.sub, d.agency])).toEqual([
    ['SPLIT', 'DIFFERENT', REASONS.split, 'sw-886', 'LA-886'],
    ['NO_CHANGE', 'UNSURE', REASONS.unsure, 'sw-886', 'LA-886'],
    ['KEPT_APART', 'DIFFERENT', REASONS.apart, 'sw-886-b', 'LA-886'],
    ['UNDONE', 'DIFFERENT', REASONS.undo, 'sw-886', 'LA-886'],
    ['MERGED', 'SAME', REASONS.other, 'sw-886', 'LA-886'],
    ['MERGED', 'SAME', REASONS.merge, 'sw-886', 'LA-886'],
  ]);
  for (const d of all) {
    expect(d.records).toHaveLength(2);
    expect(new Date(d.at).getTime()).toBeGreaterThanOrEqual(start.getTime());
  }
  const [split, , , undone, remerged, merge] = all as [Decision, Decision, Decision, Decision, Decision, Decision];
  // The merge of 0009: the survivor first, and the child merged into it, which still points at it.
  // The records' facts are guarded as everywhere: the police record is another child's now, and its reference is the force's.
  expect(merge.records.map((r) => r.id).sort()).toEqual([(await recordOf('LA-886', 'C886-0009')).id, police.id].sort());
  const policeAt = merge.records.findIndex((r) => r.id === police.id);
  expect(merge.records[policeAt]).toEqual({ id: police.id, agency: police.agency, localId: null });
  expect(merge.records[1 - policeAt]!.localId).toBe('C886-0009');
  expect(response.extensions?.withheld).toEqual(expect.arrayContaining([
    expect.objectContaining({ path: ['matchDecisions', 'edges', 5, 'node', 'records', policeAt, 'localId'], category: 'IDENTIFIERS' })]));
  expect(merge.persons).toEqual([{ id: child0009, replacedBy: null }, { id: absorbed0009, replacedBy: child0009 }]);
  // The split: the LA's child, and the new child the police record left for.
  expect(split.records.map((r) => r.id).sort()).toEqual([(await recordOf('LA-886', 'C886-0009')).id, police.id].sort());
  expect(split.persons[0]).toEqual({ id: child0009, replacedBy: null });
  expect(split.persons[1]!.id).toBe((await recordOf(police.agency, 'P-0009')).person_id);
  // The undo concerned the two children the merge did; both have their own ids again.
  expect(undone.persons.map((p) => p.id)).toEqual(remerged.persons.map((p) => p.id));
  expect(undone.persons.every((p) => p.replacedBy === null)).toBe(true);
});

test('another agency’s DPO sees the decisions about children it holds a record of, with the records’ facts guarded and audited; a DPO of an agency with neither sees none', async () => {
  const token = dpo(police.agency, 'POLICE', 'dpo-police');
  const seen = await nodes(token);
  // The force holds the records of 0009 and of the children kept apart and left unsure, but none of the pair merged and undone.
  expect(seen.map((d) => d.reason)).toEqual([REASONS.split, REASONS.unsure, REASONS.apart, REASONS.merge]);
  const undone = (await nodes(dpo('LA-886', 'CHILDRENS_SERVICES'))).find((d) => d.effect === 'UNDONE')!;
  const held = await hub.database.db.query(`select 1 from identity.source_identity where agency = $1 and person_id = any($2::uuid[])`, [police.agency, undone.persons.map((p) => p.id)]);
  expect(held).toEqual([]);
  // Each record's localId was decided by the access rules and audited at its path under matchDecisions.
  const [audited] = await hub.database.db.query<{ n: number }>(
    `select count(*)::int as n from audit.event where sub = 'dpo-police' and category = 'IDENTIFIERS' and paths like '%"matchDecisions","edges",%"records",%"localId"%'`);
  expect(audited!.n).toBeGreaterThan(0);
  const stranger = await list(dpo('LA-999', 'CHILDRENS_SERVICES'));
  expect(stranger.errors).toBeUndefined();
  expect(stranger.data!.matchDecisions).toMatchObject({ totalCount: 0, edges: [] });
});

test('personId, sub, from and to narrow the list; pages follow one another without a repeat', async () => {
  const token = dpo('LA-886', 'CHILDRENS_SERVICES');
  // A merged-away id stands for its survivor; a decision counts while either record or a child it concerned is that child's.
  expect((await nodes(token, { personId: absorbed0009 })).map((d) => d.effect)).toEqual(['SPLIT', 'MERGED']);
  expect((await nodes(token, { personId: child0009 })).map((d) => d.effect)).toEqual(['SPLIT', 'MERGED']);
  expect((await nodes(token, { sub: 'sw-886-b' })).map((d) => d.effect)).toEqual(['KEPT_APART']);
  expect(await nodes(token, { from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
  expect(await nodes(token, { to: start.toISOString() })).toEqual([]);
  expect((await nodes(token, { from: start.toISOString(), to: new Date().toISOString() })).length).toBe(6);
  expect(await nodes(token, { personId: '00000000-0000-4000-8000-000000000000' })).toEqual([]);

  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 4; pages++) {
    const r: GraphQLResponse<Page> = await list(token, { first: 4, after });
    expect(r.errors).toBeUndefined();
    const { edges, pageInfo, totalCount } = r.data!.matchDecisions;
    expect(totalCount).toBe(6);
    ids.push(...edges.map((e) => e.node.id));
    if (!pageInfo.hasNextPage) break;
    after = pageInfo.endCursor;
  }
  expect(ids).toHaveLength(6);
  expect(new Set(ids).size).toBe(6);
});

test('an alert answered "not this child" is listed as a keep-apart', async () => {
  const alerts = await hub.execute<{ matchAlerts: { edges: { node: { id: string } }[] } }>(caseworker(), `{ matchAlerts(status: OPEN, first: 1) { edges { node { id } } } }`);
  const id = alerts.data!.matchAlerts.edges[0]!.node.id;
  const rejected = await hub.execute(caseworker('sw-886-c'), `mutation ($id: ID!) { rejectMatchAlert(id: $id, reason: "the found child is older and taller") { status } }`, { id });
  expect(rejected.errors).toBeUndefined();
  const [decision] = await nodes(dpo('LA-886', 'CHILDRENS_SERVICES'), { sub: 'sw-886-c' });
  expect(decision).toMatchObject({ effect: 'KEPT_APART', decision: 'DIFFERENT', reason: 'the found child is older and taller', agency: 'LA-886' });
  expect(decision!.persons).toHaveLength(2);
  expect(decision!.records).toHaveLength(2);
});

test('only a DPO acting as its own agency may ask: FORBIDDEN for a caseworker and for an LA’s education service', async () => {
  for (const token of [caseworker(), hub.token({ agency: 'LA-886', kind: 'EDUCATION', roles: ['DPO'] }), hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['ANALYST'] })]) {
    const r = await list(token);
    expect(code(r)).toBe('FORBIDDEN');
    expect(r.data ?? null).toBeNull();
  }
});

test.each([
  ['to', { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, /^matchDecisions\(to\): 2026-03-01T00:00:00.000Z is before from/],
  ['first', { first: 0 }, /^matchDecisions\(first\): must be between 1 and 200, received 0$/],
  ['first', { first: 201 }, /^matchDecisions\(first\): must be between 1 and 200, received 201$/],
  ['after', { after: 'not-a-cursor' }, /^matchDecisions\(after\): not a cursor this list gave$/],
  ['after', { after: Buffer.from('99999999999999999999').toString('base64url') }, /^matchDecisions\(after\): not a cursor this list gave$/],
  ['personId', { personId: 'C886-0009' }, /^matchDecisions\(personId\): "C886-0009" is not a person id$/],
  ['sub', { sub: '  ' }, /^matchDecisions\(sub\): /],
])('a mistake in %s is BAD_USER_INPUT naming it', async (argument, variables, message) => {
  const r = await list(dpo('LA-886', 'CHILDRENS_SERVICES'), variables);
  expect(code(r)).toBe('BAD_USER_INPUT');
  expect(r.errors![0]!.extensions!.argument).toBe(argument);
  expect(r.errors![0]!.message).toMatch(message);
});

test('judgements recorded before effects were kept are read back from the person events the same', async () => {
  const db = hub.database.db;
  const kept = await db.query<{ id: string; effect: string; persons: string[] }>(`select id::text, effect, persons from identity.judgement order by id`);
  expect(kept.map((k) => k.effect).sort()).toEqual(['KEPT_APART', 'KEPT_APART', 'MERGED', 'MERGED', 'NO_CHANGE', 'SPLIT', 'UNDONE']);
  await hub.owner.db.query(`update identity.judgement set effect = null, persons = null`);
  await hub.owner.db.query(BACKFILL);
  const derived = await db.query<{ id: string; effect: string; persons: string[] | null }>(`select id::text, effect, persons from identity.judgement order by id`);
  expect(derived.map((d) => d.effect)).toEqual(kept.map((k) => k.effect));
  // Children for a merge, split or undo; the others' are read from their records now.
  derived.forEach((d, i) => {
    if (['MERGED', 'SPLIT', 'UNDONE'].includes(d.effect)) expect([...d.persons!].sort()).toEqual([...kept[i]!.persons].sort());
  });
});
