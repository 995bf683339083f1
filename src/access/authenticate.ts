/**
 * Authentication: a bearer JWT from a trusted issuer becomes a Principal, or the request is
 * refused with UNAUTHENTICATED and no detail (the reason is logged, never returned).
 *
 * `jsonwebtoken.verify` checks `aud`/`iss` only when it is given them and accepts a token with no
 * `exp`, so both are passed and `exp` is required here; algorithms are pinned per key type, which
 * also defeats `alg: none` and HS256-signed-with-the-public-key.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt, { type Algorithm, type JwtPayload } from 'jsonwebtoken';
import type { HarbourConfig } from '../config';
import { UnauthenticatedError } from '../errors';
import { DEV_ISSUER, devIssuerKeys } from './keys';
import { AGENCY_CODE, AGENCY_KINDS, isAgencyKind, isRole, kindAgreesWithCode, type AgencyKind, type Principal } from './principal';

export const AUDIENCE = 'harbour';

export interface VerificationKey {
  kid: string | undefined;
  key: KeyObject;
  algorithm: Algorithm;
}

export interface TrustedIssuer {
  issuer: string;
  /** Agency codes this issuer may sign for; `*` at the end matches a prefix (`POLICE-*`). */
  agencies: string[];
  /** The agency kinds this issuer may assert; a token claiming another is refused. */
  kinds: readonly AgencyKind[];
  keys: VerificationKey[];
  /** Where the console signs people in with this issuer (OpenID Connect code flow with PKCE), if it does. */
  oidc?: OidcClientSettings;
}

/**
 * The console's sign-in with an agency's identity provider: a public client (no secret) using the
 * authorization code flow with PKCE. Endpoints are https, or http on a loopback host (tests).
 */
export interface OidcClientSettings {
  /** What the sign-in page calls the provider ("Kent County Council"). */
  label: string;
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  endSessionEndpoint?: string;
  /** @default "openid" */
  scope: string;
  /** RFC 8707 resource indicator sent with the authorization and token requests, when the provider needs one to issue an access token for harbour. */
  resource?: string;
}

interface IssuerFileEntry {
  issuer?: unknown;
  agencies?: unknown;
  kinds?: unknown;
  publicKeyFile?: unknown;
  jwksFile?: unknown;
  oidc?: unknown;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function endpoint(value: unknown, where: string, name: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) || url.hash || url.username || url.password) {
    throw new Error(`${where}: "oidc.${name}" must be an https:// URL (http:// only on a loopback host), without a fragment`);
  }
  return url.toString();
}

