/**
 * The real hub for tests: the gateway over every subgraph in-process, on a fresh database it
 * connects to as the runtime role (as the embedded default does), with real tokens from the
 * development issuer. `execute` goes through the gateway without a socket; `http` goes through a
 * real HTTP server on a loopback port. `owner` is the same database as its owner, for what the hub
 * may not do.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signDevToken } from '../../src/access';
import type { HarbourConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db';
import { generateDemo } from '../../src/demo/generate';
import { loadGenerated } from '../../src/demo/load';
import { createGateway, startGatewayServer, type RunningServer } from '../../src/gateway/server';
import { rootLogger } from '../../src/log';
import { createTestDatabaseUrl, runtimeUrlOf, testConfig } from './db';

export interface TokenOptions {
  agency: string;
  kind: string;
  roles?: string[];
  sub?: string;
  ttlSeconds?: number;
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown> & { withheld?: { path: (string | number)[]; category: string; releasableWith: string[] }[] };
}

export interface TestHub {
  config: HarbourConfig;
  /** As the runtime role. */
  database: Database;
  /** As the owner, a superuser. */
  owner: Database;
  token(options: TokenOptions): string;
  execute<T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Start (once) and return a real HTTP server on a free loopback port. */
  server(): Promise<RunningServer>;
  close(): Promise<void>;
}

export async function startTestHub(env: Record<string, string> = {}): Promise<TestHub> {
  const url = await createTestDatabaseUrl();
  const log = rootLogger('silent');
  const config = testConfig(runtimeUrlOf(url), env);
  const database = await openDatabase(config, log, { poolSize: 5 });
  const owner = await openDatabase(testConfig(url), log, { poolSize: 2 });
  const deps = { config, db: database.requests, log, ready: async () => true };
  const gateway = await createGateway(deps);
  let running: RunningServer | undefined;
  return {
    config,
    database,
    owner,
    token: (o) => signDevToken(config.home, { agency: o.agency, agencyKind: o.kind, roles: o.roles ?? ['CASEWORKER'], sub: o.sub ?? 'test-user', ttlSeconds: o.ttlSeconds ?? 600 }),
    async execute<T>(token: string, query: string, variables?: Record<string, unknown>) {
      const contextValue = await gateway.contextFor(`Bearer ${token}`, randomUUID());
      const response = await gateway.apollo.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as GraphQLResponse<T>;
    },
    async server() {
      running ??= await startGatewayServer(deps, 0, '127.0.0.1');
      return running;
    },
    async close() {
      await running?.stop();
      await gateway.apollo.stop();
      await database.close();
      await owner.close();
    },
  };
}

export async function postGraphQL(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: GraphQLResponse; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLResponse, headers: response.headers };
}

/** Load the demo `npm start` loads (60 synthetic children, seed 2026) through the real connectors. */
export async function loadDemo(hub: TestHub): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-'));
  generateDemo({ children: 60, seed: 2026, out: dir });
  await loadGenerated(hub.database.db, rootLogger('silent'), dir);
}
