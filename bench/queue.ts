/**
 * queue/page-vs-sql: the LA's first page of the suggestion queue (`matchSuggestions(first: 20)`
 * with `totalCount` and `openCount`, both records side by side) through the gateway over HTTP,
 * with 100,000 open suggestions in the 1M-identity read store, against the plain SQL of twenty
 * open suggestions by probability (`select … from identity.match_suggestion where status = 'OPEN'
 * order by probability desc limit 20`, pg). Target p95 ≤ 50 ms.
 *
 * The suggestions are seeded once, deterministically from the bench seed, through the real write
 * (`writeSuggestions`, whose triggers fill `identity.suggestion_queue` as production does), and
 * kept by `public.bench_queue_v1` so later runs reuse them. Nothing else of the store changes.
 */
import type { Pool } from 'pg';
import type { Db } from '../src/db';
import { writeSuggestions, type Suggestion } from '../src/resolution';
import { alternate, latencies, seeded, type Compared } from './stats';

export interface QueueResult extends Compared {
  target_p95_ms: number;
  open_suggestions: number;
  agency_open: number;
  source_identities: number;
  rounds: number;
}

const SUGGESTIONS = 100_000;
const CHUNK = 5_000;
const MARKER = 'public.bench_queue_v1';

export const QUEUE_QUERY = `query ($first: Int) { matchSuggestions(first: $first) { totalCount openCount
  edges { node { id status grade probability reasons records { agency localId names { given family } } persons { id } } } } }`;

const BASELINE_SQL = `select id, a, b, probability, grade from identity.match_suggestion where status = 'OPEN' order by probability desc limit 20`;

/** 100,000 open suggestions between identities of different persons, drawn from `seed`; once. */
async function seed(pool: Pool, db: Db, seedValue: number, say: (m: string) => void): Promise<void> {
  await pool.query(`create table if not exists ${MARKER} (seed int not null, suggestions int not null)`);
  const [done] = (await pool.query<{ seed: number; suggestions: number }>(`select seed, suggestions from ${MARKER}`)).rows;
  if (done?.seed === seedValue && done.suggestions === SUGGESTIONS) return;
  say(`queue: seeding ${SUGGESTIONS} open suggestions (seed ${seedValue}); reused on later runs`);
  // Identities in an order the seed decides; consecutive ones of different persons make a pair.
  const ids = (await pool.query<{ id: string; person_id: string }>(
    `select id, person_id from identity.source_identity where retracted_at is null order by md5(id::text || $1) limit $2`, [String(seedValue), SUGGESTIONS * 2 + 20_000],
  )).rows;
  const random = seeded(seedValue);
  const pairs: Suggestion[] = [];
  for (let i = 0; i + 1 < ids.length && pairs.length < SUGGESTIONS; i += 2) {
    const [x, y] = [ids[i]!, ids[i + 1]!];
    if (x.person_id === y.person_id) continue;
    // Probable or certain: 0.8 ≤ p < 1, weight log2(p / (1 − p)).
    const probability = 0.8 + 0.2 * random() * 0.999;
    const weight = Math.log2(probability / (1 - probability));
    pairs.push({ a: x.id, b: y.id, score: { weight, probability, grade: probability >= 0.99 ? 'CERTAIN' : 'PROBABLE', reasons: ['bench: a seeded suggestion'], contributions: [] } });
  }
  const started = Date.now();
  for (let i = 0; i < pairs.length; i += CHUNK) {
    await db.transaction((tx) => writeSuggestions(tx, pairs.slice(i, i + CHUNK), 'bench-queue-v1'));
  }
  say(`queue: ${pairs.length} suggestions written in ${((Date.now() - started) / 1000).toFixed(1)} s (${CHUNK} a transaction, the queue kept by its triggers)`);
  await pool.query(`delete from ${MARKER}`);
  await pool.query(`insert into ${MARKER} (seed, suggestions) values ($1, $2)`, [seedValue, pairs.length]);
  await pool.query(`vacuum analyze identity.match_suggestion, identity.suggestion_queue`);
}

export async function queueScenario(pool: Pool, db: Db, gatewayUrl: string, authorization: string, rounds: number, warmup: number, seedValue: number, say: (m: string) => void): Promise<QueueResult> {
  await seed(pool, db, seedValue, say);
  const post = async () => {
    const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: QUEUE_QUERY, variables: { first: 20 } }) });
    const body = (await response.json()) as { data?: { matchSuggestions: { totalCount: number; openCount: number; edges: unknown[] } }; errors?: unknown[] };
    if (!body.data?.matchSuggestions) throw new Error(`bench: matchSuggestions failed: ${JSON.stringify(body.errors)}`);
    return body.data.matchSuggestions;
  };
  const sample = await post();
  if (sample.edges.length !== 20) throw new Error(`bench: the queue's first page has ${sample.edges.length} suggestions, not 20`);
  const [hub, base] = await alternate(rounds, warmup, () => post(), () => pool.query(BASELINE_SQL));
  const [counts] = (await pool.query<{ open: string; identities: string }>(
    `select (select count(*) from identity.match_suggestion where status = 'OPEN') as open, (select count(*) from identity.source_identity) as identities`,
  )).rows;
  return {
    scenario: 'queue/page-vs-sql',
    baseline: 'raw SQL: 20 open suggestions by probability (pg)',
    ...latencies(hub, base),
    target_p95_ms: 50,
    open_suggestions: Number(counts!.open),
    agency_open: sample.openCount,
    source_identities: Number(counts!.identities),
    rounds,
  };
}
