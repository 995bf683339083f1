/**
 * The store: the embedded PostgreSQL or the server in DATABASE_URL, a TypeORM data source with
 * the migrations, and a small `Db` handle that loaders and resolvers query through.
 */
import type { DataSource } from 'typeorm';
import type { HarbourConfig } from '../config';
import type { Logger } from '../log';
import { createDataSource, StatementRecorder } from './data-source';
import { startEmbedded, type EmbeddedServer } from './embedded';

export { startEmbedded, freePort, type EmbeddedServer } from './embedded';
export { createDataSource, StatementRecorder } from './data-source';

/** What subgraphs see of the store: parameterised SQL, nothing else. */
export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(work: (db: Db) => Promise<T>): Promise<T>;
}

export interface Database {
  readonly url: string;
  readonly dataSource: DataSource;
  readonly recorder: StatementRecorder;
  readonly db: Db;
  readonly embedded: EmbeddedServer | undefined;
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

function dbOf(dataSource: DataSource): Db {
  return {
    query: (sql, params) => dataSource.query(sql, params as unknown[]),
    transaction: (work) =>
      dataSource.transaction((manager) =>
        work({ query: (sql, params) => manager.query(sql, params as unknown[]), transaction: (inner) => inner(dbOf(dataSource)) }),
      ),
  };
}

/** Connect to the configured server (starting the embedded one when there is no DATABASE_URL). */
export async function openDatabase(config: HarbourConfig, log: Logger, options: { poolSize?: number } = {}): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbedded(config.home, log);
  const url = config.databaseUrl ?? embedded!.url;
  const { dataSource, recorder } = createDataSource(url, { log, poolSize: options.poolSize });
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    url,
    dataSource,
    recorder,
    db: dbOf(dataSource),
    embedded,
    async migrate() {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    },
    close() {
      closed ??= (async () => {
        await dataSource.destroy().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'closing the pool failed'));
        await embedded?.stop();
      })();
      return closed;
    },
  };
}
