/**
 * The suggestion queue's derived table, `identity.suggestion_queue` (migration QueueRead): one row
 * per agency and waiting pair of persons, kept in step by statement-level triggers in the writing
 * transaction (see the migration; `identity.rebuild_queue()` rebuilds it from the suggestions).
 * `queueDrift` tells whether a write escaped them.
 */
import type { Db } from '../db';

/**
 * Rows the maintained queue has and a from-scratch one has not, and the other way round, and
 * agencies and statuses whose count is not the queue's: none, unless a write escaped the triggers.
 */
export async function queueDrift(db: Db): Promise<{ extra: number; missing: number; miscounted: number }> {
  const [row] = await db.query<{ extra: number; missing: number; miscounted: number }>(
    `select (select count(*)::int from (select * from identity.suggestion_queue except select * from identity.queue_rows(null)) x) as extra,
            (select count(*)::int from (select * from identity.queue_rows(null) except select * from identity.suggestion_queue) x) as missing,
            (select count(*)::int from (select agency, status, count(*) as n from identity.suggestion_queue group by 1, 2
                                         except select agency, status, sum(n) from identity.suggestion_queue_count group by 1, 2 having sum(n) <> 0) x) as miscounted`,
  );
  return row!;
}
