import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent is the LA's record: who recorded it (`feed` for an LA feed's row, else `sub (agency)`),
 * why it was withdrawn, and the DPO's review of a consent that releases LOCATION (the sealed
 * placement address and last-seen places), queued as a safeguarding justification is. A consent the
 * DPO finds not justified is withdrawn, and stays withdrawn when the feed sends it again.
 */
export class ConsentRecord1765000000000 implements MigrationInterface {
  name = 'ConsentRecord1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table care.consent
        add column recorded_by text not null default 'feed',
        add column withdrawal_reason text,
        add column review_status text check (review_status in ('PENDING', 'REVIEWED')),
        add column review_outcome text check (review_outcome in ('JUSTIFIED', 'NOT_JUSTIFIED')),
        add column reviewed_by text,
        add column reviewed_at timestamptz,
        add column review_note text,
        add check ((review_status = 'REVIEWED') = (review_outcome is not null))`);
    await q.query(`
      create function care.consent_review() returns trigger language plpgsql as $$
      begin
        if 'LOCATION' = any (new.categories) and (tg_op = 'INSERT' or not 'LOCATION' = any (old.categories)) then
          new.review_status := 'PENDING';
          new.review_outcome := null; new.reviewed_by := null; new.reviewed_at := null; new.review_note := null;
        end if;
        if new.review_outcome = 'NOT_JUSTIFIED' then
          new.withdrawn_at := coalesce(new.withdrawn_at, case when tg_op = 'UPDATE' then old.withdrawn_at end, now());
        end if;
        return new;
      end $$`);
    await q.query(`create trigger consent_review before insert or update on care.consent for each row execute function care.consent_review()`);
    await q.query(`update care.consent set review_status = 'PENDING' where 'LOCATION' = any (categories)`);
    await q.query(`create index consent_review_pending on care.consent (agency, given_at) where review_status = 'PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger consent_review on care.consent`);
    await q.query(`drop function care.consent_review()`);
    await q.query(`drop index care.consent_review_pending`);
    await q.query(`alter table care.consent drop column recorded_by, drop column withdrawal_reason, drop column review_status, drop column review_outcome,
      drop column reviewed_by, drop column reviewed_at, drop column review_note`);
  }
}
