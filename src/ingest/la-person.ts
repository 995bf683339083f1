/**
 * Applying LA person details. Aliases, linked identifiers and contacts are records of their own,
 * so each identity fact carries the key of the record that supplied it (`record_key`) and is
 * replaced or retracted with that record alone.
 */
import { laPerson, type LaPersonRecord } from '../../connectors/la-person';
import type { Db } from '../db';
import { ensureSourceIdentities, ofType, purgeRows, upsert, retractRows, retractSourceIdentities, type FeedApplier } from './feed';
import { columnsOf } from './person';

const FEED = 'la-person';
const factKey = (r: LaPersonRecord) => `${r.type}:${r.key}`;

async function applyBatch(db: Db, agency: string, records: readonly LaPersonRecord[], firstLoad: boolean): Promise<void> {
  const people = ofType(records, 'person');
  const identity = await ensureSourceIdentities(db, agency, FEED, records.map((r) => r.child), firstLoad, new Map(people.map((p) => [p.child, { sex: p.sex, nationality: p.nationality }])));
  const si = (r: LaPersonRecord) => identity.get(r.child)!;
  const factRecords = records.filter((r) => r.type === 'person' || r.type === 'identifier' || r.type === 'alias' || r.type === 'contact');
  // On a feed's first load no fact of it exists yet: nothing to replace.
  if (factRecords.length && !firstLoad) {
    const ids = factRecords.map(si);
    const keys = factRecords.map(factKey);
    for (const table of ['name', 'birth_date', 'identifier', 'contact_point']) {
      await db.query(`delete from identity.${table} f using unnest($1::uuid[], $2::text[]) as t(s, k) where f.source_identity_id = t.s and f.record_key = t.k`, [ids, keys]);
    }
  }

  if (people.length) {
    const dobs = people.filter((p) => p.dob).map((p) => [si(p), p.dob!.value, p.dob!.precision, factKey(p)]);
    if (dobs.length) {
      await db.query(
        `insert into identity.birth_date (source_identity_id, value, precision, basis, record_key) select s, v, p, 'CLAIMED', k from unnest($1::uuid[], $2::date[], $3::text[], $4::text[]) as t(s, v, p, k)`,
        columnsOf(dobs, 4),
      );
    }
  }

  const names = [...people.map((p) => ({ r: p as LaPersonRecord, name: p.name, ordinal: 0 })), ...ofType(records, 'alias').map((a) => ({ r: a as LaPersonRecord, name: a.name, ordinal: 1 }))];
  if (names.length) {
    await db.query(
      `insert into identity.name (source_identity_id, kind, given, family, full_name, original_script, ordinal, record_key)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[])`,
      columnsOf(names.map(({ r, name, ordinal }) => [si(r), name.kind, name.given, name.family, name.full, name.script, ordinal, factKey(r)]), 8),
    );
  }

  const identifiers = [
    ...people.flatMap((p) => p.identifiers.map((i) => [si(p), i.scheme, i.raw, i.canonical, i.check, factKey(p)])),
    ...ofType(records, 'identifier').map((r) => [si(r), r.identifier.scheme, r.identifier.raw, r.identifier.canonical, r.identifier.check, factKey(r)]),
  ];
  if (identifiers.length) {
    await db.query(
      `insert into identity.identifier (source_identity_id, scheme, raw, canonical, check_status, record_key) select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      columnsOf(identifiers, 6),
    );
  }

  const contacts = ofType(records, 'contact');
  if (contacts.length) {
    await db.query(
      `insert into identity.contact_point (source_identity_id, kind, platform, value, canonical, recorded_at, record_key)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])`,
      columnsOf(contacts.map((c) => [si(c), c.contact.kind, c.contact.platform, c.contact.value, c.contact.canonical, c.recordedAt, factKey(c)]), 7),
    );
  }

  const plan = ofType(records, 'plan');
  if (plan.length) {
    await db.query(
      upsert(
      `insert into care.plan_item (source_identity_id, agency, local_key, item, status, recorded_at, note)
       select s, $1, k, i, st, r, n from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[]) as t(s, k, i, st, r, n)
       on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, item = excluded.item, status = excluded.status,
         recorded_at = excluded.recorded_at, note = excluded.note, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columnsOf(plan.map((p) => [si(p), p.key, p.item, p.status, p.recordedAt, p.note]), 6)],
    );
  }

  const consents = ofType(records, 'consent');
  if (consents.length) {
    await db.query(
      upsert(
      `insert into care.consent (source_identity_id, agency, local_key, given_by, categories, recipients, purpose, given_at, expires_at, withdrawn_at)
       select s, $1, k, g, array(select jsonb_array_elements_text(c::jsonb)), array(select jsonb_array_elements_text(r::jsonb)), p, ga, ea, wa
         from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[]) as t(s, k, g, c, r, p, ga, ea, wa)
       on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, given_by = excluded.given_by, categories = excluded.categories,
         recipients = excluded.recipients, purpose = excluded.purpose, given_at = excluded.given_at, expires_at = excluded.expires_at,
         withdrawn_at = excluded.withdrawn_at, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columnsOf(consents.map((c) => [si(c), c.key, c.givenBy, JSON.stringify(c.categories), JSON.stringify(c.recipients), c.purpose, c.givenAt, c.expiresAt, c.withdrawnAt]), 9)],
    );
  }
}


/** A person's own facts of one kind, kept in the identity tables under `<kind>:<key>` record keys. */
const FACT_TABLES = { identifier: 'identifier', alias: 'name', contact: 'contact_point' } as const;

/** Retract (keep, marked) or purge (delete) the agency's facts of a kind by their record keys. */
async function personFacts(db: Db, action: 'retract' | 'purge', agency: string, kind: keyof typeof FACT_TABLES, keys: readonly string[]): Promise<void> {
  const table = `identity.${FACT_TABLES[kind]}`;
  const where = `f.source_identity_id = s.id and s.agency = $1 and s.feed = $2 and f.record_key = any($3::text[])`;
  await db.query(
    action === 'retract' ? `update ${table} f set retracted_at = now() from identity.source_identity s where ${where}` : `delete from ${table} f using identity.source_identity s where ${where}`,
    [agency, FEED, keys.map((k) => `${kind}:${k}`)],
  );
}

/** The domain rows of each kind: table and key column. */
const TABLES: Record<string, [string, string]> = { plan: ['care.plan_item', 'local_key'], consent: ['care.consent', 'local_key'] };

export const laPersonFeed: FeedApplier<LaPersonRecord> = {
  feed: FEED,
  agencyKind: 'CHILDRENS_SERVICES',
  connector: laPerson,
  identityKind: 'person',
  // A consent is keyed by its own id; every other key starts with the child's.
  keyedRows: { consent: TABLES.consent! },
  apply: applyBatch,
  async retract(db, agency, kind, keys) {
    const row = TABLES[kind];
    if (row) return retractRows(db, ...row, agency, keys);
    switch (kind) {
      case 'person':
        return retractSourceIdentities(db, agency, FEED, keys);
      case 'identifier':
      case 'alias':
      case 'contact':
        return personFacts(db, 'retract', agency, kind, keys);
      default:
        throw new Error(`la-person: no table for kind ${kind}`);
    }
  },
  async purge(db, agency, kind, keys) {
    const row = TABLES[kind];
    if (row) return purgeRows(db, ...row, agency, keys);
    switch (kind) {
      case 'identifier':
      case 'alias':
      case 'contact':
        return personFacts(db, 'purge', agency, kind, keys);
      default:
        throw new Error(`la-person: no table for kind ${kind}`);
    }
  },
};
