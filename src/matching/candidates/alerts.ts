/**
 * Match alerts, raised on arrival in the ingest batch's transaction: an identity that changed and
 * matches, at grade PROBABLE or better, an identity of a person with an open missing episode
 * raises an alert to the agencies that must act — the LA the child is missing from and the police
 * force with the report. Webhook deliveries to those agencies' subscriptions are queued in the
 * outbox in the same transaction.
 *
 * The records of the missing child themselves do not raise alerts when they change (an LA
 * re-sending its own child is not a sighting); a pair raises one open alert, however often it
 * arrives again.
 */
import type { Db } from '../../db';
import type { MatchModel } from '../model';
import { prepare } from '../record';
import { loadRecords, storeFrequencies } from './store';

export interface RaisedAlert {
  readonly id: string;
  readonly agencies: readonly string[];
}

export async function raiseAlerts(db: Db, model: MatchModel, changed: readonly string[], cause: string): Promise<RaisedAlert[]> {
  if (!changed.length) return [];
  // Pairs (changed identity, identity of a missing person) sharing a blocking key; years and
  // postcodes alone make no pair. Starting from the missing persons keeps common keys cheap.
  const pairs = await db.query<{ changed: string; missing: string; missing_person_id: string; agencies: string[] }>(
    `with missing_person as (
       select x.person_id, array_agg(distinct a) as agencies
         from identity.open_missing om
         join identity.source_identity x on x.id = om.source_identity_id
         cross join lateral unnest(array[om.missing_from_la, case when om.reported_by = 'POLICE' then om.agency end]) as a
        where a is not null
        group by x.person_id),
     missing as (
       select s.id, mp.person_id, mp.agencies from missing_person mp
         join identity.source_identity s on s.person_id = mp.person_id and s.retracted_at is null)
     select distinct c.source_identity_id as changed, m.id as missing, m.person_id as missing_person_id, m.agencies
       from missing m
       join identity.match_token t on t.source_identity_id = m.id and t.key !~ '^(y|pc):'
       join identity.match_token c on c.key = t.key and c.source_identity_id = any($1::uuid[]) and c.source_identity_id <> m.id
      where not exists (select 1 from identity.open_missing om where om.source_identity_id = c.source_identity_id)`,
    [changed],
  );
  if (!pairs.length) return [];
  const records = await loadRecords(db, [...new Set(pairs.flatMap((p) => [p.changed, p.missing]))]);
  const prepared = new Map([...records].map(([id, r]) => [id, prepare(r)]));
  const freq = await storeFrequencies(db, [...prepared.values()]);
  const raised: RaisedAlert[] = [];
  for (const p of pairs) {
    const a = prepared.get(p.changed);
    const b = prepared.get(p.missing);
    if (!a || !b) continue;
    const score = model.score(a, b, freq);
    if (score.grade !== 'CERTAIN' && score.grade !== 'PROBABLE') continue;
    const [alert] = await db.query<{ id: string }>(
      `insert into identity.match_alert (missing_person_id, missing_identity_id, candidate_identity_id, probability, grade, weight, contributions, agencies, cause)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (missing_identity_id, candidate_identity_id) where status = 'OPEN' do nothing returning id`,
      [p.missing_person_id, p.missing, p.changed, score.probability, score.grade, score.weight, JSON.stringify(score.contributions), p.agencies, cause],
    );
    if (!alert) continue;
    await db.query(
      `insert into identity.alert_outbox (alert_id, subscription_id)
       select $1, s.id from identity.webhook_subscription s where s.active and s.agency = any($2::text[])`,
      [alert.id, p.agencies],
    );
    raised.push({ id: alert.id, agencies: p.agencies });
  }
  return raised;
}
