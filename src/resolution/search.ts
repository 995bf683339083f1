/**
 * Candidate generation for one query record against the store, in one statement: several passes
 * unioned, each hit weighted by how telling its key is, then the best-scoring identities kept
 * for the rerank in Node.
 *
 * - exact identifiers, biometric references and contacts (`x:`), full dates of birth (`d:`);
 * - name tokens (`t:`), their sound keys (`k:`), the equivalence-corpus groups they are spellings
 *   in (`e:`), and tokens and sound keys with a birth year (`ty:`, `ky:`);
 * - fuzzy expansion: each query token to its most similar vocabulary tokens (trigram index),
 *   then the posting lists of the tokens found;
 * - the birth-year window is left to the rerank: on its own a year files a twentieth of the store.
 *
 * Each posting list is read to at most `postingLimit` entries, so one very common key costs a
 * bounded scan, not the store; and a hit weighs its key's weight times ln(1 + limit / postings
 * read), so that a rare key (a full date of birth, a rare name) outranks many common ones.
 *
 * A list read to its limit is an arbitrary sample of the key's holders: it is left out whenever
 * the query has a non-empty list read whole. Its members had crowded real partial matches out of
 * the shortlist, and made up half the rows to aggregate. Only a query of nothing but common keys
 * is answered from samples.
 */
import type { Db } from '../db';
import { birthYears, blockingKeys, tokenKeys } from '../matching';
import { foldText } from '../matching';
import type { PreparedRecord, PreparedToken } from '../matching';

const KEY_WEIGHT: Record<string, number> = { x: 12, d: 4, ty: 3.5, t: 3, ky: 2.5, e: 2, k: 1.5, pc: 1, a: 1 };

export interface SearchOptions {
  /**
   * Identities passed to the rerank. Each is loaded and scored in Node, about a tenth of a
   * millisecond apiece (300 took 25 ms of a 100 ms search at 1M identities); the planted match
   * was among the statement's first 150 in all but 2 of 400 searches (bench seed 7) where it was
   * among its first 300. @default 150
   */
  readonly limit?: number;
  /** Entries read from one key's posting list: a key held by more identifies little. @default 5000 */
  readonly postingLimit?: number;
  /**
   * Identities told apart by whole-name trigrams before the best `limit` are kept. Not tied to
   * `limit`: a child whose other name part is misspelt ties on its keys with every namesake born
   * that year (thousands at 1M identities), and only the trigrams tell them apart. @default 2400
   */
  readonly shortlist?: number;
  /** Vocabulary tokens a query token expands to. @default 8 */
  readonly expansions?: number;
  /** What agreeing on one more of the query's name parts is worth, on top of its best key. @default 12 */
  readonly coverageBonus?: number;
}

/**
 * The query name part each key was made from (its index among the query's distinct tokens), or,
 * for a key of no name part (a date of birth, an identifier), a group of its own.
 */
function keyGroups(query: PreparedRecord, keys: readonly string[], tokens: readonly PreparedToken[]): number[] {
  const years = birthYears(query);
  const part = new Map<string, number>();
  tokens.forEach((t, i) => {
    for (const key of tokenKeys(t, years)) if (!part.has(key)) part.set(key, i);
  });
  return keys.map((key, i) => part.get(key) ?? -1 - i);
}

export async function searchCandidates(db: Db, query: PreparedRecord, options: SearchOptions = {}): Promise<string[]> {
  // Birth years are left to the rerank: on its own a year files a twentieth of the store.
  const keys = blockingKeys(query).filter((k) => !k.startsWith('y:'));
  const queryTokens = [...new Map(query.names.flat().map((t) => [t.text, t])).values()];
  // Short tokens are left to their sound and equivalence keys: their trigram neighbourhood is most
  // of the vocabulary (measured: 23 ms a token of four letters at 1M identities).
  const tokens = queryTokens.filter((t) => t.text.length >= 5);
  if (!keys.length && !tokens.length) return [];
  const weights = keys.map((k) => KEY_WEIGHT[k.slice(0, k.indexOf(':'))] ?? 1);
  const rows = await db.query<{ id: string }>(
    `with lists as (
       select q.w, q.g, p.ids
         from unnest($1::text[], $2::real[], $9::int[]) as q(key, w, g)
         cross join lateral (select array(select source_identity_id from identity.match_token m where m.key = q.key limit $4) as ids) p
       union all
       select 2.0, qt.g, p.ids
         from unnest($3::text[], $10::int[]) as qt(token, g)
         cross join lateral (select token from identity.match_vocabulary where token % qt.token and token <> qt.token and n > 0
                              order by similarity(token, qt.token) desc limit $6) v
         cross join lateral (select array(select source_identity_id from identity.match_token m where m.key = 't:' || v.token limit $4) as ids) p),
     -- A key's hit counts for less the more identities share it (its posting list as read). The
     -- weight is computed per list before the lists are unnested (offset 0 keeps it there): left
     -- to the planner, it was computed after the sort, and the sorted rows carried their arrays.
     -- Lists read to the limit are samples: used only when the query has no list read whole.
     weighted as (select h.id, l.g, l.s
                    from (select g, ids, w * ln(1 + $4::float8 / greatest(cardinality(ids), 1)) as s from lists
                           where cardinality(ids) < $4 or not exists (select from lists where cardinality(ids) between 1 and $4 - 1) offset 0) l
                    cross join unnest(l.ids) as h(id)),
     -- A query name part counts once, at its best key, and agreeing on one more name part is
     -- worth more than any one key: a rare name part alone ("Ana", born 2013) must not crowd out
     -- a record that agrees on both ("Bibi Anra" for "Bibi Ana").
     parts as (select id, g, max(s) + case when g >= 0 then $11::float8 else 0 end as s from weighted group by id, g),
     best as (select id, sum(s) as score from parts group by id order by sum(s) desc limit $7)
     -- Identities that share only common keys are told apart by how alike the whole names are
     -- (trigrams), before the model reranks the survivors in Node.
     select b.id from best b
       left join lateral (select max(similarity(lower(concat_ws(' ', n.given, n.family, n.full_name)), q.name)) as sim
                            from identity.name n cross join unnest($8::text[]) as q(name)
                           where n.source_identity_id = b.id and n.retracted_at is null) x on true
      order by b.score + 15 * coalesce(x.sim, 0) desc limit $5`,
    [
      keys, weights, tokens.map((t) => t.text), options.postingLimit ?? 5000, options.limit ?? 150, options.expansions ?? 8, options.shortlist ?? 2400, query.source.names.map(foldText),
      keyGroups(query, keys, queryTokens), tokens.map((t) => queryTokens.indexOf(t)), options.coverageBonus ?? 12,
    ],
  );
  return rows.map((r) => r.id);
}
