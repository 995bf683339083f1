/**
 * The console's sign-in. Production: OpenID Connect authorization code flow with PKCE against a
 * real OpenID Provider (`oidc-provider`, run on loopback in a child process: it is ESM-only) named
 * in the issuers file; its access tokens must pass the hub's verification, and a token from a
 * provider not in the file, or for a kind the issuer may not assert, must not. Development: the
 * dev-token route (never in production). And the browser module, console/src/auth.ts, run against
 * the same provider and hub with the browser's globals stood in for.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, createHash, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import ts from 'typescript';
import { readIssuersFile } from '../src/access';
import type { RunningServer } from '../src/gateway/server';
import { postGraphQL, startTestHub, type TestHub } from './support/hub';

const ROOT = path.resolve(__dirname, '..');
const CLIENT_ID = 'harbour-console';
const RESOURCE = 'urn:harbour';
const ME = '{ me { sub agency agencyKind roles } }';

interface OpInfo { issuer: string; jwks: { keys: object[] } }
interface Discovery { authorization_endpoint: string; token_endpoint: string; end_session_endpoint: string }

let op: ChildProcessWithoutNullStreams;
let opLines: AsyncIterator<string>;
let trusted: OpInfo & { discovery: Discovery };
let rogue: OpInfo & { discovery: Discovery };
let dir: string;
let hub: TestHub;
let server: RunningServer;
let origin: string;

async function discover(issuer: string): Promise<Discovery> {
  return (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Discovery;
}

async function nextLine(): Promise<string> {
  const next = await opLines.next();
  if (next.done) throw new Error('the OpenID Provider process ended');
  return next.value;
}

beforeAll(async () => {
  op = spawn(process.execPath, [path.join(__dirname, 'support/oidc-op.mjs')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let opErrors = '';
  op.stderr.on('data', (chunk: Buffer) => {
    opErrors += chunk.toString();
  });
  op.on('exit', (code) => {
    if (code) process.stderr.write(`oidc-op exited ${code}: ${opErrors}\n`);
  });
  opLines = createInterface({ input: op.stdout })[Symbol.asyncIterator]();
  const started = JSON.parse(await nextLine()) as { trusted: OpInfo; rogue: OpInfo };

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-oidc-'));
  fs.writeFileSync(path.join(dir, 'la213-jwks.json'), JSON.stringify(started.trusted.jwks));
  const issuers = (discovery: Discovery | undefined) => ({
    issuers: [{
      issuer: started.trusted.issuer,
      agencies: ['LA-213'],
      kinds: ['CHILDRENS_SERVICES'],
      jwksFile: 'la213-jwks.json',
      ...(discovery ? {
        oidc: {
          label: 'LA 213 staff sign-in',
          clientId: CLIENT_ID,
          authorizationEndpoint: discovery.authorization_endpoint,
          tokenEndpoint: discovery.token_endpoint,
          endSessionEndpoint: discovery.end_session_endpoint,
          scope: 'openid harbour',
          resource: RESOURCE,
        },
      } : {}),
    }],
  });
  // The providers answer discovery only once configured: write the endpoints as the OP's documents say, after.
  const draft = path.join(dir, 'issuers.json');
  const guessed: Discovery = { authorization_endpoint: `${started.trusted.issuer}/auth`, token_endpoint: `${started.trusted.issuer}/token`, end_session_endpoint: `${started.trusted.issuer}/session/end` };
  fs.writeFileSync(draft, JSON.stringify(issuers(guessed)));
  hub = await startTestHub({ HARBOUR_ISSUERS_FILE: draft });
  server = await hub.server();
  origin = `http://127.0.0.1:${server.port}`;
  op.stdin.write(`${JSON.stringify({ redirectUri: `${origin}/` })}\n`);
  expect(JSON.parse(await nextLine())).toEqual({ configured: true });
  trusted = { ...started.trusted, discovery: await discover(started.trusted.issuer) };
  rogue = { ...started.rogue, discovery: await discover(started.rogue.issuer) };
  // What the hub was started with is what the provider publishes.
  expect(issuers(trusted.discovery)).toEqual(issuers(guessed));
});

afterAll(async () => {
  await hub?.close();
  op?.stdin.end();
  if (op && op.exitCode === null) await new Promise((resolve) => op.once('exit', resolve));
});

/** A user agent's cookies for one provider, enough for its sign-in pages. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value && !/expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return response;
  }
}

/**
 * As a person in a browser: open the authorization URL, sign in on the provider's page, allow,
 * and follow the redirects until the provider sends the browser back to the hub. That URL.
 */
