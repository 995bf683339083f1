/**
 * What the console lists across children (issue 25): the children missing now for the viewer's
 * agency (its own records, and the national picture the agreement and the missing-child rule give
 * its kind), its strategy actions due, and a status change on an action. All values invented.
 */
import type { Db } from '../src/db';
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub';

let hub: TestHub;
const child: Record<string, string> = {};

async function insertChild(db: Db, agency: string, local: string, given: string): Promise<{ person: string; si: string }> {
  const [person] = await db.query<{ id: string }>('insert into identity.person default values returning id');
  const [si] = await db.query<{ id: string }>(`insert into identity.source_identity (person_id, agency, feed, local_id) values ($1, $2, 'test', $3) returning id`, [person!.id, agency, local]);
  await db.query(`insert into identity.name (source_identity_id, kind, given, family, ordinal) values ($1, 'ASSERTED', $2, 'Testchild', 0)`, [si!.id, given]);
  return { person: person!.id, si: si!.id };
}

async function addRecord(db: Db, person: string, agency: string, local: string): Promise<string> {
  const [si] = await db.query<{ id: string }>(`insert into identity.source_identity (person_id, agency, feed, local_id) values ($1, $2, 'test', $3) returning id`, [person, agency, local]);
  return si!.id;
}

const episode = (db: Db, si: string, agency: string, key: string, startedAgo: string, risk: string | null, ended = false) =>
  db.query(`insert into care.missing_episode (source_identity_id, agency, local_key, kind, started_at, ended_at, risk_level) values ($1, $2, $3, 'MISSING', now() - $4::interval, $5, $6)`,
    [si, agency, key, startedAgo, ended ? new Date() : null, risk]);

async function report(db: Db, si: string, agency: string, ref: string, lastSeenAgo: string, risk: string | null): Promise<void> {
  const [r] = await db.query<{ id: string }>(`insert into police.missing_report (source_identity_id, agency, report_ref, reported_at, last_seen_at) values ($1, $2, $3, now() - $4::interval + interval '2 hours', now() - $4::interval) returning id`, [si, agency, ref, lastSeenAgo]);
  if (risk) {
    await db.query(`insert into police.risk_grading (missing_report_id, level, graded_at) values ($1, 'LOW', now() - $2::interval + interval '3 hours'), ($1, $3, now() - $2::interval + interval '4 hours')`, [r!.id, lastSeenAgo, risk]);
  }
}

/**
 * A: LA-213's, HIGH, missing 2 days. H: POLICE-MPS's, MEDIUM, 8 days. B: POLICE-MPS's, MEDIUM (re-graded from
 * LOW), 5 days. C: LA-886's ungraded episode and POLICE-KENT's LOW report, 1 day. G: LA-886's, ungraded, 10 days.
 * Not missing now: D (LA-213, returned), F (LA-213, an episode dated tomorrow).
 */
beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  const a = await insertChild(db, 'LA-213', 'C213-A', 'Amanuel');
  await episode(db, a.si, 'LA-213', 'mA', '2 days', 'HIGH');
  const h = await insertChild(db, 'POLICE-MPS', 'MPS-H', 'Hagos');
  await report(db, h.si, 'POLICE-MPS', 'RH', '8 days', 'MEDIUM');
  const b = await insertChild(db, 'POLICE-MPS', 'MPS-B', 'Berhane');
  await report(db, b.si, 'POLICE-MPS', 'RB', '5 days', 'MEDIUM');
  const c = await insertChild(db, 'LA-886', 'C886-C', 'Cheng');
  await episode(db, c.si, 'LA-886', 'mC', '1 day', null);
  await report(db, await addRecord(db, c.person, 'POLICE-KENT', 'KENT-C'), 'POLICE-KENT', 'RC', '1 day 1 hour', 'LOW');
  const g = await insertChild(db, 'LA-886', 'C886-G', 'Goitom');
  await episode(db, g.si, 'LA-886', 'mG', '10 days', null);
  const d = await insertChild(db, 'LA-213', 'C213-D', 'Dawit');
  await episode(db, d.si, 'LA-213', 'mD', '20 days', 'HIGH', true);
  const f = await insertChild(db, 'LA-213', 'C213-F', 'Fikre');
  await episode(db, f.si, 'LA-213', 'mF', '-1 day', 'HIGH');
  Object.assign(child, { A: a.person, H: h.person, B: b.person, C: c.person, G: g.person, D: d.person, F: f.person });
});
afterAll(() => hub.close());

