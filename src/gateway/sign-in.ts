/**
 * The console's sign-in, server side (the browser half is `console/src/auth.ts`):
 *
 * - `GET /console/sign-in-options`, no token needed: the identity providers the console may send
 *   people to (the issuers file's `oidc` entries) and, outside production only, the choices of the
 *   development sign-in form.
 * - `POST /console/dev-token`, outside production only (in production the path does not exist):
 *   `{sub, agency, agencyKind, roles}` as JSON answers `{token, expiresAt}`, a short-lived token
 *   from the development issuer, what `harbour token` prints. Only `application/json` is taken: a
 *   plain HTML form on another site cannot send it, and a script there cannot without a CORS
 *   preflight, which the hub never grants.
 *
 * Neither answer may be cached. The token is never logged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import { AGENCY_CODE, AGENCY_KINDS, isAgencyKind, isRole, kindAgreesWithCode, kindOfCode, ROLES, signDevToken, type TrustedIssuer } from '../access';
import type { HarbourConfig } from '../config';
import { ErrorCode } from '../errors';
import type { Logger } from '../log';
import { codedError, sendJson, type Route } from './http';

export const SIGN_IN_OPTIONS_PATH = '/console/sign-in-options';
export const DEV_TOKEN_PATH = '/console/dev-token';

/** Lifetime of a development sign-in's token (or HARBOUR_MAX_TOKEN_LIFETIME, if shorter). */
export const DEV_TOKEN_SECONDS = 30 * 60;

/** The agencies the demo data holds records of (src/demo/generate.ts); the form offers them first. */
export const DEMO_AGENCIES = ['LA-213', 'LA-886', 'POLICE-MPS', 'POLICE-KENT', 'POLICE-WYP', 'HO'] as const;

/** One identity provider as the console's sign-in page sees it; `id` is the issuer. */
export interface SignInProvider {
  id: string;
  label: string;
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  endSessionEndpoint: string | null;
  scope: string;
  resource: string | null;
}

export interface SignInOptions {
  providers: SignInProvider[];
  /** Absent in production. */
  development?: {
    /** Agency codes the demo data holds. */
    agencies: string[];
    /** For each of those, the kinds that may claim it (an LA's code: children's services or education). */
    kindsOf: Record<string, string[]>;
    kinds: string[];
    roles: string[];
    /** How long a development token lasts. */
    tokenSeconds: number;
  };
}

export function signInOptions(config: HarbourConfig, issuers: readonly TrustedIssuer[]): SignInOptions {
  const providers = issuers.flatMap(({ issuer, oidc }) => (oidc ? [{
    id: issuer,
    label: oidc.label,
    clientId: oidc.clientId,
    authorizationEndpoint: oidc.authorizationEndpoint,
    tokenEndpoint: oidc.tokenEndpoint,
    endSessionEndpoint: oidc.endSessionEndpoint ?? null,
    scope: oidc.scope,
    resource: oidc.resource ?? null,
  }] : []));
  if (config.env === 'production') return { providers };
  return {
    providers,
    development: {
      agencies: [...DEMO_AGENCIES],
      kindsOf: Object.fromEntries(DEMO_AGENCIES.map((code) => [code, AGENCY_KINDS.filter((kind) => kindAgreesWithCode(kind, code))])),
      kinds: [...AGENCY_KINDS],
      roles: [...ROLES],
      tokenSeconds: devTokenSeconds(config),
    },
  };
}

function devTokenSeconds(config: HarbourConfig): number {
  return Math.min(DEV_TOKEN_SECONDS, config.maxTokenLifetimeSeconds);
}

function noStore(res: ServerResponse): void {
  res.setHeader('cache-control', 'no-store');
}

function badInput(res: ServerResponse, requestId: string, status: number, message: string, field?: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}), requestId } }] }, requestId);
}

function notFound(res: ServerResponse, requestId: string): void {
  sendJson(res, 404, codedError(ErrorCode.NOT_FOUND, 'Not found: GraphQL is served at /graphql.', requestId), requestId);
}

const KINDS_OF_CODES = 'LA- codes are children\'s services or education, POLICE- police, HO immigration, NCA the NCA, NHS- health';

/** The choice in a dev-token request, or the field that is wrong and why. */
export function devChoice(body: unknown): { sub: string; agency: string; agencyKind: string; roles: string[] } | { field: string; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { field: '', message: 'Send a JSON object: {"sub", "agency", "agencyKind", "roles"}.' };
  const { sub, agency, agencyKind, roles } = body as Record<string, unknown>;
  if (typeof sub !== 'string' || !sub.trim() || sub.length > 200) return { field: 'sub', message: 'sub: a user name of 1 to 200 characters.' };
  if (typeof agency !== 'string' || !AGENCY_CODE.test(agency)) return { field: 'agency', message: 'agency: an agency code (LA-213, POLICE-MPS, HO, NCA, NHS-RJ1).' };
  if (!isAgencyKind(agencyKind)) return { field: 'agencyKind', message: `agencyKind: one of ${AGENCY_KINDS.join(', ')}.` };
  if (!kindAgreesWithCode(agencyKind, agency)) {
    return { field: 'agencyKind', message: `agencyKind: ${agency} is not an agency of kind ${agencyKind} (${agency} is ${kindOfCode(agency)}; ${KINDS_OF_CODES}).` };
  }
  if (!Array.isArray(roles) || roles.length === 0 || roles.length > ROLES.length * 2 || !roles.every(isRole)) {
    return { field: 'roles', message: `roles: a non-empty list of ${ROLES.join(', ')}.` };
  }
  return { sub, agency, agencyKind, roles: [...new Set(roles)] };
}

/** The console's routes for createHttpServer; the dev-token route only outside production. */
export function consoleRoutes(config: HarbourConfig, issuers: readonly TrustedIssuer[], log: Logger): Record<string, Route> {
  const options = signInOptions(config, issuers);
  const routes: Record<string, Route> = {
    [SIGN_IN_OPTIONS_PATH]: {
      async GET(_req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
        if (url.pathname !== SIGN_IN_OPTIONS_PATH) return notFound(res, requestId);
        noStore(res);
        sendJson(res, 200, options, requestId);
      },
    },
  };
  if (config.env === 'production') return routes;
  routes[DEV_TOKEN_PATH] = {
    async POST(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, text: string) {
      if (url.pathname !== DEV_TOKEN_PATH) return notFound(res, requestId);
      noStore(res);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') return badInput(res, requestId, 415, 'The development sign-in takes a JSON body (content-type: application/json).');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return badInput(res, requestId, 400, 'The request body is not valid JSON.');
      }
      const choice = devChoice(body);
      if ('field' in choice) return badInput(res, requestId, 400, choice.message, choice.field || undefined);
      const token = signDevToken(config.home, { ...choice, ttlSeconds: devTokenSeconds(config) });
      const exp = (jwt.decode(token) as { exp: number }).exp;
      log.info({ requestId, agencyKind: choice.agencyKind }, 'development sign-in');
      sendJson(res, 200, { token, expiresAt: new Date(exp * 1000).toISOString() }, requestId);
    },
  };
  return routes;
}
