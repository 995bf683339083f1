/**
 * The arrival target (issue 24), `node dist/bench/evaluate.js arrival [seed]`: the generated
 * population (bench/population.ts, ~12,600 records of ~6,000 children with their truth) is loaded
 * into a fresh database through the real ingest path, agency by agency, in batches as a feed
 * delivers them — the LA's records as LA person details (person.csv, aliases.csv,
 * linked_identifiers.csv, contacts.csv), the police's and the Home Office's as their JSON Lines
 * `person` records. Right after each batch commits it asks, of every true pair of records of one
 * child held by two agencies that the batch completed, whether the two are one person or have an
 * OPEN suggestion between their persons. Suggestions are written in the batch's own transaction,
 * so "within 1 s of the batch commit" is "at the commit": nothing is measured later.
 *
 * Reported: that recall, the queue's precision at the end (the share of open suggestions whose two
 * records are truly one child), and why the missed pairs were missed — no key of the kinds arrival
 * pairs on shared (the feeds carry no address), shared keys all held by more records than the cap,
 * or scored below the review bar (`REVIEW_BAR`). The queue's precision is given for the suggestions
 * graded probable or better and for the weaker ones apart too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '../src/config';
import { openDatabase, startEmbedded, type Db } from '../src/db';
import { pushRecords } from '../src/ingest';
import { rootLogger } from '../src/log';
import { blockingKeys, DEFAULT_THRESHOLDS, prepare, type MatchRecord } from '../src/matching';
import { ARRIVAL_KEYS, arrivalKeys, currentModel, forReview, loadRecords, REVIEW_BAR, storeFrequencies } from '../src/resolution';
import { population, type PopulationRecord, type RecordAgency } from './population';

/** Each kind of agency as one agency of it, loaded in this order. */
const AGENCIES: readonly [RecordAgency, string, string][] = [['LA', 'LA-213', 'la-person'], ['POLICE', 'POLICE-MPS', 'police'], ['HO', 'HO', 'home-office']];
/** Records in one delivered batch (one push: one ingest run, one transaction). */
const BATCH = 500;

const SCHEME_OF_SSD: Record<string, string> = { UPN: 'UPN', HO_REF: 'HO_REF' };

/** A date of birth as the feeds take it: a full date and its precision. */
function dobOf(r: MatchRecord): { value: string; precision: 'DAY' | 'MONTH' | 'YEAR' } | null {
  const d = r.dobs?.[0];
  if (!d) return null;
  if (/^\d{4}$/.test(d.value)) return { value: `${d.value}-01-01`, precision: 'YEAR' };
  if (/^\d{4}-\d{2}$/.test(d.value)) return { value: `${d.value}-01`, precision: 'MONTH' };
  return { value: d.value, precision: 'DAY' };
}

/** "FAMILY, Given" or "Given Family …" as a forename and a surname (LA person details have no full name). */
function split(name: string): { given: string; family: string } {
  const comma = name.indexOf(',');
  if (comma >= 0) return { family: name.slice(0, comma).trim(), given: name.slice(comma + 1).trim() };
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? { given: parts[0]!, family: parts.slice(1).join(' ') } : { given: parts[0] ?? '', family: '' };
}

/** The LA's record as LA person details rows (aliases for its other names). */
function laRows(r: MatchRecord, localId: string): Record<string, unknown>[] {
  const [first, ...others] = r.names;
  const { given, family } = split(first ?? '');
  const dob = dobOf(r);
  const upn = r.identifiers?.find((i) => i.scheme === 'UPN');
  return [
    { table: 'person', pers_person_id: localId, pers_forename: given, pers_surname: family, pers_sex: r.sex ?? '', pers_dob: dob?.value ?? '', pers_dob_precision: dob?.precision ?? '',
      pers_nationality: r.nationality ?? '', pers_upn: upn?.value ?? '', pers_common_child_id: '' },
    ...others.map((full) => ({ table: 'aliases', person_id: localId, name_type: 'ALTERNATE', forename: '', surname: '', full_name: full })),
    ...(r.identifiers ?? []).filter((i) => i.scheme !== 'UPN').map((i) => ({ table: 'linked_identifiers', link_person_id: localId, link_identifier_type: SCHEME_OF_SSD[i.scheme] ?? i.scheme, link_identifier_value: i.value, link_valid_from_date: '', link_valid_to_date: '' })),
    ...(r.contacts ?? []).map((c) => ({ table: 'contacts', person_id: localId, kind: 'PHONE', value: c, platform: '', recorded_at: '', note: '' })),
  ];
}

