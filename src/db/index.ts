/**
 * The store: the embedded PostgreSQL or the server in DATABASE_URL, a TypeORM data source with
 * the migrations, and a small `Db` handle that loaders and resolvers query through.
 */
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { HarbourConfig } from '../config';
import { ErrorCode, HarbourError } from '../errors';
import type { Logger } from '../log';
import { createDataSource, createRequestPool, StatementRecorder } from './data-source';
import { startEmbedded, type EmbeddedServer } from './embedded';

export { alive as processAlive, startEmbedded, freePort, loginRuntimeRole, machineSharedBuffersMb, RUNTIME_ROLE, type EmbeddedServer } from './embedded';
export { createDataSource, createRequestPool, StatementRecorder } from './data-source';

/** What subgraphs see of the store: parameterised SQL, nothing else. */
export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(work: (db: Db) => Promise<T>): Promise<T>;
}

export interface Database {
  readonly url: string;
  readonly dataSource: DataSource;
  readonly recorder: StatementRecorder;
  /** For migrations, sync, match and background work: no time limit. */
  readonly db: Db;
  /** For request work (the gateway and subgraphs): statements bounded by `requestTimeouts`; opened on first use. */
  readonly requests: Db;
  readonly embedded: EmbeddedServer | undefined;
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

/** Statement names by text; the texts are a fixed set (values are parameters), bounded all the same. */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 2000;

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) statementNames.set(sql, (name = `h${createHash('sha1').update(sql).digest('hex')}`));
  return name;
}

/** query_canceled (`statement_timeout`) and lock_not_available (`lock_timeout`). */
const TIMED_OUT = new Set(['57014', '55P03']);
export const TIMEOUT_MESSAGE = 'The store did not answer in time: a statement ran, or waited for a lock, longer than allowed. Try again shortly.';

/**
 * Reads and plain writes go straight to the pg pool under TypeORM: one round trip, without a
 * TypeORM query runner per statement (measured: it costs more than the statement itself on a
 * person query). The recorder still sees every statement.
 *
 * A statement with parameters is prepared once per connection under a name made from its text,
 * so PostgreSQL does not parse and analyse it again on every call (measured: 0.4–1.1 ms of a
 * person query's 6–8 ms, paired in-process A/B); it is still planned for each call's values
 * (`plan_cache_mode`, data-source.ts).
 */
function dbOf(pool: Pool, recorder: StatementRecorder): Db {
  const on = (client: Pool | PoolClient): Db['query'] => async (sql, params) => {
    recorder.logQuery(sql);
    try {
      const result = params?.length ? await client.query({ name: statementName(sql), text: sql, values: params }) : await client.query(sql, params);
      return result.rows;
    } catch (error) {
      throw TIMED_OUT.has((error as { code?: string }).code ?? '') ? new HarbourError(ErrorCode.TIMEOUT, TIMEOUT_MESSAGE) : error;
    }
  };
  return {
    query: on(pool),
    async transaction(work) {
      const client = await pool.connect();
      const inner: Db = { query: on(client), transaction: (nested) => nested(inner) };
      try {
        await client.query('begin');
        const result = await work(inner);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Connect to the configured server (starting the embedded one when there is no DATABASE_URL). On
 * the embedded server the pool connects as the runtime role, which cannot alter the audit, and
 * migrations run as the owner; `as: 'owner'` is for the match commands, whose scratch schemas the
 * runtime role may not create. DATABASE_URL is used as given, for both.
 */
export async function openDatabase(config: HarbourConfig, log: Logger, options: { poolSize?: number; as?: 'runtime' | 'owner' } = {}): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbedded(config.home, log, { sharedBuffersMb: config.embeddedSharedBuffersMb });
  const ownerUrl = config.databaseUrl ?? embedded!.url;
  const url = config.databaseUrl ?? (options.as === 'owner' ? embedded!.url : embedded!.runtimeUrl);
  const { dataSource, recorder } = createDataSource(url, { log, poolSize: options.poolSize });
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  let closed: Promise<void> | undefined;
  let requestPool: Pool | undefined;
  let requests: Db | undefined;
  return {
    url,
    dataSource,
    recorder,
    db: dbOf((dataSource.driver as unknown as { master: Pool }).master, recorder),
    get requests() {
      requestPool ??= createRequestPool(url, config.requestTimeouts, { log, poolSize: options.poolSize });
      requests ??= dbOf(requestPool, recorder);
      return requests;
    },
    embedded,
    async migrate() {
      if (url === ownerUrl) return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
      const owner = createDataSource(ownerUrl, { log, poolSize: 1, applicationName: 'harbour migrate' }).dataSource;
      await owner.initialize();
      try {
        return (await owner.runMigrations({ transaction: 'each' })).map((m) => m.name);
      } finally {
        await owner.destroy();
      }
    },
    close() {
      closed ??= (async () => {
        await requestPool?.end().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'closing the request pool failed'));
        await dataSource.destroy().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'closing the pool failed'));
        await embedded?.stop();
      })();
      return closed;
    },
  };
}
