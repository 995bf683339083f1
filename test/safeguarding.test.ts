/**
 * The strategy-discussion view of one child across agencies: plan readiness (present, missing,
 * declined, or present-but-withheld), risk signals computed from the records, the chronology and
 * the discussions with their actions — each viewer seeing what the agreement allows.
 */
import type { Db } from '../src/db';
import { ensureRenderTools, renderToPdfText } from './support/chromium';
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub';

let hub: TestHub;
let personId: string;

/**
 * Arrived at Dover ten days ago, accommodated the next day, missing 48 hours later and still
 * missing; found in custody yesterday by another force under another name; asylum refused; 18 in
 * a month; age disputed; no NRM referral, no UKMPU notification. All values invented.
 */
async function insertStoryChild(db: Db): Promise<string> {
  const [person] = await db.query<{ id: string }>('insert into identity.person default values returning id');
  const id = person!.id;
  const si: Record<string, string> = {};
  for (const [agency, local, given] of [['LA-213', 'C213-9', 'Dawit'], ['POLICE-KENT', 'KENT-77', 'David'], ['HO', 'HO-B99', 'Dawit']] as const) {
    const [row] = await db.query<{ id: string }>(`insert into identity.source_identity (person_id, agency, feed, local_id, sex, nationality) values ($1, $2, 'test', $3, 'MALE', 'ERI') returning id`, [id, agency, local]);
    si[agency] = row!.id;
    await db.query(`insert into identity.name (source_identity_id, kind, given, family, ordinal) values ($1, 'ASSERTED', $2, 'Tesfay', 0)`, [row!.id, given]);
    await db.query(`insert into identity.birth_date (source_identity_id, value, precision, basis) values ($1, (current_date - interval '18 years' + interval '30 days')::date, 'DAY', 'CLAIMED')`, [row!.id]);
  }
  await db.query(`insert into identity.biometric_reference (source_identity_id, modality, repository, reference) values ($1, 'FINGERPRINT', 'IABS', 'IABS-1')`, [si.HO]);
  await db.query(`insert into immigration.encounter (source_identity_id, agency, encounter_ref, at, kind, location, unaccompanied, border_flag_set) values ($1, 'HO', 'E1', now() - interval '10 days', 'PORT_ARRIVAL', 'Dover', true, true)`, [si.HO]);
  await db.query(`insert into immigration.asylum_status (source_identity_id, agency, status, claimed_at, decided_at) values ($1, 'HO', 'REFUSED', current_date - 9, current_date - 5)`, [si.HO]);
  await db.query(`insert into immigration.age_dispute (source_identity_id, agency, status) values ($1, 'HO', 'DISPUTED')`, [si.HO]);
  await db.query(`insert into care.placement (source_identity_id, agency, local_key, placement_type, started_on, postcode) values ($1, 'LA-213', 'p9', 'U1', current_date - 9, 'CT16 1AA')`, [si['LA-213']]);
  await db.query(`insert into care.missing_episode (source_identity_id, agency, local_key, kind, started_at) values ($1, 'LA-213', 'm9', 'MISSING', (current_date - 9)::timestamptz + interval '48 hours')`, [si['LA-213']]);
  await db.query(`insert into care.plan_item (source_identity_id, agency, local_key, item, status, recorded_at) values ($1, 'LA-213', 'i1', 'ROLES_EXPLAINED', 'DONE', now() - interval '8 days'), ($1, 'LA-213', 'i2', 'PHOTOGRAPH', 'DECLINED', now() - interval '8 days')`, [si['LA-213']]);
  await db.query(`insert into police.custody (source_identity_id, agency, custody_ref, arrested_at, offence, location) values ($1, 'POLICE-KENT', 'K1', now() - interval '1 day', 'cultivation of cannabis', 'Maidstone')`, [si['POLICE-KENT']]);
  return id;
}

const VIEW = `query ($id: ID!) { person(id: $id) { safeguarding {
  planReadiness { kind status agency recordedAt }
  riskSignals { kind since detail }
  chronology { kind agency category record at }
  discussions { id convenedBy agencies ownershipAgency decisions actions { description ownerAgency status overdue } }
  withheldCategories
} } }`;