/** A police or Home Office record as its feed's JSON `person` record. */
function personRecord(r: MatchRecord, localId: string): Record<string, unknown> {
  const dob = dobOf(r);
  return {
    type: 'person', person_ref: localId, names: r.names.map((full, i) => ({ kind: i === 0 ? 'ASSERTED' : 'ALTERNATE', full })),
    ...(dob ? { dob: dob.value, dob_precision: dob.precision } : {}), sex: r.sex ?? null, nationality: r.nationality ?? null,
    identifiers: (r.identifiers ?? []).map((i) => ({ scheme: i.scheme, value: i.value })),
    biometrics: (r.biometrics ?? []).map((b) => ({ modality: b.modality ?? 'FINGERPRINT', repository: b.repository, reference: b.reference })),
    contacts: (r.contacts ?? []).map((c) => ({ kind: 'PHONE', value: c })),
    updated_at: '2026-01-01T00:00:00Z',
  };
}

export interface ArrivalReport {
  readonly seed: number;
  readonly records: number;
  readonly children: number;
  readonly batches: number;
  readonly crossPairs: number;
  readonly onePerson: number;
  readonly suggested: number;
  readonly recall: number;
  readonly openSuggestions: number;
  readonly openTrue: number;
  readonly precision: number;
  /** The open suggestions graded probable or better, and how many of them are one child. */
  readonly strong: { readonly open: number; readonly true: number };
  readonly misses: Readonly<Record<'no arrival key' | 'keys over the cap' | 'below the review bar' | 'other', number>>;
  /** Of the pairs below the review bar: how many are graded possible. */
  readonly possible: number;
  readonly thresholds: { readonly probable: number; readonly possible: number };
  /** Wall time of one batch's push (ingest, match on arrival and commit), mean and slowest. */
  readonly batchMs: { readonly mean: number; readonly max: number };
}

interface Loaded { readonly index: number; readonly agency: string; readonly localId: string }

