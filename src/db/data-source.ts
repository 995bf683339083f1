import { Pool } from 'pg';
import { DataSource, type Logger as OrmLogger } from 'typeorm';
import type { RequestTimeouts } from '../config';
import { migrations } from '../../migrations';
import { entities } from './entities';
import type { Logger } from '../log';

/**
 * Records the SQL statements issued while recording is on. The golden statement-count tests
 * use it to pin how many queries an operation costs, so an N+1 regression fails a test.
 */
export class StatementRecorder implements OrmLogger {
  private recording: string[] | undefined;
  constructor(private readonly logger?: Logger) {}

  start(): void {
    this.recording = [];
  }
  stop(): string[] {
    const statements = this.recording ?? [];
    this.recording = undefined;
    return statements;
  }
  logQuery(query: string): void {
    this.recording?.push(query.replace(/\s+/g, ' ').trim());
  }
  logQueryError(error: string | Error): void {
    // The statement and its parameters may hold personal data: log the error code only.
    const code = typeof error === 'object' && error && 'code' in error ? (error as { code?: string }).code : undefined;
    this.logger?.warn({ sqlstate: code }, 'query failed');
  }
  logQuerySlow(time: number): void {
    this.logger?.warn({ ms: time }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger?.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger?.warn({ typeorm: String(message) }, 'typeorm');
  }
}

/**
 * Statements are prepared by name (`dbOf`), but each execution is still planned for its own
 * values, as an unnamed statement is: a plan made once for any values (PostgreSQL's choice after
 * five runs) could suit one search and not the next. The setting goes in the connection's startup
 * options, after any the operator put in `DATABASE_URL` (`?options=-c …`): `pg` lets the URL's
 * options replace the configured ones whole, so the two are joined here and the URL keeps the rest.
 */
function connectionOptions(url: string): { url: string; options: string } {
  const ours = '-c plan_cache_mode=force_custom_plan';
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const own = parsed?.searchParams.get('options');
  if (!parsed || !own) return { url, options: ours };
  parsed.searchParams.delete('options');
  return { url: parsed.toString(), options: `${own} ${ours}` };
}

export function createDataSource(databaseUrl: string, options: { log?: Logger; poolSize?: number; applicationName?: string } = {}) {
  const recorder = new StatementRecorder(options.log);
  const connection = connectionOptions(databaseUrl);
  const dataSource = new DataSource({
    type: 'postgres',
    url: connection.url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Extensions come from the migrations (the foundation's); TypeORM's own attempt, as the runtime
    // role, would fail and warn at every start of a fresh store.
    installExtensions: false,
    logger: recorder,
    maxQueryExecutionTime: 1000,
    poolSize: options.poolSize ?? 20,
    applicationName: options.applicationName ?? 'harbour',
    extra: { options: connection.options },
  });
  return { dataSource, recorder };
}

/**
 * The pool for request work: the same server and settings as the data source's, and every
 * statement bounded by `statement_timeout` and `lock_timeout` (a `LOCK TABLE audit.event` held
 * 20 s made every request wait 19 s). Set per connection, after the operator's own options.
 */
export function createRequestPool(databaseUrl: string, timeouts: RequestTimeouts, options: { log?: Logger; poolSize?: number; applicationName?: string } = {}): Pool {
  const connection = connectionOptions(databaseUrl);
  const pool = new Pool({
    connectionString: connection.url,
    options: `${connection.options} -c statement_timeout=${timeouts.statementMs} -c lock_timeout=${timeouts.lockMs}`,
    max: options.poolSize ?? 20,
    application_name: `${options.applicationName ?? 'harbour'}-requests`,
  });
  // An idle connection the server ended (a restart) must not end the process; the next query reconnects.
  pool.on('error', (error) => options.log?.warn({ sqlstate: (error as { code?: string }).code }, 'an idle request connection failed'));
  return pool;
}
