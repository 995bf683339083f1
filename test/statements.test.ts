/**
 * Golden statement counts (the PostGraphile practice): the SQL a person query issues is pinned,
 * and its number does not grow with the number of source identities — an N+1 fails here.
 */
import { openDatabase } from '../src/db';
import { rootLogger } from '../src/log';
import { insertPerson } from './fixtures/persons';
import { startTestHub, type TestHub } from './support/hub';

const QUERY = `query ($id: ID!) {
  person(id: $id) {
    id
    identities { agency names { kind given family } identifiers { scheme value verified } }
    care { agency placements { startedOn postcode } missingEpisodes { kind open } }
  }
}`;

let hub: TestHub;
let token: string;

beforeAll(async () => {
  hub = await startTestHub();
  token = hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES' });
});
afterAll(() => hub.close());

const tableOf = (sql: string): string | undefined => /^select (audit\.append)|(?:from|into) (\w+\.\w+)/.exec(sql)?.slice(1).find(Boolean);

async function statementsFor(personId: string): Promise<{ statements: string[]; identities: number }> {
  hub.database.recorder.start();
  const response = await hub.execute<{ person: { identities: unknown[] } }>(token, QUERY, { id: personId });
  const statements = hub.database.recorder.stop();
  expect(response.errors).toBeUndefined();
  return { statements, identities: response.data!.person.identities.length };
}

test('a person with 1 or 50 source identities costs the same statements', async () => {
  const one = await insertPerson(hub.database.db, 1, ['LA-213']);
  const fifty = await insertPerson(hub.database.db, 50);

  const small = await statementsFor(one.personId);
  const large = await statementsFor(fifty.personId);

  expect(small.identities).toBe(1);
  expect(large.identities).toBe(50);
  expect(large.statements.length).toBe(small.statements.length);
  // person with its source identities and the names and identifiers the query selects, in one
  // statement read alongside its access bases; placements, missing episodes and consents in one
  // (care, named by its first table); the audit of the request's decisions, in one call.
  expect(small.statements.map(tableOf).sort()).toEqual(['access.bases', 'audit.append', 'care.placement', 'identity.person'].sort());
});

test('facts selected through fragments are read with the person too, in their own order', async () => {
  const person = await insertPerson(hub.database.db, 2, ['LA-213'], 'frag');
  const query = `fragment Names on SourceIdentity { names { kind given family } }
    query ($id: ID!) { person(id: $id) { identities { localId ... on SourceIdentity { ...Names } birthDates { value precision } identifiers { scheme value } } } }`;
  hub.database.recorder.start();
  const response = await hub.execute<{ person: { identities: { localId: string }[] } }>(token, query, { id: person.personId });
  const tables = hub.database.recorder.stop().map(tableOf);
  expect(response.errors).toBeUndefined();
  expect(tables).toContain('identity.person');
  for (const table of ['identity.name', 'identity.birth_date', 'identity.identifier']) expect(tables).not.toContain(table);
  const identities = [...response.data!.person.identities].sort((a, b) => a.localId.localeCompare(b.localId));
  expect(identities).toEqual([0, 1].map((i) => ({
    localId: `frag-${i}`,
    names: [{ kind: 'ASSERTED', given: `Given${i}`, family: 'Nguyen' }, { kind: 'ALTERNATE', given: 'Anh', family: `Family${i}` }],
    birthDates: [{ value: '2009-03-15', precision: 'DAY' }],
    identifiers: [{ scheme: 'HO_REF', value: `Bfrag${i}` }],
  })));
});

test('every statement is parameterised: no value of the request appears in the SQL', async () => {
  const person = await insertPerson(hub.database.db, 3);
  const { statements } = await statementsFor(person.personId);
  for (const sql of statements) expect(sql).not.toContain(person.personId);
});

test('a statement with parameters is prepared once per connection, and still planned for each call\'s values', async () => {
  const database = await openDatabase(hub.config, rootLogger('silent'), { poolSize: 1 });
  try {
    const sql = 'select $1::int + 1 as n';
    expect(await database.db.query(sql, [1])).toEqual([{ n: 2 }]);
    expect(await database.db.query(sql, [41])).toEqual([{ n: 42 }]);
    const prepared = await database.db.query<{ n: string }>(`select count(*)::text as n from pg_prepared_statements where statement = $1`, [sql]);
    expect(prepared).toEqual([{ n: '1' }]);
    expect(await database.db.query('show plan_cache_mode')).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
  } finally {
    await database.close();
  }
});

test('options an operator puts in DATABASE_URL hold alongside the forced custom plans', async () => {
  const url = new URL(hub.config.databaseUrl!);
  url.searchParams.set('options', '-c statement_timeout=12345');
  const database = await openDatabase({ ...hub.config, databaseUrl: url.toString() }, rootLogger('silent'), { poolSize: 1 });
  try {
    expect(await database.db.query('show statement_timeout')).toEqual([{ statement_timeout: '12345ms' }]);
    expect(await database.db.query('show plan_cache_mode')).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
  } finally {
    await database.close();
  }
});
