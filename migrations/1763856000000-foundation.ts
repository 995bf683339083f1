import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation: extensions, one Postgres schema per subgraph (plus ingest and audit), the core
 * identity model and the first domain tables of care, police, immigration and safeguarding.
 *
 * Provenance: every fact hangs off a source identity, which records the supplying agency, feed and
 * local id with first/last seen and retraction. Domain facts also carry their own local key and
 * seen/retracted times, because a feed can retract one episode without retracting the child.
 */
export class Foundation1763856000000 implements MigrationInterface {
  name = 'Foundation1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create extension if not exists pg_trgm`);
    await q.query(`create extension if not exists fuzzystrmatch`);
    await q.query(`create extension if not exists pgcrypto`);
    for (const schema of ['identity', 'care', 'police', 'immigration', 'safeguarding', 'access', 'ingest', 'audit']) {
      await q.query(`create schema if not exists ${schema}`);
    }

    await q.query(`
      create table identity.person (
        id uuid primary key default gen_random_uuid(),
        created_at timestamptz not null default now(),
        replaced_by uuid references identity.person (id),
        replaced_at timestamptz,
        check ((replaced_by is null) = (replaced_at is null)),
        check (replaced_by is distinct from id)
      )`);
    await q.query(`create index person_replaced_by on identity.person (replaced_by) where replaced_by is not null`);

    await q.query(`
      create table identity.source_identity (
        id uuid primary key default gen_random_uuid(),
        person_id uuid not null references identity.person (id),
        agency text not null,
        feed text not null,
        local_id text not null,
        sex text check (sex in ('MALE', 'FEMALE', 'OTHER', 'UNKNOWN')),
        nationality text check (nationality ~ '^[A-Z]{3}$'),
        content_hash text,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, feed, local_id)
      )`);
    await q.query(`create index source_identity_person on identity.source_identity (person_id)`);

    await q.query(`
      create table identity.name (
        id bigint generated always as identity primary key,
        source_identity_id uuid not null references identity.source_identity (id) on delete cascade,
        kind text not null check (kind in ('LEGAL', 'ASSERTED', 'ALTERNATE', 'NICKNAME', 'WEAK')),
        given text,
        family text,
        full_name text,
        original_script text,
        ordinal smallint not null default 0,
        check (coalesce(given, family, full_name) is not null)
      )`);
    await q.query(`create index name_source_identity on identity.name (source_identity_id)`);

    await q.query(`
      create table identity.birth_date (
        id bigint generated always as identity primary key,
        source_identity_id uuid not null references identity.source_identity (id) on delete cascade,
        value date not null,
        precision text not null check (precision in ('DAY', 'MONTH', 'YEAR')),
        basis text not null check (basis in ('CLAIMED', 'DOCUMENTED', 'ASSESSED'))
      )`);
    await q.query(`create index birth_date_source_identity on identity.birth_date (source_identity_id)`);

    await q.query(`
      create table identity.identifier (
        id bigint generated always as identity primary key,
        source_identity_id uuid not null references identity.source_identity (id) on delete cascade,
        scheme text not null,
        raw text not null,
        canonical text not null,
        check_status text not null check (check_status in ('VALID', 'INVALID', 'NOT_CHECKABLE'))
      )`);
    await q.query(`create index identifier_source_identity on identity.identifier (source_identity_id)`);
    await q.query(`create index identifier_value on identity.identifier (scheme, canonical)`);

    await q.query(`
      create table identity.biometric_reference (
        id bigint generated always as identity primary key,
        source_identity_id uuid not null references identity.source_identity (id) on delete cascade,
        modality text not null check (modality in ('FINGERPRINT', 'PHOTO', 'DNA', 'IRIS')),
        repository text not null,
        reference text not null
      )`);
    await q.query(`create index biometric_reference_source_identity on identity.biometric_reference (source_identity_id)`);
    await q.query(`create index biometric_reference_value on identity.biometric_reference (repository, reference)`);

