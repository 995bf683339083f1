/**
 * The access matrix through the gateway: agency kind × role × category × basis. The oracle is
 * written here from the agreement file's rows and the rules of architecture.md, independently of
 * src/access; the bases are made through GraphQL (consent, justification) or the data (an open
 * missing episode), as users would make them.
 */
import { insertChildEverywhere, type Markers } from './fixtures/persons';
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub';
import { CATEGORIES, oracle as rules, owns, type Bases } from './support/oracle';

const VIEWERS = [
  { agency: 'LA-999', kind: 'CHILDRENS_SERVICES' },
  { agency: 'POLICE-KENT', kind: 'POLICE' },
  { agency: 'HO', kind: 'IMMIGRATION' },
  { agency: 'NCA', kind: 'NCA' },
  { agency: 'NHS-RJ1', kind: 'HEALTH' },
  { agency: 'LA-555', kind: 'EDUCATION' },
  // The education service of the LA that holds the child's care record: not that LA's own.
  { agency: 'LA-213', kind: 'EDUCATION' },
];
const ROLES = ['CASEWORKER', 'ANALYST', 'SYSTEM', 'DPO'];
const BASES = ['none', 'consent', 'withdrawn consent', 'justification', 'expired justification', 'missing-child rule'] as const;
type Basis = (typeof BASES)[number];

/** The bases each kind of fixture has in force, in the oracle's terms. */
const IN_FORCE: Record<Basis, Bases> = {
  none: {},
  consent: { consent: { categories: CATEGORIES, kinds: VIEWERS.map((v) => v.kind) } },
  'withdrawn consent': {},
  justification: { justification: { categories: CATEGORIES, agencies: VIEWERS.map((v) => v.agency) } },
  'expired justification': {},
  'missing-child rule': { missing: true },
};

/** Would another agency's facts of `category` reach this viewer with this basis in force? */
function oracle(agency: string, kind: string, role: string, category: string, basis: Basis): boolean {
  return rules({ agency, kind, roles: [role] }, '(another agency)', category, IN_FORCE[basis]);
}

const QUERY = `query ($id: ID!) { person(id: $id) { id
  identities { agency localId names { given } identifiers { value } biometrics { reference } contacts { value } }
  care { placements { agency placementType postcode } missingEpisodes { agency open lastSeenLocation } }
  police { custody { agency offence location } }
  immigration { encounters { agency kind location } nrm { agency firstResponder } }
} }`;

interface Seen {
  person: {
    identities: { agency: string; localId: string | null; names: unknown[] | null; identifiers: unknown[] | null; biometrics: unknown[] | null; contacts: unknown[] | null }[];
    care: { placements: { postcode: string | null }[] | null; missingEpisodes: { lastSeenLocation: string | null }[] | null } | null;
    police: { custody: unknown[] | null } | null;
    immigration: { encounters: unknown[] | null; nrm: unknown[] | null } | null;
  } | null;
}

/** What the viewer saw of facts owned by `owner`, per category (undefined: not observable in this response). */
function observed(data: Seen, owner: string): Record<string, boolean | undefined> {
  const identity = data.person!.identities.find((i) => i.agency === owner)!;
  const care = data.person!.care;
  return {
    IDENTITY: identity.names !== null,
    IDENTIFIERS: identity.identifiers !== null,
    BIOMETRIC_REFS: identity.biometrics !== null,
    CONTACT: identity.contacts !== null,
    ...(owner === 'LA-213' && {
      // A record the viewer may see nothing of is null, as if none existed.
      CARE_PLAN: (care?.placements ?? null) !== null,
      MISSING: (care?.missingEpisodes ?? null) !== null,
      // The last-seen location is reachable through MISSING, the postcode through CARE_PLAN.
      LOCATION: care?.missingEpisodes ? care.missingEpisodes[0]!.lastSeenLocation !== null : care?.placements ? care.placements[0]!.postcode !== null : undefined,
    }),
    ...(owner === 'POLICE-MPS' && { CRIMINAL: (data.person!.police?.custody ?? null) !== null }),
    ...(owner === 'HO' && { IMMIGRATION: (data.person!.immigration?.encounters ?? null) !== null, EXPLOITATION: (data.person!.immigration?.nrm ?? null) !== null }),
  };
}

