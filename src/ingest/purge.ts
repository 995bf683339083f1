/**
 * Purge from the source: an agency deletes records it supplied, and harbour keeps nothing derived
 * from them. The source identities go with every row that rests on them, found from the database's
 * own foreign keys (names, dates, identifiers, biometric references, contacts, care, police and Home
 * Office rows, blocking keys, suggestions, alerts and their undelivered webhooks, links, judgements,
 * person events), and so do the rows that hold their values without a key: the ingest state and
 * rejected lines of the records, and name tokens no other record holds. The children they belonged
 * to are rebuilt from what is left. The audit keeps its events: they hold ids and categories only.
 */
import type { Keyed } from '../../connectors/kit/contract';
import type { Db } from '../db';
import { HarbourError, ErrorCode } from '../errors';
import { rebuildPersons } from '../resolution';
import type { FeedApplier } from './feed';

/** What a purge needs to know of a feed: its name, and how to find the ingest state of rows keyed by their own refs. */
export type PurgeSource = Pick<FeedApplier<Keyed>, 'feed' | 'keyedRows'>;

export interface PurgeResult {
  /** Source identities purged. */
  readonly purged: number;
  /** The children the records belonged to (audited by the caller). */
  readonly personIds: string[];
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface ForeignKey { child: string; column: string; parentColumn: string }

/**
 * The foreign keys of each table, read from the catalog once per process and database: the schema
 * changes only by migration, which runs before a process purges anything. A purge of one child
 * walked the catalog ~20 times; at 1M identities that walk was most of its time.
 */
const foreignKeys = new Map<string, Promise<ForeignKey[]>>();

/** The foreign keys that reference `table` (schema-qualified), from the catalog; `database` when the caller knows it. */
export async function referencing(db: Db, table: string, database?: string): Promise<ForeignKey[]> {
  database ??= await currentDatabase(db);
  const key = `${database}\0${table}`;
  let found = foreignKeys.get(key);
  if (!found) {
    found = readReferencing(db, table);
    foreignKeys.set(key, found);
    found.catch(() => foreignKeys.delete(key));
  }
  return found;
}

async function readReferencing(db: Db, table: string): Promise<ForeignKey[]> {
  return db.query<ForeignKey>(
    `select c.conrelid::regclass::text as child, a.attname as column, pa.attname as "parentColumn"
       from pg_constraint c
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
       join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
      where c.contype = 'f' and c.confrelid = $1::regclass and cardinality(c.conkey) = 1 and c.conrelid <> c.confrelid`,
    [table],
  );
}

const currentDatabase = async (db: Db) => ((await db.query<{ database: string }>('select current_database() as database')) as [{ database: string }])[0].database;

/** Delete the rows of `table` whose `column` is in `rows` (a subquery), and first every row that references them; returns how many of `table`'s. */
export async function deleteWithDependants(db: Db, table: string, column: string, rows: string, params: unknown[], database?: string): Promise<number> {
  // Asked once a purge, not once a table of the walk (31 round trips a retention chunk).
  database ??= await currentDatabase(db);
  for (const fk of await referencing(db, table, database)) {
    await deleteWithDependants(db, fk.child, fk.column, `select ${fk.parentColumn} from ${table} where ${column} in (${rows})`, params, database);
  }
  return (await db.query(`delete from ${table} where ${column} in (${rows}) returning 1`, params)).length;
}

/**
 * Purge `localIds` of `feed` that `agency` supplied, in the caller's transaction. Every id must
 * name a record the agency holds in that feed: otherwise BAD_USER_INPUT naming the first that
 * does not, and nothing is deleted.
 */
export async function purgeRecords(db: Db, agency: string, source: PurgeSource, localIds: readonly string[], cause: string): Promise<PurgeResult> {
  const { feed } = source;
  const ids = [...new Set(localIds)];
  const found = await db.query<{ id: string; person_id: string; local_id: string }>(
    `select id, person_id, local_id from identity.source_identity where agency = $1 and feed = $2 and local_id = any($3::text[])`,
    [agency, feed, ids],
  );
  const unknown = ids.find((id) => !found.some((f) => f.local_id === id));
  if (unknown !== undefined) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `localIds: your agency holds no ${feed} record "${unknown.slice(0, 60)}"; nothing was purged`, { argument: 'localIds' });
  return purgeIdentities(db, agency, source, found, cause);
}

