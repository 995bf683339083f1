/**
 * Match suggestions: pairs of identities a person should judge (`identity.match_suggestion`), from
 * the store's deduplication and from automatic links held back because the pair disagrees on who
 * the child is. A pair already judged is never suggested again; one suggested again is updated.
 */
import type { Db } from '../../db';
import type { Score } from '../model';

export interface Suggestion {
  readonly a: string;
  readonly b: string;
  readonly score: Pick<Score, 'weight' | 'probability' | 'grade' | 'reasons'>;
}

/** Write suggestions (each pair in either order); returns how many were written. */
export async function writeSuggestions(db: Db, suggestions: readonly Suggestion[], modelVersion: string): Promise<number> {
  if (!suggestions.length) return 0;
  const pairs = suggestions.map((s) => (s.a < s.b ? s : { ...s, a: s.b, b: s.a }));
  const rows = await db.query(
    `insert into identity.match_suggestion (a, b, weight, probability, grade, reasons, model_version)
     select t.a, t.b, t.w, t.p, t.g, t.r::jsonb, $7 from unnest($1::uuid[], $2::uuid[], $3::float8[], $4::float8[], $5::text[], $6::text[]) as t(a, b, w, p, g, r)
      where not exists (select 1 from identity.judgement j where j.a = t.a and j.b = t.b)
     on conflict (a, b) do update set weight = excluded.weight, probability = excluded.probability, grade = excluded.grade, reasons = excluded.reasons,
       model_version = excluded.model_version, created_at = now()
     returning a`,
    [pairs.map((s) => s.a), pairs.map((s) => s.b), pairs.map((s) => s.score.weight), pairs.map((s) => s.score.probability), pairs.map((s) => s.score.grade),
      pairs.map((s) => JSON.stringify(s.score.reasons)), modelVersion],
  );
  return rows.length;
}