let hub: TestHub;
const persons = new Map<Basis, { personId: string; markers: Markers; basisId?: string }>();
const la213 = () => hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'], sub: 'sw-1' });

async function ok<T>(response: Promise<GraphQLResponse<T>>): Promise<T> {
  const r = await response;
  expect(r.errors).toBeUndefined();
  return r.data!;
}

async function recordConsent(personId: string): Promise<string> {
  const data = await ok(hub.execute<{ recordConsent: { id: string; active: boolean } }>(la213(), `mutation ($input: ConsentInput!) { recordConsent(input: $input) { id active } }`, {
    input: { personId, givenBy: 'CHILD', categories: CATEGORIES, recipients: VIEWERS.map((v) => v.kind), purpose: 'to find and protect the child' },
  }));
  expect(data.recordConsent.active).toBe(true);
  return data.recordConsent.id;
}

async function declareJustification(personId: string, categories = CATEGORIES, recipients = VIEWERS.map((v) => v.agency)): Promise<string> {
  const data = await ok(hub.execute<{ declareSafeguardingJustification: { id: string; reviewStatus: string } }>(la213(), `mutation ($input: JustificationInput!) {
      declareSafeguardingJustification(input: $input) { id reviewStatus } }`, {
    input: { personId, categories, recipients, statutoryBasis: 'CHILDREN_ACT_1989_S47', reason: 'Child missing from placement, believed to be with adults who exploit him; police need to find him today.' },
  }));
  expect(data.declareSafeguardingJustification.reviewStatus).toBe('PENDING');
  return data.declareSafeguardingJustification.id;
}

beforeAll(async () => {
  hub = await startTestHub();
  const db = hub.database.db;
  for (const [i, basis] of BASES.entries()) {
    const child = await insertChildEverywhere(db, `${70 + i}`, basis === 'missing-child rule');
    let basisId: string | undefined;
    if (basis === 'consent') basisId = await recordConsent(child.personId);
    if (basis === 'withdrawn consent') {
      const id = await recordConsent(child.personId);
      await ok(hub.execute(la213(), `mutation ($id: ID!) { withdrawConsent(id: $id) { id active } }`, { id }));
    }
    if (basis === 'justification') basisId = await declareJustification(child.personId);
    if (basis === 'expired justification') {
      const id = await declareJustification(child.personId);
      // Time passes: the justification's 72 hours are over.
      await db.query(`update access.justification set declared_at = now() - interval '80 hours', expires_at = now() - interval '8 hours' where id = $1`, [id]);
    }
    persons.set(basis, { personId: child.personId, markers: child.markers, basisId });
  }
}, 60_000);
afterAll(() => hub.close());

describe.each(BASES)('basis: %s', (basis) => {
  test.each(VIEWERS.flatMap((v) => ROLES.map((role) => [v.kind, role, v.agency] as const)))('%s %s', async (kind, role, agency) => {
    const { personId, markers } = persons.get(basis)!;
    const response = await hub.execute<Seen>(hub.token({ agency, kind, roles: [role] }), QUERY, { id: personId });
    expect(response.errors).toBeUndefined();
    const text = JSON.stringify(response.data);
    const mismatches: string[] = [];
    for (const owner of ['LA-213', 'POLICE-MPS', 'HO']) {
      for (const [category, seen] of Object.entries(observed(response.data!, owner))) {
        if (seen === undefined) continue;
        const own = owns({ agency, kind }, owner);
        let expected = own || oracle(agency, kind, role, category, basis);
        if (category === 'LOCATION' && !own) expected &&= oracle(agency, kind, role, 'MISSING', basis) || oracle(agency, kind, role, 'CARE_PLAN', basis);
        if (seen !== expected) mismatches.push(`${owner} ${category}: saw ${seen}, expected ${expected}`);
        // Nothing withheld leaks anywhere in the response text.
        if (!expected) for (const marker of markers[owner]?.[category] ?? []) if (text.includes(marker)) mismatches.push(`${owner} ${category}: ${marker} leaked`);
      }
    }
    expect(mismatches).toEqual([]);
    // Every withheld entry names a client path and what would release it; never a value.
    for (const entry of response.extensions?.withheld ?? []) {
      expect(entry.path[0]).toBe('person');
      expect(CATEGORIES).toContain(entry.category);
    }
  });
});

