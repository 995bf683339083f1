/**
 * Tokens the gateway signs for remote subgraphs: short-lived (default 60 s), audience = the
 * subgraph's name, carrying the principal and the request id. A remote subgraph accepts nothing
 * else: never the client's own token.
 */
import type { KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { UnauthenticatedError } from '../errors';
import { principalFromClaims } from './authenticate';
import type { KeyPair } from './keys';
import { claimedAgency, type Principal } from './principal';

export const GATEWAY_ISSUER = 'harbour-gateway';

export function signSubgraphToken(keys: KeyPair, subgraph: string, principal: Principal, requestId: string, ttlSeconds: number): string {
  return jwt.sign({ agency: claimedAgency(principal), agencyKind: principal.agencyKind, roles: principal.roles, rid: requestId }, keys.privateKey, {
    algorithm: 'ES256',
    keyid: keys.kid,
    issuer: GATEWAY_ISSUER,
    audience: subgraph,
    subject: principal.sub,
    expiresIn: ttlSeconds,
  });
}

export function verifySubgraphToken(
  publicKey: KeyObject,
  subgraph: string,
  authorization: string | undefined,
  options: { maxLifetimeSeconds: number; clockSkewSeconds: number },
): { principal: Principal; requestId: string | undefined } {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) throw new UnauthenticatedError('no gateway token');
  let claims: JwtPayload;
  try {
    claims = jwt.verify(token, publicKey, {
      algorithms: ['ES256'],
      audience: subgraph,
      issuer: GATEWAY_ISSUER,
      clockTolerance: options.clockSkewSeconds,
    }) as JwtPayload;
  } catch (error) {
    throw new UnauthenticatedError(`gateway token: ${(error as Error).message}`);
  }
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp - claims.iat > options.maxLifetimeSeconds) {
    throw new UnauthenticatedError('gateway token lifetime');
  }
  return { principal: principalFromClaims(claims), requestId: typeof claims.rid === 'string' ? claims.rid : undefined };
}
