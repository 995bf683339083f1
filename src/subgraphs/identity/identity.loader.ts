/**
 * Per-request DataLoaders of the identity subgraph: one `= any($1)` query per batch, results in
 * key order. A resolver that queries per parent is a bug.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../db';
import { groupBy, listLoader, perRequestLoaders, withDates, type JsonRow } from '../shared';
import { BiometricReference, BirthDate, ContactPoint, Identifier, IDENTITY_DATES, Person, PersonName, SourceIdentity, type SourceIdentityRow } from './identity.types';
import { isUuid } from '../../ids';
import type { RequestContext } from '../../context';

export interface PersonRow {
  requested: string;
  id: string;
  replaced_by: string | null;
}

const IDENTITY_COLUMNS = 'id, person_id, agency, feed, local_id, sex, nationality, first_seen, last_seen, retracted_at';
/** A person's current source identities, in their order: the identities loader and the person statement both read them. */
const CURRENT_IDENTITIES = `select ${IDENTITY_COLUMNS} from identity.source_identity where retracted_at is null`;
const IDENTITY_ORDER = 'first_seen, id';

/**
 * The facts of a source identity kept in their own tables: which columns are read (name → SQL
 * expression), in what order, and how a row becomes a GraphQL object. A child loader reads them
 * per batch of source identities; the person loader can read them beside the person (`prefetch`).
 */
interface ChildSpec<Row, Out> {
  table: string;
  columns: Record<keyof Row & string, string>;
  order: string;
  map: (row: Row) => Out;
}

const CHILDREN = {
  names: {
    table: 'identity.name',
    columns: { kind: 'kind', given: 'given', family: 'family', full_name: 'full_name', original_script: 'original_script' },
    order: 'ordinal, id',
    map: (r: { kind: PersonName['kind']; given: string | null; family: string | null; full_name: string | null; original_script: string | null }) =>
      Object.assign(new PersonName(), { kind: r.kind, given: r.given, family: r.family, full: r.full_name, script: r.original_script }),
  },
  birthDates: {
    table: 'identity.birth_date',
    columns: { value: `to_char(value, 'YYYY-MM-DD')`, precision: 'precision', basis: 'basis' },
    order: 'id',
    map: (r: { value: string; precision: BirthDate['precision']; basis: BirthDate['basis'] }) =>
      Object.assign(new BirthDate(), { value: r.value, precision: r.precision, basis: r.basis }),
  },
  identifiers: {
    table: 'identity.identifier',
    columns: { scheme: 'scheme', canonical: 'canonical', check_status: 'check_status' },
    order: 'scheme, id',
    map: (r: { scheme: string; canonical: string; check_status: Identifier['checkStatus'] }) =>
      Object.assign(new Identifier(), { scheme: r.scheme, value: r.canonical, checkStatus: r.check_status, verified: r.check_status === 'VALID' }),
  },
  biometrics: {
    table: 'identity.biometric_reference',
    columns: { modality: 'modality', repository: 'repository', reference: 'reference' },
    order: 'id',
    map: (r: { modality: BiometricReference['modality']; repository: string; reference: string }) =>
      Object.assign(new BiometricReference(), { modality: r.modality, repository: r.repository, reference: r.reference }),
  },
  contacts: {
    table: 'identity.contact_point',
    columns: { kind: 'kind', platform: 'platform', canonical: 'canonical' },
    order: 'id',
    map: (r: { kind: ContactPoint['kind']; platform: string | null; canonical: string }) =>
      Object.assign(new ContactPoint(), { kind: r.kind, platform: r.platform, value: r.canonical }),
  },
} satisfies Record<string, ChildSpec<never, unknown>>;

/** A field of `SourceIdentity` whose facts live in a table of their own. */
export type ChildField = keyof typeof CHILDREN;
export const CHILD_FIELDS = Object.keys(CHILDREN) as ChildField[];

type ChildOut<F extends ChildField> = ReturnType<(typeof CHILDREN)[F]['map']>;

function childLoader<Row, Out>(db: Db, spec: ChildSpec<Row, Out>) {
  const columns = Object.entries<string>(spec.columns).map(([name, expr]) => (name === expr ? name : `${expr} as ${name}`));
  const sql = `select source_identity_id, ${columns.join(', ')} from ${spec.table}
    where source_identity_id = any($1::uuid[]) and retracted_at is null order by ${spec.order}`;
  return listLoader<Row & { source_identity_id: string }, Out>(db, sql, 'source_identity_id', spec.map);
}

