/** What the pipeline needs to know of a feed: its connector, record identity, and how to apply. */
import type { Connector, Keyed, PurgeRecord } from '../../connectors/kit/contract';
import { kindOfCode, type AgencyKind } from '../access/principal';
import type { Db } from '../db';
import { deleteWithDependants } from './purge';

/** A feed's records are keyed: `type` (child, episode, …) and `key`, unique per type and agency. */
export interface FeedApplier<R extends Keyed> {
  readonly feed: string;
  /** The kind of agency the feed comes from: it is loaded under no other (`feedAgencyRefusal`). */
  readonly agencyKind: AgencyKind;
  /** Its records, and a source's deletions of them (`PurgeRecord`, the feed's purge flag) where the format carries one. */
  readonly connector: Connector<R | PurgeRecord>;
  /** The kind of record whose key is the source identity's local id (`person`, SSDA903 `child`). */
  readonly identityKind: string;
  /**
   * Kinds whose keys do not start with the local id of the record they belong to (a police report
   * ref, a consent id), with the table and key column of their rows: a purge finds their ingest
   * state through them.
   */
  readonly keyedRows: Readonly<Record<string, readonly [table: string, column: string]>>;
  /**
   * Write new or changed records, in the batch's transaction. `firstLoad`: no other run has state
   * for this agency's feed, so no row of it can exist yet (see `upsert`).
   */
  apply(db: Db, agency: string, records: readonly R[], firstLoad: boolean): Promise<void>;
  /** Mark the domain rows of these keys retracted (a full snapshot no longer has them). */
  retract(db: Db, agency: string, kind: string, keys: readonly string[]): Promise<void>;
  /**
   * Delete the rows of these keys of a kind other than `identityKind`, with every row that rests
   * on them (a full snapshot sent with purge-missing no longer has them).
   */
  purge(db: Db, agency: string, kind: string, keys: readonly string[]): Promise<void>;
}

/** Who supplies each kind of feed, in plain words. */
const SOURCES: Partial<Record<AgencyKind, string>> = {
  CHILDRENS_SERVICES: 'a local authority’s children’s services (LA-…)',
  POLICE: 'a police force (POLICE-…)',
  IMMIGRATION: 'the Home Office (HO)',
};

/**
 * Why `agency` may not supply `applier`'s feed, in one sentence, or undefined when it may: a feed
 * is loaded only under an agency of the kind it comes from (the kind its code stands for,
 * `kindOfCode`). Police records loaded as an LA's would be that LA's own, sealed fields included.
 */
export function feedAgencyRefusal(applier: FeedApplier<Keyed>, agency: string): string | undefined {
  if (kindOfCode(agency) === applier.agencyKind) return undefined;
  return `${applier.feed} records come from ${SOURCES[applier.agencyKind] ?? applier.agencyKind}, and ${agency} is not one: nothing was loaded.`;
}

/** What a person record says of the identity itself (SSDA903 records no nationality). */
export interface IdentityAttributes {
  readonly sex: string | null;
  readonly nationality?: string | null;
}

/**
 * The source identities of an agency's records in one feed, created on first sight, in a handful
 * of statements for the whole batch. A new one joins the person of the same agency's record with
 * the same local id in another feed (SSDA903 CHILD and the LA's person id are the same id),
 * otherwise a new person. Returns local id → source identity id. On a feed's first load the only
 * existing ones were created by this run (seen now, not retracted): they are read, not updated.
 * `attributes` (by local id, from the batch's person records) are written with a new identity's
 * row, and set on an existing one in the same write that marks it seen.
 */