/** Purge these source identities of one agency's feed (found by the caller), in the caller's transaction. */
export async function purgeIdentities(db: Db, agency: string, source: PurgeSource, found: readonly { id: string; person_id: string; local_id: string | null }[], cause: string): Promise<PurgeResult> {
  const { feed } = source;
  // An empty id would match every key and every line: a record without one has none to purge.
  const ids = [...new Set(found.map((f) => f.local_id).filter((x): x is string => !!x))];
  const sourceIds = found.map((f) => f.id);
  // The keys of the records' rows that are keyed by their own refs (a police report, a consent),
  // read before the rows go: their ingest state holds those keys.
  const rowKeys: { kind: string; keys: string[] }[] = [];
  for (const [kind, [table, column]] of Object.entries(source.keyedRows)) {
    const keys = (await db.query<{ key: string }>(`select ${column} as key from ${table} where source_identity_id = any($1::uuid[])`, [sourceIds])).map((r) => r.key);
    if (keys.length) rowKeys.push({ kind, keys });
  }
  const personIds = [...new Set(found.map((f) => f.person_id))];
  // The records' name tokens leave the vocabulary; a token no record holds any more goes.
  // Read first, then updated by the tokens themselves: as one statement the planner joined the
  // whole vocabulary (a hash join over every token, 0.25 s a retention chunk at 1M identities).
  const tokens = (await db.query<{ token: string }>(
    `select substr(key, 3) as token from identity.match_token where source_identity_id = any($1::uuid[]) and key like 't:%'`, [sourceIds])).map((r) => r.token);
  if (tokens.length) {
    await db.query(
      `update identity.match_vocabulary v set n = v.n - g.c from (select token, count(*)::int as c from unnest($1::text[]) as token group by 1) g where v.token = g.token`,
      [tokens],
    );
    await db.query(`delete from identity.match_vocabulary where token = any($1::text[]) and n <= 0`, [[...new Set(tokens)]]);
  }
  // The records' other members, to rebuild their children from once they are gone.
  const others = (await db.query<{ id: string }>(`select id from identity.source_identity where person_id = any($1::uuid[]) and id <> all($2::uuid[])`, [personIds, sourceIds])).map((r) => r.id);
  await deleteWithDependants(db, 'identity.source_identity', 'id', 'select unnest($1::uuid[])', [sourceIds]);
  await db.query(`delete from identity.match_dirty where source_identity_id = any($1::uuid[])`, [sourceIds]);
  // What holds the records' values without a key: their ingest state and warnings (keys are the
  // local id or start with it and a slash) and the lines of theirs an earlier run rejected.
  const keyed = [agency, feed, ids, ids.map((x) => `${likeEscape(x)}/%`)];
  await db.query(`delete from ingest.record_state where agency = $1 and feed = $2 and (local_key = any($3::text[]) or local_key like any($4::text[]))`, keyed);
  await db.query(`delete from ingest.warning t using ingest.run r where r.id = t.run_id and r.agency = $1 and r.feed = $2 and (t.local_key = any($3::text[]) or t.local_key like any($4::text[]))`, keyed);
  for (const { kind, keys } of rowKeys) {
    await db.query(`delete from ingest.record_state where agency = $1 and feed = $2 and kind = $3 and local_key = any($4::text[])`, [agency, feed, kind, keys]);
    await db.query(`delete from ingest.warning t using ingest.run r where r.id = t.run_id and r.agency = $1 and r.feed = $2 and t.local_key = any($3::text[])`, [agency, feed, keys]);
  }
  await db.query(`delete from ingest.rejection t using ingest.run r where r.id = t.run_id and r.agency = $1 and r.feed = $2 and t.raw like any($3::text[])`,
    [agency, feed, ids.map((x) => `%${likeEscape(x)}%`)]);
  if (others.length) await rebuildPersons(db, others, cause);
  return { purged: sourceIds.length, personIds };
}