/** The child rows of source identity `si` as one JSON array (null when there are none). */
function childJson(spec: ChildSpec<never, unknown>): string {
  const fields = Object.entries<string>(spec.columns).map(([name, expr]) => `'${name}', ${expr}`);
  return `(select json_agg(json_build_object(${fields.join(', ')}) order by ${spec.order})
             from ${spec.table} where source_identity_id = si.id and retracted_at is null)`;
}

/** A current source identity as `json_agg` gives it, with any prefetched children. */
type IdentityJson = JsonRow<SourceIdentityRow> & Partial<Record<ChildField, unknown[] | null>>;

function createLoaders(db: Db, ctx: RequestContext) {
  const identities = new DataLoader<string, SourceIdentity[]>(async (personIds) => {
    const rows = await db.query<SourceIdentityRow>(
      `${CURRENT_IDENTITIES} and person_id = any($1::uuid[]) order by ${IDENTITY_ORDER}`,
      [personIds],
    );
    return groupBy(personIds, rows, (r) => r.person_id).map((g) => g.map(SourceIdentity.fromRow));
  });
  const children = {
    names: childLoader(db, CHILDREN.names),
    birthDates: childLoader(db, CHILDREN.birthDates),
    identifiers: childLoader(db, CHILDREN.identifiers),
    biometrics: childLoader(db, CHILDREN.biometrics),
    contacts: childLoader(db, CHILDREN.contacts),
  } satisfies { [F in ChildField]: DataLoader<string, ChildOut<F>[]> };
  /** Children the person loader's batches read beside their persons from now on in this request (see `prefetch`). */
  const wanted = new Set<ChildField>();

  function primeChild(field: ChildField, identity: IdentityJson): void {
    const map = CHILDREN[field].map as (row: never) => unknown;
    (children[field] as DataLoader<string, unknown[]>).prime(identity.id, ((identity[field] ?? []) as never[]).map(map));
  }

  return {
    /**
     * Asks the person loader's batches from now on to read these facts of each person's current
     * source identities in the same statement, for a query that will ask for them: one round trip less.
     * They are only cached; every field's access guard still decides what is released.
     */
    prefetch(fields: Iterable<ChildField>): void {
      for (const field of fields) wanted.add(field);
    },
    /**
     * A person by id; a merged-away id resolves to its survivor (following replaced_by). The
     * access bases of the requested ids are read at the same time (a merged-away id, rare, has
     * its survivor's read when first decided), and so are the person's current source
     * identities, which nearly every person query asks for next: one round trip less.
     */
    person: new DataLoader<string, Person | null>(async (ids) => {
      const uuids = ids.filter(isUuid);
      ctx.access.prefetchBases(uuids);
      const prefetched = [...wanted].map((field) => `'${field}', ${childJson(CHILDREN[field])}`);
      const rows = await db.query<PersonRow & { identities: IdentityJson[] | null }>(
        `with recursive chain (requested, id, replaced_by, depth) as (
           select p.id, p.id, p.replaced_by, 0 from identity.person p where p.id = any($1::uuid[])
           union all
           select c.requested, p.id, p.replaced_by, c.depth + 1
             from chain c join identity.person p on p.id = c.replaced_by
            where c.depth < 32)
         select pc.requested, pc.id, pc.replaced_by,
                (select json_agg(${prefetched.length ? `to_jsonb(si) || jsonb_build_object(${prefetched.join(', ')})` : 'si'} order by ${IDENTITY_ORDER})
                   from (${CURRENT_IDENTITIES} and person_id = pc.id) si) as identities
           from chain pc where pc.replaced_by is null`,
        [uuids],
      );
      const byRequested = new Map(rows.map((r) => [r.requested, r]));
      for (const r of rows) {
        const current = r.identities ?? [];
        identities.prime(r.id, current.map((i) => SourceIdentity.fromRow(withDates<SourceIdentityRow>(i, IDENTITY_DATES))));
        for (const identity of current) for (const field of wanted) primeChild(field, identity);
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
    ...children,
  };
}

export const identityLoaders = perRequestLoaders(createLoaders);

export { isUuid };
