/** What the pipeline needs to know of a feed: its connector, record identity, and how to apply. */
import type { Connector } from '../../connectors/kit/contract';
import type { Db } from '../db';

export interface FeedApplier<R> {
  readonly feed: string;
  readonly connector: Connector<R>;
  /** The record's kind (child, episode, …): keys are unique per kind. */
  kindOf(record: R): string;
  keyOf(record: R): string;
  /** Write new or changed records, in the batch's transaction. */
  apply(db: Db, agency: string, records: readonly R[]): Promise<void>;
  /** Mark the domain rows of these keys retracted (a full snapshot no longer has them). */
  retract(db: Db, agency: string, kind: string, keys: readonly string[]): Promise<void>;
}

/**
 * The source identity of an agency's record, created on first sight. A new one joins the person
 * of the same agency's record with the same local id in another feed (SSDA903 CHILD and the LA's
 * person id are the same id), otherwise a new person.
 */
export async function ensureSourceIdentity(db: Db, agency: string, feed: string, localId: string): Promise<string> {
  const found = await db.query<{ id: string }>('select id from identity.source_identity where agency = $1 and feed = $2 and local_id = $3', [agency, feed, localId]);
  if (found[0]) {
    await db.query('update identity.source_identity set last_seen = now(), retracted_at = null where id = $1', [found[0].id]);
    return found[0].id;
  }
  const sibling = await db.query<{ person_id: string }>('select person_id from identity.source_identity where agency = $1 and local_id = $2 order by first_seen limit 1', [agency, localId]);
  const personId = sibling[0]?.person_id ?? (await db.query<{ id: string }>('insert into identity.person default values returning id'))[0]!.id;
  const created = await db.query<{ id: string }>(
    'insert into identity.source_identity (person_id, agency, feed, local_id) values ($1, $2, $3, $4) returning id',
    [personId, agency, feed, localId],
  );
  return created[0]!.id;
}
