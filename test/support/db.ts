import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig, type HarbourConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db';
import { rootLogger } from '../../src/log';

export function adminUrl(): string {
  const url = process.env.HARBOUR_TEST_ADMIN_URL;
  if (!url) throw new Error('HARBOUR_TEST_ADMIN_URL is not set: run the tests through jest (global setup starts PostgreSQL)');
  return url;
}

/** A fresh database cloned from the migrated template; its URL. */
export async function createTestDatabaseUrl(): Promise<string> {
  const name = `harbour_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template harbour_template`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** `url` as the hub's runtime role (no superuser, owner of nothing), which global setup made a login role. */
export function runtimeUrlOf(url: string): string {
  const given = process.env.HARBOUR_TEST_RUNTIME_URL;
  if (!given) throw new Error('HARBOUR_TEST_RUNTIME_URL is not set: run the tests through jest (global setup makes the runtime role)');
  const runtime = new URL(given);
  return Object.assign(new URL(url), { username: runtime.username, password: runtime.password }).toString();
}

export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): HarbourConfig {
  return loadConfig({ ...process.env, HARBOUR_ENV: 'test', DATABASE_URL: databaseUrl, ...overrides });
}

export async function createTestDatabase(env: Record<string, string> = {}): Promise<{ database: Database; config: HarbourConfig }> {
  const config = testConfig(await createTestDatabaseUrl(), env);
  const database = await openDatabase(config, rootLogger('silent'), { poolSize: 5 });
  return { database, config };
}
