/**
 * Candidate pairs for batch linkage and deduplication, set-based: two records are a candidate
 * pair when they share a blocking key that is not too common (a key held by more than `maxKeyCount`
 * records identifies nobody), or hold name tokens that the trigram index finds similar. Birth
 * years and postcodes alone never make a pair.
 *
 * Works on any table shaped `(record_id text, side char, key text)` plus a vocabulary
 * `(token text, n int)`: the store's dedupe and the scratch schema of `harbour match link` share it.
 */
import type { Db } from '../../db';

export interface PairSpace {
  /** Schema holding `match_key (record_id, side, key)` and `match_vocabulary (token, n)`. */
  readonly schema: string;
  /** Link two sides (L, R) or deduplicate one (both keys on side L). */
  readonly mode: 'link' | 'dedupe';
  /** @default 1000 */
  readonly maxKeyCount?: number;
}

/** Create the scratch tables of a pair space (the schema must exist). */
export async function createPairSpace(db: Db, schema: string): Promise<void> {
  await db.query(`create table ${schema}.match_key (record_id text not null, side char(1) not null, key text not null)`);
  await db.query(`create table ${schema}.match_vocabulary (token text primary key, n integer not null)`);
}

export async function indexPairSpace(db: Db, schema: string): Promise<void> {
  await db.query(`create index on ${schema}.match_key (key, side, record_id)`);
  await db.query(`insert into ${schema}.match_vocabulary select substr(key, 3), count(*) from ${schema}.match_key where key like 't:%' group by 1`);
  await db.query(`create index on ${schema}.match_vocabulary using gin (token gin_trgm_ops)`);
  await db.query(`analyze ${schema}.match_key`);
}

/** Every candidate pair, as [left, right] record ids (dedupe: left < right). */
export async function candidatePairs(db: Db, space: PairSpace): Promise<[string, string][]> {
  const s = space.schema;
  const right = space.mode === 'link' ? `'R'` : `'L'`;
  const order = space.mode === 'dedupe' ? 'and a.record_id < b.record_id' : '';
  const rows = await db.transaction(async (tx) => {
    await tx.query(`set local pg_trgm.similarity_threshold = 0.6`);
    return tx.query<{ a: string; b: string }>(
      `with counts as (select key, count(*) as n from ${s}.match_key group by key),
       usable as (select key from counts where n <= $1 and key !~ '^(y|pc):'),
       alike as (select v1.token as t1, v2.token as t2 from ${s}.match_vocabulary v1 join ${s}.match_vocabulary v2 on v1.token % v2.token and v1.token <> v2.token
                    where v1.n <= $1 and v2.n <= $1)
       select a.record_id as a, b.record_id as b
         from usable u join ${s}.match_key a on a.key = u.key and a.side = 'L'
         join ${s}.match_key b on b.key = u.key and b.side = ${right} ${order}
       union
       select a.record_id, b.record_id
         from alike x join ${s}.match_key a on a.key = 't:' || x.t1 and a.side = 'L'
         join ${s}.match_key b on b.key = 't:' || x.t2 and b.side = ${right} ${order}`,
      [space.maxKeyCount ?? 1000],
    );
  });
  return rows.map((r) => [r.a, r.b]);
}
