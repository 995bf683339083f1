/**
 * Candidate generation for one query record against the store, in one statement: several passes
 * unioned, each hit weighted by how telling its key is, then the best-scoring identities kept
 * for the rerank in Node.
 *
 * - exact identifiers, biometric references and contacts (`x:`), full dates of birth (`d:`);
 * - name tokens (`t:`), their variant keys (`v:`), Double Metaphone codes (`p:`), skeletons (`s:`),
 *   and tokens and variant keys with a birth year (`ty:`, `vy:`);
 * - fuzzy expansion: each query token to its nearest vocabulary tokens by trigram distance
 *   (GiST, KNN order), then the posting lists of the tokens found;
 * - the birth-year window is left to the rerank: on its own a year files a twentieth of the store.
 *
 * Each posting list is read to at most `postingLimit` entries, so one very common key costs a
 * bounded scan, not the store.
 */
import type { Db } from '../../db';
import { blockingKeys, tokensOf } from '../keys';
import type { PreparedRecord } from '../record';

const KEY_WEIGHT: Record<string, number> = { x: 12, d: 4, ty: 3.5, t: 3, vy: 2.5, v: 2, p: 1.5, s: 1, pc: 1, a: 1 };

export interface SearchOptions {
  /** Identities passed to the rerank. @default 300 */
  readonly limit?: number;
  /** Entries read from one key's posting list: a key held by more identifies little. @default 5000 */
  readonly postingLimit?: number;
  /** Vocabulary tokens a query token expands to. @default 8 */
  readonly expansions?: number;
}

export async function searchCandidates(db: Db, query: PreparedRecord, options: SearchOptions = {}): Promise<string[]> {
  // Birth years are left to the rerank: on its own a year files a twentieth of the store.
  const keys = blockingKeys(query).filter((k) => !k.startsWith('y:'));
  const tokens = tokensOf(query);
  if (!keys.length && !tokens.length) return [];
  const weights = keys.map((k) => KEY_WEIGHT[k.slice(0, k.indexOf(':'))] ?? 1);
  const rows = await db.query<{ id: string }>(
    `with hits as (
       select t.source_identity_id as id, q.w
         from unnest($1::text[], $2::real[]) as q(key, w)
         cross join lateral (select source_identity_id from identity.match_token m where m.key = q.key limit $4) t
       union all
       select t.source_identity_id, 2.0
         from unnest($3::text[]) as qt(token)
         cross join lateral (select token from identity.match_vocabulary where token <> qt.token and n > 0
                              order by token <-> qt.token limit $6) v
         cross join lateral (select source_identity_id from identity.match_token m where m.key = 't:' || v.token limit $4) t
        where similarity(v.token, qt.token) >= 0.3)
     select id from hits group by id order by sum(w) desc limit $5`,
    [keys, weights, tokens, options.postingLimit ?? 5000, options.limit ?? 300, options.expansions ?? 8],
  );
  return rows.map((r) => r.id);
}
