import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `access.bases(person_ids, recipient)`: the bases in force for each person, as far as they concern
 * the recipient agency: active consents, active justifications naming the agency, and whether the child is
 * missing now. Read on almost every request, so it is a function whose plan is made once per
 * connection (a generic plan) instead of at every call: planning its subqueries cost three times
 * their execution.
 */
export class Bases1764633600000 implements MigrationInterface {
  name = 'Bases1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function access.bases(person_ids uuid[], recipient text)
      returns table (person_id uuid, consents json, justifications json, missing boolean)
      language plpgsql stable set plan_cache_mode = force_generic_plan as $$
      #variable_conflict use_column
      begin
        return query
        select p.id,
               (select coalesce(json_agg(json_build_object('id', c.id, 'categories', c.categories, 'recipients', c.recipients)), '[]')
                  from identity.source_identity s join care.consent c on c.source_identity_id = s.id
                 where s.person_id = p.id and c.retracted_at is null and c.withdrawn_at is null
                   and c.given_at <= now() and (c.expires_at is null or c.expires_at > now())),
               -- a justification declared for a person since merged into this one still counts
               (select coalesce(json_agg(json_build_object('id', j.id, 'categories', j.categories)), '[]')
                  from access.justification j
                 where j.person_id in (select x.id from identity.person x where x.id = p.id or x.replaced_by = p.id)
                   and j.expires_at > now() and recipient = any (j.recipients)),
               -- identity.open_missing, spelt out: through the view the planner scans every open episode
               exists (select 1 from identity.source_identity s
                        where s.person_id = p.id and s.retracted_at is null
                          and (exists (select 1 from care.missing_episode m where m.source_identity_id = s.id and m.ended_at is null and m.retracted_at is null)
                            or exists (select 1 from police.missing_report r where r.source_identity_id = s.id and r.found_at is null and r.retracted_at is null)))
          from unnest(person_ids) as p (id);
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function access.bases(uuid[], text)`);
  }
}
