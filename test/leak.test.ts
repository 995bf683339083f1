/**
 * A randomized leak test: valid queries generated from the composed schema, for random
 * principals, against a seeded store of children whose every value is a unique marker. No value
 * of a category the oracle (the agreement plus the bases in force) withholds may appear anywhere
 * in a response, and every value a guarded field released must have an audit row at its path.
 */
import {
  buildSchema, getNamedType, getNullableType, isLeafType, isListType, isObjectType, isNonNullType,
  type GraphQLField, type GraphQLObjectType, type GraphQLSchema, type GraphQLType,
} from 'graphql';
import { seeded } from '../bench/stats';
import { GUARDED_FIELDS } from '../src/access';
import { composeSupergraph } from '../src/gateway/compose';
import { buildSubgraphs } from '../src/subgraphs';
import { insertChildEverywhere, type Markers } from './fixtures/persons';
import { startTestHub, type TestHub } from './support/hub';
import { CATEGORIES, oracle, type Bases, type Viewer } from './support/oracle';

const SEED = 20261130;
const QUERIES = 150;
const MAX_DEPTH = 6;

const rnd = seeded(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

const AGENCIES: Omit<Viewer, 'roles'>[] = [
  { agency: 'LA-213', kind: 'CHILDRENS_SERVICES' }, { agency: 'LA-999', kind: 'CHILDRENS_SERVICES' },
  { agency: 'POLICE-MPS', kind: 'POLICE' }, { agency: 'POLICE-KENT', kind: 'POLICE' }, { agency: 'HO', kind: 'IMMIGRATION' },
  { agency: 'NCA', kind: 'NCA' }, { agency: 'NHS-RJ1', kind: 'HEALTH' }, { agency: 'LA-555', kind: 'EDUCATION' },
];
const ROLES = ['CASEWORKER', 'OFFICER', 'ANALYST', 'MASH_COORDINATOR', 'SYSTEM', 'DPO'];

let schema: GraphQLSchema;
let hub: TestHub;
const children: { personId: string; markers: Markers; bases: Bases; tag: string }[] = [];

/** A random selection set for `type`, only fields without required arguments. */
function selection(type: GraphQLObjectType, depth: number): string {
  const fields = Object.values(type.getFields()).filter((f: GraphQLField<unknown, unknown>) => !f.args.some((a) => isNonNullType(a.type)));
  const chosen = fields.filter(() => rnd() < 0.6);
  if (chosen.length === 0) chosen.push(pick(fields));
  const parts: string[] = rnd() < 0.2 ? ['__typename'] : [];
  for (const field of chosen) {
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && depth < MAX_DEPTH) parts.push(`${field.name} { ${selection(named, depth + 1)} }`);
  }
  return parts.length ? parts.join(' ') : '__typename';
}

function randomQuery(): { query: string; variables: Record<string, unknown> } {
  const child = pick(children);
  const person = schema.getType('Person') as GraphQLObjectType;
  if (rnd() < 0.75) return { query: `query ($id: ID!) { person(id: $id) { ${selection(person, 1)} } }`, variables: { id: child.personId } };
  const candidate = schema.getType('MatchCandidate') as GraphQLObjectType;
  return {
    query: `query ($e: PersonExample!) { identitySearch(example: $e, first: 5) { ${selection(candidate, 1)} } }`,
    variables: { e: { names: [{ given: `GIVEN${child.tag}XLA`, family: 'Tesfay' }], dob: '2010-06-01' } },
  };
}

/** Every non-null value of a guarded field in `value` (of `type`), with its client path. */
function releasedPaths(value: unknown, type: GraphQLType, path: (string | number)[], out: string[][]): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type);
  if (isListType(t)) return (value as unknown[]).forEach((v, i) => releasedPaths(v, t.ofType, [...path, i], out));
  if (!isObjectType(t)) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = t.getFields()[key];
    if (!field || v === null) continue;
    if (GUARDED_FIELDS.has(`${t.name}.${key}`)) out.push([...path, key].map(String));
    releasedPaths(v, field.type, [...path, key], out);
  }
}

