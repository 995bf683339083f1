/**
 * Candidate pairs for batch linkage and deduplication, set-based: two records are a candidate
 * pair when they share a blocking key that is not too common (a key held by more than
 * `maxKeyCount` records identifies nobody), or hold name tokens that the trigram index finds
 * similar. Birth years and postcodes alone never make a pair.
 *
 * Works on any schema holding `match_key (record_id, side, key)` and `match_vocabulary (token, n)`:
 * tables filled by `harbour match link`, or views over the store for `harbour match dedupe`.
 * `preparePairSpace` computes the usable keys and similar tokens once; `candidatePairs` can then be
 * asked for the pairs of a chunk of left records at a time.
 */
import type { Db } from '../db';

export interface PairSpace {
  readonly schema: string;
  /** Link two sides (L, R) or deduplicate one (both keys on side L; pairs left < right). */
  readonly mode: 'link' | 'dedupe';
  /** The type of `record_id`. @default 'text' */
  readonly idType?: 'text' | 'uuid';
}

/** @default 1000 */
export const MAX_KEY_COUNT = 1000;

/**
 * Create the scratch tables of a pair space (the schema must exist). Record ids compare in code
 * point order ("C"), whatever the server's collation: dedupe pairs have left < right in that
 * order, as the CLI sorts its output. Unlogged: scratch, dropped afterwards, no WAL to write.
 */
export async function createPairSpace(db: Db, schema: string): Promise<void> {
  await db.query(`create unlogged table ${schema}.match_key (record_id text collate "C" not null, side char(1) not null, key text not null)`);
  await db.query(`create unlogged table ${schema}.match_vocabulary (token text primary key, n integer not null)`);
}

/** Index the filled scratch tables and prepare them. */
export async function indexPairSpace(db: Db, schema: string, maxKeyCount = MAX_KEY_COUNT): Promise<void> {
  await db.query(`create index on ${schema}.match_key (key, side, record_id)`);
  await db.query(`create index on ${schema}.match_key (record_id)`);
  await db.query(`insert into ${schema}.match_vocabulary select substr(key, 3), count(*) from ${schema}.match_key where key like 't:%' group by 1`);
  await db.query(`create index on ${schema}.match_vocabulary using gin (token gin_trgm_ops)`);
  // Vacuumed, not only analysed: the visibility map lets the pairs' lookups of other records by key
  // read the (key, side, record_id) index alone (first chunk of the 12,605-record population,
  // 586k pairs: 2.0 s against 3.1 s reading the table's pages too; a vacuum of its 290k keys
  // takes about 0.2 s).
  await db.query(`vacuum (analyze) ${schema}.match_key`);
  await preparePairSpace(db, schema, maxKeyCount);
}

export interface StorePairOptions {
  /** @default MAX_KEY_COUNT */
  readonly maxKeyCount?: number;
  /** Only keys of these kinds make pairs (`t`, `ty`, `d`, `x`, …). @default every kind but y and pc */
  readonly kinds?: readonly string[];
}

/**
 * What `harbour match dedupe` pairs on at store scale (measured at 1M identities: with every kind
 * and keys of up to 1000 holders, 5000 identities made 11M pairs): exact values, full dates of
 * birth, name tokens and tokens with a birth year, addresses — held by at most 100 identities.
 */
export const STORE_DEDUPE_PAIRS: StorePairOptions = { maxKeyCount: 100, kinds: ['x', 'd', 't', 'ty', 'ky', 'a'] };

/** A pair space over the store's own keys (views in `schema`, which must not exist yet). */
export async function openStorePairSpace(db: Db, schema: string, options: StorePairOptions = {}): Promise<void> {
  await db.query(`create schema ${schema}`);
  await db.query(`create view ${schema}.match_key as select source_identity_id as record_id, 'L'::char(1) as side, key from identity.match_token`);
  await db.query(`create view ${schema}.match_vocabulary as select token, n from identity.match_vocabulary where n > 0`);
  await preparePairSpace(db, schema, options.maxKeyCount ?? MAX_KEY_COUNT, options.kinds);
}

async function preparePairSpace(db: Db, schema: string, maxKeyCount: number, kinds?: readonly string[]): Promise<void> {
  const cap = Math.trunc(maxKeyCount);
  const kind = kinds ? `key ~ '^(${kinds.map((k) => k.replace(/[^a-z]/g, '')).join('|')}):'` : `key !~ '^(y|pc):'`;
  await db.query(`create table ${schema}.usable_key as select key from ${schema}.match_key where ${kind} group by key having count(*) between 2 and ${cap}`);
  await db.query(`alter table ${schema}.usable_key add primary key (key)`);
  await db.transaction(async (tx) => {
    await tx.query(`set local pg_trgm.similarity_threshold = 0.6`);
    await tx.query(
      `create table ${schema}.alike_token as
         select 't:' || v1.token as k1, 't:' || v2.token as k2 from ${schema}.match_vocabulary v1
           join ${schema}.match_vocabulary v2 on v1.token % v2.token and v1.token <> v2.token
          where v1.n <= ${cap} and v2.n <= ${cap}`,
    );
  });
  await db.query(`create index on ${schema}.alike_token (k1)`);
}

/**
 * The statement of the candidate pairs (columns `a`, `b`): with `leftIds`, only those of these left
 * records; with `minShared`, only pairs sharing at least that many keys (similar tokens count as one).
 */
export function candidatePairsQuery(space: PairSpace, leftIds?: readonly string[], minShared = 1): { text: string; values: unknown[] } {
  const s = space.schema;
  const right = space.mode === 'link' ? `'R'` : `'L'`;
  const order = space.mode === 'dedupe' ? 'and b.record_id > a.record_id' : '';
  // Every step an index lookup (LATERAL; `offset 0` keeps the planner from flattening it into a
  // hash join over the whole key table, which it chose at 1M identities on a bad row estimate).
  const left = leftIds
    ? `select m.record_id, m.key from unnest($1::${space.idType ?? 'text'}[]) as c(id)
         cross join lateral (select record_id, key from ${s}.match_key m where m.record_id = c.id and m.side = 'L') m`
    : `select record_id, key from ${s}.match_key where side = 'L'`;
  return {
    text: `with a as materialized (${left})
     select a, b from (
       select a.record_id as a, b.record_id as b
         from a join ${s}.usable_key u on u.key = a.key
         cross join lateral (select b.record_id from ${s}.match_key b where b.key = a.key and b.side = ${right} ${order} offset 0) b
       union all
       select a.record_id, b.record_id
         from a join ${s}.alike_token x on x.k1 = a.key
         cross join lateral (select b.record_id from ${s}.match_key b where b.key = x.k2 and b.side = ${right} ${order} offset 0) b) shared
     group by a, b having count(*) >= ${Math.max(1, Math.trunc(minShared))}`,
    values: leftIds ? [leftIds] : [],
  };
}

/** Candidate pairs as [left, right] record ids (see `candidatePairsQuery`). */
export async function candidatePairs(db: Db, space: PairSpace, leftIds?: readonly string[], minShared = 1): Promise<[string, string][]> {
  const query = candidatePairsQuery(space, leftIds, minShared);
  const rows = await db.query<{ a: string; b: string }>(query.text, query.values);
  return rows.map((r) => [String(r.a), String(r.b)]);
}
