/**
 * Match suggestions: pairs of records a person should judge (`identity.match_suggestion`), from
 * every arriving record, from the store's deduplication, and from automatic links held back because
 * the pair disagrees on who the child is. Records already one person are not suggested; a pair of
 * persons a person judged DIFFERENT is never suggested again; a pair suggested again is updated
 * while it waits (OPEN or UNSURE), and a decided one is left as it was decided. Arrival suggests
 * pairs at or above the review bar (`REVIEW_BAR`), weaker than PROBABLE too; the store's
 * deduplication only those graded PROBABLE or better.
 */
import type { Db } from '../db';
import type { MatchModel, Score } from '../matching';
import { birthYears, otherKeys, prepare, tokenKeys, type PreparedRecord } from '../matching';
import { loadRecords, storeFrequencies } from './store';

export interface Suggestion {
  readonly a: string;
  readonly b: string;
  readonly score: Pick<Score, 'weight' | 'probability' | 'grade' | 'reasons' | 'contributions'>;
}

/**
 * Write suggestions (each pair in either order; a pair given twice is written once, as last
 * given: one statement may not update a row twice); returns how many were written.
 */
export async function writeSuggestions(db: Db, suggestions: readonly Suggestion[], modelVersion: string): Promise<number> {
  if (!suggestions.length) return 0;
  const byPair = new Map<string, Suggestion>();
  for (const s of suggestions) {
    const pair = s.a < s.b ? s : { ...s, a: s.b, b: s.a };
    byPair.set(`${pair.a} ${pair.b}`, pair);
  }
  const pairs = [...byPair.values()];
  const rows = await db.query(
    `insert into identity.match_suggestion as m (a, b, weight, probability, grade, reasons, contributions, model_version)
     select t.a, t.b, t.w, t.p, t.g, t.r::jsonb, t.c::jsonb, $8
       from unnest($1::uuid[], $2::uuid[], $3::float8[], $4::float8[], $5::text[], $6::text[], $7::text[]) as t(a, b, w, p, g, r, c)
       join identity.source_identity sa on sa.id = t.a join identity.source_identity sb on sb.id = t.b
      where sa.person_id <> sb.person_id
        and not exists (select 1 from identity.judgement j
                          join identity.source_identity ja on ja.id = j.a join identity.source_identity jb on jb.id = j.b
                         where j.judgement = 'NEGATIVE' and array[ja.person_id, jb.person_id] <@ array[sa.person_id, sb.person_id] and ja.person_id <> jb.person_id)
     on conflict (a, b) do update set weight = excluded.weight, probability = excluded.probability, grade = excluded.grade, reasons = excluded.reasons,
       contributions = excluded.contributions, model_version = excluded.model_version, created_at = now()
       where m.status in ('OPEN', 'UNSURE')
     returning m.a`,
    [pairs.map((s) => s.a), pairs.map((s) => s.b), pairs.map((s) => s.score.weight), pairs.map((s) => s.score.probability), pairs.map((s) => s.score.grade),
      pairs.map((s) => JSON.stringify(s.score.reasons)), pairs.map((s) => JSON.stringify(s.score.contributions)), modelVersion],
  );
  return rows.length;
}

/** How many records may hold a key of an identifier, a date, an address or a name part with a year for it to make a pair on arrival. */
export const ARRIVAL_MAX_HOLDERS = 100;

export interface ArrivalKeyOptions {
  /** Also look a name part up with the birth years either side of the record's own. */
  readonly nearYears: boolean;
  /** Also look a name part up alone (`t:`, `k:`, `e:`) when at most this many records hold it; 0: not. */
  readonly rareTokens: number;
}

/**
 * The keys an arriving record looks up in the store, each with how many records may hold it for
 * it to make a pair. The record's own keys are what it is filed under (`blockingKeys`); the wider
 * ones are looked up only, so the store needs no re-keying for them.
 */
export function arrivalKeys(r: PreparedRecord, options: ArrivalKeyOptions): { key: string; cap: number }[] {
  const years = birthYears(r);
  const near = options.nearYears ? new Set([...years].flatMap((y) => [y - 1, y, y + 1])) : years;
  const keys = new Map<string, number>();
  for (const k of otherKeys(r, years)) if (/^(x|d|a):/.test(k)) keys.set(k, ARRIVAL_MAX_HOLDERS);
  for (const name of r.names) for (const t of name) for (const k of tokenKeys(t, near)) {
    if (/^(ty|ky):/.test(k)) keys.set(k, ARRIVAL_MAX_HOLDERS);
    else if (options.rareTokens) keys.set(k, options.rareTokens);
  }
  return [...keys].map(([key, cap]) => ({ key, cap }));
}

/**
 * The keys arrival looks up. A name part with the years either side: an assessed age is often a
 * year or two off the date another agency holds. A name part alone when few records hold it: a
 * child with no date, or dates further apart, still meets a record under an unusual name. On the
 * generated population (`node dist/bench/evaluate.js arrival-curve`, seeds 1–3) the record's own
 * keys reach 92 % of the true cross-agency pairs, with the years either side 94 %, with a rare
 * name part alone 97 %, for 2.4 times the candidate pairs (1.7 times a batch's at 1M identities).
 */
export const ARRIVAL_KEYS: ArrivalKeyOptions = { nearYears: true, rareTokens: ARRIVAL_MAX_HOLDERS };

