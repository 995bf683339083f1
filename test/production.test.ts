/** In production: no development issuer, no introspection, no suggestions of names or values, no generated audit key. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { createGateway } from '../src/gateway/server';
import { rootLogger } from '../src/log';
import { startTestHub, type TestHub } from './support/hub';

const ISSUER = 'https://idp.la213.test';
let hub: TestHub;
let token: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-prod-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  fs.writeFileSync(path.join(dir, 'la213.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'issuers.json'), JSON.stringify({ issuers: [{ issuer: ISSUER, agencies: ['LA-213'], kinds: ['CHILDRENS_SERVICES'], publicKeyFile: 'la213.pub.pem' }] }));
  fs.writeFileSync(path.join(dir, 'audit.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
  hub = await startTestHub({ HARBOUR_ENV: 'production', HARBOUR_ISSUERS_FILE: path.join(dir, 'issuers.json'), HARBOUR_AUDIT_KEY_FILE: path.join(dir, 'audit.key') });
  token = jwt.sign({ agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] }, privateKey, { algorithm: 'ES256', issuer: ISSUER, audience: 'harbour', subject: 'alice', expiresIn: 300 });
});
afterAll(() => hub.close());

test('the development issuer is not trusted', async () => {
  await expect(hub.execute(hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES' }), '{ me { sub } }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('a token from a configured issuer works', async () => {
  expect((await hub.execute(token, '{ me { sub agency } }')).data).toEqual({ me: { sub: 'alice', agency: 'LA-213' } });
});

test('introspection is off', async () => {
  const response = await hub.execute(token, '{ __schema { types { name } } }');
  expect(response.data ?? undefined).toBeUndefined();
  expect(response.errors?.[0]?.message).toMatch(/introspection/i);
});

test('field suggestions do not leak the schema', async () => {
  const response = await hub.execute(token, '{ me { agenc } }');
  expect(response.errors?.[0]?.message).not.toMatch(/Did you mean/);
});

test('no suggestions of enum values or field names, in the query or in its variables', async () => {
  const person = '00000000-0000-0000-0000-000000000000';
  const cases: [string, Record<string, unknown>][] = [
    [`{ explainAccess(personId: "${person}", category: LOCATOIN) { category } }`, {}],
    ['query ($c: DataCategory!) { explainAccess(personId: "00000000-0000-0000-0000-000000000000", category: $c) { category } }', { c: 'LOCATOIN' }],
    ['query ($e: PersonExample!) { identitySearch(example: $e) { probability } }', { e: { names: [{ ful: 'Anh' }] } }],
    ['{ me { agenc } }', {}],
  ];
  for (const [query, variables] of cases) {
    const response = await hub.execute(token, query, variables);
    expect(response.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(response.errors?.[0]?.message).not.toMatch(/Did you mean|LOCATION|"full"|agency|Suggestion/);
  }
});

test('the audit key is never generated: without it the hub does not start, naming the variable', async () => {
  const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-prod-')), 'audit.key');
  await expect(createGateway({ config: { ...hub.config, auditKeyFile: missing }, db: hub.database.db, log: rootLogger('silent') })).rejects.toThrow(
    `configuration: HARBOUR_AUDIT_KEY_FILE must be a file holding at least 32 random bytes in base64 (\`openssl rand -base64 32\`), received ${JSON.stringify(missing)}`,
  );
  expect(fs.existsSync(missing)).toBe(false);
});
