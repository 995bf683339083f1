/**
 * One coded error base. Anything that is not a HarbourError is masked as
 * INTERNAL_SERVER_ERROR before it reaches a client, and logged with the request id.
 */
import { GraphQLError } from 'graphql';

export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  WITHHELD = 'WITHHELD',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  FEED_REJECTED = 'FEED_REJECTED',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE',
  TIMEOUT = 'TIMEOUT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export class HarbourError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
    this.name = 'HarbourError';
  }
}

export const UNAUTHENTICATED_MESSAGE = 'Authentication required: send a valid bearer token.';

/** Authentication failures say nothing about why: the reason goes to the log only. */
export class UnauthenticatedError extends HarbourError {
  constructor(readonly reason: string) {
    super(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE, { http: { status: 401 } });
  }
}

export function isHarbourCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (Object.values(ErrorCode) as string[]).includes(value);
}

export function unreachable(value: never): never {
  throw new Error(`unreachable case: ${JSON.stringify(value)}`);
}
