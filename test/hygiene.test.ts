/**
 * GraphQL hygiene through real HTTP: coded limit errors, no batching, CSRF prevention, masked
 * unexpected errors, a request id on every response, health and readiness.
 */
import { insertPerson } from './fixtures/persons';
import { postGraphQL, startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
let url: string;
let auth: Record<string, string>;

beforeAll(async () => {
  hub = await startTestHub({ HARBOUR_MAX_DEPTH: '3', HARBOUR_MAX_ALIASES: '3', HARBOUR_MAX_TOKENS: '200', HARBOUR_MAX_DIRECTIVES: '3' });
  url = (await hub.server()).url;
  auth = { authorization: `Bearer ${hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES' })}` };
});
afterAll(() => hub.close());

const limitCases: [string, string][] = [
  ['depth', '{ person(id: "00000000-0000-0000-0000-000000000000") { identities { names { given } } care { placements { postcode } } } }'],
  ['aliases', '{ a: me { sub } b: me { sub } c: me { sub } d: me { sub } }'],
  // `__typename` aliases are aliases: 990 of them were accepted.
  ['__typename aliases', '{ me { a: __typename b: __typename c: __typename d: __typename } }'],
  ['directives', '{ me @include(if: true) @include(if: true) @skip(if: false) @skip(if: false) { sub } }'],
  ['tokens', `{ me { ${Array.from({ length: 250 }, () => 'sub').join(' ')} } }`],
];

test.each(limitCases)('an operation over the %s limit is refused with QUERY_TOO_COMPLEX', async (_limit, query) => {
  const response = await postGraphQL(url, { query }, auth);
  expect(response.status).toBe(400);
  expect(response.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  expect(response.body.data ?? undefined).toBeUndefined();
});

test('an operation within the limits is answered', async () => {
  const response = await postGraphQL(url, { query: '{ a: me { sub } b: me { agency } }' }, auth);
  expect(response.status).toBe(200);
  expect(response.body.data).toEqual({ a: { sub: 'test-user' }, b: { agency: 'LA-213' } });
});

test('HTTP batching is refused', async () => {
  const response = await postGraphQL(url, [{ query: '{ me { sub } }' }, { query: '{ me { sub } }' }], auth);
  expect(response.status).toBe(400);
});

test('CSRF prevention: a simple GET without a preflight header is refused', async () => {
  const response = await fetch(`${url}?query=${encodeURIComponent('{ me { sub } }')}`, { headers: auth });
  expect(response.status).toBe(400);
  expect(await response.text()).toMatch(/CSRF/);
});

test('every response carries its request id, in the header and in extensions', async () => {
  const response = await postGraphQL(url, { query: '{ me { sub } }' }, auth);
  const id = response.headers.get('x-request-id');
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.body.extensions?.requestId).toBe(id);
});

test('an unexpected failure is masked: a code and the request id, never the database message', async () => {
  const person = await insertPerson(hub.database.db, 1, ['LA-213']);
  await hub.owner.db.query('alter table care.placement rename to placement_gone');
  try {
    const response = await postGraphQL(url, { query: `{ person(id: "${person.personId}") { id care { agency } } }` }, auth);
    const text = JSON.stringify(response.body);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    // The message carries the request id it asks the user to quote, never "request unknown".
    const id = response.headers.get('x-request-id');
    expect(response.body.errors?.[0]?.message).toBe(`Something went wrong on our side; quote request ${id} to your administrator.`);
    expect(response.body.errors?.[0]?.extensions?.requestId).toBe(id);
    expect(text).not.toMatch(/unknown/);
    expect(text).not.toMatch(/relation|placement_gone|care\.placement|does not exist|postgres/i);
    expect((response.body.data as { person: { id: string } }).person.id).toBe(person.personId);
  } finally {
    await hub.owner.db.query('alter table care.placement_gone rename to placement');
  }
});

test('a syntax error is the client’s, and says so', async () => {
  const response = await postGraphQL(url, { query: '{ me { sub }' }, auth);
  expect(response.status).toBe(400);
  expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
});

test('/health and /ready answer; unknown paths are 404', async () => {
  const base = url.replace(/\/graphql$/, '');
  expect((await fetch(`${base}/health`)).status).toBe(200);
  expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: 'ready' });
  expect((await fetch(`${base}/nope`)).status).toBe(404);
});
