/**
 * `harbour`: serve, migrate, token, schema. Every command honours DATABASE_URL and otherwise
 * uses the embedded PostgreSQL under `.harbour/`.
 */
import 'reflect-metadata';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AGENCY_CODE, AGENCY_KINDS, readAgreement, ROLES, signDevToken, verifyAudit } from '../access';
import { loadConfig, type HarbourConfig } from '../config';
import { openDatabase, type Database } from '../db';
import { generateDemo } from '../demo/generate';
import { loadGenerated } from '../demo/load';
import { schemaDrift, writeSchemaFiles } from '../gateway/compose';
import { startGatewayServer, startSubgraphServer } from '../gateway/server';
import { feedAgencyRefusal, FEEDS, ingest } from '../ingest';
import { rootLogger, type Logger } from '../log';
import { matchCommands } from './match';
import { addSubscription, startAlertDelivery } from '../alerts';

function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 900, 15m or 1h');
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number');
  return port;
}

/** Run `work` with the database open; close it (and the embedded server) on SIGINT/SIGTERM or when done. */
async function withDatabase(config: HarbourConfig, log: Logger, work: (database: Database, onStop: (stop: () => Promise<void>) => void) => Promise<'keep-running' | void>) {
  const database = await openDatabase(config, log);
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => log.error({ errorName: (e as Error).name }, 'stop failed'));
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    const result = await work(database, (stop) => stops.push(stop));
    if (result !== 'keep-running') await database.close();
  } catch (error) {
    await database.close();
    throw error;
  }
}

