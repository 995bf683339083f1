/**
 * The scale-out topology with real processes on loopback: six `harbour serve --subgraph …`
 * processes and a gateway reading the committed supergraph. Subgraphs accept only the
 * short-lived token the gateway signs for each of them.
 */
import jwt from 'jsonwebtoken';
import path from 'node:path';
import { freePort } from '../src/db';
import { loadKeyPair, signSubgraphToken } from '../src/access';
import { insertPerson } from './fixtures/persons';
import { createTestDatabaseUrl } from './support/db';
import { postGraphQL } from './support/hub';
import { assertBuilt, harbour, type HarbourProcess } from './support/processes';
import { openDatabase, type Database } from '../src/db';
import { loadConfig } from '../src/config';
import { rootLogger } from '../src/log';

const SUBGRAPHS = ['identity', 'care', 'police', 'immigration', 'safeguarding', 'access'];
const processes: HarbourProcess[] = [];
const urls: Record<string, string> = {};
let gatewayUrl: string;
let database: Database;
let personId: string;
const home = process.env.HARBOUR_HOME!;

beforeAll(async () => {
  assertBuilt();
  const databaseUrl = await createTestDatabaseUrl();
  database = await openDatabase(loadConfig({ ...process.env, DATABASE_URL: databaseUrl }), rootLogger('silent'), { poolSize: 2 });
  personId = (await insertPerson(database.db, 3, ['LA-213', 'POLICE-MPS', 'HO'])).personId;
  const env = { DATABASE_URL: databaseUrl, HARBOUR_HOME: home, HARBOUR_ENV: 'test' };
  // Make sure the gateway key exists before six processes race to read it.
  loadKeyPair(path.join(home, 'keys/gateway.key.pem'), path.join(home, 'keys/gateway.pub.pem'), true);
  for (const name of SUBGRAPHS) {
    const port = await freePort();
    const p = harbour(['serve', '--subgraph', name, '--port', String(port)], env);
    processes.push(p);
    urls[name] = `http://127.0.0.1:${port}/graphql`;
  }
  await Promise.all(processes.map((p) => p.waitFor(/listening on (\S+)/)));
  const gateway = harbour(['serve', '--port', '0'], { ...env, HARBOUR_SUBGRAPH_URLS: SUBGRAPHS.map((n) => `${n}=${urls[n]}`).join(',') });
  processes.push(gateway);
  gatewayUrl = (await gateway.waitFor(/harbour listening on (\S+)/))[1]!;
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await database?.close();
});

function devToken(agency: string, kind: string): string {
  const keys = loadKeyPair(path.join(home, 'keys/dev-issuer.key.pem'), path.join(home, 'keys/dev-issuer.pub.pem'), true);
  return jwt.sign({ agency, agencyKind: kind, roles: ['OFFICER'] }, keys.privateKey, { algorithm: 'ES256', keyid: keys.kid, issuer: 'harbour-dev', audience: 'harbour', subject: 'pc-1', expiresIn: 300 });
}

test('a query through the gateway reaches every subgraph process and keeps client paths in withheld', async () => {
  const response = await postGraphQL(
    gatewayUrl,
    {
      query: `query ($id: ID!) { me { agency } person(id: $id) { id identities { agency names { given } }
               care { placements { postcode } missingEpisodes { open } } police { custody { offence } } immigration { status { status } }
               safeguarding { discussions { id } } } }`,
      variables: { id: personId },
    },
    { authorization: `Bearer ${devToken('POLICE-MPS', 'POLICE')}` },
  );
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  const person = (response.body.data as { person: { identities: { agency: string; names: unknown[] }[]; care: { placements: unknown; missingEpisodes: unknown[] } } }).person;
  expect(person.identities.map((i) => i.agency).sort()).toEqual(['HO', 'LA-213', 'POLICE-MPS']);
  expect(person.identities.every((i) => i.names.length === 2)).toBe(true);
  // Police see LA missing episodes (the agreement), but not the LA's placements (CARE_PLAN).
  expect(person.care.missingEpisodes).toHaveLength(1);
  expect(person.care.placements).toBeNull();
  expect(response.body.extensions?.withheld).toEqual(
    expect.arrayContaining([{ path: ['person', 'care', 'placements'], category: 'CARE_PLAN', releasableWith: ['CONSENT', 'JUSTIFICATION'] }]),
  );
  expect((response.body.data as { me: unknown }).me).toEqual({ agency: 'POLICE-MPS' });

  // Each subgraph process audited its own decisions, under the gateway's request id and the client's paths.
  const rows = await database.db.query<{ category: string; paths: string; outcome: string }>(
    `select category, paths, outcome from audit.event where request_id = $1`,
    [response.body.extensions?.requestId],
  );
  expect(rows).toEqual(expect.arrayContaining([
    { category: 'CARE_PLAN', paths: '[["person","care","placements"]]', outcome: 'WITHHELD' },
    { category: 'MISSING', paths: '[["person","care","missingEpisodes"]]', outcome: 'RELEASED' },
  ]));
  const identityPaths = rows.filter((r) => r.category === 'IDENTITY' && r.outcome === 'RELEASED').flatMap((r) => JSON.parse(r.paths) as unknown[]);
  expect(identityPaths).toEqual(expect.arrayContaining([0, 1, 2].map((i) => ['person', 'identities', i, 'names'])));
});