interface View {
  person: { safeguarding: {
    planReadiness: { kind: string; status: string; agency: string | null; recordedAt: string | null }[];
    riskSignals: { kind: string; detail: string }[];
    chronology: { kind: string; agency: string; category: string; record: string }[];
    discussions: { id: string; agencies: string[]; ownershipAgency: string | null; decisions: string[]; actions: { description: string; status: string; overdue: boolean }[] }[];
    withheldCategories: string[];
  } };
}

const token = (agency: string, kind: string, roles = ['CASEWORKER']) => hub.token({ agency, kind, roles });
const la = () => token('LA-213', 'CHILDRENS_SERVICES', ['MASH_COORDINATOR']);
const police = () => token('POLICE-KENT', 'POLICE', ['OFFICER']);
const health = () => token('NHS-RJ1', 'HEALTH');

async function view(t: string): Promise<View['person']['safeguarding']> {
  const r: GraphQLResponse<View> = await hub.execute<View>(t, VIEW, { id: personId });
  expect(r.errors).toBeUndefined();
  return r.data!.person.safeguarding;
}
const item = (v: View['person']['safeguarding'], kind: string) => v.planReadiness.find((p) => p.kind === kind)!;
const kinds = (xs: { kind: string }[]) => xs.map((x) => x.kind).sort();

beforeAll(async () => {
  hub = await startTestHub();
  personId = await insertStoryChild(hub.database.db);
});
afterAll(() => hub.close());

test('plan readiness draws on every agency’s records, and shows what is missing', async () => {
  const v = await view(la());
  expect(v.planReadiness).toHaveLength(17);
  expect(item(v, 'FINGERPRINTS')).toMatchObject({ status: 'PRESENT', agency: 'HO' });
  expect(item(v, 'UKVI_INFORMED')).toMatchObject({ status: 'PRESENT', agency: 'HO' });
  expect(item(v, 'ROLES_EXPLAINED')).toMatchObject({ status: 'PRESENT', agency: 'LA-213' });
  expect(item(v, 'PHOTOGRAPH')).toMatchObject({ status: 'DECLINED', agency: 'LA-213' });
  expect(item(v, 'NRM_REFERRAL')).toMatchObject({ status: 'MISSING', agency: null });
  expect(item(v, 'NCA_INFORMED')).toMatchObject({ status: 'MISSING' });
  expect(item(v, 'AGE_ASSESSMENT')).toMatchObject({ status: 'MISSING' });
  // The source's date, never when harbour imported the record: the LA recorded it 8 days ago; the
  // Home Office gave no date for its fingerprint reference.
  expect(Date.now() - Date.parse(item(v, 'ROLES_EXPLAINED').recordedAt!)).toBeGreaterThan(7.9 * 86_400_000);
  expect(item(v, 'FINGERPRINTS').recordedAt).toBeNull();
  expect(item(v, 'UKVI_INFORMED').recordedAt).not.toBeNull();
});

test('an item the viewer may not see is present-but-withheld, never missing', async () => {
  const v = await view(health());
  expect(item(v, 'FINGERPRINTS')).toEqual({ kind: 'FINGERPRINTS', status: 'WITHHELD', agency: null, recordedAt: null });
  expect(item(v, 'UKVI_INFORMED')).toMatchObject({ status: 'WITHHELD', agency: null });
  expect(item(v, 'NRM_REFERRAL')).toMatchObject({ status: 'MISSING' });
  expect(v.withheldCategories).toEqual(expect.arrayContaining(['BIOMETRIC_REFS', 'IMMIGRATION', 'LOCATION', 'CRIMINAL']));
});