export async function ensureSourceIdentities(db: Db, agency: string, feed: string, localIds: readonly string[], firstLoad: boolean, attributes: ReadonlyMap<string, IdentityAttributes> = new Map()): Promise<Map<string, string>> {
  const wanted = [...new Set(localIds)];
  const given = firstLoad ? [] : wanted.map((l) => attributes.get(l));
  const found = await db.query<{ local_id: string; id: string }>(
    firstLoad
      ? // One key probe per id: a plain join, or a LATERAL the planner flattens into one, chose a
        // hash join over a scan of the whole table once it had grown past its statistics; the
        // LIMIT keeps the subquery a probe (the key is unique, so it removes nothing).
        `select t.local_id, s.id from unnest($3::text[]) as t(local_id)
           cross join lateral (select id from identity.source_identity s where s.agency = $1 and s.feed = $2 and s.local_id = t.local_id limit 1) s`
      : // Seen again, with its attributes when the batch has them: one write of each row. The
        // rows are found by the key index (`local_id = any`), as a probe; the batch's values
        // are joined to the rows found.
        `update identity.source_identity s
            set last_seen = now(), retracted_at = null,
                sex = case when t.given then t.sex else s.sex end,
                nationality = case when t.given then t.nationality else s.nationality end
           from unnest($3::text[], $4::boolean[], $5::text[], $6::text[]) as t(local_id, given, sex, nationality)
          where s.agency = $1 and s.feed = $2 and s.local_id = any($3::text[]) and s.local_id = t.local_id
          returning s.local_id, s.id`,
    firstLoad ? [agency, feed, wanted] : [agency, feed, wanted, given.map((a) => a !== undefined), given.map((a) => a?.sex ?? null), given.map((a) => a?.nationality ?? null)],
  );
  const ids = new Map(found.map((r) => [r.local_id, r.id]));
  // On a first load the identities found were made by an earlier batch of this run: set theirs.
  const existing = firstLoad ? found.filter((r) => attributes.has(r.local_id)) : [];
  if (existing.length) {
    const of = existing.map((r) => attributes.get(r.local_id)!);
    await db.query(
      `update identity.source_identity s set sex = t.sex, nationality = t.nationality from unnest($1::uuid[], $2::text[], $3::text[]) as t(id, sex, nationality) where s.id = t.id`,
      [existing.map((r) => r.id), of.map((a) => a.sex), of.map((a) => a.nationality ?? null)],
    );
  }
  const missing = wanted.filter((l) => !ids.has(l));
  if (missing.length === 0) return ids;
  const siblings = await db.query<{ local_id: string; person_id: string }>(
    `select distinct on (local_id) local_id, person_id from identity.source_identity
      where agency = $1 and local_id = any($2::text[]) order by local_id, first_seen`,
    [agency, missing],
  );
  const personOf = new Map(siblings.map((r) => [r.local_id, r.person_id]));
  const orphans = missing.filter((l) => !personOf.has(l));
  if (orphans.length) {
    const persons = await db.query<{ id: string }>('insert into identity.person select from generate_series(1, $1::int) returning id', [orphans.length]);
    orphans.forEach((l, i) => personOf.set(l, persons[i]!.id));
  }
  const created = await db.query<{ local_id: string; id: string }>(
    `insert into identity.source_identity (person_id, agency, feed, local_id, sex, nationality)
     select p, $1, $2, l, s, n from unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) as t(p, l, s, n) returning local_id, id`,
    [agency, feed, missing.map((l) => personOf.get(l)!), missing, missing.map((l) => attributes.get(l)?.sex ?? null), missing.map((l) => attributes.get(l)?.nationality ?? null)],
  );
  for (const r of created) ids.set(r.local_id, r.id);
  return ids;
}

/** The records of one type in a batch, typed as that member of the union. */
export function ofType<R extends { type: string }, T extends R['type']>(records: readonly R[], type: T): Extract<R, { type: T }>[] {
  return records.filter((r): r is Extract<R, { type: T }> => r.type === type);
}

/** Retract an agency's source identities of one feed by local id (a person record gone from a full snapshot). */
export async function retractSourceIdentities(db: Db, agency: string, feed: string, localIds: readonly string[]): Promise<void> {
  await db.query('update identity.source_identity set retracted_at = now() where agency = $1 and feed = $2 and local_id = any($3::text[])', [agency, feed, localIds]);
}

/** Retract an agency's rows of a domain table by their key column. */
export async function retractRows(db: Db, table: string, keyColumn: string, agency: string, keys: readonly string[]): Promise<void> {
  await db.query(`update ${table} set retracted_at = now() where agency = $1 and ${keyColumn} = any($2::text[])`, [agency, keys]);
}

/** Delete an agency's rows of a domain table by their key column, and every row resting on them. */
export async function purgeRows(db: Db, table: string, keyColumn: string, agency: string, keys: readonly string[]): Promise<void> {
  await deleteWithDependants(db, table, 'id', `select id from ${table} where agency = $1 and ${keyColumn} = any($2::text[])`, [agency, keys]);
}

/**
 * An upsert statement, or on a feed's first load its plain INSERT: no row of the agency's feed can
 * exist yet, so the ON CONFLICT path (the most expensive part of a bulk load) is skipped.
 */
export function upsert(sql: string, firstLoad: boolean): string {
  return firstLoad ? sql.replace(/\s+on conflict \([^)]*\) do update set [\s\S]*?(?=\s+returning\s|$)/i, '') : sql;
}
