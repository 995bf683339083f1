/**
 * `npm run bench`: ratios against baselines measured in the same run, alternating rounds.
 *
 *   person/hub-vs-sql        the person query through the gateway (HTTP) vs the one raw SQL
 *                            statement that answers it (pg, same machine)        target ≤ 5×
 *   identity/gateway-vs-direct  an identity-only query through the gateway (HTTP) vs the same
 *                            operation sent directly to the identity subgraph (HTTP) target ≤ 1.5×
 *
 *   ingest/<feed>-<format>-vs-copy  rows/s of `harbour sync` end to end vs COPY of the same
 *                            rows into the same tables, for SSDA903 CSV and XML, LA person details
 *                            (CSV), police and Home Office (JSON Lines)   target ≥ 0.5× CSV, ≥ 0.3× others
 *
 *   search/identitySearch-vs-trgm  identitySearch through the gateway (HTTP) on planted matches vs
 *                            a bare pg_trgm full-name query: p95 ≤ 150 ms, recall@10 ≥ 0.98
 *
 *   access/person-on-vs-off  the person query through the hub with access rules and audit, vs the
 *                            same hub with both off (a second gateway, same process)  target ≤ 1.3×
 *   access/search-on-vs-off  identitySearch likewise                                target ≤ 1.3×
 *   access/audit-throughput  decisions/s appended by 8 concurrent writers vs the same rows into a
 *                            plain table                                          target ≥ 5000/s
 *   strategy/view-vs-sql     the strategy-discussion query for children with 5 identities and ~50
 *                            chronology events vs the raw SQL of the same facts      p95 ≤ 100 ms
 *   queue/page-vs-sql        the LA's first page of the suggestion queue (matchSuggestions, first 20,
 *                            with its counts) through the gateway with 100k open suggestions vs the
 *                            plain SQL of 20 open suggestions by probability          p95 ≤ 50 ms
 *   match/link-peak-rss      `harbour match link` (the real CLI, its 384 MB heap) on two generated
 *                            person CSVs of --match-records each: wall time, peak RSS  target < 500 MB
 *   lifecycle/…              purge of one child's records (≤ 1 s), a retention run with 10 % of the
 *                            store due (≤ 5 min), subject access for a child with 5 identities and
 *                            500 disclosures (≤ 2 s): bench/lifecycle.ts, in one transaction rolled back
 *
 * Options: --persons N (340000: about 1M source identities), --rounds N (400), --warmup N (50, each scenario's untimed rounds),
 * --hub-warmup N (300: untimed rounds of the person queries before the first read scenario), --seed N (42),
 * --ingest-rows N (1000000), --feeds ssda903-csv,ssda903-xml,la-person-csv,police-jsonl,home-office-jsonl (all),
 * --match-records N (20000; 100000 x 100000 is measured in the README),
 * --lifecycle-rounds N (30), --lifecycle-disable-triggers PATTERN (triggers whose name contains it off, inside the rolled-back transaction),
 * --only read|ingest|access|search|match|queue|console|lifecycle (queue: only queue/page-vs-sql; lifecycle: bench/lifecycle.ts alone, on the read store as it is,
 *   without running its migrations, leaving it as it found it; console: bench/console.ts on its own demo database; access: only the access scenarios; search: only the
 *   identitySearch scenario; match: only match/link-peak-rss).
 * The read scenarios start with the store read into PostgreSQL's buffer cache as far as it fits,
 * the rest into the OS cache (`warmStore`).
 * Writes bench/results/latest.json. Quote medians and ratios, never one absolute time.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { claimedAgency, loadKeyPair, signDevToken, signSubgraphToken } from '../src/access';
import { loadConfig } from '../src/config';
import { machineSharedBuffersMb, openDatabase, startEmbedded, type EmbeddedServer } from '../src/db';
import { projectRoot } from '../src/gateway/compose';
import { startGatewayServer, startSubgraphServer } from '../src/gateway/server';
import { rootLogger } from '../src/log';
import { ensureBenchData, warmStore } from './generate';
import { ingestScenarios, type IngestResult } from './ingest';
import { auditScenario, type AuditResult } from './audit';
import { searchScenario, type SearchResult } from './search';
import { strategyScenario, type StrategyResult } from './strategy';
import { queueScenario, type QueueResult } from './queue';
import { matchScenario, type MatchResult } from './match';
import { alternate, latencies, type Compared } from './stats';
import { consoleResultRows, consoleScenario, reportConsole } from './console';
import { lifecycleScenario, reportLifecycle } from './lifecycle';

function textOption(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`bench: --${name} must be a positive integer`);
  return value;
}

const PERSON_QUERY = `query ($id: ID!) { person(id: $id) { id
  identities { agency feed names { kind given family } birthDates { value precision } identifiers { scheme value verified } }
  care { agency placements { startedOn postcode } missingEpisodes { kind open startedAt } } } }`;

const PERSON_SQL = `select json_build_object('id', p.id,
  'identities', coalesce((select json_agg(json_build_object('agency', si.agency, 'feed', si.feed,
      'names', (select coalesce(json_agg(json_build_object('kind', n.kind, 'given', n.given, 'family', n.family) order by n.ordinal, n.id), '[]') from identity.name n where n.source_identity_id = si.id),
      'birthDates', (select coalesce(json_agg(json_build_object('value', b.value, 'precision', b.precision) order by b.id), '[]') from identity.birth_date b where b.source_identity_id = si.id),
      'identifiers', (select coalesce(json_agg(json_build_object('scheme', i.scheme, 'value', i.canonical, 'verified', i.check_status = 'VALID') order by i.scheme, i.id), '[]') from identity.identifier i where i.source_identity_id = si.id))
    order by si.first_seen, si.id) from identity.source_identity si where si.person_id = p.id and si.retracted_at is null), '[]'),
  'care', json_build_object(
    'placements', (select coalesce(json_agg(json_build_object('startedOn', t.started_on, 'postcode', t.postcode, 'agency', t.agency) order by t.started_on, t.id), '[]')
                     from care.placement t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = p.id and t.retracted_at is null),
    'missingEpisodes', (select coalesce(json_agg(json_build_object('kind', t.kind, 'startedAt', t.started_at, 'open', t.ended_at is null) order by t.started_at, t.id), '[]')
                     from care.missing_episode t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = p.id and t.retracted_at is null)))
  as person from identity.person p where p.id = $1`;

const IDENTITY_QUERY = `query ($id: ID!) { person(id: $id) { id identities { agency names { given family } identifiers { scheme value } } } }`;

const SEARCH_QUERY = `query ($example: PersonExample!) { identitySearch(example: $example, first: 10) { person { id } probability grade contributions { field level reason } reasons } }`;


async function post(url: string, query: string, variables: Record<string, unknown>, authorization: string): Promise<{ data?: { person?: { identities: unknown[] } }; errors?: unknown[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: { person?: { identities: unknown[] } } };
}

async function main(): Promise<void> {
  const persons = option('persons', 340_000);
  const rounds = option('rounds', 400);
  const warmup = option('warmup', 50);
  const seed = option('seed', 42);
  const ingestRows = option('ingest-rows', 1_000_000);
  const only = textOption('only');
  const say = (m: string) => console.error(`[bench] ${m}`);
  const log = rootLogger('silent');
  const base = loadConfig();

  let embedded: EmbeddedServer | undefined;
  let databaseUrl = base.databaseUrl;
  if (!databaseUrl) {
    // The bench store is large: it asks for the machine's share of memory as buffer cache.
    embedded = await startEmbedded(base.home, log, { sharedBuffersMb: base.embeddedSharedBuffersMb ?? machineSharedBuffersMb() });
    const admin = new Pool({ connectionString: embedded.urlFor('postgres'), max: 1 });
    const exists = await admin.query(`select 1 from pg_database where datname = 'harbour_bench'`);
    if (!exists.rowCount) await admin.query('create database harbour_bench');
    await admin.end();
    databaseUrl = embedded.urlFor('harbour_bench');
  }
  const config = { ...base, databaseUrl };
  const adminUrl = Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString();
  if (only === 'console') {
    const result = await consoleScenario(config, adminUrl, log, option('console-rounds', 15), say);
    reportConsole(result);
    writeResults(consoleResultRows(result));
    await embedded?.stop();
    return;
  }
  if (only === 'lifecycle') {
    // The read store as it is: not migrated, not generated (a store that is not there is an error).
    const results = await lifecycleScenario(databaseUrl, option('lifecycle-rounds', 30), 3, seed, say, textOption('lifecycle-disable-triggers'));
    reportLifecycle(results);
    writeResults(results);
    await embedded?.stop();
    return;
  }
  let ingestResults: IngestResult[] = [];
  if (!only || only === 'ingest') ingestResults = await ingestScenarios(config, adminUrl, log, ingestRows, say, textOption('feeds')?.split(','));
  let matchResult: MatchResult | undefined;
  if (!only || only === 'match') matchResult = await matchScenario(databaseUrl, option('match-records', 20_000), seed, say);
  if (only === 'ingest' || only === 'match') {
    report([], ingestResults, undefined, undefined, undefined, matchResult);
    await embedded?.stop();
    return;
  }
  const database = await openDatabase(config, log, { poolSize: 10 });
  await database.migrate();
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  // The server stops at the end while clients may still be idle in a pool: that is not a failure of the run.
  pool.on('error', (error) => say(`pool: ${error.message}`));
  await ensureBenchData(pool, database.db, persons, seed, say);
  await warmStore(pool, say);

  const deps = { config, db: database.requests, log };
  const gateway = await startGatewayServer(deps, 0, '127.0.0.1');
  // The same hub with access rules and the audit off: the baseline of what they cost.
  const unguarded = await startGatewayServer({ ...deps, unguarded: true }, 0, '127.0.0.1');
  loadKeyPair(config.gatewayPrivateKeyFile, config.gatewayPublicKeyFile, config.env !== 'production');
  const identity = await startSubgraphServer('identity', deps, 0, '127.0.0.1');
  const gatewayKeys = loadKeyPair(config.gatewayPrivateKeyFile, config.gatewayPublicKeyFile, false);
  const principal = { sub: 'bench', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES' as const, roles: ['ANALYST' as const] };
  const clientAuth = `Bearer ${signDevToken(config.home, { sub: principal.sub, agency: claimedAgency(principal), agencyKind: principal.agencyKind, roles: [...principal.roles], ttlSeconds: 3600 })}`;

  const ids = (await pool.query<{ id: string }>(`select id from identity.person order by md5(id::text || $1) limit $2`, [String(seed), rounds + warmup])).rows.map((r) => r.id);
  const stats = await pool.query<{ persons: string; identities: string }>(`select (select count(*) from identity.person) persons, (select count(*) from identity.source_identity) identities`);

  // The hub and the raw SQL must answer the same question.
  const hubAnswer = await post(gateway.url, PERSON_QUERY, { id: ids[0] }, clientAuth);
  const sqlAnswer = (await pool.query<{ person: { identities: unknown[] } }>(PERSON_SQL, [ids[0]])).rows[0]!.person;
  if (hubAnswer.errors || hubAnswer.data?.person?.identities.length !== sqlAnswer.identities.length) {
    throw new Error(`bench: the hub and the SQL baseline disagree: ${JSON.stringify(hubAnswer.errors ?? hubAnswer.data)}`);
  }

  // The gateway signs a fresh token per request; here one is reused for 30 s so that signing
  // stays out of the timed baseline (the gateway's own signing is part of what it costs).
  let subgraphToken = { value: '', at: 0 };
  const subgraphAuth = () => {
    if (Date.now() - subgraphToken.at > 30_000) subgraphToken = { value: `Bearer ${signSubgraphToken(gatewayKeys, 'identity', principal, 'bench', 60)}`, at: Date.now() };
    return subgraphToken.value;
  };

  // A search example per person: its first name as one string, with its date of birth.
  const examples = new Map((await pool.query<{ person_id: string; name: string; dob: string | null }>(
    `select distinct on (si.person_id) si.person_id, concat_ws(' ', n.given, n.family) as name, to_char(b.value, 'YYYY-MM-DD') as dob
       from identity.source_identity si join identity.name n on n.source_identity_id = si.id left join identity.birth_date b on b.source_identity_id = si.id
      where si.person_id = any($1::uuid[]) order by si.person_id, n.ordinal`,
    [ids],
  )).rows.map((r) => [r.person_id, { names: [{ full: r.name }], ...(r.dob ? { dob: r.dob } : {}) }]));
  const search = (url: string) => async (id: string) => {
    const body = await post(url, SEARCH_QUERY, { example: examples.get(id) }, clientAuth);
    if (body.errors) throw new Error(`bench: identitySearch failed: ${JSON.stringify(body.errors)}`);
  };

  type Timer = (id: string) => Promise<unknown>;
  const scenarios: { scenario: string; target: number; subject: Timer; baselineName: string; baseline: Timer }[] = [
    {
      scenario: 'person/hub-vs-sql', target: 5,
      subject: (id) => post(gateway.url, PERSON_QUERY, { id }, clientAuth),
      baselineName: 'raw SQL (one statement, pg)',
      baseline: (id) => pool.query(PERSON_SQL, [id]),
    },
    {
      scenario: 'identity/gateway-vs-direct', target: 1.5,
      subject: (id) => post(gateway.url, IDENTITY_QUERY, { id }, clientAuth),
      baselineName: 'identity subgraph directly (HTTP)',
      baseline: (id) => post(identity.url, IDENTITY_QUERY, { id }, subgraphAuth()),
    },
    {
      scenario: 'access/person-on-vs-off', target: 1.3,
      subject: (id) => post(gateway.url, PERSON_QUERY, { id }, clientAuth),
      baselineName: 'the same hub, access rules and audit off',
      baseline: (id) => post(unguarded.url, PERSON_QUERY, { id }, clientAuth),
    },
    {
      scenario: 'access/search-on-vs-off', target: 1.3,
      subject: search(gateway.url),
      baselineName: 'the same hub, access rules and audit off',
      baseline: search(unguarded.url),
    },
  ];

  // The process is warmed before the first timed scenario: the gateways, the subgraphs and graphql
  // are JIT-compiled over their first few hundred requests, and that cost fell on whichever
  // scenario ran first (person/hub-vs-sql measured 10.0 ms p50 after 50 warm-up rounds and 7.8 ms
  // after 300, its baseline unchanged). A server in service is warm; the timed rounds should see it so.
  const hubWarmup = option('hub-warmup', 300);
  if (only !== 'search' && only !== 'queue') {
    say(`read: warming the hub (${hubWarmup} rounds of the person queries, on persons the timed rounds do not use)`);
    const spare = (await pool.query<{ id: string }>(`select id from identity.person order by md5(id::text || $1) offset $2 limit 100`, [String(seed), ids.length])).rows.map((r) => r.id);
    for (let round = 0; round < hubWarmup; round++) {
      const id = spare[round % spare.length]!;
      for (const s of scenarios.filter((x) => !x.scenario.includes('search'))) {
        await s.subject(id);
        await s.baseline(id);
      }
    }
  }

  const results: ReadResult[] = [];
  for (const s of scenarios) {
    if ((only === 'access' && !s.scenario.startsWith('access/')) || only === 'search' || only === 'queue') continue;
    const idOf = (round: number) => ids[round % ids.length]!;
    const [subject, baseline] = await alternate(rounds, warmup, (round) => s.subject(idOf(round)), (round) => s.baseline(idOf(round)));
    const r = {
      scenario: s.scenario,
      baseline: s.baselineName,
      ...latencies(subject, baseline),
      target_ratio_p50: s.target,
      rounds,
      persons: Number(stats.rows[0]!.persons),
      source_identities: Number(stats.rows[0]!.identities),
    };
    results.push(r);
  }

  let searchResult: SearchResult | undefined;
  if (only !== 'access' && only !== 'queue') {
    say('search: identitySearch vs pg_trgm on planted matches');
    searchResult = await searchScenario(pool, gateway.url, clientAuth, Math.min(rounds, 400), warmup, seed, say);
  }
  const auditResult = only === 'search' || only === 'queue' ? undefined : await auditScenario(database.db, pool, ids, 100, say);
  const strategyResult = only === 'access' || only === 'search' || only === 'queue' ? undefined : await strategyScenario(pool, gateway.url, clientAuth, rounds, warmup, say);
  const queueResult = only && only !== 'queue' ? undefined : await queueScenario(pool, database.db, gateway.url, clientAuth, rounds, warmup, seed, say);

  report(results, ingestResults, searchResult, auditResult, strategyResult, matchResult, queueResult);
  if (!only) {
    const lifecycle = await lifecycleScenario(databaseUrl, option('lifecycle-rounds', 30), 3, seed, say);
    reportLifecycle(lifecycle);
    const consoleResult = await consoleScenario(config, adminUrl, log, option('console-rounds', 15), say);
    reportConsole(consoleResult);
    writeResults([...readResults(), ...lifecycle, ...consoleResultRows(consoleResult)]);
  }

  await unguarded.stop();
  await identity.stop();
  await gateway.stop();
  await pool.end();
  await database.close();
  await embedded?.stop();
}

type ReadResult = Compared & { target_ratio_p50: number; rounds: number; persons: number; source_identities: number };

function report(results: ReadResult[], ingestResults: IngestResult[], searchResult?: SearchResult, auditResult?: AuditResult, strategyResult?: StrategyResult, matchResult?: MatchResult, queueResult?: QueueResult): void {
  if (results.length) {
    console.log(`\nharbour bench — ${results[0]!.persons} persons, ${results[0]!.source_identities} source identities, ${results[0]!.rounds} alternating rounds\n`);
    console.log(`${'scenario'.padEnd(30)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'base p50'.padStart(10)}${'base p95'.padStart(10)}${'ratio p50'.padStart(11)}${'target'.padStart(8)}  baseline`);
    for (const r of results) {
      const flag = r.ratio_p50 <= r.target_ratio_p50 ? 'ok' : 'OVER';
      console.log(`${r.scenario.padEnd(30)}${r.p50_ms.toFixed(2).padStart(9)}${r.p95_ms.toFixed(2).padStart(9)}${r.baseline_p50_ms.toFixed(2).padStart(10)}${r.baseline_p95_ms.toFixed(2).padStart(10)}${`${r.ratio_p50}×`.padStart(11)}${`≤${r.target_ratio_p50}×`.padStart(8)}  ${r.baseline} ${flag}`);
    }
  }
  if (searchResult) {
    const r = searchResult;
    const ok = r.p95_ms <= r.target_p95_ms && r.recall_at_10 >= r.target_recall_at_10 ? 'ok' : 'UNDER';
    console.log(`\n${'scenario'.padEnd(30)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'base p50'.padStart(10)}${'base p95'.padStart(10)}${'ratio p50'.padStart(11)}${'recall@1'.padStart(10)}${'recall@10'.padStart(11)}${'base r@10'.padStart(11)}  target`);
    console.log(`${r.scenario.padEnd(30)}${r.p50_ms.toFixed(2).padStart(9)}${r.p95_ms.toFixed(2).padStart(9)}${r.baseline_p50_ms.toFixed(2).padStart(10)}${r.baseline_p95_ms.toFixed(2).padStart(10)}${`${r.ratio_p50}×`.padStart(11)}${r.recall_at_1.toFixed(3).padStart(10)}${r.recall_at_10.toFixed(3).padStart(11)}${r.baseline_recall_at_10.toFixed(3).padStart(11)}  p95 ≤ ${r.target_p95_ms} ms, recall@10 ≥ ${r.target_recall_at_10} ${ok}`);
    console.log(`  ${r.source_identities} source identities, ${r.rounds} planted matches; baseline: ${r.baseline}`);
  }
  if (auditResult) {
    const r = auditResult;
    console.log(`\n${'scenario'.padEnd(30)}${'decisions/s'.padStart(13)}${'base /s'.padStart(10)}${'ratio'.padStart(8)}${'target'.padStart(10)}  baseline`);
    console.log(`${r.scenario.padEnd(30)}${String(r.decisions_per_s).padStart(13)}${String(r.baseline_decisions_per_s).padStart(10)}${`${r.ratio}×`.padStart(8)}${`≥${r.target_decisions_per_s}`.padStart(10)}  ${r.baseline}, batches of ${r.batch} ${r.decisions_per_s >= r.target_decisions_per_s ? 'ok' : 'UNDER'}`);
  }
  if (strategyResult) {
    const r = strategyResult;
    console.log(`\n${'scenario'.padEnd(30)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'base p50'.padStart(10)}${'base p95'.padStart(10)}${'ratio p50'.padStart(11)}  target`);
    console.log(`${r.scenario.padEnd(30)}${r.p50_ms.toFixed(2).padStart(9)}${r.p95_ms.toFixed(2).padStart(9)}${r.baseline_p50_ms.toFixed(2).padStart(10)}${r.baseline_p95_ms.toFixed(2).padStart(10)}${`${r.ratio_p50}×`.padStart(11)}  p95 ≤ ${r.target_p95_ms} ms ${r.p95_ms <= r.target_p95_ms ? 'ok' : 'OVER'}`);
    console.log(`  ${r.persons} persons; each child ${r.identities} identities, ${r.chronology_events} chronology events the viewer sees; baseline: ${r.baseline}`);
  }
  if (queueResult) {
    const r = queueResult;
    console.log(`\n${'scenario'.padEnd(30)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'base p50'.padStart(10)}${'base p95'.padStart(10)}${'ratio p50'.padStart(11)}${'ratio p95'.padStart(11)}  target`);
    console.log(`${r.scenario.padEnd(30)}${r.p50_ms.toFixed(2).padStart(9)}${r.p95_ms.toFixed(2).padStart(9)}${r.baseline_p50_ms.toFixed(2).padStart(10)}${r.baseline_p95_ms.toFixed(2).padStart(10)}${`${r.ratio_p50}×`.padStart(11)}${`${r.ratio_p95}×`.padStart(11)}  p95 ≤ ${r.target_p95_ms} ms ${r.p95_ms <= r.target_p95_ms ? 'ok' : 'OVER'}`);
    console.log(`  ${r.source_identities} source identities, ${r.open_suggestions} open suggestions (${r.agency_open} in the agency's queue), ${r.rounds} rounds; baseline: ${r.baseline}`);
  }
  if (ingestResults.length) {
    console.log(`\n${'scenario'.padEnd(34)}${'rows'.padStart(10)}${'rows/s'.padStart(10)}${'base rows/s'.padStart(13)}${'ratio'.padStart(8)}${'target'.padStart(8)}${'peak RSS'.padStart(10)}  baseline`);
    for (const r of ingestResults) {
      console.log(`${r.scenario.padEnd(34)}${String(r.rows).padStart(10)}${String(r.rows_per_s).padStart(10)}${String(r.baseline_rows_per_s).padStart(13)}${`${r.ratio}×`.padStart(8)}${`≥${r.target_ratio}×`.padStart(8)}${`${r.peak_rss_mb} MB`.padStart(10)}  ${r.baseline} ${r.ratio >= r.target_ratio ? 'ok' : 'UNDER'}`);
      if (r.placement_only_ratio !== undefined) console.log(`${''.padEnd(44)}${String(r.placement_only_rows_per_s).padStart(23)}${`${r.placement_only_ratio}×`.padStart(8)}${''.padStart(18)}  stricter: COPY of the placement rows alone`);
    }
  }
  if (matchResult) {
    const r = matchResult;
    const ok = r.peak_rss_mb === null ? 'not measured (no /proc)' : r.peak_rss_mb < r.target_peak_rss_mb ? 'ok' : 'OVER';
    console.log(`\n${'scenario'.padEnd(30)}${'per file'.padStart(10)}${'candidates'.padStart(12)}${'pairs'.padStart(10)}${'wall s'.padStart(9)}${'peak RSS'.padStart(10)}  target`);
    console.log(`${r.scenario.padEnd(30)}${String(r.records_per_file).padStart(10)}${String(r.candidate_pairs).padStart(12)}${String(r.pairs).padStart(10)}${r.wall_s.toFixed(1).padStart(9)}${`${r.peak_rss_mb ?? '?'} MB`.padStart(10)}  < ${r.target_peak_rss_mb} MB ${ok}`);
  }
  writeResults([...results, ...(searchResult ? [searchResult] : []), ...(auditResult ? [auditResult] : []), ...(strategyResult ? [strategyResult] : []), ...(matchResult ? [matchResult] : []), ...(queueResult ? [queueResult] : []), ...ingestResults]);
}

const RESULTS = () => path.join(projectRoot(), 'bench', 'results', 'latest.json');

function readResults(): unknown[] {
  return fs.existsSync(RESULTS()) ? (JSON.parse(fs.readFileSync(RESULTS(), 'utf8')) as unknown[]) : [];
}

function writeResults(rows: unknown[]): void {
  fs.mkdirSync(path.dirname(RESULTS()), { recursive: true });
  fs.writeFileSync(RESULTS(), `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`\nwritten: bench/results/latest.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
