/**
 * One embedded PostgreSQL for the whole run (the same mechanism `npm start` uses), with a
 * migrated template database; each test file clones the template (`createTestDatabase`).
 * Runs outside the test sandbox, so the embedded server's dynamic import works here.
 */
import 'reflect-metadata';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource, startEmbedded } from '../../src/db';
import { rootLogger } from '../../src/log';

export const TEST_HOME = path.resolve(__dirname, '../../.harbour/test');

export default async function globalSetup(): Promise<void> {
  const log = rootLogger(process.env.HARBOUR_LOG_LEVEL ?? 'warn');
  let url = process.env.HARBOUR_TEST_DATABASE_URL;
  if (!url) {
    const server = await startEmbedded(TEST_HOME, log);
    (globalThis as { __harbourPg?: { stop(): Promise<void> } }).__harbourPg = server;
    url = server.urlFor('postgres');
  }
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
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
  process.env.HARBOUR_HOME = TEST_HOME;
  process.env.HARBOUR_ENV = 'test';
}