/**
 * The review bar: a pair of two persons scored at least this likely goes to a person to judge.
 * It is below POSSIBLE, and the grades keep their meaning: about one true cross-agency pair in six
 * scores below POSSIBLE (an assessed age, a name written in another script, an alias), and the
 * queue is to put 95 % of the true pairs in front of a person. Derived, not tuned: the highest bar
 * at which the queue finds 95 % of the true pairs of the development seeds together
 * (`arrival-curve` prints it: 0.0241 on seeds 1–3, rounded down here). The price is precision:
 * most suggestions below PROBABLE are two children, and each shows its grade, so a caseworker
 * sees that it is weak.
 */
export const REVIEW_BAR = 0.024;

/** Whether a score goes to the queue: at or above the review bar (grades are not changed by it). */
export function forReview(score: Pick<Score, 'probability'>): boolean {
  return score.probability >= REVIEW_BAR;
}

/**
 * Suggestions on arrival, in the batch's transaction: each changed record is scored against the
 * store's records it meets under `arrivalKeys` (`ARRIVAL_KEYS`), and the pairs not one person that
 * reach the review bar become suggestions. `prepared` holds the changed records
 * (`refreshMatchKeys`).
 */
export async function suggestOnArrival(db: Db, model: MatchModel, changed: readonly string[], prepared: ReadonlyMap<string, PreparedRecord>): Promise<number> {
  const looked = changed.flatMap((id) => {
    const r = prepared.get(id);
    return r ? arrivalKeys(r, ARRIVAL_KEYS).map(({ key, cap }) => ({ id, key, cap })) : [];
  });
  if (!looked.length) return 0;
  // A key's holders are counted only up to its cap (LIMIT): a common name part alone is held by
  // a great many records at 1M identities, and counting them all would be the batch's cost.
  const pairs = await db.query<{ a: string; b: string }>(
    `with mine as (select * from unnest($1::uuid[], $2::text[], $3::int[]) as t(id, key, cap)),
          usable as (select k.key from (select distinct key, cap from mine) k
                      where (select count(*) from (select 1 from identity.match_token t where t.key = k.key limit k.cap + 1) h) <= k.cap)
     select distinct mine.id as a, o.source_identity_id as b
       from mine join usable using (key) join identity.match_token o on o.key = mine.key and o.source_identity_id <> mine.id`,
    [looked.map((l) => l.id), looked.map((l) => l.key), looked.map((l) => l.cap)],
  );
  if (!pairs.length) return 0;
  const others = await loadRecords(db, [...new Set(pairs.flatMap((p) => [p.a, p.b]))]);
  const records = new Map([...others].map(([id, r]) => [id, prepared.get(id) ?? prepare(r)]));
  const freq = await storeFrequencies(db, [...records.values()]);
  const suggestions: Suggestion[] = [];
  const seen = new Set<string>();
  for (const { a, b } of pairs) {
    const [x, y] = [others.get(a), others.get(b)];
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (!x || !y || x.personId === y.personId || seen.has(key)) continue;
    seen.add(key);
    // The same key passes as the store's deduplication: its prior.
    // Only a pair that reaches the review bar is explained (`weigh` first: the same weight, to the bit).
    if (forReview(model.weigh(records.get(a)!, records.get(b)!, freq, 'dedupe'))) suggestions.push({ a, b, score: model.score(records.get(a)!, records.get(b)!, freq, 'dedupe') });
  }
  return writeSuggestions(db, suggestions, model.parameters.version);
}

/**
 * Re-score the suggestions waiting for a person (OPEN or UNSURE) that involve `changed` records
 * (a correction at source): one that no longer reaches the review bar leaves the queue, the others carry
 * their new score and reasons. New pairs are `suggestOnArrival`'s. Returns how many left.
 */
export async function rescoreSuggestions(db: Db, model: MatchModel, changed: readonly string[], prepared: ReadonlyMap<string, PreparedRecord>): Promise<number> {
  if (!changed.length) return 0;
  const pairs = await db.query<{ a: string; b: string }>(
    `select a, b from identity.match_suggestion where status in ('OPEN', 'UNSURE') and (a = any($1::uuid[]) or b = any($1::uuid[]))`,
    [changed],
  );
  if (!pairs.length) return 0;
  const stored = await loadRecords(db, [...new Set(pairs.flatMap((p) => [p.a, p.b]))]);
  const records = new Map([...stored].map(([id, r]) => [id, prepared.get(id) ?? prepare(r)]));
  const freq = await storeFrequencies(db, [...records.values()]);
  const gone: { a: string; b: string }[] = [];
  const kept: Suggestion[] = [];
  for (const { a, b } of pairs) {
    const [x, y] = [records.get(a), records.get(b)];
    // A record with nothing left to match on (retracted) leaves the queue too.
    const score = x && y ? model.score(x, y, freq, 'dedupe') : undefined;
    if (score && forReview(score)) kept.push({ a, b, score });
    else gone.push({ a, b });
  }
  if (gone.length) {
    await db.query(`delete from identity.match_suggestion m using unnest($1::uuid[], $2::uuid[]) as t(a, b) where m.a = t.a and m.b = t.b and m.status in ('OPEN', 'UNSURE')`,
      [gone.map((g) => g.a), gone.map((g) => g.b)]);
  }
  await writeSuggestions(db, kept, model.parameters.version);
  return gone.length;
}