    await q.query(`
      create table identity.contact_point (
        id bigint generated always as identity primary key,
        source_identity_id uuid not null references identity.source_identity (id) on delete cascade,
        kind text not null check (kind in ('PHONE', 'SOCIAL_MEDIA', 'EMAIL', 'TRAVEL_CARD', 'DEVICE')),
        platform text,
        value text not null,
        canonical text not null,
        recorded_at timestamptz
      )`);
    await q.query(`create index contact_point_source_identity on identity.contact_point (source_identity_id)`);
    await q.query(`create index contact_point_value on identity.contact_point (kind, canonical)`);

    await q.query(`
      create table care.placement (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        local_key text not null,
        placement_type text,
        legal_status text,
        started_on date not null,
        ended_on date,
        postcode text,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, local_key),
        check (ended_on is null or ended_on >= started_on)
      )`);
    await q.query(`create index placement_source_identity on care.placement (source_identity_id)`);

    await q.query(`
      create table care.missing_episode (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        local_key text not null,
        kind text not null check (kind in ('MISSING', 'AWAY')),
        started_at timestamptz not null,
        ended_at timestamptz,
        risk_level text check (risk_level in ('NO_APPARENT_RISK', 'LOW', 'MEDIUM', 'HIGH')),
        last_seen_location text,
        found_location text,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, local_key)
      )`);
    await q.query(`create index missing_episode_source_identity on care.missing_episode (source_identity_id)`);

    await q.query(`
      create table police.missing_report (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        report_ref text not null,
        reported_at timestamptz not null,
        last_seen_at timestamptz,
        last_seen_location text,
        missing_from_la text,
        ukmpu_notified_at timestamptz,
        found_at timestamptz,
        found_location text,
        found_by text,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, report_ref)
      )`);
    await q.query(`create index missing_report_source_identity on police.missing_report (source_identity_id)`);

    await q.query(`
      create table police.risk_grading (
        id bigint generated always as identity primary key,
        missing_report_id uuid not null references police.missing_report (id) on delete cascade,
        level text not null check (level in ('NO_APPARENT_RISK', 'LOW', 'MEDIUM', 'HIGH')),
        graded_at timestamptz not null,
        unique (missing_report_id, graded_at)
      )`);

    await q.query(`
      create table police.custody (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        custody_ref text not null,
        arrested_at timestamptz not null,
        location text,
        offence text,
        fingerprints_taken boolean not null default false,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, custody_ref)
      )`);
    await q.query(`create index custody_source_identity on police.custody (source_identity_id)`);

    await q.query(`
      create table immigration.encounter (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        encounter_ref text not null,
        at timestamptz not null,
        kind text not null,
        location text,
        unaccompanied boolean,
        referred_to_la text,
        border_flag_set boolean,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, encounter_ref)
      )`);
    await q.query(`create index encounter_source_identity on immigration.encounter (source_identity_id)`);

    await q.query(`
      create table immigration.asylum_status (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        claimed_at date,
        status text not null check (status in ('PENDING', 'REFUGEE', 'HUMANITARIAN_PROTECTION', 'UASC_LEAVE', 'REFUSED', 'APPEAL')),
        decided_at date,
        leave_expires_at date,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, source_identity_id)
      )`);

    await q.query(`
      create table immigration.nrm_referral (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        nrm_ref text not null,
        referred_at date not null,
        first_responder text,
        competent_authority text,
        exploitation_types text[] not null default '{}',
        reasonable_grounds text check (reasonable_grounds in ('POSITIVE', 'NEGATIVE', 'PENDING')),
        reasonable_grounds_at date,
        conclusive_grounds text check (conclusive_grounds in ('POSITIVE', 'NEGATIVE', 'PENDING')),
        conclusive_grounds_at date,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, nrm_ref)
      )`);
    await q.query(`create index nrm_referral_source_identity on immigration.nrm_referral (source_identity_id)`);

    await q.query(`
      create table safeguarding.strategy_discussion (
        id uuid primary key default gen_random_uuid(),
        person_id uuid not null references identity.person (id),
        convened_by text not null,
        convened_by_sub text not null,
        held_on date not null,
        agencies text[] not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index strategy_discussion_person on safeguarding.strategy_discussion (person_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const schema of ['safeguarding', 'immigration', 'police', 'care', 'identity', 'access', 'ingest', 'audit']) {
      await q.query(`drop schema if exists ${schema} cascade`);
    }
  }
}
