/**
 * The authentication rejection matrix, through the real gateway over HTTP: every bad token is
 * refused with HTTP 401, code UNAUTHENTICATED and the same message, with no hint of the reason.
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { Authenticator, readIssuersFile } from '../src/access';
import { postGraphQL, startTestHub, type TestHub } from './support/hub';

const ISSUER = 'https://idp.police.test';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let hub: TestHub;
let url: string;
let privateKey: KeyObject;
let publicKey: KeyObject;
let publicPem: string;

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: 'harbour', sub: 'pc-1234', agency: 'POLICE-MPS', agencyKind: 'POLICE', roles: ['OFFICER'], iat: now, exp: now + 600, ...overrides };
}

function sign(payload: Record<string, unknown>, header: Record<string, unknown> = {}) {
  return jwt.sign(payload, privateKey, { algorithm: 'RS256', keyid: 'police-1', ...header });
}

function without(key: string) {
  const c: Record<string, unknown> = claims();
  delete c[key];
  return c;
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-issuers-'));
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
  publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: 'police-1', use: 'sig' }] }));
  fs.writeFileSync(path.join(dir, 'issuers.json'), JSON.stringify({ issuers: [{ issuer: ISSUER, agencies: ['POLICE-*'], kinds: ['POLICE'], jwksFile: 'jwks.json' }] }));
  hub = await startTestHub({ HARBOUR_ISSUERS_FILE: path.join(dir, 'issuers.json') });
  url = (await hub.server()).url;
});

afterAll(() => hub.close());

const ask = (authorization?: string) => postGraphQL(url, { query: '{ me { sub agency agencyKind roles } }' }, authorization ? { authorization } : {});

test('a valid token from a configured issuer gives the principal of its claims', async () => {
  const response = await ask(`Bearer ${sign(claims())}`);
  expect(response.status).toBe(200);
  expect(response.body.data).toEqual({ me: { sub: 'pc-1234', agency: 'POLICE-MPS', agencyKind: 'POLICE', roles: ['OFFICER'] } });
});

test('an issuers file entry without kinds stops harbour at start, naming the entry', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-issuers-'));
  fs.writeFileSync(path.join(dir, 'la.pem'), publicPem);
  fs.writeFileSync(path.join(dir, 'issuers.json'), JSON.stringify({ issuers: [{ issuer: ISSUER, agencies: ['LA-886'], publicKeyFile: 'la.pem' }] }));
  expect(() => readIssuersFile(path.join(dir, 'issuers.json'))).toThrow(/issuers\[0\]: "kinds" must list the agency kinds/);
});

test('an LA education service signs with its LA code as EDUCATION', async () => {
  const response = await ask(`Bearer ${hub.token({ agency: 'LA-213', kind: 'EDUCATION', sub: 'teacher' })}`);
  expect(response.body.data).toEqual({ me: { sub: 'teacher', agency: 'LA-213', agencyKind: 'EDUCATION', roles: ['CASEWORKER'] } });
});

test('a development token from `harbour token` is accepted outside production', async () => {
  const response = await ask(`Bearer ${hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', sub: 'alice' })}`);
  expect(response.body.data).toEqual({ me: { sub: 'alice', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] } });
});

const now = () => Math.floor(Date.now() / 1000);

const cases: [string, () => string | undefined][] = [
  ['no token', () => undefined],
  ['not a bearer token', () => `Basic ${Buffer.from('a:b').toString('base64')}`],
  ['alg none', () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
  ['HS256 signed with the public key (algorithm confusion)', () => {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'police-1' })}.${b64(claims())}`;
    return `Bearer ${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
  }],
  ['expired', () => `Bearer ${sign(claims({ iat: now() - 3600, exp: now() - 600 }))}`],
  ['not yet valid (nbf)', () => `Bearer ${sign(claims({ nbf: now() + 600 }))}`],
  ['wrong audience', () => `Bearer ${sign(claims({ aud: 'someone-else' }))}`],
  ['wrong issuer', () => `Bearer ${sign(claims({ iss: 'https://idp.unknown.test' }))}`],
  ['unknown key id', () => `Bearer ${sign(claims(), { keyid: 'not-a-key' })}`],
  ['tampered signature', () => {
    const [header, , signature] = sign(claims()).split('.');
    return `Bearer ${header}.${b64(claims({ agency: 'POLICE-WYP' }))}.${signature}`;
  }],
  ['signed by another key under the right key id', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return `Bearer ${jwt.sign(claims(), other, { algorithm: 'RS256', keyid: 'police-1' })}`;
  }],
  ['no exp', () => `Bearer ${sign(without('exp'))}`],
  ['no sub', () => `Bearer ${sign(without('sub'))}`],
  ['no agency', () => `Bearer ${sign(without('agency'))}`],
  ['no agencyKind', () => `Bearer ${sign(without('agencyKind'))}`],
  ['no roles', () => `Bearer ${sign(without('roles'))}`],
  ['an unknown role', () => `Bearer ${sign(claims({ roles: ['ADMIN'] }))}`],
  ['agency not allowed for this issuer', () => `Bearer ${sign(claims({ agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES' }))}`],
  // An IdP trusted for police codes cannot make its users another kind, nor claim a kind its code is not.
  ['a kind the issuer may not assert', () => `Bearer ${sign(claims({ agencyKind: 'IMMIGRATION' }))}`],
  ['a kind its agency code does not stand for (development issuer)', () => `Bearer ${hub.token({ agency: 'LA-886', kind: 'POLICE' })}`],
  ['an NHS code claiming immigration (development issuer)', () => `Bearer ${hub.token({ agency: 'NHS-RJ1', kind: 'IMMIGRATION' })}`],
  ['lifetime longer than allowed', () => `Bearer ${sign(claims({ exp: now() + 48 * 3600 }))}`],
  ['issued in the future', () => `Bearer ${sign(claims({ iat: now() + 3600, exp: now() + 4000 }))}`],
  ['garbage', () => 'Bearer not.a.jwt'],
];

test.each(cases)('refused: %s', async (_name, make) => {
  const response = await ask(make());
  expect(response.status).toBe(401);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors).toEqual([{ message: 'Authentication required: send a valid bearer token.', extensions: { code: 'UNAUTHENTICATED' } }]);
});

test('a verified token is remembered only until it expires, and a token changed in any byte is verified afresh', () => {
  let clock = Date.now();
  const authenticator = new Authenticator([{ issuer: ISSUER, agencies: ['POLICE-*'], kinds: ['POLICE'], keys: [{ kid: 'police-1', key: publicKey, algorithm: 'RS256' }] }], {
    audience: 'harbour', maxLifetimeSeconds: 3600, clockSkewSeconds: 30, now: () => clock,
  });
  const refusal = (authorization: string) => {
    try {
      authenticator.authenticate(authorization);
    } catch (error) {
      return (error as { reason?: string }).reason;
    }
    return 'accepted';
  };
  const token = sign(claims({ exp: now() + 60 }));
  expect(authenticator.authenticate(`Bearer ${token}`)).toEqual({ sub: 'pc-1234', agency: 'POLICE-MPS', agencyKind: 'POLICE', roles: ['OFFICER'] });
  const [header, payload, signature] = token.split('.');
  const forged = `${header}.${b64({ ...claims({ exp: now() + 60 }), agency: 'POLICE-WYP' })}.${signature}`;
  expect(refusal(`Bearer ${forged}`)).toMatch(/^verification failed/);
  expect(refusal(`Bearer ${header}.${payload}.${signature!.slice(0, -2)}AA`)).toMatch(/^verification failed/);
  clock += 85_000; // within exp + clock skew
  expect(authenticator.authenticate(`Bearer ${token}`).sub).toBe('pc-1234');
  clock += 10_000; // past exp + clock skew
  expect(refusal(`Bearer ${token}`)).toBe('verification failed: jwt expired');
});