test('risk signals are computed from the records, each shown only to a viewer who may see what it comes from', async () => {
  const forLa = await view(la());
  expect(kinds(forLa.riskSignals)).toEqual(['CURRENTLY_MISSING', 'MISSING_WITHIN_72H_OF_ACCOMMODATION', 'NEGATIVE_ASYLUM_DECISION', 'TURNING_18_SOON', 'UKMPU_NOT_NOTIFIED']);
  expect(forLa.riskSignals.find((s) => s.kind === 'MISSING_WITHIN_72H_OF_ACCOMMODATION')!.detail).toBe('went missing 48 hours after first being accommodated');
  expect(forLa.riskSignals.find((s) => s.kind === 'CURRENTLY_MISSING')!.detail).toBe('missing for 7 days');
  // The police see the missing signals, not the asylum decision (IMMIGRATION needs a basis for them).
  expect(kinds((await view(police())).riskSignals)).toEqual(['AGE_DISPUTED_TREATED_AS_ADULT', 'CURRENTLY_MISSING', 'TURNING_18_SOON', 'UKMPU_NOT_NOTIFIED']);
  // A justification for the LA to see the custody record brings the signals that rest on it.
  const declared = await hub.execute(token('LA-213', 'CHILDRENS_SERVICES'), `mutation ($input: JustificationInput!) { declareSafeguardingJustification(input: $input) { id } }`, {
    input: { personId, categories: ['CRIMINAL'], statutoryBasis: 'MODERN_SLAVERY_ACT_2015_S52', reason: 'Found in a cannabis grow; the strategy discussion needs the custody record today.' },
  });
  expect(declared.errors).toBeUndefined();
  expect(kinds((await view(la())).riskSignals)).toEqual(expect.arrayContaining(['AGE_DISPUTED_TREATED_AS_ADULT', 'NRM_REFERRAL_ABSENT']));
});

test('the chronology is one time-ordered list across agencies, guarded per event and filterable', async () => {
  const forPolice = await view(police());
  const seen = forPolice.chronology.map((e) => `${e.kind}:${e.agency}`);
  expect(seen).toEqual(['WENT_MISSING:LA-213', 'CUSTODY:POLICE-KENT']);
  const forLa = (await view(la())).chronology;
  expect(forLa.map((e) => e.kind)).toEqual(expect.arrayContaining(['ENCOUNTER', 'ASYLUM_CLAIMED', 'PLACEMENT_STARTED', 'WENT_MISSING', 'ASYLUM_DECIDED']));
  expect(forLa.find((e) => e.kind === 'ENCOUNTER')!.record).toMatch(/^immigration\.encounter:[0-9a-f-]{36}$/);
  const filtered = await hub.execute<{ person: { safeguarding: { chronology: { kind: string }[] } } }>(la(), `query ($id: ID!) { person(id: $id) { safeguarding { chronology(kinds: [WENT_MISSING, ENCOUNTER]) { kind } } } }`, { id: personId });
  expect(filtered.data!.person.safeguarding.chronology.map((e) => e.kind)).toEqual(['ENCOUNTER', 'WENT_MISSING']);
});