test('a sealed field reached through an entity fetch in another subgraph process is withheld, and said so by its client path', async () => {
  const response = await postGraphQL(
    gatewayUrl,
    { query: `query ($id: ID!) { person(id: $id) { care { missingEpisodes { lastSeenLocation } } } }`, variables: { id: personId } },
    { authorization: `Bearer ${devToken('POLICE-MPS', 'POLICE')}` },
  );
  expect(response.body.data).toEqual({ person: { care: { missingEpisodes: [{ lastSeenLocation: null }] } } });
  expect(response.body.extensions?.withheld).toEqual([
    { path: ['person', 'care', 'missingEpisodes', 0, 'lastSeenLocation'], category: 'LOCATION', releasableWith: ['CONSENT', 'JUSTIFICATION'] },
  ]);
});

describe('a subgraph process refuses anything but a gateway token for itself', () => {
  const query = { query: '{ _service { sdl } }' };
  test('no token', async () => {
    const response = await postGraphQL(urls.police!, query);
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
  test("the client's own token", async () => {
    const response = await postGraphQL(urls.police!, query, { authorization: `Bearer ${devToken('POLICE-MPS', 'POLICE')}` });
    expect(response.status).toBe(401);
  });
  test('a gateway token for another subgraph', async () => {
    const keys = loadKeyPair(path.join(home, 'keys/gateway.key.pem'), path.join(home, 'keys/gateway.pub.pem'), false);
    const principal = { sub: 'pc-1', agency: 'POLICE-MPS', agencyKind: 'POLICE' as const, roles: ['OFFICER' as const] };
    const forCare = signSubgraphToken(keys, 'care', principal, 'r-1', 30);
    expect((await postGraphQL(urls.police!, query, { authorization: `Bearer ${forCare}` })).status).toBe(401);
    const forPolice = signSubgraphToken(keys, 'police', principal, 'r-2', 30);
    const ok = await postGraphQL(urls.police!, query, { authorization: `Bearer ${forPolice}` });
    expect(ok.status).toBe(200);
  });
});

test('across processes, a client mistake keeps its code and words, and an unexpected failure stays masked', async () => {
  const auth = { authorization: `Bearer ${devToken('POLICE-MPS', 'POLICE')}` };
  // Found by the identity subgraph process, refused there, passed through the gateway.
  const cursor = Buffer.from('0000-01-01T00:00:00.000Z|00000000-0000-0000-0000-000000000000').toString('base64url');
  const fromSubgraph = await postGraphQL(gatewayUrl, { query: `{ matchAlerts(after: "${cursor}") { totalCount } }` }, auth);
  expect(fromSubgraph.body.errors?.[0]).toMatchObject({ message: 'matchAlerts: after is not a cursor this connection gave', extensions: { code: 'BAD_USER_INPUT', requestId: fromSubgraph.headers.get('x-request-id') } });
  // Refused at the gateway's edge, before any subgraph process is asked.
  const atEdge = await postGraphQL(gatewayUrl, { query: 'query ($id: ID!, $from: DateTime) { person(id: $id) { safeguarding { chronology(from: $from) { at } } } }', variables: { id: personId, from: '03/12/2026' } }, auth);
  expect(atEdge.status).toBe(400);
  expect(atEdge.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(atEdge.body.errors?.[0]?.message).toMatch(/"\$from".*write 2026-12-03T00:00:00Z/);
  // A database failure inside the care process: masked there and at the gateway, with the request id.
  await database.db.query('alter table care.missing_episode rename to missing_episode_gone');
  try {
    const failed = await postGraphQL(gatewayUrl, { query: 'query ($id: ID!) { person(id: $id) { id care { missingEpisodes { open } } } }', variables: { id: personId } }, auth);
    const id = failed.headers.get('x-request-id');
    expect(failed.body.errors?.[0]).toMatchObject({ message: `Something went wrong on our side; quote request ${id} to your administrator.`, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: id } });
    expect(JSON.stringify(failed.body)).not.toMatch(/relation|missing_episode|does not exist|postgres|unknown/i);
  } finally {
    await database.db.query('alter table care.missing_episode_gone rename to missing_episode');
  }
});
