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
import { prepare, type PreparedRecord } from '../record';
import { loadRecords, storeFrequencies } from './store';

export interface RaisedAlert {
  readonly id: string;
  readonly agencies: readonly string[];
}

type Pair = { changed: string; missing: string; missing_person_id: string; agencies: string[] };

/** Pairs are read and scored this many at a time: thousands of children missing make millions. */
const PAIRS_PER_FETCH = 25_000;

/** `prepared` may hold records already loaded and prepared (the changed identities, by `refreshMatchKeys`). */
export async function raiseAlerts(db: Db, model: MatchModel, changed: readonly string[], cause: string, prepared = new Map<string, PreparedRecord>()): Promise<RaisedAlert[]> {
  if (!changed.length) return [];
  // Pairs (changed identity, identity of a missing person) sharing a blocking key; years and
  // postcodes alone make no pair. The keys of both sides are gathered first and joined by hash:
  // probing the token index from either side cost 9x more once thousands of children were missing.
  // Read through a cursor (the caller's transaction), a bounded chunk at a time. With thousands
  // of children missing a batch makes hundreds of thousands of pairs, whose de-duplication spilled
  // to disk at the default work_mem (measured at 1M police lines: 2.25 s → 1.72 s a batch).
  await db.query(`set local work_mem = '64MB'`);
  await db.query(
    `declare alert_pairs no scroll cursor for
     with missing_person as (
       select x.person_id, array_agg(distinct a) as agencies
         from identity.open_missing om
         join identity.source_identity x on x.id = om.source_identity_id
         cross join lateral unnest(array[om.missing_from_la, case when om.reported_by = 'POLICE' then om.agency end]) as a
        where a is not null
        group by x.person_id),
     missing as materialized (
       select s.id, mp.person_id, mp.agencies, t.key from missing_person mp
         join identity.source_identity s on s.person_id = mp.person_id and s.retracted_at is null
         join identity.match_token t on t.source_identity_id = s.id and t.key !~ '^(y|pc):'),
     changed as materialized (
       select c.source_identity_id, c.key from identity.match_token c
        where c.source_identity_id = any($1::uuid[]) and c.key !~ '^(y|pc):'
          and not exists (select 1 from identity.open_missing om where om.source_identity_id = c.source_identity_id))
     select distinct c.source_identity_id as changed, m.id as missing, m.person_id as missing_person_id, m.agencies
       from missing m join changed c on c.key = m.key and c.source_identity_id <> m.id`,
    [changed],
  );
  const raised: RaisedAlert[] = [];
  // `prepared` is kept across chunks: a missing child's records recur.
  for (;;) {
    const pairs = await db.query<Pair>(`fetch ${PAIRS_PER_FETCH} from alert_pairs`);
    if (!pairs.length) break;
    raised.push(...(await alertsFor(db, model, pairs, prepared, cause)));
  }
  await db.query('close alert_pairs');
  return raised;
}

/** Score pairs and raise the alerts of those graded PROBABLE or better (one statement for all). */
async function alertsFor(db: Db, model: MatchModel, pairs: Pair[], prepared: Map<string, PreparedRecord>, cause: string): Promise<RaisedAlert[]> {
  const ids = [...new Set(pairs.flatMap((p) => [p.changed, p.missing]))];
  for (const [id, r] of await loadRecords(db, ids.filter((id) => !prepared.has(id)))) prepared.set(id, prepare(r));
  const freq = await storeFrequencies(db, ids.flatMap((id) => prepared.get(id) ?? []));
  const alerts: { pair: Pair; score: ReturnType<MatchModel['score']> }[] = [];
  for (const pair of pairs) {
    const a = prepared.get(pair.changed);
    const b = prepared.get(pair.missing);
    if (!a || !b) continue;
    const score = model.score(a, b, freq);
    if (score.grade === 'CERTAIN' || score.grade === 'PROBABLE') alerts.push({ pair, score });
  }
  if (!alerts.length) return [];
  // The chunk's alerts in one statement, and their deliveries in another: a feed that
  // brings thousands of sightings must not cost two round trips each.
  const raised = await db.query<RaisedAlert>(
    `insert into identity.match_alert (missing_person_id, missing_identity_id, candidate_identity_id, probability, grade, weight, contributions, agencies, cause)
     select mp, mi, ci, pr, g, w, c::jsonb, array(select jsonb_array_elements_text(ag::jsonb)), $9
       from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::float8[], $5::text[], $6::float8[], $7::text[], $8::text[]) with ordinality as t(mp, mi, ci, pr, g, w, c, ag, n)
      order by n
     on conflict (missing_identity_id, candidate_identity_id) where status = 'OPEN' do nothing
     returning id, agencies`,
    [alerts.map((x) => x.pair.missing_person_id), alerts.map((x) => x.pair.missing), alerts.map((x) => x.pair.changed), alerts.map((x) => x.score.probability),
      alerts.map((x) => x.score.grade), alerts.map((x) => x.score.weight), alerts.map((x) => JSON.stringify(x.score.contributions)), alerts.map((x) => JSON.stringify(x.pair.agencies)), cause],
  );
  if (raised.length) {
    await db.query(
      `insert into identity.alert_outbox (alert_id, subscription_id)
       select a.id, s.id from identity.match_alert a join identity.webhook_subscription s on s.active and s.agency = any (a.agencies)
        where a.id = any($1::uuid[])`,
      [raised.map((r) => r.id)],
    );
  }
  return raised;
}