async function signInAtProvider(authorizationUrl: string, login: string, password: string): Promise<URL> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  const form = { login, password };
  for (let step = 0; step < 12; step++) {
    if (url.origin === origin) return url;
    const response = await jar.fetch(url);
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url);
      continue;
    }
    const html = await response.text();
    expect(response.status).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on the provider's page: ${html.slice(0, 300)}`);
    const body = new URLSearchParams(/name="password"/.test(html) ? form : {});
    const posted = await jar.fetch(new URL(action, url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(posted.status).toBe(303);
    url = new URL(posted.headers.get('location')!, url);
  }
  throw new Error('the provider never sent the browser back');
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The whole flow by hand, as the browser module does it: an access token from `provider`. */
async function accessTokenFrom(provider: OpInfo & { discovery: Discovery }, login: string, password: string): Promise<string> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(provider.discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${origin}/`, scope: 'openid harbour', state,
    nonce: randomBytes(16).toString('base64url'), code_challenge: challenge, code_challenge_method: 'S256', resource: RESOURCE,
  }).toString();
  const back = await signInAtProvider(authorize.toString(), login, password);
  expect(back.searchParams.get('state')).toBe(state);
  const response = await fetch(provider.discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: `${origin}/`, client_id: CLIENT_ID, code_verifier: verifier, resource: RESOURCE }),
  });
  const body = (await response.json()) as { access_token?: string };
  expect(response.status).toBe(200);
  return body.access_token!;
}

const me = (token: string) => postGraphQL(`${origin}/graphql`, { query: ME }, { authorization: `Bearer ${token}` });

describe('OpenID Connect: authorization code flow with PKCE against a real provider', () => {
  test("the provider's access token for an LA MASH coordinator is accepted by /graphql", async () => {
    const token = await accessTokenFrom(trusted, 'mash.lead', 'correct horse');
    const response = await me(token);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ me: { sub: 'mash.lead', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['MASH_COORDINATOR'] } });
  });

  test('the provider refuses a code exchange without the PKCE verifier', async () => {
    const { challenge } = pkce();
    const authorize = new URL(trusted.discovery.authorization_endpoint);
    authorize.search = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${origin}/`, scope: 'openid harbour', state: 's', code_challenge: challenge, code_challenge_method: 'S256', resource: RESOURCE }).toString();
    const back = await signInAtProvider(authorize.toString(), 'mash.lead', 'correct horse');
    const response = await fetch(trusted.discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: `${origin}/`, client_id: CLIENT_ID, code_verifier: pkce().verifier, resource: RESOURCE }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  test('a token for a kind the issuer may not assert is UNAUTHENTICATED', async () => {
    const token = await accessTokenFrom(trusted, 'school.officer', 'battery staple');
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.body.data ?? null).toBeNull();
  });

  test('a token from a provider not in the issuers file is UNAUTHENTICATED', async () => {
    const token = await accessTokenFrom(rogue, 'mash.lead', 'correct horse');
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /console/sign-in-options', () => {
  test('lists the provider from the issuers file and, outside production, the development choices; never cached', async () => {
    const response = await fetch(`${origin}/console/sign-in-options`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { providers: unknown[]; development: { agencies: string[]; kindsOf: Record<string, string[]>; kinds: string[]; roles: string[]; tokenSeconds: number } };
    expect(body.providers).toEqual([{
      id: trusted.issuer,
      label: 'LA 213 staff sign-in',
      clientId: CLIENT_ID,
      authorizationEndpoint: trusted.discovery.authorization_endpoint,
      tokenEndpoint: trusted.discovery.token_endpoint,
      endSessionEndpoint: trusted.discovery.end_session_endpoint,
      scope: 'openid harbour',
      resource: RESOURCE,
    }]);
    expect(body.development.agencies).toEqual(expect.arrayContaining(['LA-213', 'LA-886', 'POLICE-MPS', 'HO']));
    expect(body.development.kindsOf).toMatchObject({ 'LA-213': ['CHILDRENS_SERVICES', 'EDUCATION'], 'POLICE-MPS': ['POLICE'], HO: ['IMMIGRATION'] });
    expect(body.development.kinds).toContain('IMMIGRATION');
    expect(body.development.roles).toContain('MASH_COORDINATOR');
    expect(body.development.tokenSeconds).toBe(1800);
  });
});

test("the console's page may call the provider's token endpoint (connect-src), and the sign-in routes are not shadowed by its files", async () => {
  const page = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
  const connect = (page.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
  expect(connect).toBe(`connect-src 'self' ${new URL(trusted.discovery.token_endpoint).origin}`);
  expect((await fetch(`${origin}/console/sign-in-options`)).headers.get('content-type')).toMatch(/^application\/json/);
});

const devToken = (body: unknown, contentType = 'application/json') =>
  fetch(`${origin}/console/dev-token`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /console/dev-token (outside production)', () => {
  test('answers a short-lived development token that /graphql accepts; never cached', async () => {
    const before = Date.now();
    const response = await devToken({ sub: 'dev.alice', agency: 'POLICE-MPS', agencyKind: 'POLICE', roles: ['OFFICER'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt) - before).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(expiresAt) - before).toBeLessThanOrEqual(30 * 60_000 + 1000);
    expect((await me(token)).body.data).toEqual({ me: { sub: 'dev.alice', agency: 'POLICE-MPS', agencyKind: 'POLICE', roles: ['OFFICER'] } });
  });

  test('a kind that does not agree with the agency code is 400 BAD_USER_INPUT naming the field', async () => {
    const response = await devToken({ sub: 'dev.alice', agency: 'LA-213', agencyKind: 'POLICE', roles: ['OFFICER'] });
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agencyKind' });
    expect(error.message).toMatch(/^agencyKind: LA-213 is not an agency of kind POLICE/);
  });

  test.each([
    [{ agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] }, 'sub'],
    [{ sub: 'a', agency: 'LA-21', agencyKind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] }, 'agency'],
    [{ sub: 'a', agency: 'LA-213', agencyKind: 'SOCIAL', roles: ['CASEWORKER'] }, 'agencyKind'],
    [{ sub: 'a', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: [] }, 'roles'],
    [{ sub: 'a', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['ADMIN'] }, 'roles'],
  ])('%j is refused naming %s', async (body, field) => {
    const response = await devToken(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test('a form post (what another site can send without a preflight) is refused', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const response = await devToken('sub=a&agency=LA-213&agencyKind=CHILDRENS_SERVICES&roles=CASEWORKER', type);
      expect(response.status).toBe(415);
      const body = (await response.json()) as { token?: string; errors: { extensions: Record<string, unknown> }[] };
      expect(body.token).toBeUndefined();
      expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    }
    const plainJson = await devToken(JSON.stringify({ sub: 'a', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] }), 'text/plain');
    expect(plainJson.status).toBe(415);
  });

  test('malformed JSON is 400, and GET is 405', async () => {
    expect((await devToken('{"sub":', 'application/json')).status).toBe(400);
    const get = await fetch(`${origin}/console/dev-token`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('in production', () => {
  let production: TestHub;
  let productionOrigin: string;
  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'audit.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    production = await startTestHub({ HARBOUR_ENV: 'production', HARBOUR_ISSUERS_FILE: path.join(dir, 'issuers.json'), HARBOUR_AUDIT_KEY_FILE: path.join(dir, 'audit.key') });
    productionOrigin = `http://127.0.0.1:${(await production.server()).port}`;
  });
  afterAll(() => production?.close());

  test('there is no dev-token route: 404, as for any unknown path', async () => {
    const response = await fetch(`${productionOrigin}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'a', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] }) });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { token?: string; errors: { extensions: Record<string, unknown> }[] };
    expect(body.token).toBeUndefined();
    expect(body.errors[0]!.extensions.code).toBe('NOT_FOUND');
  });

  test('sign-in options list the providers only, with no development choices', async () => {
    const body = (await (await fetch(`${productionOrigin}/console/sign-in-options`)).json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['providers']);
    expect((body.providers as { id: string }[]).map((p) => p.id)).toEqual([trusted.issuer]);
  });

  test("the provider's token is accepted there too", async () => {
    const token = await accessTokenFrom(trusted, 'mash.lead', 'correct horse');
    const response = await postGraphQL(`${productionOrigin}/graphql`, { query: ME }, { authorization: `Bearer ${token}` });
    expect(response.body.data).toEqual({ me: { sub: 'mash.lead', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['MASH_COORDINATOR'] } });
  });
});

describe('the issuers file\'s "oidc"', () => {
  const entry = { issuer: 'https://idp.example', agencies: ['LA-213'], kinds: ['CHILDRENS_SERVICES'], jwksFile: 'la213-jwks.json' };
  const oidc = { label: 'LA 213', clientId: 'c', authorizationEndpoint: 'https://idp.example/auth', tokenEndpoint: 'https://idp.example/token' };
  const read = (o: unknown) => {
    const file = path.join(dir, 'check.json');
    fs.writeFileSync(file, JSON.stringify({ issuers: [entry, { ...entry, oidc: o }] }));
    return () => readIssuersFile(file);
  };

  test('is optional, and its scope defaults to openid', () => {
    expect(read(oidc)()[1]!.oidc).toEqual({ ...oidc, scope: 'openid' });
    expect(read(undefined)()[1]!.oidc).toBeUndefined();
  });

  test.each([
    [{ ...oidc, label: '' }, '"oidc.label" must be a non-empty string'],
    [{ ...oidc, clientId: undefined }, '"oidc.clientId" must be a non-empty string'],
    [{ ...oidc, tokenEndpoint: 'http://idp.example/token' }, '"oidc.tokenEndpoint" must be an https:// URL (http:// only on a loopback host)'],
    [{ ...oidc, authorizationEndpoint: 'not a url' }, '"oidc.authorizationEndpoint" must be an https:// URL'],
    [{ ...oidc, endSessionEndpoint: 'https://idp.example/end#x' }, '"oidc.endSessionEndpoint" must be an https:// URL'],
    [{ ...oidc, resource: 'harbour' }, '"oidc.resource" must be an absolute URI'],
    [{ ...oidc, scope: '' }, '"oidc.scope" must be space-separated scope names'],
    [{ ...oidc, clientSecret: 'x' }, '"oidc.clientSecret" is not a setting'],
    ['https://idp.example', '"oidc" must be an object'],
  ])('%j stops harbour at start, naming the file and entry', (o, message) => {
    expect(read(o)).toThrow(`${path.join(dir, 'check.json')} issuers[1]: ${message}`);
  });
});

/** The browser's globals the module uses, stood in for: a page at `href` on the hub's origin. */
function browser(href: string, opener: { postMessage(data: unknown, origin: string): void } | null = null) {
  const storage = new Map<string, string>();
  const page = {
    href,
    assigned: [] as string[],
    replaced: [] as string[],
    /** Windows this page opened, and its message listeners. */
    popups: [] as { location: { href: string }; closed: boolean }[],
    listeners: [] as ((event: { origin: string; source: unknown; data: unknown }) => void)[],
    closed: false,
  };
  const location = {
    get origin() { return new URL(page.href).origin; },
    get href() { return page.href; },
    get search() { return new URL(page.href).search; },
    assign(url: string) { page.assigned.push(url); },
  };
  const globals = {
    location,
    sessionStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, String(v)), removeItem: (k: string) => void storage.delete(k) },
    history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => { page.replaced.push(url); page.href = new URL(url, page.href).toString(); } },
    window: {
      name: '',
      opener,
      open: () => {
        const popup = { location: { href: 'about:blank' }, closed: false };
        page.popups.push(popup);
        return popup;
      },
      close: () => void (page.closed = true),
      addEventListener: (type: string, listener: (typeof page.listeners)[number]) => void (type === 'message' && page.listeners.push(listener)),
      removeEventListener: (_type: string, listener: (typeof page.listeners)[number]) => void page.listeners.splice(page.listeners.indexOf(listener), 1),
    },
    fetch: (input: string | URL, init?: RequestInit) => fetch(new URL(input, page.href), init),
    crypto: webcrypto,
  };
  const { outputText } = ts.transpileModule(fs.readFileSync(path.join(ROOT, 'console/src/auth.ts'), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exports: Record<string, unknown> = {};
  const names = Object.keys(globals);
  new Function('exports', 'module', ...names, outputText)(exports, { exports }, ...names.map((n) => globals[n as keyof typeof globals]));
  return { auth: exports as unknown as AuthModule, page, storage };
}

/**
 * The module's API as the test uses it (console/src/auth.ts is type-checked with the DOM's types by
 * console/tsconfig.json; importing its types here would bring them into the node program).
 */
interface Provider { id: string; endSessionEndpoint: string | null }
interface SignedIn { token: string; expiresAt: number; endSession?: () => void }
interface AuthModule {
  fetchSignInOptions(): Promise<{ providers: Provider[] }>;
  beginOidcSignIn(provider: Provider): Promise<void>;
  completeOidcSignIn(options?: { providers: Provider[] }): Promise<SignedIn | null>;
  oidcSignInPopup(provider: Provider): Promise<SignedIn>;
  inSignInPopup(): boolean;
  devSignIn(choice: { sub: string; agency: string; agencyKind: string; roles: string[] }): Promise<SignedIn>;
}

describe('console/src/auth.ts against the provider and the hub', () => {
  test('imports nothing: no node code reaches the browser', () => {
    expect(fs.readFileSync(path.join(ROOT, 'console/src/auth.ts'), 'utf8')).not.toMatch(/^\s*import\s[^;]*from|require\(/m);
  });

  test('OIDC sign-in: redirect with PKCE, return, exchange; the token is in memory only and works; sign-out ends the provider session', async () => {
    const { auth, page, storage } = browser(`${origin}/`);
    const options = await auth.fetchSignInOptions();
    const provider = options.providers[0]!;
    await auth.beginOidcSignIn(provider);
    const authorize = new URL(page.assigned[0]!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(trusted.discovery.authorization_endpoint);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${origin}/`, scope: 'openid harbour', code_challenge_method: 'S256', resource: RESOURCE });
    const saved = JSON.parse(storage.get('harbour.sign-in')!) as { verifier: string; state: string; providerId: string };
    expect(authorize.searchParams.get('code_challenge')).toBe(createHash('sha256').update(saved.verifier).digest('base64url'));
    expect(authorize.searchParams.get('state')).toBe(saved.state);

    // The provider sends the browser back to the console; the page loads anew (a fresh module).
    const back = await signInAtProvider(authorize.toString(), 'mash.lead', 'correct horse');
    const returned = browser(back.toString());
    for (const [k, v] of storage) returned.storage.set(k, v);
    const signedIn = await returned.auth.completeOidcSignIn();
    expect(returned.page.href).toBe(`${origin}/`);
    expect(returned.storage.size).toBe(0);
    expect(signedIn!.expiresAt - Date.now()).toBeGreaterThan(5 * 60_000);
    expect((await me(signedIn!.token)).body.data).toEqual({ me: { sub: 'mash.lead', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['MASH_COORDINATOR'] } });

    // The same return again (back button, a reload): nothing started it, so no sign-in.
    const replayed = browser(back.toString());
    await expect(replayed.auth.completeOidcSignIn(options)).rejects.toMatchObject({ code: 'NO_SIGN_IN_STARTED' });

    signedIn!.endSession!();
    expect(returned.page.assigned).toHaveLength(1);
    const end = new URL(returned.page.assigned[0]!);
    expect(`${end.origin}${end.pathname}`).toBe(trusted.discovery.end_session_endpoint);
    expect(end.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
    expect(end.searchParams.get('id_token_hint')).toBeTruthy();
    // The provider takes it: its sign-out confirmation page, not an error.
    const confirm = await fetch(end);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toMatch(/<form/);
  });

  test('a return whose state is not the one sent is refused, and the code is not exchanged', async () => {
    const { auth, page, storage } = browser(`${origin}/`);
    const options = await auth.fetchSignInOptions();
    await auth.beginOidcSignIn(options.providers[0]!);
    const back = await signInAtProvider(page.assigned[0]!, 'mash.lead', 'correct horse');
    back.searchParams.set('state', 'forged');
    const returned = browser(back.toString());
    for (const [k, v] of storage) returned.storage.set(k, v);
    await expect(returned.auth.completeOidcSignIn(options)).rejects.toMatchObject({ code: 'STATE_MISMATCH' });
    expect(returned.page.href).toBe(`${origin}/`);
  });

  test('signing in again in a popup: the page stays, the popup hands its answer over and closes', async () => {
    const { auth, page } = browser(`${origin}/`);
    const options = await auth.fetchSignInOptions();
    const signingIn = auth.oidcSignInPopup(options.providers[0]!);
    // (The browser would load the popup; let the module set its address first.)
    while (page.popups[0]?.location.href.startsWith('about:') !== false) await new Promise((resolve) => setImmediate(resolve));
    const popup = page.popups[0]!;
    expect(page.assigned).toEqual([]);
    const back = await signInAtProvider(popup.location.href, 'mash.lead', 'correct horse');
    // The console loads in the popup at origin + "/", sees it is the popup, and completes there.
    const inPopup = browser(back.toString(), {
      postMessage: (data, targetOrigin) => {
        expect(targetOrigin).toBe(origin);
        for (const listener of [...page.listeners]) listener({ origin, source: {}, data: { type: 'harbour-sign-in', search: 'state=forged&code=x' } });
        for (const listener of [...page.listeners]) listener({ origin, source: popup, data });
      },
    });
    expect(inPopup.auth.inSignInPopup()).toBe(true);
    expect(await inPopup.auth.completeOidcSignIn()).toBeNull();
    expect(inPopup.page.closed).toBe(true);
    expect(inPopup.page.href).toBe(`${origin}/`);
    const signedIn = await signingIn;
    expect(page.listeners).toEqual([]);
    expect((await me(signedIn.token)).body.data).toMatchObject({ me: { sub: 'mash.lead' } });
  });

  test('development sign-in: a token the hub takes; a mismatch names the field', async () => {
    const { auth } = browser(`${origin}/`);
    await expect(auth.devSignIn({ sub: 'dev.bob', agency: 'HO', agencyKind: 'POLICE', roles: ['OFFICER'] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'agencyKind' });
    const signedIn = await auth.devSignIn({ sub: 'dev.bob', agency: 'HO', agencyKind: 'IMMIGRATION', roles: ['CASEWORKER'] });
    expect(signedIn.expiresAt).toBeGreaterThan(Date.now());
    expect((await me(signedIn.token)).body.data).toEqual({ me: { sub: 'dev.bob', agency: 'HO', agencyKind: 'IMMIGRATION', roles: ['CASEWORKER'] } });
  });
});
