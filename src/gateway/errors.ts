/**
 * Error masking. A client sees a HarbourError's code and message, or the gateway's own request
 * errors (parse, validation, limits); anything else becomes INTERNAL_SERVER_ERROR, logged with the
 * request id, never with its message (a PostgreSQL message can quote the very value it choked on).
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, HarbourError, isHarbourCode } from '../errors';
import type { Logger } from '../log';

/** Codes Apollo Server and the gateway give to a client's own mistakes. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** graphql-armor's rejections are validation errors; give them their own code. */
const LIMIT_MESSAGE = /(depth limit|Aliases limit|Directives limit|Query Cost limit|Token limit).*exceeded/i;

export function describeForLog(error: unknown): Record<string, unknown> {
  const e = error as { name?: string; code?: unknown; stack?: string };
  return {
    errorName: e?.name,
    sqlstate: typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined,
    // The stack without its first line, which carries the message.
    stack: e?.stack?.split('\n').slice(1, 8).join('\n'),
  };
}

export function maskError(formatted: GraphQLFormattedError, error: unknown, log: Logger | undefined, requestId: string | undefined): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (original instanceof HarbourError || isHarbourCode(code)) {
    const safeCode = isHarbourCode(code) ? code : (original as HarbourError).code;
    if (safeCode === ErrorCode.INTERNAL_SERVER_ERROR) return internal(formatted, requestId);
    return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions: { ...extensionsWithout(formatted), code: safeCode, requestId } };
  }
  if (typeof code === 'string' && REQUEST_CODES.has(code)) {
    const limit = LIMIT_MESSAGE.test(formatted.message);
    // A validation rule's own BAD_USER_INPUT (a bad literal value) keeps its code.
    const inner = error instanceof GraphQLError ? error.originalError : undefined;
    const badValue = inner instanceof GraphQLError && inner.extensions?.code === ErrorCode.BAD_USER_INPUT;
    return {
      message: formatted.message,
      locations: formatted.locations,
      extensions: { code: limit ? ErrorCode.QUERY_TOO_COMPLEX : !badValue && (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED') ? code : ErrorCode.BAD_USER_INPUT, requestId },
    };
  }
  log?.error({ requestId, ...describeForLog(original) }, 'unexpected error masked');
  return internal(formatted, requestId);
}

/**
 * A message without graphql-js's closing "Did you mean …?" sentence (field and argument names,
 * enum values, types): in production the schema is not introspectable, and suggestions would
 * spell it out a guess at a time.
 */
export function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = formatted.message.replace(/\s*Did you mean\b[\s\S]*$/, '');
  return message === formatted.message ? formatted : { ...formatted, message };
}

function extensionsWithout(formatted: GraphQLFormattedError): Record<string, unknown> {
  const { stacktrace: _s, serviceName: _n, exception: _e, ...rest } = (formatted.extensions ?? {}) as Record<string, unknown>;
  return rest;
}

/**
 * What a client reads for a failure of ours. Apollo's formatError knows no request, so the
 * gateway says it without the id and `withRequestId` fills it in before the response is sent.
 */
export function internalErrorMessage(requestId: string | undefined): string {
  return requestId
    ? `Something went wrong on our side; quote request ${requestId} to your administrator.`
    : 'Something went wrong on our side; quote the request id (extensions.requestId) to your administrator.';
}

/** The errors of a response with the request id in each, and in the message of each of ours. */
export function withRequestId(errors: readonly GraphQLFormattedError[], requestId: string): GraphQLFormattedError[] {
  return errors.map((e) => ({
    ...e,
    ...(e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR ? { message: internalErrorMessage(requestId) } : {}),
    extensions: { ...e.extensions, requestId },
  }));
}

function internal(formatted: GraphQLFormattedError, requestId: string | undefined): GraphQLFormattedError {
  return { message: internalErrorMessage(requestId), path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId } };
}

/** Inside a subgraph: keep HarbourErrors, mask the rest before the gateway ever sees them. */
export function maskSubgraphError(error: GraphQLError, log: Logger): GraphQLError {
  const original = error.originalError;
  if (!original || original instanceof HarbourError) return error;
  if (original instanceof GraphQLError && isHarbourCode(original.extensions?.code)) return error;
  log.error({ path: error.path, ...describeForLog(original) }, 'unexpected error in a subgraph resolver');
  return new GraphQLError('Internal server error.', { path: error.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
}