const token = (agency: string, kind: string, roles = ['CASEWORKER'], sub = 'test-user') => hub.token({ agency, kind, roles, sub });
const la213 = (roles = ['CASEWORKER']) => token('LA-213', 'CHILDRENS_SERVICES', roles, 'sw-213');
const code = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions?.code;
const nameOf = (id: string) => Object.entries(child).find(([, v]) => v === id)?.[0] ?? id;

interface Node { person: { id: string; identities?: { agency: string; names: { given: string }[] | null }[] }; startedAt: string; agency: string; agencies: string[]; riskLevel: string | null; ownRecord: boolean }
interface Missing { missingNow: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: Node }[] } }
const MISSING = `query ($first: Int, $after: String) { missingNow(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { person { id } startedAt agency agencies riskLevel ownRecord } } } }`;

async function missing(t: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<Missing>> {
  return hub.execute<Missing>(t, MISSING, variables);
}
const names = (r: GraphQLResponse<Missing>) => r.data!.missingNow.edges.map((e) => nameOf(e.node.person.id));

describe('missingNow', () => {
  test('an LA sees its own missing children and the national picture, highest risk first, then missing longest', async () => {
    const r = await missing(la213());
    expect(r.errors).toBeUndefined();
    expect(names(r)).toEqual(['A', 'H', 'B', 'C', 'G']);
    const nodes = Object.fromEntries(r.data!.missingNow.edges.map((e) => [nameOf(e.node.person.id), e.node]));
    expect(nodes.A).toMatchObject({ agency: 'LA-213', agencies: ['LA-213'], riskLevel: 'HIGH', ownRecord: true });
    expect(nodes.B).toMatchObject({ agency: 'POLICE-MPS', riskLevel: 'MEDIUM', ownRecord: false });
    // Two records of one child: one item, the earliest start, the highest grading of either.
    expect(nodes.C).toMatchObject({ agency: 'POLICE-KENT', agencies: ['LA-886', 'POLICE-KENT'], riskLevel: 'LOW', ownRecord: false });
    expect(nodes.G).toMatchObject({ riskLevel: null });
    expect(r.data!.missingNow.totalCount).toBe(5);
  });

  test('the person is the Person entity: identity fields come through their own guards', async () => {
    const r = await hub.execute<Missing>(token('POLICE-KENT', 'POLICE', ['OFFICER']), `{ missingNow { edges { node { ownRecord person { id identities { agency names { given } } } } } } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.missingNow.edges.find((e) => e.node.person.id === child.C)!.node;
    expect(c.ownRecord).toBe(true);
    expect(c.person.identities!.find((i) => i.agency === 'LA-886')!.names).toEqual([{ given: 'Cheng' }]);
  });

  test('pages with cursors; a bad first or after is BAD_USER_INPUT naming the argument', async () => {
    const one = await missing(la213(), { first: 2 });
    expect(names(one)).toEqual(['A', 'H']);
    expect(one.data!.missingNow.pageInfo.hasNextPage).toBe(true);
    const two = await missing(la213(), { first: 2, after: one.data!.missingNow.pageInfo.endCursor });
    expect(names(two)).toEqual(['B', 'C']);
    const three = await missing(la213(), { first: 2, after: two.data!.missingNow.pageInfo.endCursor });
    expect(names(three)).toEqual(['G']);
    expect(three.data!.missingNow.pageInfo.hasNextPage).toBe(false);
    for (const [variables, argument] of [[{ first: 0 }, 'first'], [{ first: 201 }, 'first'], [{ after: '!!not a cursor' }, 'after']] as const) {
      const bad = await missing(la213(), variables);
      expect(bad.errors?.[0]).toMatchObject({ message: expect.stringContaining(`missingNow(${argument})`), extensions: { code: 'BAD_USER_INPUT', argument } });
    }
  });

  test('kinds the agreement does not release MISSING to see only their own, until a basis releases a child', async () => {
    // Health and the Home Office: MISSING needs a basis, and the missing-child rule is for the searching agencies.
    expect(names(await missing(token('NHS-RJ1', 'HEALTH')))).toEqual([]);
    expect(names(await missing(token('HO', 'IMMIGRATION', ['OFFICER'])))).toEqual([]);
    // The NCA's UK Missing Persons Unit: the agreement releases MISSING.
    expect(names(await missing(token('NCA', 'NCA', ['ANALYST'])))).toEqual(['A', 'H', 'B', 'C', 'G']);
    const declared = await hub.execute(token('NHS-RJ1', 'HEALTH'), `mutation ($input: JustificationInput!) { declareSafeguardingJustification(input: $input) { id } }`, {
      input: { personId: child.B, categories: ['MISSING'], statutoryBasis: 'CHILDREN_ACT_1989_S47', reason: 'Admitted to A&E; we need to know whether this child is reported missing now.' },
    });
    expect(declared.errors).toBeUndefined();
    const r = await missing(token('NHS-RJ1', 'HEALTH'));
    expect(names(r)).toEqual(['B']);
    expect(r.extensions?.breakGlass).toEqual([expect.objectContaining({ path: ['missingNow', 'edges', 0, 'node'], category: 'MISSING' })]);
  });

  test('a DPO and an agency system get what the agreement gives them: their own agency’s records only', async () => {
    const dpo = await missing(la213(['DPO']));
    expect(names(dpo)).toEqual(['A']);
    expect(names(await missing(token('POLICE-MPS', 'POLICE', ['SYSTEM'])))).toEqual(['H', 'B']);
    // An LA's education service holds no records as its own, and MISSING is the agreement's to give.
    const education = await missing(token('LA-213', 'EDUCATION'));
    expect(education.errors).toBeUndefined();
    expect(names(education)).not.toContain('D');
  });

  test('what reaches the client is audited at its path; nothing about a child left out', async () => {
    const r = await missing(token('POLICE-MPS', 'POLICE', ['OFFICER']), { first: 2 });
    expect(names(r)).toEqual(['A', 'H']);
    const events = await hub.database.db.query<{ person_id: string; category: string; outcome: string; basis_kind: string; paths: string }>(
      `select person_id, category, outcome, basis_kind, paths from audit.event where request_id = $1 order by paths`, [r.extensions!.requestId]);
    expect(events).toEqual([
      { person_id: child.A, category: 'MISSING', outcome: 'RELEASED', basis_kind: 'AGREEMENT', paths: '[["missingNow","edges",0,"node"]]' },
      { person_id: child.H, category: 'MISSING', outcome: 'RELEASED', basis_kind: 'OWN_AGENCY', paths: '[["missingNow","edges",1,"node"]]' },
    ]);
  });
});

describe('actionsDue and updateAction', () => {
  const ids: Record<string, string> = {};
  const today = new Date();
  const day = (n: number) => new Date(today.getTime() + n * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    const convened = await hub.execute<{ conveneStrategyDiscussion: { id: string } }>(la213(), `mutation ($input: StrategyDiscussionInput!) { conveneStrategyDiscussion(input: $input) { id } }`, {
      input: { personId: child.A, agencies: ['POLICE-MPS'], heldOn: day(0), decisions: ['Section 47 enquiry'] },
    });
    expect(convened.errors).toBeUndefined();
    ids.discussion = convened.data!.conveneStrategyDiscussion.id;
    const actions: [string, string, string, string?][] = [
      ['overdue', 'LA-213', day(-1)], ['soon', 'LA-213', day(10)], ['later', 'LA-213', day(30)], ['police', 'POLICE-MPS', day(3)],
      ['done', 'LA-213', day(-2), 'DONE'], ['kent', 'POLICE-KENT', day(2)],
    ];
    for (const [key, ownerAgency, dueOn, status] of actions) {
      const r = await hub.execute<{ recordAction: { id: string } }>(la213(), `mutation ($id: ID!, $input: ActionInput!) { recordAction(discussionId: $id, input: $input) { id } }`, {
        id: ids.discussion, input: { description: `Action ${key}`, ownerAgency, dueOn, status: status ?? 'OPEN' },
      });
      expect(r.errors).toBeUndefined();
      ids[key] = r.data!.recordAction.id;
    }
  });

  interface Due { actionsDue: { personId: string; person: { id: string }; action: { id: string; description: string; dueOn: string; overdue: boolean }; discussion: { id: string; decisions: string[] } | null }[] }
  const DUE = `query ($w: Int, $f: Int) { actionsDue(withinDays: $w, first: $f) { personId person { id } action { id description dueOn overdue } discussion { id decisions } } }`;
  const due = (t: string, variables: Record<string, unknown> = {}) => hub.execute<Due>(t, DUE, variables);

  test('lists the open actions the caller’s agency owns, overdue or due within the window, soonest first, with discussion and child', async () => {
    const r = await due(la213());
    expect(r.errors).toBeUndefined();
    expect(r.data!.actionsDue.map((a) => a.action.description)).toEqual(['Action overdue', 'Action soon']);
    expect(r.data!.actionsDue[0]).toMatchObject({ personId: child.A, person: { id: child.A }, action: { overdue: true, dueOn: day(-1) }, discussion: { id: ids.discussion, decisions: ['Section 47 enquiry'] } });
    expect((await due(la213(), { w: 40 })).data!.actionsDue.map((a) => a.action.description)).toEqual(['Action overdue', 'Action soon', 'Action later']);
    expect((await due(la213(), { w: 40, f: 1 })).data!.actionsDue).toHaveLength(1);
    expect((await due(token('POLICE-MPS', 'POLICE', ['OFFICER']))).data!.actionsDue.map((a) => a.action.description)).toEqual(['Action police']);
    // An LA's education service acts for no agency of its own.
    expect((await due(token('LA-213', 'EDUCATION'))).data!.actionsDue).toEqual([]);
  });

  test('an action owner that did not take part sees the action; the discussion only as the agreement allows', async () => {
    const r = await due(token('POLICE-KENT', 'POLICE', ['OFFICER']));
    expect(r.errors).toBeUndefined();
    expect(r.data!.actionsDue).toEqual([expect.objectContaining({ action: expect.objectContaining({ description: 'Action kent' }), discussion: null })]);
    expect(r.extensions?.withheld).toEqual([{ path: ['actionsDue', 0, 'discussion'], category: 'CARE_PLAN', releasableWith: ['CONSENT', 'JUSTIFICATION'] }]);
  });

  test.each([[-1], [367], [100000]])('withinDays %s is BAD_USER_INPUT naming the argument', async (w) => {
    const r = await due(la213(), { w });
    expect(r.errors?.[0]).toMatchObject({ message: expect.stringContaining('actionsDue(withinDays)'), extensions: { code: 'BAD_USER_INPUT', argument: 'withinDays' } });
  });

  test('first out of range is BAD_USER_INPUT naming it', async () => {
    const r = await due(la213(), { f: 0 });
    expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  });

  const UPDATE = `mutation ($id: ID!, $s: ActionStatus!, $n: String) { updateAction(id: $id, status: $s, note: $n) { id status note updatedBy overdue } }`;
  const update = (t: string, id: string, s: string, n?: string) => hub.execute<{ updateAction: { id: string; status: string; note: string | null; updatedBy: string } }>(t, UPDATE, { id, s, n });
  const stateOf = async (id: string) => (await hub.database.db.query<{ status: string; n: number }>(`select status, (select count(*)::int from safeguarding.action_update u where u.action_id = a.id) as n from safeguarding.strategy_action a where id = $1`, [id]))[0];

  test('only a practitioner of the owner agency or the convening agency may change an action; anyone else is FORBIDDEN and nothing is written', async () => {
    // A participant that neither owns the action nor convened.
    const participant = await update(token('POLICE-MPS', 'POLICE', ['OFFICER']), ids.overdue!, 'DONE');
    expect(code(participant)).toBe('FORBIDDEN');
    // The owner agency's DPO is no practitioner.
    expect(code(await update(la213(['DPO']), ids.overdue!, 'DONE'))).toBe('FORBIDDEN');
    expect(code(await update(token('NHS-RJ1', 'HEALTH'), ids.overdue!, 'CANCELLED'))).toBe('FORBIDDEN');
    expect(await stateOf(ids.overdue!)).toEqual({ status: 'OPEN', n: 0 });
    expect(code(await update(la213(), '00000000-0000-4000-8000-000000000000', 'DONE'))).toBe('NOT_FOUND');
    expect(code(await update(la213(), 'not-an-id', 'DONE'))).toBe('NOT_FOUND');
    const long = await update(la213(), ids.overdue!, 'DONE', 'x'.repeat(2001));
    expect(long.errors?.[0]).toMatchObject({ message: expect.stringContaining('updateAction(note)'), extensions: { code: 'BAD_USER_INPUT', argument: 'note' } });
    expect(await stateOf(ids.overdue!)).toEqual({ status: 'OPEN', n: 0 });
  });

  test('the owner changes its action and the convener changes another’s, each change kept with its note and audited like recordAction', async () => {
    const owner = await update(token('POLICE-KENT', 'POLICE', ['OFFICER'], 'pc-kent'), ids.kent!, 'DONE', ' Circulated on PNC ');
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.updateAction).toMatchObject({ status: 'DONE', note: 'Circulated on PNC', updatedBy: 'pc-kent (POLICE-KENT)' });
    const convener = await update(la213(), ids.police!, 'CANCELLED', 'Superseded by the new plan');
    expect(convener.data!.updateAction).toMatchObject({ status: 'CANCELLED', note: 'Superseded by the new plan', updatedBy: 'sw-213 (LA-213)' });
    const audited = await hub.database.db.query(`select person_id, category, outcome, paths from audit.event where request_id = $1`, [convener.extensions!.requestId]);
    expect(audited).toEqual([{ person_id: child.A, category: 'CARE_PLAN', outcome: 'RECORDED', paths: '[["updateAction"]]' }]);
    expect(await stateOf(ids.police!)).toEqual({ status: 'CANCELLED', n: 1 });
    // No longer open: off the due lists.
    expect((await due(token('POLICE-MPS', 'POLICE', ['OFFICER']))).data!.actionsDue).toEqual([]);
    expect((await due(token('POLICE-KENT', 'POLICE', ['OFFICER']))).data!.actionsDue).toEqual([]);
  });
});

describe('the DPO’s audit lists by period', () => {
  interface Page { totalCount: number; edges: { node: { at: string; sub: string } }[] }
  const TRAIL = `query ($id: ID!, $from: DateTime, $to: DateTime) { auditTrail(personId: $id, first: 200, from: $from, to: $to) { totalCount edges { node { at sub } } } }`;
  const BY = `query ($from: DateTime, $to: DateTime) { accessBy(sub: "sw-213", first: 200, from: $from, to: $to) { totalCount edges { node { at sub } } } }`;

  test('auditTrail and accessBy take from and to; a range ending before it starts is BAD_USER_INPUT naming to', async () => {
    const dpo = la213(['DPO']);
    const all = await hub.execute<{ auditTrail: Page }>(dpo, TRAIL, { id: child.A });
    expect(all.errors).toBeUndefined();
    expect(all.data!.auditTrail.totalCount).toBeGreaterThan(0);
    const mark = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await missing(la213());
    const since = await hub.execute<{ auditTrail: Page }>(dpo, TRAIL, { id: child.A, from: mark.toISOString() });
    expect(since.data!.auditTrail.totalCount).toBeGreaterThan(0);
    expect(since.data!.auditTrail.edges.every((e) => new Date(e.node.at).getTime() >= mark.getTime())).toBe(true);
    const before = await hub.execute<{ auditTrail: Page }>(dpo, TRAIL, { id: child.A, to: mark.toISOString() });
    expect(before.data!.auditTrail.totalCount).toBe(all.data!.auditTrail.totalCount);
    const by = await hub.execute<{ accessBy: Page }>(dpo, BY, { from: mark.toISOString() });
    expect(by.errors).toBeUndefined();
    expect(by.data!.accessBy.totalCount).toBeGreaterThan(0);
    expect(by.data!.accessBy.edges.every((e) => e.node.sub === 'sw-213' && new Date(e.node.at).getTime() >= mark.getTime())).toBe(true);
    expect((await hub.execute<{ accessBy: Page }>(dpo, BY, { to: new Date(0).toISOString() })).data!.accessBy.totalCount).toBe(0);
    for (const [q, vars] of [[TRAIL, { id: child.A }], [BY, {}]] as const) {
      const reversed = await hub.execute(dpo, q, { ...vars, from: mark.toISOString(), to: new Date(mark.getTime() - 1000).toISOString() });
      expect(reversed.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^(auditTrail|accessBy)\(to\): /), extensions: { code: 'BAD_USER_INPUT', argument: 'to' } });
    }
  });
});
