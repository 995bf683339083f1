/**
 * Applying person facts (police and Home Office `person` records) for a batch: the feed's facts
 * about each source identity are replaced whole, in one statement per fact table (sex and
 * nationality are written by `ensureSourceIdentities`).
 */
import type { PersonFacts } from '../../connectors/kit/person';
import type { Db } from '../db';
import type { IdentityAttributes } from './feed';

/** Columns of `rows` (arrays of equal length), for unnest parameters. */
export function columnsOf(rows: unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, i) => rows.map((r) => r[i] ?? null));
}

/** Sex and nationality of a batch's person records by their key, for `ensureSourceIdentities`. */
export function attributesOf(people: readonly { key: string; facts: PersonFacts }[]): Map<string, IdentityAttributes> {
  return new Map(people.map((p) => [p.key, { sex: p.facts.sex, nationality: p.facts.nationality }]));
}

export async function applyPersonFacts(db: Db, people: { sourceIdentityId: string; facts: PersonFacts }[], firstLoad: boolean): Promise<void> {
  if (people.length === 0) return;
  const ids = people.map((p) => p.sourceIdentityId);
  // On a feed's first load no fact of it exists yet: nothing to replace.
  if (!firstLoad) {
    for (const table of ['name', 'birth_date', 'identifier', 'biometric_reference', 'contact_point']) {
      await db.query(`delete from identity.${table} where source_identity_id = any($1::uuid[])`, [ids]);
    }
  }
  const names = people.flatMap((p) => p.facts.names.map((n, i) => [p.sourceIdentityId, n.kind, n.given, n.family, n.full, n.script, i]));
  if (names.length) {
    await db.query(
      `insert into identity.name (source_identity_id, kind, given, family, full_name, original_script, ordinal)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[])`,
      columnsOf(names, 7),
    );
  }
  const dobs = people.flatMap((p) => (p.facts.dob ? [[p.sourceIdentityId, p.facts.dob.value, p.facts.dob.precision]] : []));
  if (dobs.length) {
    await db.query(
      `insert into identity.birth_date (source_identity_id, value, precision, basis) select id, v, p, 'CLAIMED' from unnest($1::uuid[], $2::date[], $3::text[]) as t(id, v, p)`,
      columnsOf(dobs, 3),
    );
  }
  const identifiers = people.flatMap((p) => p.facts.identifiers.map((x) => [p.sourceIdentityId, x.scheme, x.raw, x.canonical, x.check]));
  if (identifiers.length) {
    await db.query(
      `insert into identity.identifier (source_identity_id, scheme, raw, canonical, check_status) select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      columnsOf(identifiers, 5),
    );
  }
  const biometrics = people.flatMap((p) => p.facts.biometrics.map((b) => [p.sourceIdentityId, b.modality, b.repository, b.reference]));
  if (biometrics.length) {
    await db.query(
      `insert into identity.biometric_reference (source_identity_id, modality, repository, reference) select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
      columnsOf(biometrics, 4),
    );
  }
  const contacts = people.flatMap((p) => p.facts.contacts.map((c) => [p.sourceIdentityId, c.kind, c.platform, c.value, c.canonical]));
  if (contacts.length) {
    await db.query(
      `insert into identity.contact_point (source_identity_id, kind, platform, value, canonical) select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      columnsOf(contacts, 5),
    );
  }
}
