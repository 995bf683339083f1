/**
 * Per-request DataLoaders of the identity subgraph: one `= any($1)` query per batch, results in
 * key order. A resolver that queries per parent is a bug.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../db';
import { groupBy, listLoader, perRequestLoaders } from '../shared';
import { BiometricReference, BirthDate, ContactPoint, Identifier, Person, PersonName, SourceIdentity, type SourceIdentityRow } from './identity.types';
import { isUuid } from '../../ids';
import type { RequestContext } from '../../context';

function childLoader<Row extends { source_identity_id: string }, Out>(db: Db, sql: string, map: (row: Row) => Out) {
  return listLoader<Row, Out>(db, sql, 'source_identity_id', map);
}

export interface PersonRow {
  requested: string;
  id: string;
  replaced_by: string | null;
}

const IDENTITY_COLUMNS = 'id, person_id, agency, feed, local_id, sex, nationality, first_seen, last_seen, retracted_at';

/** A current source identity as `json_agg` gives it: timestamps as text. */
type IdentityJson = Omit<SourceIdentityRow, 'first_seen' | 'last_seen' | 'retracted_at'> & { first_seen: string; last_seen: string };

function createLoaders(db: Db, ctx: RequestContext) {
  const identities = new DataLoader<string, SourceIdentity[]>(async (personIds) => {
    const rows = await db.query<SourceIdentityRow>(
      `select ${IDENTITY_COLUMNS} from identity.source_identity where person_id = any($1::uuid[]) and retracted_at is null order by first_seen, id`,
      [personIds],
    );
    return groupBy(personIds, rows, (r) => r.person_id).map((g) => g.map(SourceIdentity.fromRow));
  });
  return {
    /**
     * A person by id; a merged-away id resolves to its survivor (following replaced_by). The
     * access bases of the requested ids are read at the same time (a merged-away id, rare, has
     * its survivor's read when first decided), and so are the person's current source
     * identities, which nearly every person query asks for next: one round trip less.
     */
    person: new DataLoader<string, Person | null>(async (ids) => {
      const uuids = ids.filter(isUuid);
      ctx.access.prefetchBases(uuids);
      const rows = await db.query<PersonRow & { identities: IdentityJson[] | null }>(
        `with recursive chain (requested, id, replaced_by, depth) as (
           select p.id, p.id, p.replaced_by, 0 from identity.person p where p.id = any($1::uuid[])
           union all
           select c.requested, p.id, p.replaced_by, c.depth + 1
             from chain c join identity.person p on p.id = c.replaced_by
            where c.depth < 32)
         select pc.requested, pc.id, pc.replaced_by,
                (select json_agg(si order by si.first_seen, si.id)
                   from (select ${IDENTITY_COLUMNS} from identity.source_identity where person_id = pc.id and retracted_at is null) si) as identities
           from chain pc where pc.replaced_by is null`,
        [uuids],
      );
      const byRequested = new Map(rows.map((r) => [r.requested, r]));
      for (const r of rows) {
        identities.prime(r.id, (r.identities ?? []).map((i) => SourceIdentity.fromRow({ ...i, first_seen: new Date(i.first_seen), last_seen: new Date(i.last_seen), retracted_at: null })));
      }
      return ids.map((id) => {
        const row = byRequested.get(id);
        if (!row) return null;
        const person = new Person();
        person.id = row.id;
        person.replacedBy = null;
        return person;
      });
    }),
    identities,
    names: childLoader(
      db,
      `select source_identity_id, kind, given, family, full_name, original_script
         from identity.name where source_identity_id = any($1::uuid[]) and retracted_at is null order by ordinal, id`,
      (r: { source_identity_id: string; kind: PersonName['kind']; given: string | null; family: string | null; full_name: string | null; original_script: string | null }) =>
        Object.assign(new PersonName(), { kind: r.kind, given: r.given, family: r.family, full: r.full_name, script: r.original_script }),
    ),
    birthDates: childLoader(
      db,
      `select source_identity_id, to_char(value, 'YYYY-MM-DD') as value, precision, basis
         from identity.birth_date where source_identity_id = any($1::uuid[]) and retracted_at is null order by id`,
      (r: { source_identity_id: string; value: string; precision: BirthDate['precision']; basis: BirthDate['basis'] }) =>
        Object.assign(new BirthDate(), { value: r.value, precision: r.precision, basis: r.basis }),
    ),
    identifiers: childLoader(
      db,
      `select source_identity_id, scheme, canonical, check_status
         from identity.identifier where source_identity_id = any($1::uuid[]) and retracted_at is null order by scheme, id`,
      (r: { source_identity_id: string; scheme: string; canonical: string; check_status: Identifier['checkStatus'] }) =>
        Object.assign(new Identifier(), { scheme: r.scheme, value: r.canonical, checkStatus: r.check_status, verified: r.check_status === 'VALID' }),
    ),
    biometrics: childLoader(
      db,
      `select source_identity_id, modality, repository, reference
         from identity.biometric_reference where source_identity_id = any($1::uuid[]) and retracted_at is null order by id`,
      (r: { source_identity_id: string; modality: BiometricReference['modality']; repository: string; reference: string }) =>
        Object.assign(new BiometricReference(), { modality: r.modality, repository: r.repository, reference: r.reference }),
    ),
    contacts: childLoader(
      db,
      `select source_identity_id, kind, platform, canonical
         from identity.contact_point where source_identity_id = any($1::uuid[]) and retracted_at is null order by id`,
      (r: { source_identity_id: string; kind: ContactPoint['kind']; platform: string | null; canonical: string }) =>
        Object.assign(new ContactPoint(), { kind: r.kind, platform: r.platform, value: r.canonical }),
    ),
  };
}

export const identityLoaders = perRequestLoaders(createLoaders);

export { isUuid };
