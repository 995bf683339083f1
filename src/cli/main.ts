/**
 * `harbour`: serve, migrate, token, schema. Every command honours DATABASE_URL and otherwise
 * uses the embedded PostgreSQL under `.harbour/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { FiledCheckpoint } from '../access/audit';
import { AGENCY_CODE, AGENCY_KINDS, ROLES, type AgencyKind } from '../access/codes';
import { ConfigError, loadConfig, type HarbourConfig } from '../config';
import type { Database } from '../db';
import { rootLogger, type Logger } from '../log';
import { FEED_NAMES, listenError, syncInputs, UsageError } from './inputs';
import { load } from './lazy';
import { matchCommands } from './match';

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

/**
 * Run `work` with the database open; close it (and the embedded server this process owns) when
 * done, or on SIGINT/SIGTERM: stop serving first, then the pool, then the database.
 */
async function withDatabase(config: HarbourConfig, log: Logger, work: (database: Database, onStop: (stop: () => Promise<void>) => void) => Promise<'keep-running' | void>, as: 'runtime' | 'owner' = 'runtime') {
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const { openDatabase } = load<typeof import('../db')>('../db');
  const opening = openDatabase(config, log, { as });
  const shutdown = async (signal: string) => {
    if (stopping) return log.info({ signal }, 'already shutting down');
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => log.error({ errorName: (e as Error).name }, 'stop failed'));
    await (await opening.catch(() => undefined))?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const database = await opening;
  try {
    const result = await work(database, (stop) => stops.push(stop));
    if (result !== 'keep-running') await database.close();
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * The audit key; outside production it is generated on first use, except by `audit verify`: a key
 * made then could verify nothing.
 */
function auditKey(config: HarbourConfig, generate = config.env !== 'production'): Buffer {
  return load<typeof import('../access/keys')>('../access/keys').loadAuditKey(config.auditKeyFile, generate);
}

/** The checkpoints in `file`; a missing file or a line that is not a checkpoint is a usage error. */
function checkpointsIn(file: string, read: (file: string) => FiledCheckpoint[]): FiledCheckpoint[] {
  if (!fs.existsSync(file)) throw new UsageError(`harbour audit verify: --checkpoint ${file} does not exist.`);
  try {
    return read(path.resolve(file));
  } catch (error) {
    throw new UsageError(`harbour audit verify: --checkpoint ${(error as Error).message}.`);
  }
}

const agencyOf = (command: string, code: string) => {
  if (!AGENCY_CODE.test(code)) throw new UsageError(`harbour ${command}: --agency must look like LA-213, POLICE-MPS, HO, NCA or NHS-RJ1, received "${code}".`);
  return code;
};

export function program(): Command {
  const cli = new Command('harbour')
    .description('A data-integration hub for one child across children’s services, police and the Home Office.')
    .version(packageVersion(), '-V, --version', 'print harbour’s version')
    // A mistake in the command line exits 2, like every other usage error.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

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
      const { readAgreement } = load<typeof import('../access/agreement')>('../access/agreement');
      const { startGatewayServer, startSubgraphServer } = load<typeof import('../gateway/server')>('../gateway/server');
      const { startAlertDelivery } = load<typeof import('../alerts')>('../alerts');
      // A faulty sharing agreement stops the hub before anything starts, naming file and line.
      const agreement = readAgreement(config.agreementFile);
      // So does a faulty retention policy.
      const retention = load<typeof import('../ingest/retention')>('../ingest/retention');
      const policy = retentionPolicy(retention, config);
      const port = options.port ?? config.port;
      const host = options.host ?? config.host;
      await withDatabase(config, log, async (database, onStop) => {
        const applied = await database.migrate();
        if (applied.length) log.info({ migrations: applied }, 'migrations applied');
        const { auditAlterableAs, startCheckpoints } = load<typeof import('../access/audit')>('../access/audit');
        const alterableAs = await auditAlterableAs(database.db);
        if (alterableAs) {
          // In production the audit is evidence: refuse. A developer's own server (DATABASE_URL) is told, loudly.
          const expected = 'a role that is neither a superuser nor the owner of audit.event, such as a member of harbour_app (README, "The audit")';
          if (config.env === 'production') throw new ConfigError('DATABASE_URL', expected, `a connection as ${alterableAs}`);
          log.warn({ connectedAs: alterableAs }, `the hub can alter the audit behind its triggers: give DATABASE_URL ${expected}`);
        }
        // Not ready (GET /ready answers 503) until the demo, when asked for, has loaded.
        let loaded = !options.demo || Boolean(options.subgraph);
        // Requests run on their own pool, bounded by HARBOUR_STATEMENT_TIMEOUT_MS and HARBOUR_LOCK_TIMEOUT_MS.
        const deps = { config, db: database.requests, log, agreement, ready: async () => loaded && (await database.db.query('select 1')).length === 1 };
        if (!options.subgraph) {
          // Started before the server, so stopped after it: the last checkpoint holds the last request.
          const checkpoints = startCheckpoints(database.db, auditKey(config), config.auditCheckpointFile, config.auditCheckpointSeconds, log);
          onStop(() => checkpoints.stop());
        }
        const server = await (options.subgraph ? startSubgraphServer(options.subgraph as 'police', deps, port, host) : startGatewayServer(deps, port, host)).catch((error: unknown) => {
          throw listenError(error, port, host);
        });
        onStop(() => server.stop());
        if (!options.subgraph || options.subgraph === 'identity') {
          // Match alerts reach subscribed agency systems from the outbox (src/alerts).
          const delivery = startAlertDelivery(database.db, log);
          onStop(() => delivery.stop());
        }
        if (!options.subgraph) {
          // The retention policy, daily; a failed run is logged and tried again the next day.
          const daily = setInterval(() => {
            retention.runRetention(database.db, policy, { auditKey: auditKey(config) }).then((counts) => log.info({ policy: policy.version, ...counts }, 'retention run'), (error: Error) => log.error({ err: error.name }, 'retention run failed'));
          }, 86_400_000);
          daily.unref();
          onStop(async () => clearInterval(daily));
        }
        let personId = '';
        if (!loaded) {
          // On first start the demo is generated (seeded) and loaded through the real connectors.
          const { generateDemo } = load<typeof import('../demo/generate')>('../demo/generate');
          const { loadGenerated } = load<typeof import('../demo/load')>('../demo/load');
          const [runs] = await database.db.query<{ n: string }>(`select count(*) as n from ingest.run where phase = 'COMPLETED'`);
          if (runs!.n === '0') {
            console.log(`loading the demo (${DEMO_CHILDREN} synthetic children) through the connectors…`);
            const dir = path.join(config.home, 'demo');
            generateDemo({ children: DEMO_CHILDREN, seed: DEMO_SEED, out: dir });
            const summaries = await loadGenerated(database.db, log, dir);
            console.log(`demo: ${DEMO_CHILDREN} synthetic children, ${summaries.reduce((n, r) => n + r.read, 0)} records loaded through the connectors (${summaries.reduce((n, r) => n + r.rejected, 0)} rejected)`);
          }
          const [story] = await database.db.query<{ person_id: string }>(`select person_id from identity.source_identity where agency = 'LA-886' and local_id = 'C886-0001' limit 1`);
          personId = story?.person_id ?? '';
          loaded = true;
        }
        // Said when it is true: the server answers, with its data.
        console.log(`${options.subgraph ? `subgraph ${options.subgraph}` : 'harbour'} listening on ${server.url}`);
        if (options.demo && !options.subgraph) printDemoHelp(server.url, personId);
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
    .argument('<feed>', `the feed: ${FEED_NAMES.join(', ')}`)
    .argument('<paths...>', 'input files, or a folder of them (SSDA903 CSV: one file per table)')
    .requiredOption('--agency <code>', 'the supplying agency, e.g. LA-213')
    .option('--full', 'the input is the agency’s complete current set: retract what it no longer holds')
    .option('--purge-missing', 'with --full: what the set no longer holds was deleted at source: purge it, with everything derived from it, instead of retracting it')
    .option('--json', 'print one JSON summary on stdout')
    .action(async (feed: string, paths: string[], options: { agency: string; full?: boolean; purgeMissing?: boolean; json?: boolean }) => {
      if (!FEED_NAMES.includes(feed)) throw new UsageError(`harbour sync: there is no feed "${feed}"; use one of ${FEED_NAMES.join(', ')}.`);
      if (options.purgeMissing && !options.full) throw new UsageError('harbour sync: --purge-missing needs --full: only a whole current set says what was deleted.');
      agencyOf('sync', options.agency);
      const files = syncInputs(feed, paths);
      const config = loadConfig();
      const log = rootLogger(options.json ? 'warn' : config.logLevel);
      const { Presets, SingleBar } = load<typeof import('cli-progress')>('cli-progress');
      const { feedAgencyRefusal, FEEDS, ingest } = load<typeof import('../ingest')>('../ingest');
      const { appendAudit, DataCategory, loadAuditKey } = load<typeof import('../access')>('../access');
      const applier = FEEDS[feed]!;
      const refusal = feedAgencyRefusal(applier, options.agency);
      if (refusal) throw new UsageError(`harbour sync: ${refusal}`);
      await withDatabase(config, log, async (database) => {
        await database.migrate();
        const bar = process.stderr.isTTY && !options.json
          ? new SingleBar({ format: `${feed} {bar} {percentage}% | {value} rows | {speed} rows/s | {rejected} rejected`, stream: process.stderr, hideCursor: true }, Presets.shades_classic)
          : undefined;
        const started = Date.now();
        // A purge (a record's purge flag, or --purge-missing) is audited as purgeRecords audits it:
        // a RECORDED change to each child, by the agency's system, in the batch's transaction.
        const principal = { sub: 'harbour sync', agency: options.agency, agencyKind: applier.agencyKind, roles: ['SYSTEM' as const] };
        const summary = await ingest(database.db, log, applier, {
          agency: options.agency,
          files,
          full: options.full,
          purgeMissing: options.purgeMissing,
          onPurged: (tx, personIds, runId) => appendAudit(tx, loadAuditKey(config.auditKeyFile, config.env !== 'production'), `ingest run ${runId}`, principal,
            personIds.map((personId) => ({ personId, category: DataCategory.IDENTITY, path: ['sync', feed], decision: { kind: 'RECORDED' as const } }))),
          matchThresholds: config.matchThresholds,
          onStart: ({ lines, resumedAt }) => bar?.start(lines, resumedAt, { speed: 0, rejected: 0 }),
          onProgress: ({ read, rejected }) => bar?.update(read, { speed: Math.round(read / Math.max((Date.now() - started) / 1000, 0.001)), rejected }),
        });
        bar?.stop();
        const { runId, read, inserted, updated, unchanged, rejected, retracted, purged, durationMs } = summary;
        // The rejections are listed with the summary (the first 1000; all are kept with the run).
        const rejections = await database.db.query<{ file: string; line: number | null; path: string | null; field: string | null; code: string; reason: string }>(
          'select file, line, path, field, code, reason from ingest.rejection where run_id = $1 order by ordinal limit 1000',
          [runId],
        );
        if (options.json) {
          console.log(JSON.stringify({ runId, feed, agency: options.agency, read, inserted, updated, unchanged, rejected, retracted, purged, incompleteSnapshot: summary.incompleteSnapshot, durationMs, rejections }));
        } else {
          for (const r of rejections) console.error(`[connector:${feed}] ${r.file}${r.line !== null ? ` line ${r.line}` : r.path ? ` at ${r.path}` : ''}${r.field ? `, column ${r.field}` : ''}: ${r.reason} (${r.code})`);
          console.log(`run ${runId}${summary.resumed ? ' (resumed)' : ''}: read ${read}, inserted ${inserted}, updated ${updated}, unchanged ${unchanged}, rejected ${rejected}, retracted ${retracted}, purged ${purged}, warnings ${summary.warnings} in ${durationMs} ms${summary.incompleteSnapshot ? `; ${summary.incompleteSnapshot}` : ''}`);
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
    .action(async (options: { children: number; seed: number; out: string }) => {
      if (!Number.isInteger(options.children) || options.children < 1) throw new UsageError('harbour demo generate: --children must be a positive integer.');
      const { generateDemo } = load<typeof import('../demo/generate')>('../demo/generate');
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
      const { loadGenerated } = load<typeof import('../demo/load')>('../demo/load');
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
      agencyOf('webhook', options.agency);
      const config = loadConfig();
      const { addSubscription } = load<typeof import('../alerts')>('../alerts');
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
    .action(async (options: { agency: string; kind: string; role: string[]; sub: string; ttl: number }) => {
      const config = loadConfig();
      if (config.env === 'production') throw new UsageError('harbour token: there is no development issuer in production; get a token from your identity provider.');
      agencyOf('token', options.agency);
      const { kindAgreesWithCode } = load<typeof import('../access/principal')>('../access/principal');
      if (!kindAgreesWithCode(options.kind as AgencyKind, options.agency)) {
        throw new UsageError(`harbour token: ${options.agency} is not an agency of kind ${options.kind} (LA- codes are children's services or education, POLICE- police, HO immigration, NHS- health).`);
      }
      if (options.ttl > config.maxTokenLifetimeSeconds) throw new UsageError(`harbour token: --ttl may be at most ${config.maxTokenLifetimeSeconds} s (HARBOUR_MAX_TOKEN_LIFETIME).`);
      const { signDevToken } = load<typeof import('../access/authenticate')>('../access/authenticate');
      console.log(signDevToken(config.home, { sub: options.sub, agency: options.agency, agencyKind: options.kind, roles: options.role, ttlSeconds: options.ttl }));
    });

  cli
    .command('schema')
    .description('write the subgraph SDLs and the supergraph to schema/, or check that they match the code')
    .option('--check', 'exit non-zero when schema/ differs from the code')
    .option('--write', 'write schema/')
    .action(async (options: { check?: boolean; write?: boolean }) => {
      const { schemaDrift, writeSchemaFiles } = load<typeof import('../gateway/compose')>('../gateway/compose');
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

  const audit = cli.command('audit').description('the disclosure audit');
  audit
    .command('verify')
    .description('recompute the audit hash chain and MACs, and compare it with checkpoints; exit 1 naming the first sequence number that does not verify')
    .option('--checkpoint <file>', 'checkpoints kept outside the database (harbour audit checkpoint, or serve\'s)')
    .option('--json', 'print one JSON result')
    .action(async (options: { checkpoint?: string; json?: boolean }) => {
      const config = loadConfig();
      const { readCheckpoints, verifyAudit } = load<typeof import('../access/audit')>('../access/audit');
      const key = auditKey(config, false);
      const checkpoints = options.checkpoint === undefined ? [] : checkpointsIn(options.checkpoint, readCheckpoints);
      await withDatabase(config, rootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), async (database) => {
        await database.migrate();
        const result = await verifyAudit(database.db, key, { checkpoints });
        const ok = result.problem === undefined;
        const counted = `${result.rows} events${result.unkeyed ? ` (${result.unkeyed} written before the keyed rule)` : ''}`;
        if (options.json) console.log(JSON.stringify({ ok, ...result }));
        else if (ok) console.log(`audit chain verified: ${counted}${options.checkpoint === undefined ? '' : `; checkpoints matched: ${result.checkpoints}`}`);
        else if (result.brokenAt === undefined) console.error(`audit not verified: ${result.problem}`);
        else console.error(`audit chain broken at sequence ${result.brokenAt}: ${result.problem} (${counted} before it verify)`);
        if (!ok) process.exitCode = 1;
      });
    });
  audit
    .command('checkpoint')
    .description('append a signed checkpoint of the audit chain\'s head to a file kept outside the database, and print it')
    .option('--out <file>', 'the checkpoint file (default: HARBOUR_AUDIT_CHECKPOINT_FILE)')
    .action(async (options: { out?: string }) => {
      const config = loadConfig();
      const { appendCheckpoint, takeCheckpoint } = load<typeof import('../access/audit')>('../access/audit');
      const key = auditKey(config);
      await withDatabase(config, rootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), async (database) => {
        await database.migrate();
        const checkpoint = await takeCheckpoint(database.db, key);
        appendCheckpoint(path.resolve(options.out ?? config.auditCheckpointFile), checkpoint);
        console.log(JSON.stringify(checkpoint));
      });
    });

  cli
    .command('sar')
    .description('subject access: everything harbour holds about the child an agency\'s record belongs to, every disclosure of it and every match decision, as sar.json and a printable sar.html')
    .requiredOption('--agency <code>', 'the agency whose record names the child (its DPO asks)')
    .requiredOption('--local-id <id>', 'that agency\'s id of the record')
    .requiredOption('--out <dir>', 'the folder to write sar.json and sar.html into')
    .action(async (options: { agency: string; localId: string; out: string }) => {
      const config = loadConfig();
      agencyOf('sar', options.agency);
      const { subjectAccess, subjectAccessHtml } = load<typeof import('../ingest/sar')>('../ingest/sar');
      await withDatabase(config, rootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), async (database) => {
        await database.migrate();
        const sar = await subjectAccess(database.db, options.agency, options.localId).catch((error: Error) => {
          throw new UsageError(`harbour sar: ${error.message.replace(/^sar: /, '')}.`);
        });
        const dir = path.resolve(options.out);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'sar.json'), `${JSON.stringify(sar, null, 2)}\n`, { mode: 0o600 });
        fs.writeFileSync(path.join(dir, 'sar.html'), subjectAccessHtml(sar), { mode: 0o600 });
        console.log(`subject access of child ${sar.personId}: ${sar.records.length} records (${sar.records.filter((r) => r.consultBeforeRelease).length} held by other agencies: consult them), ${sar.disclosures.length} disclosures, ${sar.matchDecisions.length} match decisions; written to ${dir}`);
      });
    });

  cli
    .command('retention')
    .description('the retention policy (config/retention.csv or HARBOUR_RETENTION_FILE)')
    .command('run')
    .description('remove what the retention policy says is due: records their source let go of, closed missing episodes, found reports')
    .option('--dry-run', 'count what would go, by kind, and remove nothing')
    .option('--json', 'print one JSON summary on stdout')
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const retention = load<typeof import('../ingest/retention')>('../ingest/retention');
      const policy = retentionPolicy(retention, config);
      const { runRetention } = retention;
      await withDatabase(config, rootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), async (database) => {
        await database.migrate();
        const progress = load<typeof import('cli-progress')>('cli-progress');
        const bar = process.stderr.isTTY && !options.json && !options.dryRun
          ? new progress.SingleBar({ format: 'retention {kind} {bar} {value}/{total}', stream: process.stderr, hideCursor: true }, progress.Presets.shades_classic)
          : undefined;
        let current = '';
        const counts = await runRetention(database.db, policy, {
          dryRun: options.dryRun,
          auditKey: options.dryRun ? undefined : auditKey(config),
          onProgress: (kind, done, total) => {
            if (kind !== current) bar?.start(total, 0, { kind });
            current = kind;
            bar?.update(done, { kind });
          },
        });
        bar?.stop();
        if (options.json) console.log(JSON.stringify({ policy: policy.version, dryRun: !!options.dryRun, ...counts }));
        else console.log(`retention (${policy.version})${options.dryRun ? ', dry run: would remove' : ': removed'} ${Object.entries(counts).map(([k, n]) => `${n} ${k.toLowerCase().replace(/_/g, ' ')}${n === 1 ? '' : 's'}`).join(', ')}`);
      });
    });

  // Their scratch schemas need more than the runtime role may do.
  matchCommands(cli, loadConfig, (config) => rootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), (config, log, work) => withDatabase(config, log, work, 'owner'));

  return cli;
}

/** The retention policy, or a usage error naming the file and line. */
function retentionPolicy(retention: typeof import('../ingest/retention'), config: HarbourConfig) {
  try {
    return retention.readRetentionPolicy(config.retentionFile);
  } catch (error) {
    if (error instanceof retention.RetentionError) throw new UsageError(`harbour: the retention policy: ${error.message}.`);
    throw error;
  }
}

const DEMO_CHILDREN = 60;
const DEMO_SEED = 2026;

function printDemoHelp(url: string, personId: string): void {
  console.log(`
Demo data: ${DEMO_CHILDREN} synthetic children seen by several agencies under different names.

Open the console in a browser and sign in as a development user (an LA MASH coordinator, a police
officer, a DPO, …):
  ${url.replace(/\/graphql$/, '/')}

Get a token (another terminal, from this folder):
  TOKEN=$(npx harbour token --agency LA-886 --kind CHILDRENS_SERVICES --role CASEWORKER --sub alice)

Or open ${url} in a browser: GraphiQL (development only); paste the token in its field.

Ask for a child:
  curl -s ${url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ person(id: \\"${personId}\\") { id identities { agency feed names { kind given family } birthDates { value precision } } care { placements { startedOn postcode } missingEpisodes { open startedAt } } } }"}'

Its strategy pack (plan readiness, risk signals, chronology), as that caseworker may see it:
  curl -s ${url.replace(/\/graphql$/, '')}/strategy-pack/${personId} -H "authorization: Bearer $TOKEN" > pack.html
`);
}

/** harbour's version, from its package.json. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/**
 * What the CLI says of an error that ends a command. PostgreSQL's own text is never printed: it
 * can quote a value (a name, a date of birth) and means nothing to an operator; its SQLSTATE is.
 */
export function failureMessage(error: unknown): string {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string') {
    return `harbour: the database refused a statement (SQLSTATE ${code}); what was committed before it is kept. Run the command again; if it fails the same way, report it with that code.`;
  }
  return (error as Error).message;
}

/**
 * Run the CLI (what `bin/harbour.js` calls). A user's mistake (a usage or configuration error)
 * is one sentence on stderr and exit 2; anything else is its message (`failureMessage`) and exit 1.
 */
export function run(argv: string[] = process.argv): void {
  program()
    .parseAsync(argv)
    .catch((error: unknown) => {
      console.error(failureMessage(error));
      process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
    });
}
