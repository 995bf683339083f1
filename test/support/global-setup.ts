/**
 * One embedded PostgreSQL for the whole run (the same mechanism `npm start` uses), with a
 * migrated template database; each test file clones the template (`createTestDatabase`).
 * Runs outside the test sandbox, so the embedded server's dynamic import works here.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource, loginRuntimeRole, RUNTIME_ROLE, startEmbedded } from '../../src/db';
import { rootLogger } from '../../src/log';

export const TEST_HOME = path.resolve(__dirname, '../../.harbour/test');

export default async function globalSetup(): Promise<void> {
  const log = rootLogger(process.env.HARBOUR_LOG_LEVEL ?? 'warn');
  let url = process.env.HARBOUR_TEST_DATABASE_URL;
  // The hub runs as the runtime role: the embedded server makes it a login role; on another server, this does.
  let runtimeUrl: string | undefined;
  if (!url) {
    const server = await startEmbedded(TEST_HOME, log);
    (globalThis as { __harbourPg?: { stop(): Promise<void> } }).__harbourPg = server;
    url = server.urlFor('postgres');
    runtimeUrl = server.runtimeUrlFor('postgres');
  }
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    if (!runtimeUrl) {
      const password = randomBytes(18).toString('base64url');
      await loginRuntimeRole(admin, password);
      runtimeUrl = Object.assign(new URL(url), { username: RUNTIME_ROLE, password }).toString();
    }
    const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'harbour\\_t\\_%' or datname = 'harbour_template'`);
    for (const { datname } of stale.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.query('create database harbour_template');
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(url);
  templateUrl.pathname = '/harbour_template';
  const { dataSource } = createDataSource(templateUrl.toString());
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  process.env.HARBOUR_TEST_ADMIN_URL = url;
  process.env.HARBOUR_TEST_RUNTIME_URL = runtimeUrl;
  process.env.HARBOUR_HOME = TEST_HOME;
  process.env.HARBOUR_ENV = 'test';
}
