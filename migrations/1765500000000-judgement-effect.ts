import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each judgement did (issue 25, the DPO's list of match decisions): `effect` — MERGED (two
 * children became one), SPLIT (a record left its child for a new one), UNDONE (a DIFFERENT undid a
 * SAME: both children back with their own ids), KEPT_APART (two children apart stay apart for
 * good), NO_CHANGE (UNSURE, or nothing to change) — and `persons`, the children it concerned as
 * they were then.
 *
 * Judgements recorded before are read back from `identity.person_event`: the events of the same
 * transaction (the same `now()`) caused by the same signature (`sub (agency)`).
 */
/** Fill `effect` and `persons` of judgements without them from their person events (exported for the test). */
export const BACKFILL = `with ev as (
    select j.id, e.kind, e.person_id, e.other_person_id, e.cause
      from identity.judgement j
      join identity.person_event e on e.at = j.recorded_at and strpos(e.cause, ' by ' || j.sub || ' (' || j.agency || ')') > 0
     where e.kind in ('MERGED_INTO', 'SPLIT_FROM')),
  derived as (
    select j.id,
           case when exists (select 1 from ev where ev.id = j.id and ev.kind = 'MERGED_INTO') then 'MERGED'
                when exists (select 1 from ev where ev.id = j.id and ev.kind = 'SPLIT_FROM' and ev.cause like '%decision on a match suggestion%') then 'UNDONE'
                when exists (select 1 from ev where ev.id = j.id and ev.kind = 'SPLIT_FROM') then 'SPLIT'
                when j.judgement = 'NEGATIVE' then 'KEPT_APART'
                else 'NO_CHANGE' end as effect,
           (select array_agg(distinct p) from ev, unnest(array[ev.other_person_id, ev.person_id]) p where ev.id = j.id) as persons
      from identity.judgement j)
  update identity.judgement j set effect = d.effect, persons = d.persons from derived d where d.id = j.id and j.effect is null`;

export class JudgementEffect1765500000000 implements MigrationInterface {
  name = 'JudgementEffect1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table identity.judgement
      add column effect text check (effect in ('MERGED', 'SPLIT', 'UNDONE', 'KEPT_APART', 'NO_CHANGE')),
      add column persons uuid[]`);
    await q.query(BACKFILL);
    // The DPO's list: decisions by one user, newest first.
    await q.query(`create index judgement_sub on identity.judgement (sub, id desc)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index identity.judgement_sub`);
    await q.query(`alter table identity.judgement drop column persons, drop column effect`);
  }
}
