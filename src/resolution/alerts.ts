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
import type { Db } from '../db';
import { birthYears, otherKeys, tokenKeys } from '../matching';
import type { MatchModel } from '../matching';
import { datesDigitApart } from '../matching';
import { prepare, type PreparedRecord } from '../matching';
import { loadRecords, storeFrequencies } from './store';

export interface RaisedAlert {
  readonly id: string;
  readonly agencies: readonly string[];
}

/** An identity of a person with an open missing episode. `reported`: the episode is its own (not a linked identity's). */
interface MissingIdentity {
  readonly id: string;
  readonly person_id: string;
  readonly agencies: string[];
  readonly version: string;
  readonly reported: boolean;
}

type Pair = { changed: string; missing: MissingIdentity };

/**
 * The identities of persons with an open missing episode, prepared and filed under their blocking
 * keys in memory. One ingest run keeps it from batch to batch: with thousands of children missing,
 * finding the pairs in PostgreSQL and loading the children's records again for every batch cost
 * more than the rest of the ingest (measured on the 1M-line police bench). `refresh` brings it up
 * to date in the batch's transaction: an identity whose keys were rewritten since, by this run or
 * any other process (`source_identity.keys_version`), is loaded again.
 */
export class MissingChildren {
  private current = new Map<string, MissingIdentity>();
  private readonly held = new Map<string, { version: string; record: PreparedRecord; years: Set<number>; onePart: boolean; keys: string[] }>();
  private readonly filed = new Map<string, string[]>();

  async refresh(db: Db, prepared: ReadonlyMap<string, PreparedRecord>): Promise<void> {
    const rows = await db.query<MissingIdentity>(
      `with missing_person as (
         select x.person_id, array_agg(distinct a) as agencies
           from identity.open_missing om
           join identity.source_identity x on x.id = om.source_identity_id
           cross join lateral unnest(array[om.missing_from_la, case when om.reported_by = 'POLICE' then om.agency end]) as a
          where a is not null
          group by x.person_id)
       select s.id, s.person_id, mp.agencies, s.keys_version::text as version,
              exists (select 1 from identity.open_missing om where om.source_identity_id = s.id) as reported
         from missing_person mp join identity.source_identity s on s.person_id = mp.person_id and s.retracted_at is null`,
    );
    this.current = new Map(rows.map((r) => [r.id, r]));
    for (const [id, held] of this.held) if (this.current.get(id)?.version !== held.version) this.drop(id);
    const fresh = rows.filter((r) => !this.held.has(r.id));
    const loaded = await loadRecords(db, fresh.filter((r) => !prepared.has(r.id)).map((r) => r.id));
    for (const row of fresh) {
      const stored = loaded.get(row.id);
      const record = prepared.get(row.id) ?? (stored && prepare(stored));
      if (record) this.hold(row.id, row.version, record);
    }
  }

  isReported(id: string): boolean {
    return this.current.get(id)?.reported ?? false;
  }

  record(id: string): PreparedRecord | undefined {
    return this.held.get(id)?.record;
  }

  /**
   * The missing identities worth scoring against a changed record: those it shares a date of
   * birth, an exact value (identifier, biometric reference, contact) or an address with; a name
   * part and a birth year or a date a digit apart; or two name parts (one, when either has a
   * name of one part). A name part in common and nothing else — every "Mohammed" against every
   * missing "Mohammed" born years apart — is most of the pairs and almost never PROBABLE: of the
   * 3,140 alerts the model raises on the 200k-line police bench when every key-sharing pair is
   * scored, this rule keeps 3,126 (the other 14: both name parts alike but only one by a shared
   * key, and two different dates of birth).
   */
  pairsFor(id: string, r: PreparedRecord): Pair[] {
    const strong = new Set<string>();
    const parts = new Map<string, Set<string>>();
    for (const { key, part } of heldKeys(r)) {
      for (const m of this.filed.get(key) ?? []) {
        if (part === undefined) strong.add(m);
        else {
          let texts = parts.get(m);
          if (!texts) parts.set(m, (texts = new Set()));
          texts.add(part);
        }
      }
    }
    const years = birthYears(r);
    const single = onePart(r);
    const pairs: Pair[] = [];
    for (const m of new Set([...strong, ...parts.keys()])) {
      const missing = this.current.get(m);
      if (!missing || m === id) continue;
      const held = this.held.get(m)!;
      const enough = strong.has(m) || parts.get(m)!.size >= (single || held.onePart ? 1 : 2) || overlaps(held.years, years) || dateTypo(r, held.record);
      if (enough) pairs.push({ changed: id, missing });
    }
    return pairs;
  }

  private hold(id: string, version: string, record: PreparedRecord): void {
    const keys = [...new Set(heldKeys(record).map((k) => k.key))];
    this.held.set(id, { version, record, years: birthYears(record), onePart: onePart(record), keys });
    for (const key of keys) {
      const ids = this.filed.get(key);
      if (ids) ids.push(id);
      else this.filed.set(key, [id]);
    }
  }

  private drop(id: string): void {
    for (const key of this.held.get(id)!.keys) {
      const ids = this.filed.get(key)!.filter((x) => x !== id);
      if (ids.length) this.filed.set(key, ids);
      else this.filed.delete(key);
    }
    this.held.delete(id);
  }
}

const NO_YEARS: ReadonlySet<number> = new Set();

/**
 * The keys a record is held and paired under: each name part's (tagged with the part; without
 * birth years, which `pairsFor` compares itself), and its full dates of birth, exact values and
 * address. Not its birth years or postcode alone: those pair thousands.
 */