beforeAll(async () => {
  schema = buildSchema(composeSupergraph(await buildSubgraphs()));
  hub = await startTestHub();
  const db = hub.database.db;
  const la = hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] });
  const setups: Bases[] = [
    {},
    { missing: true },
    { consent: { categories: ['LOCATION', 'CARE_PLAN', 'CONTACT'], kinds: ['POLICE'] } },
    { justification: { categories: ['IMMIGRATION', 'EXPLOITATION', 'CRIMINAL', 'LOCATION', 'MISSING'], agencies: ['NHS-RJ1', 'POLICE-KENT', 'HO'] } },
    { consent: { categories: ['IDENTIFIERS', 'IMMIGRATION'], kinds: ['HEALTH', 'EDUCATION'] }, missing: true },
  ];
  for (const [i, bases] of setups.entries()) {
    const tag = `${50 + i}`;
    const child = await insertChildEverywhere(db, tag, bases.missing);
    if (bases.consent) {
      const r = await hub.execute(la, `mutation ($input: ConsentInput!) { recordConsent(input: $input) { id } }`, {
        input: { personId: child.personId, givenBy: 'CHILD', categories: bases.consent.categories, recipients: bases.consent.kinds },
      });
      expect(r.errors).toBeUndefined();
    }
    if (bases.justification) {
      const r = await hub.execute(la, `mutation ($input: JustificationInput!) { declareSafeguardingJustification(input: $input) { id } }`, {
        input: { personId: child.personId, categories: bases.justification.categories, recipients: bases.justification.agencies, statutoryBasis: 'MODERN_SLAVERY_ACT_2015_S52', reason: 'Indicators of criminal exploitation; agencies need the full picture to protect him.' },
      });
      expect(r.errors).toBeUndefined();
    }
    children.push({ personId: child.personId, markers: child.markers, bases, tag });
  }
}, 60_000);
afterAll(() => hub.close());

test(`${QUERIES} random queries by random principals: nothing withheld appears, everything released is audited`, async () => {
  const failures: string[] = [];
  let released = 0;
  for (let q = 0; q < QUERIES; q++) {
    const viewer: Viewer = { ...pick(AGENCIES), roles: [pick(ROLES), ...(rnd() < 0.2 ? [pick(ROLES)] : [])] };
    const { query, variables } = randomQuery();
    const response = await hub.execute(hub.token({ agency: viewer.agency, kind: viewer.kind, roles: viewer.roles }), query, variables);
    const where = `#${q} ${viewer.agency} ${viewer.roles.join('+')}: ${query}`;
    if (response.errors) {
      failures.push(`${where} → ${JSON.stringify(response.errors)}`);
      continue;
    }
    const text = JSON.stringify(response);
    for (const child of children) {
      for (const [owner, byCategory] of Object.entries(child.markers)) {
        for (const category of CATEGORIES) {
          if (oracle(viewer, owner, category, child.bases)) continue;
          for (const marker of byCategory[category] ?? []) if (text.includes(marker)) failures.push(`${where} → leaked ${owner} ${category} ${marker}`);
        }
      }
    }
    const paths: string[][] = [];
    releasedPaths(response.data, schema.getQueryType()!, [], paths);
    released += paths.length;
    if (paths.length) {
      const rows = await hub.database.db.query<{ paths: string }>(`select paths from audit.event where request_id = $1 and outcome = 'RELEASED'`, [response.extensions!.requestId]);
      const audited = new Set(rows.flatMap((r) => (JSON.parse(r.paths) as unknown[][]).map((p) => p.map(String).join('.'))));
      // A list of the reader's own items, from a field otherwise withheld, is audited item by item.
      const covered = (p: string[]) => audited.has(p.join('.')) || [...audited].some((a) => a.startsWith(`${p.join('.')}.0`));
      for (const p of paths) if (!covered(p)) failures.push(`${where} → released ${p.join('.')} without an audit row`);
    }
  }
  expect(failures).toEqual([]);
  // The generator must actually reach guarded values for the test to mean anything.
  expect(released).toBeGreaterThan(QUERIES);
}, 120_000);