test('each chronology entry reads as a sentence of what the viewer may see; a place the viewer may not see is left out and reported withheld', async () => {
  const db = hub.database.db;
  const [kent] = await db.query<{ id: string }>(`select id from identity.source_identity where person_id = $1 and agency = 'POLICE-KENT'`, [personId]);
  const [lar] = await db.query<{ id: string }>(`select id from identity.source_identity where person_id = $1 and agency = 'LA-213'`, [personId]);
  const [r] = await db.query<{ id: string }>(`insert into police.missing_report (source_identity_id, agency, report_ref, reported_at, last_seen_at, last_seen_location, found_at, found_location)
    values ($1, 'POLICE-KENT', 'MR-1', now() - interval '3 days', now() - interval '3 days 2 hours', 'Ashford', now() - interval '2 days', 'Maidstone') returning id`, [kent!.id]);
  await db.query(`insert into police.risk_grading (missing_report_id, level, graded_at) values ($1, 'MEDIUM', now() - interval '3 days')`, [r!.id]);
  // A review the LA has planned: dated in the future, due rather than happened.
  await db.query(`insert into care.plan_item (source_identity_id, agency, local_key, item, status, recorded_at) values ($1, 'LA-213', 'i3', 'RETURN_SAFETY_PLAN', 'NOT_DONE', now() + interval '5 days')`, [lar!.id]);
  const Q = `query ($id: ID!) { person(id: $id) { safeguarding { chronology { kind agency summary due } } } }`;
  type Entry = { kind: string; agency: string; summary: string | null; due: boolean };
  const chronology = async (t: string) => {
    const res = await hub.execute<{ person: { safeguarding: { chronology: Entry[] } } }>(t, Q, { id: personId });
    expect(res.errors).toBeUndefined();
    return { entries: res.data!.person.safeguarding.chronology, withheld: res.extensions?.withheld ?? [] };
  };
  const forPolice = await chronology(police());
  const of = (entries: Entry[], kind: string) => entries.find((e) => e.kind === kind)!;
  expect(of(forPolice.entries, 'MISSING_REPORTED').summary).toBe('Reported missing to Kent Police; last seen Ashford; risk MEDIUM');
  expect(of(forPolice.entries, 'FOUND').summary).toBe('Found (reported by Kent Police); found Maidstone');
  expect(of(forPolice.entries, 'CUSTODY').summary).toBe('Custody (Kent Police): arrested for cultivation of cannabis in Maidstone');
  expect(of(forPolice.entries, 'WENT_MISSING').summary).toBe('Missing from care (recorded by Westminster)');
  // The LA's own placement names its district; another agency's places are withheld from the LA.
  const forLa = await chronology(la());
  expect(of(forLa.entries, 'PLACEMENT_STARTED').summary).toBe('Placed with a relative or friend (foster care) by Westminster (CT16)');
  expect(of(forLa.entries, 'MISSING_REPORTED').summary).toBe('Reported missing to Kent Police; risk MEDIUM');
  expect(of(forLa.entries, 'ENCOUNTER').summary).toBe('The Home Office: port arrival, unaccompanied');
  expect(of(forLa.entries, 'ASYLUM_DECIDED').summary).toBe('Asylum decision: refused (the Home Office)');
  const i = forLa.entries.findIndex((e) => e.kind === 'MISSING_REPORTED');
  expect(forLa.withheld).toContainEqual({ path: ['person', 'safeguarding', 'chronology', i, 'summary'], category: 'LOCATION', releasableWith: ['CONSENT', 'JUSTIFICATION'] });
  for (const secret of ['Ashford', 'Maidstone', 'Dover']) expect(JSON.stringify(forLa.entries)).not.toContain(secret);
  // Dated in the future: due, and last.
  expect(forLa.entries.at(-1)).toEqual({ kind: 'PLAN_ITEM_RECORDED', agency: 'LA-213', summary: 'Plan: return safety plan — not done (recorded by Westminster)', due: true });
  expect(forLa.entries.filter((e) => e.due)).toHaveLength(1);
});

test('a strategy discussion records the ownership agreement, decisions and actions; an overdue action is a signal; participants see it', async () => {
  const convened = await hub.execute<{ conveneStrategyDiscussion: { id: string } }>(la(), `mutation ($input: StrategyDiscussionInput!) { conveneStrategyDiscussion(input: $input) { id } }`, {
    input: { personId, agencies: ['POLICE-KENT', 'HO'], heldOn: new Date().toISOString().slice(0, 10), ownershipAgency: 'LA-213', decisions: ['Section 47 enquiry', 'Refer to the NRM'] },
  });
  expect(convened.errors).toBeUndefined();
  const discussionId = convened.data!.conveneStrategyDiscussion.id;
  // Every change is audited like a disclosure.
  const audited = await hub.database.db.query(`select person_id, category, outcome, paths from audit.event where request_id = $1`, [convened.extensions!.requestId]);
  expect(audited).toEqual([{ person_id: personId, category: 'CARE_PLAN', outcome: 'RECORDED', paths: '[["conveneStrategyDiscussion"]]' }]);
  const action = await hub.execute(police(), `mutation ($id: ID!, $input: ActionInput!) { recordAction(discussionId: $id, input: $input) { status overdue } }`, {
    id: discussionId, input: { description: 'Notify the UK Missing Persons Unit', ownerAgency: 'POLICE-KENT', dueOn: '2026-01-02' },
  });
  expect(action.data).toEqual({ recordAction: { status: 'OPEN', overdue: true } });
  const forPolice = await view(police());
  expect(forPolice.discussions).toEqual([expect.objectContaining({ ownershipAgency: 'LA-213', decisions: ['Section 47 enquiry', 'Refer to the NRM'], agencies: ['LA-213', 'POLICE-KENT', 'HO'] })]);
  expect(forPolice.riskSignals.map((s) => s.kind)).toContain('OVERDUE_ACTION');
  expect(item(await view(la()), 'OWNERSHIP_AGREEMENT')).toMatchObject({ status: 'PRESENT', agency: 'LA-213' });
  // An agency that did not take part, and may not see CARE_PLAN, sees no discussion.
  expect((await view(token('NCA', 'NCA'))).discussions).toEqual([]);
  // Only a participant may add actions; to anyone else the discussion is not found.
  const stranger = await hub.execute(token('POLICE-MPS', 'POLICE', ['OFFICER']), `mutation ($id: ID!, $input: ActionInput!) { recordAction(discussionId: $id, input: $input) { id } }`, {
    id: discussionId, input: { description: 'x'.repeat(10), ownerAgency: 'POLICE-MPS', dueOn: '2026-12-24' },
  });
  expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});