/** Load the population through the feeds and measure after each batch (see the module comment). */
export async function arrival(seed: number, say: (m: string) => void): Promise<ArrivalReport> {
  const log = rootLogger('silent');
  const base = loadConfig();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-arrival-'));
  const embedded = await startEmbedded(home, log);
  const admin = new Pool({ connectionString: embedded.urlFor('postgres'), max: 1 });
  await admin.query('create database harbour_arrival');
  await admin.end();
  const database = await openDatabase({ ...base, home, databaseUrl: embedded.urlFor('harbour_arrival') }, log, { poolSize: 2 });
  try {
    await database.migrate();
    const db = database.db;
    const pop = population(6000, seed);
    const loaded: Loaded[] = [];
    const identityOf = new Map<string, number>(); // source identity id → record index
    let crossPairs = 0;
    let onePerson = 0;
    let suggested = 0;
    let batches = 0;
    const batchMs: number[] = [];
    const missed: [number, number][] = [];
    // True pairs of records of one child held by two agencies, by the later record.
    const byChild = new Map<number, number[]>();
    pop.records.forEach((r, i) => (byChild.get(r.child) ?? byChild.set(r.child, []).get(r.child)!).push(i));
    const arrived = new Set<number>();
    for (const [kind, agency, feed] of AGENCIES) {
      const mine = pop.records.map((r, i) => [r, i] as const).filter(([r]) => r.agency === kind);
      for (let start = 0; start < mine.length; start += BATCH) {
        const batch = mine.slice(start, start + BATCH);
        const rows = batch.flatMap(([r, i]) => (kind === 'LA' ? laRows(r.record, `R${i}`) : [personRecord(r.record, `R${i}`)]));
        const started = process.hrtime.bigint();
        await pushRecords(db, log, feed, agency, rows, false, { matchThresholds: base.matchThresholds });
        batchMs.push(Number(process.hrtime.bigint() - started) / 1e6);
        batches++;
        for (const [, i] of batch) {
          loaded.push({ index: i, agency, localId: `R${i}` });
          arrived.add(i);
        }
        const state = await storeState(db);
        for (const { index, agency: a, localId } of loaded.slice(-batch.length)) {
          const id = state.identity.get(`${a}|${localId}`);
          if (id) identityOf.set(id, index);
        }
        // The pairs this batch completed: one record in it, the other of another agency (so of an
        // earlier batch: a batch holds one agency's records), each counted once.
        for (const [r, i] of batch) {
          for (const j of byChild.get(r.child)!) {
            if (j === i || !arrived.has(j) || pop.records[j]!.agency === kind) continue;
            crossPairs++;
            const [x, y] = [state.person.get(`${agency}|R${i}`), state.person.get(`${AGENCY_OF[pop.records[j]!.agency]}|R${j}`)];
            if (x && x === y) onePerson++;
            else if (x && y && state.open.has(x < y ? `${x}|${y}` : `${y}|${x}`)) suggested++;
            else missed.push([i, j]);
          }
        }
      }
      say(`arrival: ${agency} loaded (${mine.length} records); recall so far ${((onePerson + suggested) / Math.max(1, crossPairs)).toFixed(4)} of ${crossPairs} cross-agency pairs`);
    }
    const open = await db.query<{ a: string; b: string; grade: string }>(`select a, b, grade from identity.match_suggestion where status = 'OPEN'`);
    const isTrue = (s: { a: string; b: string }) => {
      const [x, y] = [identityOf.get(s.a), identityOf.get(s.b)];
      return x !== undefined && y !== undefined && pop.records[x]!.child === pop.records[y]!.child;
    };
    const openTrue = open.filter(isTrue).length;
    const strong = open.filter((s) => s.grade === 'CERTAIN' || s.grade === 'PROBABLE');
    const { misses, possible } = await why(db, missed, pop.records, base.matchThresholds);
    return {
      possible, thresholds: base.matchThresholds, batchMs: { mean: batchMs.reduce((a, b) => a + b, 0) / batchMs.length, max: Math.max(...batchMs) },
      seed, records: pop.records.length, children: byChild.size, batches, crossPairs, onePerson, suggested,
      recall: (onePerson + suggested) / crossPairs, openSuggestions: open.length, openTrue, precision: openTrue / Math.max(1, open.length), misses,
      strong: { open: strong.length, true: strong.filter(isTrue).length },
    };
  } finally {
    await database.close();
    await embedded.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const AGENCY_OF: Record<RecordAgency, string> = { LA: 'LA-213', POLICE: 'POLICE-MPS', HO: 'HO' };

/** Each loaded record's source identity and person now, and the open suggestions' pairs of persons. */
async function storeState(db: Db): Promise<{ identity: Map<string, string>; person: Map<string, string>; open: Set<string> }> {
  const rows = await db.query<{ key: string; id: string; person_id: string }>(`select agency || '|' || local_id as key, id, person_id from identity.source_identity where retracted_at is null`);
  const open = await db.query<{ x: string; y: string }>(
    `select sa.person_id as x, sb.person_id as y from identity.match_suggestion m
       join identity.source_identity sa on sa.id = m.a join identity.source_identity sb on sb.id = m.b where m.status = 'OPEN'`,
  );
  return {
    identity: new Map(rows.map((r) => [r.key, r.id])),
    person: new Map(rows.map((r) => [r.key, r.person_id])),
    open: new Set(open.map((o) => (o.x < o.y ? `${o.x}|${o.y}` : `${o.y}|${o.x}`))),
  };
}

/** Why each missed pair was missed, from the records as the store holds them. */
async function why(db: Db, missed: readonly [number, number][], records: readonly PopulationRecord[], thresholds: typeof DEFAULT_THRESHOLDS): Promise<{ misses: ArrivalReport['misses']; possible: number }> {
  const out = { 'no arrival key': 0, 'keys over the cap': 0, 'below the review bar': 0, other: 0 };
  let possible = 0;
  if (!missed.length) return { misses: out, possible };
  const ids = await db.query<{ key: string; id: string }>(`select agency || '|' || local_id as key, id from identity.source_identity`);
  const idOf = new Map(ids.map((r) => [r.key, r.id]));
  const sid = (i: number) => idOf.get(`${AGENCY_OF[records[i]!.agency]}|R${i}`);
  const stored = await loadRecords(db, [...new Set(missed.flatMap(([i, j]) => [sid(i), sid(j)]).filter((x): x is string => !!x))]);
  const prepared = new Map([...stored].map(([id, r]) => [id, prepare(r)]));
  const holders = new Map((await db.query<{ key: string; n: number }>(`select key, count(*)::int as n from identity.match_token group by key having count(*) > 1`)).map((r) => [r.key, r.n]));
  const model = await currentModel(db, thresholds);
  const freq = await storeFrequencies(db, [...prepared.values()]);
  for (const [i, j] of missed) {
    const [x, y] = [prepared.get(sid(i) ?? ''), prepared.get(sid(j) ?? '')];
    if (!x || !y) {
      out.other++;
      continue;
    }
    // Either record may have arrived second: the keys it looked up that the other is filed under.
    const filed = (r: typeof x) => new Set(blockingKeys(r));
    const [xFiled, yFiled] = [filed(x), filed(y)];
    const shared = [...arrivalKeys(x, ARRIVAL_KEYS).filter((k) => yFiled.has(k.key)), ...arrivalKeys(y, ARRIVAL_KEYS).filter((k) => xFiled.has(k.key))];
    if (!shared.length) out['no arrival key']++;
    else if (shared.every((k) => (holders.get(k.key) ?? 0) > k.cap)) out['keys over the cap']++;
    else {
      const score = model.score(x, y, freq, 'dedupe');
      if (forReview(score)) out.other++;
      else {
        out['below the review bar']++;
        if (score.grade === 'POSSIBLE') possible++;
      }
    }
  }
  return { misses: out, possible };
}

export function reportArrival(r: ArrivalReport, print: (line: string) => void): void {
  print(`arrival (population seed ${r.seed}: ${r.records} records of ${r.children} children, loaded LA → police → Home Office in ${r.batches} batches of up to ${BATCH}):`);
  print(`  true cross-agency pairs ${r.crossPairs}: one person ${r.onePerson}, open suggestion ${r.suggested}; recall at the batch's commit ${r.recall.toFixed(4)} (target ≥ 0.95)`);
  print(`  queue precision ${r.precision.toFixed(4)} (${r.openTrue} of ${r.openSuggestions} open suggestions are one child)`);
  const weak = { open: r.openSuggestions - r.strong.open, true: r.openTrue - r.strong.true };
  print(`    graded probable or better: ${(r.strong.true / Math.max(1, r.strong.open)).toFixed(4)} (${r.strong.true} of ${r.strong.open}); below: ${(weak.true / Math.max(1, weak.open)).toFixed(4)} (${weak.true} of ${weak.open})`);
  print(`  time per batch (push to commit): mean ${Math.round(r.batchMs.mean)} ms, slowest ${Math.round(r.batchMs.max)} ms`);
  print(`  missed: ${Object.entries(r.misses).map(([k, n]) => `${k} ${n}`).join(', ')} (of those below the bar, ${r.possible} graded possible); review bar ${REVIEW_BAR}, thresholds: probable ${r.thresholds.probable}, possible ${r.thresholds.possible}`);
}