function heldKeys(r: PreparedRecord): { key: string; part?: string }[] {
  const keys: { key: string; part?: string }[] = [];
  for (const name of r.names) for (const t of name) for (const key of tokenKeys(t, NO_YEARS)) keys.push({ key, part: t.text });
  for (const key of otherKeys(r, NO_YEARS)) if (!key.startsWith('pc:')) keys.push({ key });
  return keys;
}

/** Whether two sets of birth years share one. */
function overlaps(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  for (const y of a) if (b.has(y)) return true;
  return false;
}

/** Whether two records have full dates of birth a digit apart (`datesDigitApart`). */
function dateTypo(a: PreparedRecord, b: PreparedRecord): boolean {
  return a.dobs.some((x) => b.dobs.some((y) => datesDigitApart(x, y)));
}

/** Whether a record has a name of one part (initials aside). */
function onePart(r: PreparedRecord): boolean {
  return r.names.some((n) => n.filter((t) => t.text.length >= 2).length === 1);
}

/**
 * `prepared` holds the changed identities' records, loaded and prepared (by `refreshMatchKeys`);
 * `missing` the missing children the run holds (brought up to date here).
 */
export async function raiseAlerts(db: Db, model: MatchModel, changed: readonly string[], cause: string, prepared: ReadonlyMap<string, PreparedRecord>, missing: MissingChildren): Promise<RaisedAlert[]> {
  if (!changed.length) return [];
  await missing.refresh(db, prepared);
  const pairs: Pair[] = [];
  for (const id of changed) {
    // A missing child's own records changing (an LA re-sending its child) is no sighting.
    const record = prepared.get(id);
    if (record && !missing.isReported(id)) pairs.push(...missing.pairsFor(id, record));
  }
  if (!pairs.length) return [];
  const involved = new Set<PreparedRecord>(pairs.flatMap((p) => [prepared.get(p.changed)!, missing.record(p.missing.id)!]));
  const freq = await storeFrequencies(db, [...involved]);
  const alerts: { pair: Pair; score: ReturnType<MatchModel['score']> }[] = [];
  for (const pair of pairs) {
    const score = model.score(prepared.get(pair.changed)!, missing.record(pair.missing.id)!, freq, 'arrival');
    if (score.grade === 'CERTAIN' || score.grade === 'PROBABLE') alerts.push({ pair, score });
  }
  if (!alerts.length) return [];
  // One open alert per missing child and candidate child, however the candidate's records are
  // split: the likeliest pair speaks, and the alert names every record of the candidate it rests on.
  const personOf = new Map((await db.query<{ id: string; person_id: string }>(
    `select id, person_id from identity.source_identity where id = any($1::uuid[])`, [[...new Set(alerts.map((x) => x.pair.changed))]])).map((r) => [r.id, r.person_id]));
  const byChild = new Map<string, { best: (typeof alerts)[number]; ids: Set<string>; mp: string; cp: string }>();
  for (const x of alerts) {
    const cp = personOf.get(x.pair.changed)!;
    const key = `${x.pair.missing.person_id}|${cp}`;
    const group = byChild.get(key) ?? byChild.set(key, { best: x, ids: new Set(), mp: x.pair.missing.person_id, cp }).get(key)!;
    group.ids.add(x.pair.changed);
    if (x.score.probability > group.best.score.probability) group.best = x;
  }
  const groups = [...byChild.values()].map((g) => ({ mp: g.mp, cp: g.cp, ids: [...g.ids] }));
  // A further record of a candidate child already alerted joins that open alert.
  const joined = new Set((await db.query<{ key: string }>(
    `with t as (select * from jsonb_to_recordset($1::jsonb) as t(mp uuid, cp uuid, ids uuid[]))
     update identity.match_alert a set candidate_identity_ids = array(select distinct x from unnest(a.candidate_identity_ids || t.ids) as x)
       from t, identity.source_identity c
      where a.status = 'OPEN' and a.missing_person_id = t.mp and c.id = a.candidate_identity_id and c.person_id = t.cp
     returning t.mp::text || '|' || t.cp::text as key`,
    [JSON.stringify(groups)],
  )).map((r) => r.key));
  const fresh = [...byChild.entries()].filter(([key]) => !joined.has(key)).map(([, g]) => ({ ...g.best, ids: [...g.ids] }));
  if (!fresh.length) return [];
  // The batch's alerts in one statement, and their deliveries in another: a feed that brings
  // thousands of sightings must not cost two round trips each.
  const raised = await db.query<RaisedAlert>(
    `insert into identity.match_alert (missing_person_id, missing_identity_id, candidate_identity_id, probability, grade, weight, contributions, agencies, cause, candidate_identity_ids)
     select mp, mi, ci, pr, g, w, c::jsonb, array(select jsonb_array_elements_text(ag::jsonb)), $9, array(select jsonb_array_elements_text(ids::jsonb)::uuid)
       from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::float8[], $5::text[], $6::float8[], $7::text[], $8::text[], $10::text[]) with ordinality as t(mp, mi, ci, pr, g, w, c, ag, ids, n)
      -- an alert answered "not this child" (or the pair judged DIFFERENT) is not raised again
      where not exists (select 1 from identity.judgement j where j.judgement = 'NEGATIVE' and j.a = least(mi, ci) and j.b = greatest(mi, ci))
      order by n
     on conflict (missing_identity_id, candidate_identity_id) where status = 'OPEN' do nothing
     returning id, agencies`,
    [fresh.map((x) => x.pair.missing.person_id), fresh.map((x) => x.pair.missing.id), fresh.map((x) => x.pair.changed), fresh.map((x) => x.score.probability),
      fresh.map((x) => x.score.grade), fresh.map((x) => x.score.weight), fresh.map((x) => JSON.stringify(x.score.contributions)), fresh.map((x) => JSON.stringify(x.pair.missing.agencies)), cause,
      fresh.map((x) => JSON.stringify(x.ids))],
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
