import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline: one event per dated fact that any agency recorded, for the chronology of the
 * strategy discussion. A view rather than a table written at ingest, so it can never disagree
 * with the facts (retracted facts and identities drop out of it the moment they are retracted).
 * Each event carries the data category that guards it and a link to its record.
 */
export class Timeline1764201600000 implements MigrationInterface {
  name = 'Timeline1764201600000';

  async up(q: QueryRunner): Promise<void> {
    const events: [kind: string, category: string, table: string, at: string, where?: string][] = [
      ['PLACEMENT_STARTED', 'CARE_PLAN', 'care.placement', 't.started_on::timestamptz'],
      ['PLACEMENT_ENDED', 'CARE_PLAN', 'care.placement', 't.ended_on::timestamptz', 't.ended_on is not null'],
      ['WENT_MISSING', 'MISSING', 'care.missing_episode', 't.started_at'],
      ['RETURNED', 'MISSING', 'care.missing_episode', 't.ended_at', 't.ended_at is not null'],
      ['UASC_CEASED', 'CARE_PLAN', 'care.uasc_status', 't.ceased_on::timestamptz', 't.ceased_on is not null'],
      ['PLAN_ITEM_RECORDED', 'CARE_PLAN', 'care.plan_item', 't.recorded_at', 't.recorded_at is not null'],
      ['CONSENT_GIVEN', 'CARE_PLAN', 'care.consent', 't.given_at'],
      ['CONSENT_WITHDRAWN', 'CARE_PLAN', 'care.consent', 't.withdrawn_at', 't.withdrawn_at is not null'],
      ['MISSING_REPORTED', 'MISSING', 'police.missing_report', 't.reported_at'],
      ['UKMPU_NOTIFIED', 'MISSING', 'police.missing_report', 't.ukmpu_notified_at', 't.ukmpu_notified_at is not null'],
      ['FOUND', 'MISSING', 'police.missing_report', 't.found_at', 't.found_at is not null'],
      ['CUSTODY', 'CRIMINAL', 'police.custody', 't.arrested_at'],
      ['ENCOUNTER', 'IMMIGRATION', 'immigration.encounter', 't.at'],
      ['ASYLUM_CLAIMED', 'IMMIGRATION', 'immigration.asylum_status', 't.claimed_at::timestamptz', 't.claimed_at is not null'],
      ['ASYLUM_DECIDED', 'IMMIGRATION', 'immigration.asylum_status', 't.decided_at::timestamptz', 't.decided_at is not null'],
      ['NRM_REFERRED', 'EXPLOITATION', 'immigration.nrm_referral', 't.referred_at::timestamptz'],
      ['NRM_REASONABLE_GROUNDS', 'EXPLOITATION', 'immigration.nrm_referral', 't.reasonable_grounds_at::timestamptz', 't.reasonable_grounds_at is not null'],
      ['NRM_CONCLUSIVE_GROUNDS', 'EXPLOITATION', 'immigration.nrm_referral', 't.conclusive_grounds_at::timestamptz', 't.conclusive_grounds_at is not null'],
      ['AGE_ASSESSED', 'IDENTITY', 'immigration.age_dispute', 't.assessed_at::timestamptz', 't.assessed_at is not null'],
    ];
    const selects = events.map(([kind, category, table, at, where]) => `
      select si.person_id, t.source_identity_id, si.agency, si.feed, '${kind}'::text as kind, '${category}'::text as category,
             ${at} as at, '${table}'::text as record_table, t.id::text as record_id
        from ${table} t join identity.source_identity si on si.id = t.source_identity_id and si.retracted_at is null
       where t.retracted_at is null${where ? ` and ${where}` : ''}`);
    selects.push(`
      select si.person_id, r.source_identity_id, si.agency, si.feed, 'RISK_GRADED', 'MISSING', g.graded_at, 'police.risk_grading', g.id::text
        from police.risk_grading g join police.missing_report r on r.id = g.missing_report_id and r.retracted_at is null
        join identity.source_identity si on si.id = r.source_identity_id and si.retracted_at is null`);
    await q.query(`create view safeguarding.timeline_event as ${selects.join('\n      union all')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop view safeguarding.timeline_event');
  }
}
