/**
 * The console: harbour's browser client, built into dist/console by `npm run build`, served at `/`
 * on the same origin as `/graphql`. Static files only: the console decides nothing, it calls the
 * public API with the user's token. Every page goes out under a strict Content-Security-Policy (no
 * inline script, nothing from another host, no framing) and sends no referrer.
 *
 * Outside production a browser's GET of `/graphql` (HTML wanted, no `query`) is GraphiQL, built
 * from console/graphiql into the same folder; in production there is no IDE: the graphiql files are
 * not even read, and that GET gets a short plain answer.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../config/root';
import { PACK_STYLE } from './pack';

const TYPES: Record<string, string> = { '.svg': 'image/svg+xml', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8', '.txt': 'text/plain; charset=utf-8' };

export interface ConsoleOptions {
  /** Origins the browser may call besides the hub: the identity providers' token endpoints. */
  connectOrigins?: string[];
  /** The built console; the packaged dist/console by default. */
  dir?: string;
  /** Serve GraphiQL to a browser's GET of /graphql: outside production only. @default false */
  ide?: boolean;
}

/** The Content-Security-Policy of every console page. The pack's one stylesheet is allowed by its hash (it is shown in a frame). */
export function consolePolicy(connectOrigins: string[] = []): string {
  const packStyle = `'sha256-${createHash('sha256').update(PACK_STYLE).digest('base64')}'`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' ${packStyle}`,
    "img-src 'self' data: blob:",
    `connect-src 'self'${connectOrigins.map((o) => ` ${o}`).join('')}`,
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The IDE page's policy: the console's, less what the IDE does not need (frames, the pack's style,
 * the identity providers), plus `font-src data:` — GraphiQL's stylesheet carries its fonts inline
 * as data: URLs. Still no inline script and nothing from another host; GraphiQL 4 edits with
 * CodeMirror 5, so no web workers (no worker-src) and no eval.
 */
export function idePolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** A browser's visit to /graphql (HTML wanted, not a GraphQL client's GET with a query). */
function browserAtGraphql(req: IncomingMessage, url: URL): boolean {
  return url.pathname === '/graphql' && (req.method === 'GET' || req.method === 'HEAD') && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

const NO_IDE = "This is harbour's GraphQL API: send operations with POST, content-type application/json, and a bearer token. There is no IDE in production.\n";

export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Not `same-origin`: signing in again in a popup keeps the page (and what was typed) only if the
  // popup can hand its answer back to this page after its trip through the identity provider.
  'cross-origin-opener-policy': 'same-origin-allow-popups',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
} as const;

/**
 * A handler for GET `/`, `/console/*` and a browser's GET of `/graphql`; answers false for anything
 * else. Files are read once, at start, so a request never touches the disk.
 */
export function consoleHandler(options: ConsoleOptions = {}): (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => boolean {
  const dir = options.dir ?? path.join(projectRoot(), 'dist', 'console');
  const files = new Map<string, { body: Buffer; gzipped: Buffer; type: string; etag: string }>();
  if (fs.existsSync(dir)) {
    for (const name of fs.readdirSync(dir)) {
      if (!options.ide && name.startsWith('graphiql')) continue;
      const body = fs.readFileSync(path.join(dir, name));
      // Compressed once, at start: GraphiQL's bundle is 1.4 MB, the console's 86 kB.
      files.set(name, { body, gzipped: gzipSync(body, { level: 9 }), type: TYPES[path.extname(name)] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  }
  const policy = consolePolicy(options.connectOrigins);
  const ide = idePolicy();
  return (req, res, url, requestId) => {
    if (browserAtGraphql(req, url) && !options.ide) {
      res.writeHead(400, { ...SECURITY_HEADERS, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'x-request-id': requestId, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : NO_IDE);
      return true;
    }
    // No IDE built (dist from before it): the API answers, as it would in production without this.
    const atIde = browserAtGraphql(req, url) && files.has('graphiql.html');
    if (url.pathname === '/graphql' && !atIde) return false;
    const name = atIde ? 'graphiql.html' : url.pathname === '/' ? 'index.html' : url.pathname.startsWith('/console/') ? url.pathname.slice('/console/'.length) : undefined;
    if (name === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    // A plain GET of `/` by a GraphQL client (no HTML wanted) still reaches the API.
    if (url.pathname === '/' && (url.searchParams.has('query') || !(req.headers.accept ?? '').includes('text/html'))) return false;
    const file = files.get(name);
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'content-security-policy': atIde ? ide : policy, 'x-request-id': requestId };
    // The sign-in popup's return from the provider (its state starts "p."): no opener policy, or the
    // browser would cut the popup from the page that opened it.
    if (url.pathname === '/' && url.searchParams.get('state')?.startsWith('p.')) delete headers['cross-origin-opener-policy'];
    if (!file) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(files.size ? 'Not found.' : 'The console is not built: run npm run build.');
      return true;
    }
    // The page is small and names the current build's files; assets are revalidated by ETag.
    headers['cache-control'] = name.endsWith('.html') ? 'no-store' : 'no-cache';
    headers.etag = file.etag;
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    headers.vary = 'accept-encoding';
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && file.gzipped.length < file.body.length;
    const body = gzip ? file.gzipped : file.body;
    res.writeHead(200, { ...headers, 'content-type': file.type, 'content-length': String(body.length), ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
