/**
 * The suggestion queue's derived table, `identity.suggestion_queue` (migration QueueRead): one row
 * per agency and waiting pair of persons, kept in step by statement-level triggers in the writing
 * transaction (see the migration). These are its maintenance entry points for code.
 */
import type { Db } from '../db';

/** Recompute the queue's rows of these persons now (the triggers do it for every write they see). */
export async function refreshQueue(db: Db, personIds: readonly string[]): Promise<void> {
  if (personIds.length) await db.query(`select identity.refresh_queue($1::uuid[])`, [[...new Set(personIds)]]);
}

/** Rebuild the whole queue from the suggestions (after a restore from backup, or to repair it). */
export async function rebuildQueue(db: Db): Promise<void> {
  await db.query(`select identity.rebuild_queue()`);
}

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