function oidcSettings(value: unknown, where: string): OidcClientSettings | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: "oidc" must be an object (label, clientId, authorizationEndpoint, tokenEndpoint)`);
  const o = value as Record<string, unknown>;
  const known = ['label', 'clientId', 'authorizationEndpoint', 'tokenEndpoint', 'endSessionEndpoint', 'scope', 'resource'];
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new Error(`${where}: "oidc.${unknown.slice(0, 40)}" is not a setting (${known.join(', ')})`);
  for (const name of ['label', 'clientId'] as const) {
    if (typeof o[name] !== 'string' || !(o[name] as string).trim() || (o[name] as string).length > 200) throw new Error(`${where}: "oidc.${name}" must be a non-empty string`);
  }
  if (o.scope !== undefined && (typeof o.scope !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(o.scope))) {
    throw new Error(`${where}: "oidc.scope" must be space-separated scope names ("openid profile")`);
  }
  let resource: string | undefined;
  if (o.resource !== undefined) {
    try {
      resource = typeof o.resource === 'string' && !o.resource.includes('#') ? new URL(o.resource).toString() : undefined;
    } catch {
      resource = undefined;
    }
    if (resource === undefined) throw new Error(`${where}: "oidc.resource" must be an absolute URI without a fragment (RFC 8707), e.g. "urn:harbour"`);
  }
  return {
    label: o.label as string,
    clientId: o.clientId as string,
    authorizationEndpoint: endpoint(o.authorizationEndpoint, where, 'authorizationEndpoint'),
    tokenEndpoint: endpoint(o.tokenEndpoint, where, 'tokenEndpoint'),
    ...(o.endSessionEndpoint !== undefined ? { endSessionEndpoint: endpoint(o.endSessionEndpoint, where, 'endSessionEndpoint') } : {}),
    scope: (o.scope as string | undefined) ?? 'openid',
    ...(resource !== undefined ? { resource } : {}),
  };
}

function algorithmFor(key: KeyObject, where: string): Algorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`${where}: only RSA (RS256) and P-256 (ES256) public keys are accepted`);
}

/** Read the trusted issuers file (see README, "Configuration"). Errors name the file and entry. */
export function readIssuersFile(file: string): TrustedIssuer[] {
  const base = path.dirname(file);
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { issuers?: IssuerFileEntry[] };
  if (!Array.isArray(parsed.issuers)) throw new Error(`${file}: expected {"issuers": [...]}`);
  return parsed.issuers.map((entry, i) => {
    const where = `${file} issuers[${i}]`;
    if (typeof entry.issuer !== 'string' || !entry.issuer) throw new Error(`${where}: "issuer" must be a non-empty string`);
    if (!Array.isArray(entry.agencies) || !entry.agencies.every((a) => typeof a === 'string')) {
      throw new Error(`${where}: "agencies" must be a list of agency codes (a trailing * matches a prefix)`);
    }
    // An issuer trusted for one LA must not make its users police: the kinds are the file's to say.
    if (!Array.isArray(entry.kinds) || entry.kinds.length === 0 || !entry.kinds.every(isAgencyKind)) {
      throw new Error(`${where}: "kinds" must list the agency kinds this issuer may assert (${AGENCY_KINDS.join(', ')})`);
    }
    const keys: VerificationKey[] = [];
    if (typeof entry.publicKeyFile === 'string') {
      const key = createPublicKey(fs.readFileSync(path.resolve(base, entry.publicKeyFile), 'utf8'));
      keys.push({ kid: undefined, key, algorithm: algorithmFor(key, where) });
    }
    if (typeof entry.jwksFile === 'string') {
      const jwks = JSON.parse(fs.readFileSync(path.resolve(base, entry.jwksFile), 'utf8')) as { keys?: (JsonWebKey & { kid?: string })[] };
      for (const jwk of jwks.keys ?? []) {
        const key = createPublicKey({ key: jwk, format: 'jwk' });
        keys.push({ kid: jwk.kid, key, algorithm: algorithmFor(key, where) });
      }
    }
    if (keys.length === 0) throw new Error(`${where}: give "publicKeyFile" or "jwksFile"`);
    const oidc = oidcSettings(entry.oidc, where);
    // The console names a provider by its issuer: two sign-ins for one issuer could not be told apart.
    if (oidc && parsed.issuers!.slice(0, i).some((e) => e.issuer === entry.issuer && e.oidc !== undefined)) {
      throw new Error(`${where}: an earlier entry for this issuer already has "oidc"`);
    }
    return { issuer: entry.issuer, agencies: entry.agencies as string[], kinds: entry.kinds as AgencyKind[], keys, ...(oidc ? { oidc } : {}) };
  });
}

export function trustedIssuers(config: HarbourConfig): TrustedIssuer[] {
  const issuers = config.issuersFile ? readIssuersFile(config.issuersFile) : [];
  if (config.env !== 'production') {
    const dev = devIssuerKeys(config.home);
    issuers.push({ issuer: DEV_ISSUER, agencies: ['*'], kinds: AGENCY_KINDS, keys: [{ kid: dev.kid, key: dev.publicKey, algorithm: 'ES256' }] });
  }
  return issuers;
}

function agencyAllowed(patterns: string[], agency: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? agency.startsWith(p.slice(0, -1)) : p === agency));
}

export interface VerifyOptions {
  audience: string;
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  now?: () => number;
}

/** Verify a compact JWS against the issuers; return the claims or throw UnauthenticatedError. */
export function verifyToken(token: string, issuers: readonly TrustedIssuer[], options: VerifyOptions): JwtPayload {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload !== 'object') throw new UnauthenticatedError('malformed token');
  const { header, payload } = decoded;
  if (header.alg !== 'RS256' && header.alg !== 'ES256') throw new UnauthenticatedError(`algorithm ${String(header.alg)} not allowed`);
  const issuer = issuers.find((i) => i.issuer === payload.iss);
  if (!issuer) throw new UnauthenticatedError('unknown issuer');
  const key = header.kid === undefined ? (issuer.keys.length === 1 ? issuer.keys[0] : undefined) : issuer.keys.find((k) => k.kid === header.kid);
  if (!key) throw new UnauthenticatedError('unknown key id');
  const nowSeconds = Math.floor((options.now?.() ?? Date.now()) / 1000);
  let claims: JwtPayload;
  try {
    claims = jwt.verify(token, key.key, {
      algorithms: [key.algorithm],
      audience: options.audience,
      issuer: issuer.issuer,
      clockTolerance: options.clockSkewSeconds,
      clockTimestamp: nowSeconds,
    }) as JwtPayload;
  } catch (error) {
    throw new UnauthenticatedError(`verification failed: ${(error as Error).message}`);
  }
  if (typeof claims.exp !== 'number') throw new UnauthenticatedError('no exp claim');
  const issuedAt = typeof claims.iat === 'number' ? claims.iat : nowSeconds;
  if (claims.exp - Math.min(issuedAt, nowSeconds) > options.maxLifetimeSeconds) throw new UnauthenticatedError('lifetime too long');
  if (typeof claims.iat === 'number' && claims.iat > nowSeconds + options.clockSkewSeconds) throw new UnauthenticatedError('issued in the future');
  if (typeof claims.agency === 'string' && !agencyAllowed(issuer.agencies, claims.agency)) {
    throw new UnauthenticatedError('agency not allowed for issuer');
  }
  if (typeof claims.agencyKind === 'string' && !(issuer.kinds as readonly string[]).includes(claims.agencyKind)) {
    throw new UnauthenticatedError('agency kind not allowed for issuer');
  }
  return claims;
}

/** The Principal in a verified token's claims, or UnauthenticatedError when a claim is missing or malformed. */
export function principalFromClaims(claims: JwtPayload): Principal {
  const { sub, agency, agencyKind, roles } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) throw new UnauthenticatedError('missing sub');
  if (typeof agency !== 'string' || !AGENCY_CODE.test(agency)) throw new UnauthenticatedError('missing or malformed agency');
  if (!isAgencyKind(agencyKind)) throw new UnauthenticatedError('missing or unknown agencyKind');
  if (!kindAgreesWithCode(agencyKind, agency)) throw new UnauthenticatedError('agencyKind does not agree with the agency code');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) throw new UnauthenticatedError('missing or unknown roles');
  return Object.freeze({ sub, agency, agencyKind, roles: Object.freeze([...roles]) });
}

/** How many verified tokens an Authenticator keeps (a few MB at most). */
const VERIFIED_TOKENS = 10_000;

export class Authenticator {
  /**
   * Tokens this authenticator has verified, with their principal, until they expire. A client
   * sends one token with many requests, and its signature check (ES256 or RS256) was most of the
   * cost of authenticating one: about 0.4 ms of a person query's 5 ms of hub CPU. Keyed by the
   * whole token, so a token that differs in any byte is verified afresh; refusals are never kept.
   * The issuers and their keys are read once at start, so a key removed from them takes effect at
   * the restart that reads it, for cached tokens as for new ones.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    /** Also what the console's sign-in page offers (`oidc`). */
    readonly issuers: readonly TrustedIssuer[],
    private readonly options: VerifyOptions,
  ) {}

  static fromConfig(config: HarbourConfig): Authenticator {
    return new Authenticator(trustedIssuers(config), {
      audience: AUDIENCE,
      maxLifetimeSeconds: config.maxTokenLifetimeSeconds,
      clockSkewSeconds: config.clockSkewSeconds,
    });
  }

  /** From an `Authorization` header value to a Principal. */
  authenticate(authorization: string | undefined): Principal {
    if (!authorization) throw new UnauthenticatedError('no token');
    const match = /^Bearer ([A-Za-z0-9_.-]+=*)$/.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('not a bearer token');
    const token = match[1]!;
    const nowSeconds = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const known = this.verified.get(token);
    // jsonwebtoken refuses a token once now >= exp + tolerance; so does the cache.
    if (known && nowSeconds < known.expiresAt) return known.principal;
    this.verified.delete(token);
    const claims = verifyToken(token, this.issuers, this.options);
    const principal = principalFromClaims(claims);
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, expiresAt: claims.exp! + this.options.clockSkewSeconds });
    return principal;
  }
}

export interface SignOptions {
  sub: string;
  agency: string;
  agencyKind: string;
  roles: string[];
  ttlSeconds: number;
}

/** Sign a development token (what `harbour token` prints). */
export function signDevToken(home: string, options: SignOptions): string {
  const keys = devIssuerKeys(home);
  return jwt.sign({ agency: options.agency, agencyKind: options.agencyKind, roles: options.roles }, keys.privateKey, {
    algorithm: 'ES256',
    keyid: keys.kid,
    issuer: DEV_ISSUER,
    audience: AUDIENCE,
    subject: options.sub,
    expiresIn: options.ttlSeconds,
  });
}
