/** Applying Home Office records: persons (with documents and age dispute), encounters, status, NRM. */
import { homeOffice, type HomeOfficeRecord } from '../../connectors/home-office';
import type { Db } from '../db';
import { deleteWithDependants } from './purge';
import { ensureSourceIdentities, ofType, purgeRows, upsert, retractRows, retractSourceIdentities, type FeedApplier } from './feed';
import { applyPersonFacts, attributesOf, columnsOf } from './person';

const FEED = 'home-office';
const personRef = (r: HomeOfficeRecord) => (r.type === 'person' ? r.key : r.personRef);

async function applyBatch(db: Db, agency: string, records: readonly HomeOfficeRecord[], firstLoad: boolean): Promise<void> {
  const people = ofType(records, 'person');
  const identity = await ensureSourceIdentities(db, agency, FEED, records.map(personRef), firstLoad, attributesOf(people));
  const si = (r: HomeOfficeRecord) => identity.get(personRef(r))!;
  await applyPersonFacts(db, people.map((p) => ({ sourceIdentityId: si(p), facts: p.facts })), firstLoad);
  const disputes = people.filter((p) => p.ageDispute);
  await db.query('update immigration.age_dispute set retracted_at = now() where source_identity_id = any($1::uuid[]) and retracted_at is null', [people.filter((p) => !p.ageDispute).map(si)]);
  if (disputes.length) {
    await db.query(
      upsert(
      `insert into immigration.age_dispute (source_identity_id, agency, claimed_dob, status, assessed_at, merton_compliant)
       select s, $1, c, st, a, m from unnest($2::uuid[], $3::date[], $4::text[], $5::date[], $6::boolean[]) as t(s, c, st, a, m)
       on conflict (source_identity_id) do update set claimed_dob = excluded.claimed_dob, status = excluded.status, assessed_at = excluded.assessed_at,
         merton_compliant = excluded.merton_compliant, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columnsOf(disputes.map((p) => [si(p), p.ageDispute!.claimedDob, p.ageDispute!.status, p.ageDispute!.assessedAt, p.ageDispute!.mertonCompliant]), 5)],
    );
  }

  const encounters = ofType(records, 'encounter');
  if (encounters.length) {
    await db.query(
      upsert(
      `insert into immigration.encounter (source_identity_id, agency, encounter_ref, at, kind, location, unaccompanied, referred_to_la, border_flag_set)
       select s, $1, k, a, kd, l, u, r, b from unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::boolean[]) as t(s, k, a, kd, l, u, r, b)
       on conflict (agency, encounter_ref) do update set source_identity_id = excluded.source_identity_id, at = excluded.at, kind = excluded.kind,
         location = excluded.location, unaccompanied = excluded.unaccompanied, referred_to_la = excluded.referred_to_la,
         border_flag_set = excluded.border_flag_set, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columnsOf(encounters.map((e) => [si(e), e.key, e.at, e.kind, e.location, e.unaccompanied, e.referredToLa, e.borderFlagSet]), 8)],
    );
  }

  const statuses = ofType(records, 'status');
  if (statuses.length) {
    await db.query(
      upsert(
      `insert into immigration.asylum_status (source_identity_id, agency, claimed_at, status, decided_at, leave_expires_at)
       select s, $1, c, st, d, l from unnest($2::uuid[], $3::date[], $4::text[], $5::date[], $6::date[]) as t(s, c, st, d, l)
       on conflict (agency, source_identity_id) do update set claimed_at = excluded.claimed_at, status = excluded.status, decided_at = excluded.decided_at,
         leave_expires_at = excluded.leave_expires_at, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columnsOf(statuses.map((s) => [si(s), s.claimedAt, s.status, s.decidedAt, s.leaveExpiresAt]), 5)],
    );
  }

  const referrals = ofType(records, 'nrm');
  if (referrals.length) {
    const rows = referrals.map((n) => [si(n), n.key, n.referredAt, n.firstResponder, n.competentAuthority, JSON.stringify(n.exploitationTypes), n.reasonableGrounds, n.reasonableGroundsAt, n.conclusiveGrounds, n.conclusiveGroundsAt]);
    await db.query(
      upsert(
      `insert into immigration.nrm_referral (source_identity_id, agency, nrm_ref, referred_at, first_responder, competent_authority, exploitation_types,
         reasonable_grounds, reasonable_grounds_at, conclusive_grounds, conclusive_grounds_at)
       select s, $1, k, r, f, c, array(select jsonb_array_elements_text(e::jsonb)), rg, rga, cg, cga
         from unnest($2::uuid[], $3::text[], $4::date[], $5::text[], $6::text[], $7::text[], $8::text[], $9::date[], $10::text[], $11::date[]) as t(s, k, r, f, c, e, rg, rga, cg, cga)
       on conflict (agency, nrm_ref) do update set source_identity_id = excluded.source_identity_id, referred_at = excluded.referred_at,
         first_responder = excluded.first_responder, competent_authority = excluded.competent_authority, exploitation_types = excluded.exploitation_types,
         reasonable_grounds = excluded.reasonable_grounds, reasonable_grounds_at = excluded.reasonable_grounds_at,
         conclusive_grounds = excluded.conclusive_grounds, conclusive_grounds_at = excluded.conclusive_grounds_at, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columnsOf(rows, 10)],
    );
  }
}

/** The rows keyed by their own refs: the table and key column of each kind. */
const TABLES: Record<string, [string, string]> = { encounter: ['immigration.encounter', 'encounter_ref'], nrm: ['immigration.nrm_referral', 'nrm_ref'] };

export const homeOfficeFeed: FeedApplier<HomeOfficeRecord> = {
  feed: FEED,
  agencyKind: 'IMMIGRATION',
  connector: homeOffice,
  identityKind: 'person',
  // A status is keyed by its person's ref.
  keyedRows: TABLES,
  apply: applyBatch,
  async retract(db, agency, kind, keys) {
    const row = TABLES[kind];
    if (row) return retractRows(db, ...row, agency, keys);
    switch (kind) {
      case 'person':
        return retractSourceIdentities(db, agency, FEED, keys);
      case 'status':
        await db.query(
          `update immigration.asylum_status a set retracted_at = now() from identity.source_identity s
            where a.source_identity_id = s.id and s.agency = $1 and s.feed = $2 and s.local_id = any($3::text[])`,
          [agency, FEED, keys],
        );
        return;
      default:
        throw new Error(`home-office: no table for kind ${kind}`);
    }
  },
  async purge(db, agency, kind, keys) {
    const row = TABLES[kind];
    if (row) return purgeRows(db, ...row, agency, keys);
    switch (kind) {
      case 'status':
        await deleteWithDependants(db, 'immigration.asylum_status', 'id',
          `select a.id from immigration.asylum_status a join identity.source_identity s on s.id = a.source_identity_id where s.agency = $1 and s.feed = $2 and s.local_id = any($3::text[])`,
          [agency, FEED, keys]);
        return;
      default:
        throw new Error(`home-office: no table for kind ${kind}`);
    }
  },
};
