/**
 * Real OpenID Providers for test/oidc.test.ts: `oidc-provider` (a certified implementation), run in
 * this child process because it is ESM-only and jest runs the tests as CommonJS.
 *
 * Two providers on 127.0.0.1, each on its own port: "trusted" (the test names it in the issuers
 * file) and "rogue" (it does not). Each has one public client (no secret, PKCE S256 required) and
 * issues JWT access tokens for the resource `urn:harbour` with `aud: "harbour"`, carrying the
 * account's agency, agencyKind and roles. Sign-in is a minimal login form (name and password) and
 * a consent form, served here in place of the library's development interactions.
 *
 * Protocol (one JSON object a line): on stdout `{"trusted": {issuer, jwks}, "rogue": {issuer, jwks}}`
 * once both listen; then on stdin `{"redirectUri": "..."}` (the hub's origin + "/", known only once
 * the hub, which needs the issuers, has started); on stdout `{"configured": true}`. Until then the
 * providers answer 503. Ends when stdin closes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { Buffer } from 'node:buffer';
import { URL, URLSearchParams } from 'node:url';
import Provider, { errors } from 'oidc-provider';

const CLIENT_ID = 'harbour-console';
const RESOURCE = 'urn:harbour';

/** The account store: an LA MASH coordinator, and an LA's education officer (a kind the trusted issuer may not assert). */
const ACCOUNTS = {
  'mash.lead': { password: 'correct horse', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['MASH_COORDINATOR'] },
  'school.officer': { password: 'battery staple', agency: 'LA-213', agencyKind: 'EDUCATION', roles: ['CASEWORKER'] },
};

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** One provider: listening now, configured (with the client's redirect URI) later. */
async function start() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  let provider;
  let handler;
  const server = http.createServer((req, res) => {
    if (!handler) {
      res.writeHead(503).end();
      return;
    }
    handler(req, res).catch((error) => {
      process.stderr.write(`oidc-op: ${error?.stack ?? error}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;

  function configure(redirectUri) {
    provider = new Provider(issuer, {
      clients: [{
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      }],
      jwks: { keys: [privateJwk] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      pkce: { methods: ['S256'], required: () => true },
      scopes: ['openid'],
      claims: { openid: ['sub'] },
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resourceIndicator) => {
            if (resourceIndicator !== RESOURCE) throw new errors.InvalidTarget();
            return { scope: 'harbour', audience: 'harbour', accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
          },
        },
        rpInitiatedLogout: { enabled: true },
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      async findAccount(_ctx, sub) {
        if (!Object.hasOwn(ACCOUNTS, sub)) return undefined;
        return { accountId: sub, claims: async () => ({ sub }) };
      },
      async extraTokenClaims(_ctx, token) {
        const account = Object.hasOwn(ACCOUNTS, token.accountId ?? '') ? ACCOUNTS[token.accountId] : undefined;
        if (!account) return undefined;
        return { agency: account.agency, agencyKind: account.agencyKind, roles: account.roles };
      },
    });
    const callback = provider.callback();
    handler = async (req, res) => {
      const match = /^\/interaction\/([\w-]+)(\/(login|confirm))?$/.exec(new URL(req.url, issuer).pathname);
      if (!match) return callback(req, res);
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        const form = details.prompt.name === 'login'
          ? `<form method="post" action="/interaction/${details.uid}/login"><input name="login"><input type="password" name="password"><button>Sign in</button></form>`
          : `<form method="post" action="/interaction/${details.uid}/confirm"><button>Allow</button></form>`;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(details.prompt.name, form));
        return undefined;
      }
      if (match[3] === 'login') {
        const form = await readForm(req);
        const login = form.get('login') ?? '';
        const account = Object.hasOwn(ACCOUNTS, login) ? ACCOUNTS[login] : undefined;
        if (!account || account.password !== form.get('password')) {
          res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' }).end(page('login', '<p>Wrong name or password.</p>'));
          return undefined;
        }
        return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      }
      const { prompt, params, session } = details;
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    };
  }

  return { issuer, jwks: { keys: [publicJwk] }, configure, close: () => server.close() };
}

const trusted = await start();
const rogue = await start();
process.stdout.write(`${JSON.stringify({ trusted: { issuer: trusted.issuer, jwks: trusted.jwks }, rogue: { issuer: rogue.issuer, jwks: rogue.jwks } })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const { redirectUri } = JSON.parse(line);
  trusted.configure(redirectUri);
  rogue.configure(redirectUri);
  process.stdout.write(`${JSON.stringify({ configured: true })}\n`);
});
lines.on('close', () => {
  trusted.close();
  rogue.close();
  process.exit(0);
});