export function program(): Command {
  const cli = new Command('harbour').description('A data-integration hub for one child across children’s services, police and the Home Office.');

  cli
    .command('serve')
    .description('serve the hub (the gateway and every subgraph in-process), or one subgraph on its own')
    .addOption(new Option('--subgraph <name>', 'serve one subgraph, for a gateway elsewhere').choices(['identity', 'care', 'police', 'immigration', 'safeguarding', 'access']))
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort)
    .option('--host <host>', 'address to listen on')
    .option('--demo', 'load the synthetic demo data and print how to try it')
    .action(async (options: { subgraph?: string; port?: number; host?: string; demo?: boolean }) => {
      const config = loadConfig();
      const log = rootLogger(config.logLevel);
      // A faulty sharing agreement stops the hub before anything starts, naming file and line.
      const agreement = readAgreement(config.agreementFile);
      await withDatabase(config, log, async (database, onStop) => {
        const applied = await database.migrate();
        if (applied.length) log.info({ migrations: applied }, 'migrations applied');
        const deps = { config, db: database.db, log, agreement, ready: async () => (await database.db.query('select 1')).length === 1 };
        const server = options.subgraph
          ? await startSubgraphServer(options.subgraph as 'police', deps, options.port ?? config.port, options.host ?? config.host)
          : await startGatewayServer(deps, options.port ?? config.port, options.host ?? config.host);
        onStop(() => server.stop());
        if (!options.subgraph || options.subgraph === 'identity') {
          // Match alerts reach subscribed agency systems from the outbox (src/alerts).
          const delivery = startAlertDelivery(database.db, log);
          onStop(() => delivery.stop());
        }
        const what = options.subgraph ? `subgraph ${options.subgraph}` : 'harbour';
        console.log(`${what} listening on ${server.url}`);
        if (options.demo && !options.subgraph) {
          // On first start the demo is generated (seeded) and loaded through the real connectors.
          const [loaded] = await database.db.query<{ n: string }>(`select count(*) as n from ingest.run where phase = 'COMPLETED'`);
          if (loaded!.n === '0') {
            const dir = path.join(config.home, 'demo');
            generateDemo({ children: DEMO_CHILDREN, seed: DEMO_SEED, out: dir });
            const runs = await loadGenerated(database.db, log, dir);
            console.log(`demo: ${DEMO_CHILDREN} synthetic children, ${runs.reduce((n, r) => n + r.read, 0)} records loaded through the connectors (${runs.reduce((n, r) => n + r.rejected, 0)} rejected)`);
          }
          const [story] = await database.db.query<{ person_id: string }>(`select person_id from identity.source_identity where agency = 'LA-886' and local_id = 'C886-0001' limit 1`);
          printDemoHelp(server.url, story?.person_id ?? '');
        }
        return 'keep-running';
      });
    });

  cli
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfig();
      const log = rootLogger(config.logLevel);
      await withDatabase(config, log, async (database) => {
        const applied = await database.migrate();
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
      });
    });

  cli
    .command('sync')
    .description('ingest feed files for an agency: every row is accepted or kept as a rejection')
    .argument('<feed>', `the feed: ${Object.keys(FEEDS).join(', ')}`)
    .argument('<paths...>', 'input files (SSDA903 CSV: one file per table)')
    .requiredOption('--agency <code>', 'the supplying agency, e.g. LA-213')
    .option('--full', 'the input is the agency’s complete current set: retract what it no longer holds')
    .option('--json', 'print one JSON summary on stdout')
    .action(async (feed: string, paths: string[], options: { agency: string; full?: boolean; json?: boolean }) => {
      const applier = FEEDS[feed];
      if (!applier) throw new Error(`harbour sync: unknown feed "${feed}" (known: ${Object.keys(FEEDS).join(', ')})`);
      if (!AGENCY_CODE.test(options.agency)) throw new Error(`harbour sync: --agency must look like LA-213, POLICE-MPS, HO, NCA or NHS-RJ1, received "${options.agency}"`);
      const refusal = feedAgencyRefusal(applier, options.agency);
      if (refusal) {
        console.error(`harbour sync: ${refusal}`);
        process.exitCode = 2;
        return;
      }
      const config = loadConfig();
      const log = rootLogger(options.json ? 'warn' : config.logLevel);
      await withDatabase(config, log, async (database) => {
        await database.migrate();
        const bar = process.stderr.isTTY && !options.json
          ? new SingleBar({ format: `${feed} {bar} {percentage}% | {value} rows | {speed} rows/s | {rejected} rejected`, stream: process.stderr, hideCursor: true }, Presets.shades_classic)
          : undefined;
        const started = Date.now();
        const summary = await ingest(database.db, log, applier, {
          agency: options.agency,
          files: paths,
          full: options.full,
          matchThresholds: config.matchThresholds,
          onStart: ({ lines, resumedAt }) => bar?.start(lines, resumedAt, { speed: 0, rejected: 0 }),
          onProgress: ({ read, rejected }) => bar?.update(read, { speed: Math.round(read / Math.max((Date.now() - started) / 1000, 0.001)), rejected }),
        });
        bar?.stop();
        const { runId, read, inserted, updated, unchanged, rejected, retracted, durationMs } = summary;
        // The rejections are listed with the summary (the first 1000; all are kept with the run).
        const rejections = await database.db.query<{ file: string; line: number | null; path: string | null; field: string | null; code: string; reason: string }>(
          'select file, line, path, field, code, reason from ingest.rejection where run_id = $1 order by ordinal limit 1000',
          [runId],
        );
        if (options.json) {
          console.log(JSON.stringify({ runId, feed, agency: options.agency, read, inserted, updated, unchanged, rejected, retracted, incompleteSnapshot: summary.incompleteSnapshot, durationMs, rejections }));
        } else {
          for (const r of rejections) console.error(`[connector:${feed}] ${r.file}${r.line !== null ? ` line ${r.line}` : r.path ? ` at ${r.path}` : ''}${r.field ? `, column ${r.field}` : ''}: ${r.reason} (${r.code})`);
          console.log(`run ${runId}${summary.resumed ? ' (resumed)' : ''}: read ${read}, inserted ${inserted}, updated ${updated}, unchanged ${unchanged}, rejected ${rejected}, retracted ${retracted}, warnings ${summary.warnings} in ${durationMs} ms${summary.incompleteSnapshot ? `; ${summary.incompleteSnapshot}` : ''}`);
        }
      });
    });

  const demo = cli.command('demo').description('synthetic feeds for trying harbour and for tests');
  demo
    .command('generate')
    .description('write all four feeds for N synthetic children, and truth.csv')
    .option('--children <n>', 'how many children', (v) => Number(v), 100)
    .option('--seed <n>', 'the seed: the same seed writes the same files', (v) => Number(v), 1)
    .requiredOption('--out <dir>', 'output folder (<agency>/<feed>/<files>)')
    .action((options: { children: number; seed: number; out: string }) => {
      if (!Number.isInteger(options.children) || options.children < 1) throw new Error('harbour demo generate: --children must be a positive integer');
      const { files, truth } = generateDemo({ children: options.children, seed: options.seed, out: path.resolve(options.out) });
      console.log(`written: ${files.length} feed files and ${truth}`);
    });
  demo
    .command('load')
    .description('ingest a generated folder through the connectors, agency by agency')
    .argument('<dir>', 'a folder written by harbour demo generate')
    .action(async (dir: string) => {
      const config = loadConfig();
      const log = rootLogger(config.logLevel);
      await withDatabase(config, log, async (database) => {
        await database.migrate();
        for (const run of await loadGenerated(database.db, log, path.resolve(dir))) {
          console.log(`${run.agency} ${run.feed}: read ${run.read}, inserted ${run.inserted}, updated ${run.updated}, unchanged ${run.unchanged}, rejected ${run.rejected}`);
        }
      });
    });

  cli
    .command('webhook')
    .description('subscribe an agency system to match alerts (HMAC-SHA256 signed POSTs); prints the secret once')
    .requiredOption('--agency <code>', 'the agency whose alerts the system receives, e.g. LA-886')
    .requiredOption('--url <url>', 'where to POST, http(s)://…')
    .action(async (options: { agency: string; url: string }) => {
      if (!AGENCY_CODE.test(options.agency)) throw new Error(`harbour webhook: --agency must look like LA-213, POLICE-MPS, HO, NCA or NHS-RJ1, received "${options.agency}"`);
      const config = loadConfig();
      await withDatabase(config, rootLogger(config.logLevel), async (database) => {
        await database.migrate();
        const s = await addSubscription(database.db, options.agency, options.url);
        console.log(JSON.stringify({ id: s.id, agency: s.agency, url: s.url, secret: s.secret }));
      });
    });

  cli
    .command('token')
    .description('print a token from the development issuer (not available in production)')
    .requiredOption('--agency <code>', 'agency code, e.g. LA-213, POLICE-MPS, HO, NCA')
    .addOption(new Option('--kind <kind>', 'agency kind').choices([...AGENCY_KINDS]).makeOptionMandatory())
    .addOption(new Option('--role <role...>', 'role(s)').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--sub <sub>', 'the user the token speaks for')
    .option('--ttl <duration>', 'lifetime, e.g. 900, 15m, 1h', parseDuration, 3600)
    .action((options: { agency: string; kind: string; role: string[]; sub: string; ttl: number }) => {
      const config = loadConfig();
      if (config.env === 'production') throw new Error('harbour token: there is no development issuer in production');
      if (!AGENCY_CODE.test(options.agency)) throw new Error(`harbour token: --agency must look like LA-213, POLICE-MPS, HO, NCA or NHS-RJ1, received "${options.agency}"`);
      if (options.ttl > config.maxTokenLifetimeSeconds) throw new Error(`harbour token: --ttl may be at most ${config.maxTokenLifetimeSeconds} s (HARBOUR_MAX_TOKEN_LIFETIME)`);
      console.log(signDevToken(config.home, { sub: options.sub, agency: options.agency, agencyKind: options.kind, roles: options.role, ttlSeconds: options.ttl }));
    });

  cli
    .command('schema')
    .description('write the subgraph SDLs and the supergraph to schema/, or check that they match the code')
    .option('--check', 'exit non-zero when schema/ differs from the code')
    .option('--write', 'write schema/')
    .action(async (options: { check?: boolean; write?: boolean }) => {
      if (options.write) {
        console.log(`written: ${(await writeSchemaFiles()).join(', ')}`);
        return;
      }
      const drift = await schemaDrift();
      if (drift.length) {
        console.error(`schema/ differs from the code: ${drift.join(', ')}. Run \`npm run schema\` and commit the result.`);
        process.exitCode = 1;
      } else console.log('schema/ matches the code');
    });

  cli
    .command('audit')
    .description('the disclosure audit')
    .command('verify')
    .description('recompute the audit hash chain; exit 1 naming the first sequence number that does not verify')
    .option('--json', 'print one JSON result')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      await withDatabase(config, rootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), async (database) => {
        await database.migrate();
        const result = await verifyAudit(database.db);
        if (options.json) console.log(JSON.stringify({ ok: result.brokenAt === undefined, ...result }));
        else if (result.brokenAt === undefined) console.log(`audit chain verified: ${result.rows} events`);
        else console.error(`audit chain broken at sequence ${result.brokenAt}: ${result.problem} (${result.rows} events before it verify)`);
        if (result.brokenAt !== undefined) process.exitCode = 1;
      });
    });

  matchCommands(cli, loadConfig, (config) => rootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), (config, log, work) => withDatabase(config, log, work));

  return cli;
}

const DEMO_CHILDREN = 60;
const DEMO_SEED = 2026;

function printDemoHelp(url: string, personId: string): void {
  console.log(`
Demo data: ${DEMO_CHILDREN} synthetic children seen by several agencies under different names.

Get a token (another terminal, from this folder):
  TOKEN=$(npx harbour token --agency LA-886 --kind CHILDRENS_SERVICES --role CASEWORKER --sub alice)

Ask for a child:
  curl -s ${url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ person(id: \\"${personId}\\") { id identities { agency feed names { kind given family } birthDates { value precision } } care { placements { startedOn postcode } missingEpisodes { open startedAt } } } }"}'

Its strategy pack (plan readiness, risk signals, chronology), as that caseworker may see it:
  curl -s ${url.replace(/\/graphql$/, '')}/strategy-pack/${personId} -H "authorization: Bearer $TOKEN" > pack.html
`);
}

/** Run the CLI (what `bin/harbour.js` calls). */
export function run(argv: string[] = process.argv): void {
  program()
    .parseAsync(argv)
    .catch((error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    });
}