describe('the strategy pack', () => {
  const get = async (path: string, t?: string) => {
    const server = await hub.server();
    const response = await fetch(new URL(path, server.url), { headers: t ? { authorization: `Bearer ${t}` } : {} });
    return { status: response.status, type: response.headers.get('content-type') ?? '', requestId: response.headers.get('x-request-id'), text: await response.text() };
  };

  test('is a printable page of exactly what the viewer may see, withheld items visibly marked, every disclosure audited', async () => {
    const page = await get(`/strategy-pack/${personId}`, health());
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('<h2>Plan readiness</h2>');
    expect(page.text).toContain('present — withheld from you'); // fingerprints, border flag
    expect(page.text).toMatch(/Dawit|David/); // IDENTITY is released to health
    for (const secret of ['cultivation of cannabis', 'Maidstone', 'CT16 1AA', 'KENT-77', 'IABS-1', 'Dover']) expect(page.text).not.toContain(secret);
    const audited = await hub.database.db.query<{ n: string }>(`select count(*) as n from audit.event where request_id = $1`, [page.requestId]);
    expect(Number(audited[0]!.n)).toBeGreaterThan(0);

    const forLa = await get(`/strategy-pack/${personId}`, la());
    expect(forLa.text).toContain('went missing 48 hours after first being accommodated');
    expect(forLa.text).toContain('Section 47 enquiry');
    expect(forLa.text).toContain('<strong class="overdue">overdue</strong>');
  });

  test('names the child, not an id; marks every page OFFICIAL-SENSITIVE; says who printed it; the chronology in sentences', async () => {
    const page = (await get(`/strategy-pack/${personId}`, la())).text;
    const heading = page.slice(page.indexOf('<h1>'), page.indexOf('</h1>'));
    expect(heading).toMatch(/^<h1>Strategy pack: (Dawit|David) Tesfay$/);
    expect(heading).not.toContain(personId);
    expect(page).toMatch(/Also known as: (David|Dawit) Tesfay/);
    // Born 18 years less 30 days ago, to the day (claimed).
    expect(page).toContain('Age 17 <small>(date of birth ');
    // The head and foot of the table the page is: repeated at the top and bottom of every printed page (the PDF test prints it).
    expect(page.match(/class="marking (top|bottom)">OFFICIAL-SENSITIVE</g)).toHaveLength(2);
    expect(page).toMatch(/<table class="page"><thead><tr><th class="marking top">OFFICIAL-SENSITIVE<\/th><\/tr><\/thead>\s*<tfoot><tr><td class="marking bottom">OFFICIAL-SENSITIVE<\/td><\/tr><\/tfoot>/);
    expect(page.indexOf('marking top')).toBeLessThan(page.indexOf('<h1>'));
    expect(page).toMatch(/Printed by test-user \(LA-213\) at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const chronology = page.slice(page.indexOf('<h2>Chronology</h2>'), page.indexOf('<h2>Strategy discussions'));
    expect(chronology).toContain('Reported missing to Kent Police; risk MEDIUM <span class="withheld">place withheld</span>');
    expect(chronology).toContain('Kent Police <small>(POLICE-KENT)</small>');
    expect(chronology).toMatch(/<strong class="due">Due \d{4}-/);
    expect(chronology).not.toContain('care.plan_item:');
  });

  test('tells a value withheld from the viewer from one no record holds', async () => {
    // The LA never recorded a nationality: its own record shows "not recorded", not "withheld".
    await hub.database.db.query(`update identity.source_identity set nationality = null where person_id = $1 and agency = 'LA-213'`, [personId]);
    const rowOf = (page: string, code: string) => {
      const identities = page.slice(page.indexOf('<h2>Identities and aliases</h2>'), page.indexOf('<h2>Possible other records'));
      return identities.split('<tr>').find((r) => r.includes(`(${code})</small>`))!;
    };
    const forLa = (await get(`/strategy-pack/${personId}`, la())).text;
    expect(rowOf(forLa, 'LA-213')).toMatch(/<td><span class="absent">not recorded<\/span><\/td><\/tr>$/);
    expect(rowOf(forLa, 'LA-213')).not.toContain('withheld');
    // Health may not see another agency's local ids (IDENTIFIERS needs a basis): withheld, named by the API's path.
    const forHealth = (await get(`/strategy-pack/${personId}`, health())).text;
    expect(rowOf(forHealth, 'POLICE-KENT')).toContain('<td>test</td><td><span class="withheld">withheld</span></td>');
    // A fingerprint reference whose source gave no date: recorded "not recorded", never the import time.
    const plan = forLa.slice(forLa.indexOf('<h2>Plan readiness</h2>'), forLa.indexOf('<h2>Chronology</h2>'));
    expect(plan.split('<tr>').find((r) => r.startsWith('<td>fingerprints</td>'))).toContain('<span class="absent">not recorded</span>');
    const json = JSON.parse((await get(`/strategy-pack/${personId}?format=json`, la())).text) as { marking: string; child: { name: string; age: string; aliases: string[] } };
    expect(json.marking).toBe('OFFICIAL-SENSITIVE');
    expect(json.child).toMatchObject({ name: expect.stringMatching(/Tesfay$/), age: '17', aliases: [expect.stringMatching(/Tesfay$/)] });
  });

  test('answers JSON with the withheld paths, 401 without a token, 404 for an unknown child', async () => {
    const json = await get(`/strategy-pack/${personId}?format=json`, police());
    expect(json.status).toBe(200);
    const body = JSON.parse(json.text) as { id: string; viewer: { agency: string }; safeguarding: { planReadiness: unknown[] }; withheld: { path: unknown[] }[] };
    expect(body).toMatchObject({ id: personId, viewer: { agency: 'POLICE-KENT' } });
    expect(body.safeguarding.planReadiness).toHaveLength(17);
    expect(body.withheld.length).toBeGreaterThan(0);
    expect((await get(`/strategy-pack/${personId}`)).status).toBe(401);
    expect((await get('/strategy-pack/00000000-0000-4000-8000-000000000000', police())).status).toBe(404);
    expect((await get('/strategy-pack/not-an-id', police())).status).toBe(404);
  });

  const tools = ensureRenderTools();
  (tools.ok ? test : test.skip)(`prints in headless Chromium: the PDF holds the pack, and nothing withheld${tools.ok ? '' : ` (skipped: ${tools.why})`}`, async () => {
    // Both pages are fetched before Chromium runs: nothing talks to the hub while it renders.
    const [laPage, healthPage] = [(await get(`/strategy-pack/${personId}`, la())).text, (await get(`/strategy-pack/${personId}`, health())).text];
    const forLa = await renderToPdfText(laPage);
    expect(forLa).toContain('Strategy pack');
    expect(forLa).toContain('Plan readiness');
    // Table cells wrap: words of a phrase may be split across lines.
    const phrase = (words: string) => new RegExp(words.split(' ').join('\\s+'));
    expect(forLa).toMatch(phrase('went missing 48 hours after first being accommodated'));
    // Every printed page (pdftotext ends each with a form feed) carries the marking twice, its first line the marking.
    const pages = forLa.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) {
      expect(p.trim().split('\n')[0]).toBe('OFFICIAL-SENSITIVE');
      expect(p.match(/OFFICIAL-SENSITIVE/g)).toHaveLength(2);
    }
    const forHealth = await renderToPdfText(healthPage);
    expect(forHealth).toMatch(phrase('present — withheld from you'));
    for (const secret of ['cannabis', 'Maidstone', 'CT16 1AA']) expect(forHealth).not.toContain(secret);
  }, 120_000);
});
