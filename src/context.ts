/**
 * The per-request context. In-process, the gateway's context object reaches every subgraph
 * resolver by reference (LocalGraphQLDataSource); a remote subgraph builds its own from the
 * gateway-signed token. Either way a request has one principal, one set of access decisions and
 * its own DataLoaders.
 */
import type { AccessDecisions } from './access/decisions';
import type { Principal } from './access/principal';
import type { HarbourConfig } from './config';
import type { Db } from './db';
import type { Logger } from './log';

export type ResponsePath = (string | number)[];

export interface RequestContext {
  readonly requestId: string;
  readonly principal: Principal;
  readonly log: Logger;
  readonly db: Db;
  readonly access: AccessDecisions;
  /** Match grade thresholds (configuration). */
  readonly matchThresholds: HarbourConfig['matchThresholds'];
  /** Longest a safeguarding justification may last (configuration). */
  readonly justificationMaxHours: number;
  /** One instance per request of whatever `create` makes (DataLoaders), keyed by `key`. */
  perRequest<T>(key: symbol, create: () => T): T;
  /**
   * Inside an entity fetch, the client-facing path of representation `index`
   * (a subgraph sees `_entities.N`; the audit and `withheld` need the client's path).
   */
  readonly entityPath?: (index: number) => ResponsePath;
}

export function createRequestContext(fields: Omit<RequestContext, 'perRequest'>): RequestContext {
  const instances = new Map<symbol, unknown>();
  return {
    ...fields,
    perRequest<T>(key: symbol, create: () => T): T {
      if (!instances.has(key)) instances.set(key, create());
      return instances.get(key) as T;
    },
  };
}

/** A path from graphql's linked list, rewritten from `_entities.N` to the client's terms. */
export function clientPath(path: { prev: unknown; key: string | number } | undefined, context: Pick<RequestContext, 'entityPath'>): ResponsePath {
  const keys: ResponsePath = [];
  for (let p = path as { prev?: unknown; key: string | number } | undefined; p; p = p.prev as typeof p) keys.push(p.key);
  keys.reverse();
  if (keys[0] === '_entities' && typeof keys[1] === 'number' && context.entityPath) {
    return [...context.entityPath(keys[1]), ...keys.slice(2)];
  }
  return keys;
}
