/**
 * strategy/view-vs-sql: the whole strategy-discussion query (identities, plan readiness, risk
 * signals, chronology, discussions) through the gateway over HTTP, for children with 5 source
 * identities and about 50 chronology events planted in the read store, against the raw SQL that
 * reads the same facts (the timeline and the facts statement, run directly). Target p95 ≤ 100 ms.
 */
import type { Pool } from 'pg';
import { alternate, latencies, type Compared } from './stats';

export interface StrategyResult extends Compared {
  target_p95_ms: number;
  identities: number;
  chronology_events: number;
  rounds: number;
  persons: number;
}

const CHILDREN = 20;
const AGENCIES = ['LA-213', 'LA-886', 'POLICE-KENT', 'POLICE-MPS', 'HO'];

export const STRATEGY_QUERY = `query ($id: ID!) { person(id: $id) { id
  identities { agency names { given family } birthDates { value } }
  safeguarding {
    planReadiness { kind status agency recordedAt }
    riskSignals { kind since detail }
    chronology { at kind agency category record }
    discussions { heldOn agencies ownershipAgency decisions actions { description dueOn status overdue } }
  } } }`;

const SQL = [
  `select person_id, agency, kind, category, at, record_table, record_id from safeguarding.timeline_event where person_id = $1 order by at, kind`,
  `select (select json_agg(t) from care.plan_item t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = $1) plan,
          (select json_agg(t) from care.missing_episode t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = $1) missing,
          (select json_agg(t) from care.placement t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = $1) placements,
          (select json_agg(t) from police.missing_report t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = $1) reports,
          (select json_agg(t) from police.custody t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = $1) custody,
          (select json_agg(t) from immigration.encounter t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = $1) encounters,
          (select json_agg(t) from identity.name t join identity.source_identity si on si.id = t.source_identity_id where si.person_id = $1) names`,
];

/** Children with 5 identities and about 50 dated facts, planted once in the read store. */
async function plant(pool: Pool): Promise<string[]> {
  const existing = await pool.query<{ person_id: string }>(`select distinct person_id from identity.source_identity where feed = 'bench-strategy'`);
  if (existing.rows.length >= CHILDREN) return existing.rows.map((r) => r.person_id);
  const ids: string[] = [];
  for (let c = 0; c < CHILDREN; c++) {
    const person = (await pool.query<{ id: string }>('insert into identity.person default values returning id')).rows[0]!.id;
    ids.push(person);
    const si: Record<string, string> = {};
    for (const agency of AGENCIES) {
      const row = (await pool.query<{ id: string }>(
        `insert into identity.source_identity (person_id, agency, feed, local_id, sex, nationality) values ($1, $2, 'bench-strategy', $3, 'MALE', 'ERI') returning id`,
        [person, agency, `BS-${c}-${agency}`],
      )).rows[0]!.id;
      si[agency] = row;
      await pool.query(`insert into identity.name (source_identity_id, kind, given, family, ordinal) values ($1, 'ASSERTED', $2, 'Tesfay', 0)`, [row, `Bench${c}`]);
      await pool.query(`insert into identity.birth_date (source_identity_id, value, precision, basis) values ($1, '2009-02-01', 'YEAR', 'CLAIMED')`, [row]);
    }
    for (const la of ['LA-213', 'LA-886']) {
      await pool.query(`insert into care.placement (source_identity_id, agency, local_key, placement_type, started_on, ended_on, postcode)
                        select $1, $2, $3 || g, 'U1', current_date - 300 + g * 40, current_date - 290 + g * 40, 'CT16 1AA' from generate_series(0, 1) g`, [si[la], la, `bs-${c}-${la}-p`]);
      await pool.query(`insert into care.missing_episode (source_identity_id, agency, local_key, kind, started_at, ended_at, risk_level)
                        select $1, $2, $3 || g, 'MISSING', now() - make_interval(days => 280 - g * 30), now() - make_interval(days => 278 - g * 30), 'HIGH' from generate_series(0, 3) g`, [si[la], la, `bs-${c}-${la}-m`]);
      await pool.query(`insert into care.plan_item (source_identity_id, agency, local_key, item, status, recorded_at)
                        select $1, $2, $3 || g, (array['ROLES_EXPLAINED','PHOTOGRAPH','DEBRIEF_PLAN','RISK_LEVEL'])[g + 1], 'DONE', now() - make_interval(days => 200 - g) from generate_series(0, 3) g`, [si[la], la, `bs-${c}-${la}-i`]);
    }
    for (const force of ['POLICE-KENT', 'POLICE-MPS']) {
      await pool.query(`insert into police.missing_report (source_identity_id, agency, report_ref, reported_at, found_at)
                        select $1, $2, $3 || g, now() - make_interval(days => 279 - g * 60), now() - make_interval(days => 278 - g * 60) from generate_series(0, 2) g`, [si[force], force, `bs-${c}-${force}-r`]);
      await pool.query(`insert into police.custody (source_identity_id, agency, custody_ref, arrested_at) select $1, $2, $3 || g, now() - make_interval(days => 100 - g) from generate_series(0, 1) g`, [si[force], force, `bs-${c}-${force}-c`]);
    }
    await pool.query(`insert into immigration.encounter (source_identity_id, agency, encounter_ref, at, kind, border_flag_set) select $1, 'HO', $2 || g, now() - make_interval(days => 310 - g * 50), 'REPORTING', true from generate_series(0, 2) g`, [si.HO, `bs-${c}-e`]);
    await pool.query(`insert into immigration.asylum_status (source_identity_id, agency, status, claimed_at, decided_at) values ($1, 'HO', 'REFUSED', current_date - 305, current_date - 20)`, [si.HO]);
  }
  return ids;
}

export async function strategyScenario(pool: Pool, gatewayUrl: string, authorization: string, rounds: number, warmup: number, say: (m: string) => void): Promise<StrategyResult> {
  say(`strategy: ${CHILDREN} children with ${AGENCIES.length} identities and about 50 chronology events (planted once)`);
  const ids = await plant(pool);
  const post = async (id: string) => {
    const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: STRATEGY_QUERY, variables: { id } }) });
    const body = (await response.json()) as { data?: { person: { identities: unknown[]; safeguarding: { chronology: unknown[] } } }; errors?: unknown[] };
    if (!body.data?.person) throw new Error(`bench: the strategy query failed: ${JSON.stringify(body.errors)}`);
    return body.data.person;
  };
  const sample = await post(ids[0]!);
  const idOf = (round: number) => ids[round % ids.length]!;
  const [hub, base] = await alternate(rounds, warmup, (round) => post(idOf(round)), async (round) => {
    for (const sql of SQL) await pool.query(sql, [idOf(round)]);
  });
  const [count] = (await pool.query<{ n: string }>(`select count(*) as n from identity.person`)).rows;
  return {
    scenario: 'strategy/view-vs-sql',
    baseline: 'raw SQL: the timeline and the facts, two statements (pg)',
    ...latencies(hub, base),
    target_p95_ms: 100,
    identities: sample.identities.length,
    chronology_events: sample.safeguarding.chronology.length,
    rounds,
    persons: Number(count!.n),
  };
}
