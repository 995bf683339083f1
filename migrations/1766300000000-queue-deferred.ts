import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The suggestion queue refreshed once a transaction where a writer asks for it (issue 26). The
 * queue's triggers refresh the persons each statement touched (migration QueueRead1765600000000);
 * a retention chunk deletes suggestions, identities and their facts and moves identities between
 * persons, so it refreshed the same persons four times, 0.2–0.6 s each at 1M identities. With the
 * transaction-local setting `harbour.queue_deferred` on, `identity.refresh_queue` only notes the
 * persons (in the transaction-local `harbour.queue_pending`), and `identity.flush_queue()` refreshes
 * them once, from the transaction's final state, before it commits. Without the setting nothing
 * changes.
 */
export class QueueDeferred1766300000000 implements MigrationInterface {
  name = 'QueueDeferred1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter function identity.refresh_queue(uuid[]) rename to refresh_queue_now`);
    await q.query(`
      create function identity.refresh_queue(p uuid[]) returns void language plpgsql as $fn$
      begin
        if p is null or cardinality(p) = 0 then return; end if;
        if current_setting('harbour.queue_deferred', true) = 'on' then
          perform set_config('harbour.queue_pending', (coalesce(nullif(current_setting('harbour.queue_pending', true), ''), '{}')::uuid[] || p)::text, true);
          return;
        end if;
        perform identity.refresh_queue_now(p);
      end $fn$`);
    await q.query(`
      create function identity.flush_queue() returns void language plpgsql as $fn$
      declare
        p uuid[] := array(select distinct x from unnest(coalesce(nullif(current_setting('harbour.queue_pending', true), ''), '{}')::uuid[]) x);
      begin
        perform set_config('harbour.queue_deferred', 'off', true);
        perform set_config('harbour.queue_pending', '', true);
        perform identity.refresh_queue_now(p);
      end $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function identity.flush_queue()`);
    await q.query(`drop function identity.refresh_queue(uuid[])`);
    await q.query(`alter function identity.refresh_queue_now(uuid[]) rename to refresh_queue`);
  }
}
