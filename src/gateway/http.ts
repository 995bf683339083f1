/**
 * A small HTTP front for an ApolloServer: `/graphql`, `/health`, `/ready`, a request id on every
 * response, a body size limit and the token limit (graphql-armor's token limit answers HTTP 500
 * from inside Apollo, so it is enforced here, before parsing, with a coded 400).
 */
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Lexer, Source, TokenKind } from 'graphql';
import { ErrorCode } from '../errors';
import type { Logger } from '../log';
import { internalErrorMessage } from './errors';

export interface HttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage, requestId: string) => Promise<TContext>;
  ready: () => Promise<boolean>;
  log: Logger;
  /** Lexical tokens allowed in one operation. */
  maxTokens: number;
  /** Request body limit in bytes. @default 1 MiB */
  maxBodyBytes?: number;
  /**
   * Further routes by path prefix (the strategy pack, the console's sign-in); they answer the
   * request themselves. A bare handler serves GET; `{ GET, POST }` names the methods. Another method
   * on a route's path is 405. A POST handler gets the body (read under the same size limit).
   * Routes come before `pages`.
   */
  routes?: Record<string, RouteHandler | Route>;
  /** Static pages (the console): answers true when it has answered the request. */
  pages?: (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => boolean;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => Promise<void>;
export type PostHandler = (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, body: string) => Promise<void>;
export interface Route {
  GET?: RouteHandler;
  POST?: PostHandler;
}

/** True when `query` has more than `max` lexical tokens (stops counting at max + 1). */
export function exceedsTokens(query: string, max: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let n = 0; n <= max; n++) if (lexer.advance().kind === TokenKind.EOF) return false;
    return true;
  } catch {
    return false; // a syntax error: Apollo reports it properly
  }
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
  res.end(JSON.stringify(body));
}

export function codedError(code: ErrorCode, message: string, requestId: string) {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

export function createHttpServer<TContext extends BaseContext>(options: HttpOptions<TContext>): http.Server {
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  return http.createServer((req, res) => {
    const requestId = randomUUID();
    void handle(req, res, requestId).catch((error: unknown) => {
      options.log.error({ requestId, errorName: (error as Error)?.name }, 'request failed outside GraphQL');
      if (!res.headersSent) sendJson(res, 500, codedError(ErrorCode.INTERNAL_SERVER_ERROR, internalErrorMessage(requestId), requestId), requestId);
      else res.end();
    });
  });

  /** The body, or undefined when it was too large and 413 has been answered. */
  async function readBodyOrRefuse(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<string | undefined> {
    try {
      return await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // The rest of the body is never read: the connection cannot carry another request.
        res.setHeader('connection', 'close');
        sendJson(res, 413, codedError(ErrorCode.BAD_USER_INPUT, `Request body exceeds ${maxBody} bytes.`, requestId), requestId);
        return undefined;
      }
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://harbour.invalid');
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' }, requestId);
    if (url.pathname === '/ready') {
      const ready = await options.ready().catch(() => false);
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' }, requestId);
    }
    // Routes first: the console's pages answer every GET under /console/, the sign-in routes among them.
    const found = Object.entries(options.routes ?? {}).find(([prefix]) => url.pathname.startsWith(prefix));
    if (found) {
      const route: Route = typeof found[1] === 'function' ? { GET: found[1] } : found[1];
      if (req.method === 'GET' && route.GET) return route.GET(req, res, url, requestId);
      if (req.method === 'POST' && route.POST) {
        const text = await readBodyOrRefuse(req, res, requestId);
        return text === undefined ? undefined : route.POST(req, res, url, requestId, text);
      }
      const methods = (['GET', 'POST'] as const).filter((m) => route[m]);
      res.setHeader('allow', methods.join(', '));
      return sendJson(res, 405, codedError(ErrorCode.BAD_USER_INPUT, `This path takes ${methods.join(' or ')} only.`, requestId), requestId);
    }
    if (options.pages?.(req, res, url, requestId)) return;
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      return sendJson(res, 404, codedError(ErrorCode.NOT_FOUND, 'Not found: GraphQL is served at /graphql.', requestId), requestId);
    }

    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBodyOrRefuse(req, res, requestId);
      if (text === undefined) return;
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = text.length ? JSON.parse(text) : undefined;
        } catch {
          return sendJson(res, 400, codedError(ErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON.', requestId), requestId);
        }
      } else {
        body = text;
      }
    }
    const query = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { query?: unknown }).query : url.searchParams.get('query');
    if (typeof query === 'string' && exceedsTokens(query, options.maxTokens)) {
      return sendJson(res, 400, codedError(ErrorCode.QUERY_TOO_COMPLEX, `Token limit of ${options.maxTokens} exceeded.`, requestId), requestId);
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method?.toUpperCase() ?? 'GET', headers, search: url.search, body };
    const response = await options.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(req, requestId) });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.setHeader('x-request-id', requestId);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

/** Listen, and resolve with the bound port. */
export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stop accepting, let in-flight requests finish (bounded), then close idle connections. */
export async function closeGracefully(server: http.Server, timeoutMs = 10_000): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
