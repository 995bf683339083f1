/**
 * Client mistakes are the client's (issue 21, item 5): each comes back through real HTTP with a
 * code that says so, a sentence naming the argument (or variable) and what was expected, the
 * request id, and no database or Node text. Before the fix most of these were a masked
 * INTERNAL_SERVER_ERROR "(request unknown)", some with HTTP 500.
 */
import http from 'node:http';
import { insertPerson } from './fixtures/persons';
import { postGraphQL, startTestHub, type GraphQLResponse, type TestHub } from './support/hub';

let hub: TestHub;
let url: string;
let personId: string;
let discussionId: string;
const tokens: Record<'la' | 'system', string> = { la: '', system: '' };

beforeAll(async () => {
  hub = await startTestHub();
  url = (await hub.server()).url;
  tokens.la = hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['MASH_COORDINATOR', 'DPO'] });
  tokens.system = hub.token({ agency: 'POLICE-MPS', kind: 'POLICE', roles: ['SYSTEM'] });
  personId = (await insertPerson(hub.database.db, 2, ['LA-213', 'POLICE-MPS'])).personId;
  const convened = await postGraphQL(url, {
    query: 'mutation ($input: StrategyDiscussionInput!) { conveneStrategyDiscussion(input: $input) { id } }',
    variables: { input: { personId, agencies: ['POLICE-KENT'], heldOn: '2026-01-01' } },
  }, { authorization: `Bearer ${tokens.la}` });
  discussionId = (convened.body.data as { conveneStrategyDiscussion: { id: string } }).conveneStrategyDiscussion.id;
});
afterAll(() => hub.close());

