/**
 * Every field of the composed schema is guarded by a data category, marked public, or inside a
 * value type that only guarded fields return: a field added later without a decision fails here.
 */
import { buildSchema, getNamedType, isObjectType, type GraphQLSchema } from 'graphql';
import { CONTAINED_TYPES, GUARDED_FIELDS, PUBLIC_FIELDS, PUBLIC_TYPES, RESOLVER_GUARDED } from '../src/access';
import { composeSupergraph } from '../src/gateway/compose';
import { buildSubgraphs } from '../src/subgraphs';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = buildSchema(composeSupergraph(await buildSubgraphs()));
});

/** Object types of the public API (federation's own join and link types left out). */
function apiTypes() {
  return Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith('__') && !/^(join|link)__/.test(t.name)).map((t) => t as import('graphql').GraphQLObjectType);
}

test('the schema walk finds no field without a category or a public marking', () => {
  const untagged: string[] = [];
  for (const type of apiTypes()) {
    if (PUBLIC_TYPES.has(type.name) || CONTAINED_TYPES.has(type.name)) continue;
    for (const field of Object.keys(type.getFields())) {
      const key = `${type.name}.${field}`;
      if (!GUARDED_FIELDS.has(key) && !RESOLVER_GUARDED.has(key) && !PUBLIC_FIELDS.has(key)) untagged.push(key);
    }
  }
  expect(untagged).toEqual([]);
});

test('a contained value type is only ever returned by a guarded field', () => {
  const unguarded: string[] = [];
  for (const type of apiTypes()) {
    for (const [name, field] of Object.entries(type.getFields())) {
      const key = `${type.name}.${name}`;
      if (CONTAINED_TYPES.has(getNamedType(field.type).name) && !GUARDED_FIELDS.has(key) && !RESOLVER_GUARDED.has(key) && !CONTAINED_TYPES.has(type.name)) unguarded.push(key);
    }
  }
  expect(unguarded).toEqual([]);
});

test('no type is both public and contained, and every marking names a real field', () => {
  const fields = new Set(apiTypes().flatMap((t) => Object.keys(t.getFields()).map((f) => `${t.name}.${f}`)));
  const stale = [...GUARDED_FIELDS.keys(), ...RESOLVER_GUARDED.keys(), ...PUBLIC_FIELDS.keys()].filter((k) => !fields.has(k));
  expect([...PUBLIC_TYPES.keys(), ...CONTAINED_TYPES].filter((t) => !schema.getType(t))).toEqual([]);
  expect(stale).toEqual([]);
  expect([...PUBLIC_TYPES.keys()].filter((t) => CONTAINED_TYPES.has(t))).toEqual([]);
});

test.each([
  ['SourceIdentity.localId', 'IDENTIFIERS'],
  ['SourceIdentity.names', 'IDENTITY'],
  ['SourceIdentity.birthDates', 'IDENTITY'],
  ['SourceIdentity.sex', 'IDENTITY'],
  ['SourceIdentity.nationality', 'IDENTITY'],
  ['SourceIdentity.identifiers', 'IDENTIFIERS'],
  ['SourceIdentity.biometrics', 'BIOMETRIC_REFS'],
  ['SourceIdentity.contacts', 'CONTACT'],
  ['CareRecord.placements', 'CARE_PLAN'],
  ['CareRecord.missingEpisodes', 'MISSING'],
  ['Placement.postcode', 'LOCATION'],
  ['MissingEpisode.lastSeenLocation', 'LOCATION'],
  ['MissingEpisode.foundLocation', 'LOCATION'],
  ['PoliceRecord.missingReports', 'MISSING'],
  ['PoliceRecord.custody', 'CRIMINAL'],
  ['ImmigrationRecord.status', 'IMMIGRATION'],
  ['ImmigrationRecord.encounters', 'IMMIGRATION'],
  ['ImmigrationRecord.nrm', 'EXPLOITATION'],
])('%s is guarded as %s', (field, category) => {
  expect(GUARDED_FIELDS.get(field)).toBe(category);
});