test('the education service of the LA that holds the record cannot record or withdraw a consent with it', async () => {
  const education = hub.token({ agency: 'LA-213', kind: 'EDUCATION', roles: ['CASEWORKER'], sub: 'dsl-1' });
  const { personId, basisId } = persons.get('consent')!;
  const recorded = await hub.execute(education, `mutation ($input: ConsentInput!) { recordConsent(input: $input) { id } }`, {
    input: { personId, givenBy: 'CHILD', categories: ['HEALTH'], recipients: ['EDUCATION'], purpose: 'school support' },
  });
  expect(recorded.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const withdrawn = await hub.execute(education, `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`, { id: basisId });
  expect(withdrawn.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});

test('a consent shows as the basis in the audit, with its id; a released field and a withheld one each have a row', async () => {
  const { personId, basisId } = persons.get('consent')!;
  const response = await hub.execute(hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'] }), QUERY, { id: personId });
  const requestId = response.extensions!.requestId as string;
  const rows = await hub.database.db.query<{ category: string; outcome: string; basis_kind: string | null; basis_id: string | null; paths: string }>(
    `select category, outcome, basis_kind, basis_id, paths from audit.event where request_id = $1 order by seq`,
    [requestId],
  );
  expect(rows.map((r) => ({ ...r, paths: JSON.parse(r.paths) as unknown }))).toEqual(expect.arrayContaining([
    { category: 'LOCATION', outcome: 'RELEASED', basis_kind: 'CONSENT', basis_id: basisId, paths: expect.arrayContaining([['person', 'care', 'placements', 0, 'postcode'], ['person', 'care', 'missingEpisodes', 0, 'lastSeenLocation']]) },
    expect.objectContaining({ category: 'IDENTITY', outcome: 'RELEASED', basis_kind: 'AGREEMENT' }),
  ]));
});

test('consent withdrawn and a justification expired take effect on the very next request', async () => {
  const child = await insertChildEverywhere(hub.database.db, '91');
  const police = hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'] });
  const postcodeQuery = `query ($id: ID!) { person(id: $id) { care { placements { postcode } } } }`;
  const postcode = async () => (await ok(hub.execute<{ person: { care: { placements: { postcode: string | null }[] | null } | null } }>(police, postcodeQuery, { id: child.personId }))).person.care?.placements ?? null;
  expect(await postcode()).toBeNull();

  const consentId = await recordConsent(child.personId);
  expect(await postcode()).toEqual([{ postcode: 'POSTCODE91' }]);
  await ok(hub.execute(la213(), `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`, { id: consentId }));
  expect(await postcode()).toBeNull();

  const justificationId = await declareJustification(child.personId, ['CARE_PLAN', 'LOCATION'], ['POLICE-KENT']);
  expect(await postcode()).toEqual([{ postcode: 'POSTCODE91' }]);
  await hub.database.db.query(`update access.justification set declared_at = now() - interval '2 hours', expires_at = now() - interval '1 second' where id = $1`, [justificationId]);
  expect(await postcode()).toBeNull();
});

test('a justification releases only to the agencies it names, never a category the agreement marks NEVER, and goes to the DPO', async () => {
  const child = await insertChildEverywhere(hub.database.db, '92');
  const justificationId = await declareJustification(child.personId, ['LOCATION', 'CARE_PLAN', 'HEALTH'], ['POLICE-KENT', 'HO']);
  const q = `query ($id: ID!) { person(id: $id) { care { placements { postcode } } } }`;
  const kentResponse = await hub.execute<Seen>(hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'] }), q, { id: child.personId });
  const kent = kentResponse.data!;
  // Every use is flagged to the caller, as well as in the audit.
  expect(kentResponse.extensions?.breakGlass).toEqual([
    { path: ['person', 'care', 'placements'], category: 'CARE_PLAN', justificationId },
    { path: ['person', 'care', 'placements', 0, 'postcode'], category: 'LOCATION', justificationId },
  ]);
  const essex = await ok(hub.execute<Seen>(hub.token({ agency: 'POLICE-ESX', kind: 'POLICE', roles: ['OFFICER'] }), q, { id: child.personId }));
  const ho = await hub.execute<Seen>(hub.token({ agency: 'HO', kind: 'IMMIGRATION', roles: ['CASEWORKER'] }), q, { id: child.personId });
  expect(kent.person!.care!.placements).toEqual([{ postcode: 'POSTCODE92' }]);
  expect(essex.person!.care!.placements).toBeNull();
  // The agreement never gives the Home Office a child's location; a justification cannot either.
  expect(ho.data!.person!.care!.placements).toEqual([{ postcode: null }]);
  expect(ho.extensions?.withheld).toEqual([{ path: ['person', 'care', 'placements', 0, 'postcode'], category: 'LOCATION', releasableWith: [] }]);

  const dpo = hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['DPO'], sub: 'dpo-1' });
  const queue = await ok(hub.execute<{ breakGlassReviews: { id: string; uses: number; declaredBy: string }[] }>(dpo, `{ breakGlassReviews(status: PENDING) { id uses declaredBy } }`));
  const mine = queue.breakGlassReviews.find((j) => j.id === justificationId)!;
  expect(mine).toEqual({ id: justificationId, declaredBy: 'sw-1', uses: 3 }); // Kent: placements and postcode; the Home Office: placements
  const reviewed = await ok(hub.execute<{ reviewJustification: { reviewStatus: string; reviewOutcome: string; reviewedBy: string } }>(dpo,
    `mutation ($id: ID!) { reviewJustification(id: $id, outcome: JUSTIFIED, note: "Proportionate: the child was at risk.") { reviewStatus reviewOutcome reviewedBy } }`, { id: justificationId }));
  expect(reviewed.reviewJustification).toEqual({ reviewStatus: 'REVIEWED', reviewOutcome: 'JUSTIFIED', reviewedBy: 'dpo-1 (LA-213)' });
  const after = await ok(hub.execute<{ breakGlassReviews: { id: string }[] }>(dpo, `{ breakGlassReviews(status: PENDING) { id } }`));
  expect(after.breakGlassReviews.map((j) => j.id)).not.toContain(justificationId);
  // Another agency's DPO, whose agency holds no record of the child, cannot review it.
  const other = await hub.execute(hub.token({ agency: 'LA-555', kind: 'CHILDRENS_SERVICES', roles: ['DPO'] }), `mutation ($id: ID!) { reviewJustification(id: $id, outcome: NOT_JUSTIFIED) { id } }`, { id: justificationId });
  expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});

describe('bad input to the people-facing mutations gets a coded error', () => {
  test.each([
    ['a short reason', { reason: 'urgent' }, 'BAD_USER_INPUT'],
    ['too long an expiry', { expiresInHours: 10_000 }, 'BAD_USER_INPUT'],
    ['a recipient that is not an agency code', { recipients: ['everyone'] }, 'BAD_USER_INPUT'],
    ['no categories', { categories: [] }, 'BAD_USER_INPUT'],
    ['an unknown person', { personId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
  ])('justification with %s', async (_, change, code) => {
    const { personId } = persons.get('none')!;
    const input = { personId, categories: ['LOCATION'], statutoryBasis: 'CHILDREN_ACT_1989_S47', reason: 'Child missing from placement, believed to be with adults who exploit him.', ...change };
    const response = await hub.execute(la213(), `mutation ($input: JustificationInput!) { declareSafeguardingJustification(input: $input) { id } }`, { input });
    expect(response.errors?.[0]?.extensions?.code).toBe(code);
  });

  test('a SYSTEM token may not declare a justification, nor a DPO', async () => {
    for (const role of ['SYSTEM', 'DPO']) {
      const response = await hub.execute(hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: [role] }), `mutation ($input: JustificationInput!) { declareSafeguardingJustification(input: $input) { id } }`, {
        input: { personId: persons.get('none')!.personId, categories: ['LOCATION'], statutoryBasis: 'CHILDREN_ACT_1989_S47', reason: 'x'.repeat(60) },
      });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  test('consent can only be recorded by an agency holding a record of the child, and withdrawn by the one that recorded it', async () => {
    const { personId } = persons.get('none')!;
    const input = { personId, givenBy: 'CHILD', categories: ['LOCATION'], recipients: ['POLICE'] };
    const stranger = await hub.execute(hub.token({ agency: 'LA-999', kind: 'CHILDRENS_SERVICES' }), `mutation ($input: ConsentInput!) { recordConsent(input: $input) { id } }`, { input });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const id = await recordConsent(personId);
    const other = await hub.execute(hub.token({ agency: 'POLICE-MPS', kind: 'POLICE', roles: ['OFFICER'] }), `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`, { id });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await ok(hub.execute(la213(), `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`, { id }));
  });
});

test('explainAccess says on which basis, or why not, in plain words', async () => {
  const police = hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'] });
  const q = `query ($id: ID!, $c: DataCategory!) { explainAccess(personId: $id, category: $c) { released basis basisId rule sealed ownRecord releasableWith explanation } }`;
  type E = { explainAccess: { released: boolean; basis: string | null; basisId: string | null; rule: string; sealed: boolean; ownRecord: boolean; releasableWith: string[]; explanation: string } };
  const none = await ok(hub.execute<E>(police, q, { id: persons.get('none')!.personId, c: 'LOCATION' }));
  expect(none.explainAccess).toMatchObject({ released: false, basis: null, rule: 'WITH_BASIS', sealed: true, ownRecord: false, releasableWith: ['CONSENT', 'JUSTIFICATION'] });
  expect(none.explainAccess.explanation).toMatch(/only with a basis/);
  const consent = await ok(hub.execute<E>(police, q, { id: persons.get('consent')!.personId, c: 'LOCATION' }));
  expect(consent.explainAccess).toMatchObject({ released: true, basis: 'CONSENT', basisId: persons.get('consent')!.basisId });
  const missing = await ok(hub.execute<E>(police, q, { id: persons.get('missing-child rule')!.personId, c: 'CONTACT' }));
  expect(missing.explainAccess).toMatchObject({ released: true, basis: 'MISSING_CHILD_RULE' });
  const health = await ok(hub.execute<E>(police, q, { id: persons.get('none')!.personId, c: 'HEALTH' }));
  expect(health.explainAccess).toMatchObject({ released: false, rule: 'NEVER', releasableWith: [] });
  expect(health.explainAccess.explanation).toMatch(/never releases HEALTH to POLICE/);
});

test('the DPO reads the audit trail of a child their agency holds, and the accesses of their own users only', async () => {
  const { personId } = persons.get('none')!;
  await ok(hub.execute(hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'], sub: 'sw-audit' }), QUERY, { id: personId }));
  const dpo = hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['DPO'], sub: 'dpo-1' });
  type Page = { edges: { node: { sub: string; personId: string; category: string; outcome: string; paths: string[][] } }[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string } };
  const trail = await ok(hub.execute<{ auditTrail: Page }>(dpo, `query ($id: ID!) { auditTrail(personId: $id, first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { node { sub personId category outcome paths } } } }`, { id: personId }));
  expect(trail.auditTrail.totalCount).toBeGreaterThan(5);
  expect(trail.auditTrail.edges.every((e) => e.node.paths.length > 0 && e.node.paths.every((p) => p[0] === 'person'))).toBe(true);
  expect(trail.auditTrail.edges).toHaveLength(5);
  expect(trail.auditTrail.edges.every((e) => e.node.personId === personId)).toBe(true);
  const next = await ok(hub.execute<{ auditTrail: Page }>(dpo, `query ($id: ID!, $after: String) { auditTrail(personId: $id, first: 5, after: $after) { edges { node { sub } } } }`, { id: personId, after: trail.auditTrail.pageInfo.endCursor }));
  expect(next.auditTrail.edges).toHaveLength(5);
  const by = await ok(hub.execute<{ accessBy: Page }>(dpo, `{ accessBy(sub: "sw-audit") { totalCount edges { node { sub } } } }`));
  expect(by.accessBy.totalCount).toBeGreaterThan(0);
  expect(by.accessBy.edges.every((e) => e.node.sub === 'sw-audit')).toBe(true);
  // Another agency's DPO sees nothing of this child, and not LA-213's users.
  const otherDpo = hub.token({ agency: 'LA-555', kind: 'CHILDRENS_SERVICES', roles: ['DPO'] });
  expect((await ok(hub.execute<{ auditTrail: Page }>(otherDpo, `query ($id: ID!) { auditTrail(personId: $id) { totalCount } }`, { id: personId }))).auditTrail.totalCount).toBe(0);
  expect((await ok(hub.execute<{ accessBy: Page }>(otherDpo, `{ accessBy(sub: "sw-audit") { totalCount } }`))).accessBy.totalCount).toBe(0);
  // Not a DPO: FORBIDDEN.
  const caseworker = await hub.execute(la213(), `query ($id: ID!) { auditTrail(personId: $id) { totalCount } }`, { id: personId });
  expect(caseworker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