/** What no client may read: our words for our failures, SQL, Node. */
const LEAK = /request unknown|Internal server error|Something went wrong|postgres|relation|syntax error at|invalid byte sequence|out of range for type|date\/time field|Maximum call stack|RangeError|TypeError|URIError|\bat [\w.<>]+ \(/i;

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const deep = (levels: number) => `${'['.repeat(levels)}"x"${']'.repeat(levels)}`;

interface Case {
  /** A GraphQL request body (object), or the raw JSON text of one. */
  body: () => object | string;
  as?: keyof typeof tokens;
  status: number;
  code: string;
  message: RegExp;
}

const action = (dueOn: string): Case['body'] => () => ({
  query: `mutation ($id: ID!) { recordAction(discussionId: $id, input: { description: "Call the school", ownerAgency: "LA-213", dueOn: ${JSON.stringify(dueOn)} }) { id } }`,
  variables: { id: discussionId },
});
const actionVariable = (input: Record<string, unknown>): Case['body'] => () => ({
  query: 'mutation ($id: ID!, $input: ActionInput!) { recordAction(discussionId: $id, input: $input) { id } }',
  variables: { id: discussionId, input: { description: 'Call the school', ownerAgency: 'LA-213', dueOn: '2026-12-03', ...input } },
});
const chronology = (from: string): Case['body'] => () => ({ query: `query ($id: ID!) { person(id: $id) { safeguarding { chronology(from: ${JSON.stringify(from)}) { at } } } }`, variables: { id: personId } });
const chronologyVariable = (from: string): Case['body'] => () => ({ query: 'query ($id: ID!, $from: DateTime) { person(id: $id) { safeguarding { chronology(from: $from) { at } } } }', variables: { id: personId, from } });
const bad = (message: RegExp): Pick<Case, 'status' | 'code' | 'message'> => ({ status: 400, code: 'BAD_USER_INPUT', message });
/** Refused by a resolver: an error beside `data`, so HTTP 200 as for any field error. */
const badField = (message: RegExp): Pick<Case, 'status' | 'code' | 'message'> => ({ status: 200, code: 'BAD_USER_INPUT', message });

const UK_DATE = /dueOn.*expected a date as YYYY-MM-DD, got 03\/12\/2026 \(for 3 December 2026 write 2026-12-03\)/;
const cases: Record<string, Case> = {
  'Date literal dd/mm/yyyy': { body: action('03/12/2026'), ...bad(new RegExp(`^recordAction\\(input\\.${UK_DATE.source}`)) },
  'Date variable dd/mm/yyyy': { body: actionVariable({ dueOn: '03/12/2026' }), ...bad(new RegExp(`"\\$input".*"input\\.${UK_DATE.source}`)) },
  'Date literal 2026-13-45': { body: action('2026-13-45'), ...bad(/input\.dueOn.*got 2026-13-45, which is not a day of the calendar/) },
  'Date variable 2026-13-45': { body: actionVariable({ dueOn: '2026-13-45' }), ...bad(/input\.dueOn.*got 2026-13-45, which is not a day of the calendar/) },
  'Date literal "not a date"': { body: action('not a date'), ...bad(/input\.dueOn.*expected a date as YYYY-MM-DD, got not a date/) },
  'Date variable "not a date"': { body: actionVariable({ dueOn: 'not a date' }), ...bad(/input\.dueOn.*expected a date as YYYY-MM-DD, got not a date/) },
  'Date literal year 0000': { body: action('0000-01-01'), ...bad(/input\.dueOn.*years run from 0001 to 9999/) },
  'Date variable year 0000': { body: actionVariable({ dueOn: '0000-01-01' }), ...bad(/input\.dueOn.*years run from 0001 to 9999/) },
  'Date literal year 99999': { body: action('99999-01-01'), ...bad(/input\.dueOn.*years run from 0001 to 9999/) },
  'Date variable year 99999': { body: actionVariable({ dueOn: '99999-01-01' }), ...bad(/input\.dueOn.*years run from 0001 to 9999/) },
  'DateTime literal dd/mm/yyyy': { body: chronology('03/12/2026'), ...bad(/^chronology\(from\): expected a date and time as YYYY-MM-DDThh:mm:ssZ.*write 2026-12-03T00:00:00Z/) },
  'DateTime variable dd/mm/yyyy': { body: chronologyVariable('03/12/2026'), ...bad(/"\$from".*expected a date and time as YYYY-MM-DDThh:mm:ssZ.*write 2026-12-03T00:00:00Z/) },
  'DateTime literal 2026-13-45': { body: chronology('2026-13-45T00:00:00Z'), ...bad(/chronology\(from\):.*not a day of the calendar/) },
  'DateTime variable 2026-13-45': { body: chronologyVariable('2026-13-45T00:00:00Z'), ...bad(/"\$from".*not a day of the calendar/) },
  'DateTime literal "not a date"': { body: chronology('not a date'), ...bad(/chronology\(from\): expected a date and time/) },
  'DateTime variable "not a date"': { body: chronologyVariable('not a date'), ...bad(/"\$from".*expected a date and time/) },
  'DateTime literal year 0000': { body: chronology('0000-01-01T00:00:00Z'), ...bad(/chronology\(from\):.*years run from 0001 to 9999/) },
  'DateTime variable year 99999': { body: chronologyVariable('99999-01-01T00:00:00Z'), ...bad(/"\$from".*years run from 0001 to 9999/) },
  'DateTime variable in another subgraph (care)': {
    body: () => ({ query: 'mutation ($i: ConsentInput!) { recordConsent(input: $i) { id } }', variables: { i: { personId, givenBy: 'CHILD', categories: ['HEALTH'], recipients: ['POLICE'], expiresAt: '03/12/2026' } } }),
    ...bad(/"i\.expiresAt".*expected a date and time/),
  },
  'NUL in a string literal': { body: () => ({ query: '{ personBySourceRecord(agency: "LA-213", localId: "a\\u0000b") { id } }' }), ...bad(/^personBySourceRecord\(localId\): text may not contain the NUL character/) },
  'NUL in a string variable': { body: () => ({ query: 'query ($l: String!) { personBySourceRecord(agency: "LA-213", localId: $l) { id } }', variables: { l: 'a\u0000b' } }), ...bad(/^Variable "\$l" at "l": text may not contain the NUL character/) },
  'NUL in an input object variable': { body: actionVariable({ description: 'Call\u0000 the school' }), ...bad(/^Variable "\$input" at "input\.description": text may not contain the NUL character/) },
  'NUL in a search name': {
    body: () => ({ query: 'query ($e: PersonExample!) { identitySearch(example: $e) { probability } }', variables: { e: { names: [{ given: 'Anh\u0000', family: 'Nguyen' }] } } }),
    ...bad(/"\$e" at "e\.names\[0\]\.given": text may not contain the NUL character/),
  },
  'NUL in a DPO query': { body: () => ({ query: 'query ($s: String!) { accessBy(sub: $s) { totalCount } }', variables: { s: 'pc\u00001' } }), ...bad(/"\$s".*NUL character/) },
  'cursor: garbage': { body: () => ({ query: '{ matchAlerts(after: "!!garbage!!") { totalCount } }' }), ...badField(/matchAlerts: after is not a cursor/) },
  'cursor: base64 of garbage': { body: () => ({ query: `{ accessBy(sub: "x", after: "${b64('\u00ff\u0000zz|q')}") { totalCount } }` }), ...badField(/^accessBy: after is not a cursor this list gave/) },
  'cursor: sequence past bigint': { body: () => ({ query: `{ accessBy(sub: "x", after: "${b64('9999999999999999999')}") { totalCount } }` }), ...badField(/^accessBy: after is not a cursor this list gave/) },
  'cursor: year 0000': { body: () => ({ query: `{ matchAlerts(after: "${b64('0000-01-01T00:00:00.000Z|00000000-0000-0000-0000-000000000000')}") { totalCount } }` }), ...badField(/matchAlerts: after is not a cursor/) },
  'cursor: year 275760': { body: () => ({ query: `{ matchAlerts(after: "${b64('+275760-09-13T00:00:00.000Z|00000000-0000-0000-0000-000000000000')}") { totalCount } }` }), ...badField(/matchAlerts: after is not a cursor/) },
  'Int out of range (variable)': { body: () => ({ query: 'query ($f: Int!) { matchAlerts(first: $f) { totalCount } }', variables: { f: 99999999999 } }), ...bad(/"\$f".*Int cannot represent non 32-bit signed integer/) },
  'Int out of range (literal)': { body: () => ({ query: '{ matchAlerts(first: 99999999999) { totalCount } }' }), ...bad(/first.*Int cannot represent non 32-bit signed integer/) },
  'unknown operationName': { body: () => ({ query: 'query Mine { me { sub } }', operationName: 'Theirs' }), ...bad(/^operationName: the document has no operation named "Theirs" \(it has Mine\)/) },
  'two operations, no operationName': { body: () => ({ query: 'query A { me { sub } } query B { me { agency } }' }), ...bad(/^operationName: the document has 2 operations \(A, B\); say which/) },
  'a subscription': { body: () => ({ query: 'subscription { me { sub } }' }), ...bad(/^harbour serves no subscriptions: send a query or a mutation/) },
  'a search example of 38,000 names (issue 22: 23 s of CPU)': {
    body: () => ({ query: 'query ($e: PersonExample!) { identitySearch(example: $e) { probability } }', variables: { e: { names: Array.from({ length: 38_000 }, (_, i) => ({ full: `Anh ${i}` })) } } }),
    ...bad(/^Variable "\$e" at "e\.names": at most 10 items, received 38000$/),
  },
  'a search example of six phones, written in the query': {
    body: () => ({ query: '{ identitySearch(example: { phones: ["1", "2", "3", "4", "5", "6"] }) { probability } }' }),
    ...bad(/^identitySearch\(example\.phones\): at most 5 items, received 6$/),
  },
  'any other list in an input, too long': {
    body: () => ({ query: 'mutation ($i: ConsentInput!) { recordConsent(input: $i) { id } }', variables: { i: { personId, givenBy: 'CHILD', categories: Array.from({ length: 51 }, () => 'HEALTH'), recipients: ['POLICE'] } } }),
    ...bad(/^Variable "\$i" at "i\.categories": at most 50 items, received 51$/),
  },
  'variables 10,000 levels deep': {
    as: 'system',
    body: () => `{"query":"mutation ($r: [JSONObject!]!) { submitRecords(feed: POLICE, records: $r) { runId } }","variables":{"r":[{"a":${deep(10_000)}}]}}`,
    ...bad(/^Variable "\$r" is nested more than 64 levels deep/),
  },
};

test.each(Object.entries(cases))('%s', async (_name, c) => {
  const body = c.body();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[c.as ?? 'la']}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const json = JSON.parse(text) as GraphQLResponse;
  const error = json.errors?.[0];
  expect({ status: response.status, code: error?.extensions?.code }).toEqual({ status: c.status, code: c.code });
  expect(error?.message).toMatch(c.message);
  expect(error?.extensions?.requestId).toBe(response.headers.get('x-request-id'));
  expect(text).not.toMatch(LEAK);
});

test('a malformed percent-encoding in /strategy-pack/… is a 400, not a 500', async () => {
  const response = await fetch(url.replace(/\/graphql$/, '/strategy-pack/%E0%A4%A'), { headers: { authorization: `Bearer ${tokens.la}` } });
  const text = await response.text();
  const error = (JSON.parse(text) as GraphQLResponse).errors?.[0];
  expect(response.status).toBe(400);
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error?.message).toMatch(/person id .* not valid percent-encoding/);
  expect(error?.extensions?.requestId).toBe(response.headers.get('x-request-id'));
  expect(text).not.toMatch(LEAK);
});

test('after a 413 the connection is closed, so the next request on a keep-alive agent is answered at once', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port, pathname } = new URL(url);
  const post = (body: string) => new Promise<{ status: number; connection?: string; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const request = http.request({ agent, hostname, port, path: pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.la}` } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection, ms: Date.now() - started }));
    });
    request.on('error', reject);
    request.end(body);
  });
  try {
    const tooLarge = await post(JSON.stringify({ query: '{ me { sub } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(tooLarge).toMatchObject({ status: 413, connection: 'close' });
    const next = await post(JSON.stringify({ query: '{ me { sub } }' }));
    expect(next.status).toBe(200);
    expect(next.ms).toBeLessThan(2000);
  } finally {
    agent.destroy();
  }
});
