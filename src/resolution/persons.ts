/**
 * Persons as clusters of source identities. A person is a connected component of the graph whose
 * edges are active links (automatic, from a verified biometric reference or identifier, or from a
 * POSITIVE judgement) and same-agency records (one agency's record of a child in two feeds).
 * `rebuildPersons` recomputes the components around some identities and moves identities
 * between persons accordingly: ids stay stable (the person most members already hold survives),
 * a merged-away person points at its survivor (`replaced_by`, FHIR replaced-by), a split-off
 * part gets a new person, and every change is written to `identity.person_event`.
 *
 * A NEGATIVE judgement is never overridden: a link that would put a negatively judged pair in
 * one person is not made (`linkIfAllowed` answers false).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { MatchModel, Score } from '../matching';
import { prepare } from '../matching';
import { loadRecords } from './store';
import { writeSuggestions, type Suggestion } from './suggestions';

/** Identities connected to `ids` through active links or same-agency records. */
async function components(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await db.query<{ root: string; id: string }>(
    `with recursive reach (root, id) as (
       select s, s from unnest($1::uuid[]) as s
       union
       select r.root, n.id from reach r
         cross join lateral (
           select case when l.a = r.id then l.b else l.a end as id from identity.link l where (l.a = r.id or l.b = r.id) and l.removed_at is null
           union
           select o.id from identity.source_identity me join identity.source_identity o on o.agency = me.agency and o.local_id = me.local_id and o.id <> me.id
            where me.id = r.id) n)
     select root, id from reach`,
    [ids],
  );
  // Roots reached by each other are one component: key each by its smallest member.
  const byRoot = new Map<string, Set<string>>();
  for (const r of rows) (byRoot.get(r.root) ?? byRoot.set(r.root, new Set()).get(r.root)!).add(r.id);
  const out = new Map<string, string[]>();
  for (const members of byRoot.values()) {
    const sorted = [...members].sort();
    out.set(sorted[0]!, sorted);
  }
  return out;
}

/** True when some pair inside `members` has a NEGATIVE judgement as its latest judgement. */
async function holdsNegativePair(db: Db, members: readonly string[]): Promise<boolean> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from (
       select distinct on (a, b) judgement from identity.judgement where a = any($1::uuid[]) and b = any($1::uuid[]) order by a, b, recorded_at desc, id desc) j
      where judgement = 'NEGATIVE'`,
    [members],
  );
  return (row?.n ?? 0) > 0;
}

export type LinkMethod = 'BIOMETRIC' | 'IDENTIFIER' | 'JUDGEMENT';

/**
 * Link two identities unless that would join a negatively judged pair; false when refused.
 * Idempotent: an active link is kept as it is.
 */
export async function linkIfAllowed(db: Db, x: string, y: string, method: LinkMethod, evidence: string): Promise<boolean> {
  const [a, b] = x < y ? [x, y] : [y, x];
  const joined = new Set<string>();
  for (const members of (await components(db, [a, b])).values()) for (const m of members) joined.add(m);
  if (await holdsNegativePair(db, [...joined])) return false;
  await db.query(
    `insert into identity.link (a, b, method, evidence) values ($1, $2, $3, $4) on conflict (a, b) where removed_at is null do nothing`,
    [a, b, method, evidence],
  );
  return true;
}

/** Remove every active link of `id` (it leaves its person at the next rebuild). */
export async function unlink(db: Db, id: string): Promise<string[]> {
  const rows = await db.query<{ other: string }>(
    `update identity.link set removed_at = now() where (a = $1 or b = $1) and removed_at is null returning case when a = $1 then b else a end as other`,
    [id],
  );
  return rows.map((r) => r.other);
}

/**
 * Withdraw the automatic links of `ids` that no longer rest on anything (a correction at source:
 * the shared biometric reference or verified identifier that made the link is no longer held by
 * both). The pair is then matched as any other (it may become a suggestion); links from a
 * judgement stay, and so do those of a retracted record (its facts are kept as they were).
 * Returns the identities of the links withdrawn, for `rebuildPersons`.
 */
export async function unlinkUnsupported(db: Db, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const verified = (side: string) => `exists (select 1 from identity.identifier i where i.source_identity_id = l.${side} and i.check_status = 'VALID' and i.retracted_at is null
                                              and 'x:id:' || i.scheme || ':' || i.canonical = ta.key)`;
  const rows = await db.query<{ a: string; b: string }>(
    `update identity.link l set removed_at = now()
      where l.removed_at is null and l.method in ('BIOMETRIC', 'IDENTIFIER') and (l.a = any($1::uuid[]) or l.b = any($1::uuid[]))
        and not exists (select 1 from identity.source_identity s where s.id in (l.a, l.b) and s.retracted_at is not null)
        and not exists (
          select 1 from identity.match_token ta join identity.match_token tb on tb.key = ta.key and tb.source_identity_id = l.b
           where ta.source_identity_id = l.a
             and (ta.key like 'x:bio:%' or ta.key like 'x:id:HO\\_REF:%'
                  or ((ta.key like 'x:id:PNC\\_ID:%' or ta.key like 'x:id:CRO:%') and ${verified('a')} and ${verified('b')})))
      returning l.a, l.b`,
    [ids],
  );
  return [...new Set(rows.flatMap((r) => [r.a, r.b]))];
}

export interface PersonChange {
  readonly kind: 'MERGED_INTO' | 'SPLIT_FROM';
  readonly personId: string;
  readonly otherPersonId: string;
}

/**
 * Recompute the persons around `ids` (see the module comment); returns what changed.
 *
 * Decided in memory, component by component (larger first), then written with a fixed number of
 * set-based statements whatever the number of components: a retention chunk rebuilds hundreds of
 * persons at once, and six statements a component (with the triggers each fires) were most of its
 * time. The events are written in the order the decisions were made.
 */
export async function rebuildPersons(db: Db, ids: readonly string[], cause: string): Promise<PersonChange[]> {
  if (!ids.length) return [];
  const changes: PersonChange[] = [];
  const comps = await components(db, ids);
  const all = [...new Set([...comps.values()].flat())];
  const current = new Map(
    (await db.query<{ id: string; person_id: string; created_at: Date }>(
      `select s.id, s.person_id, p.created_at from identity.source_identity s join identity.person p on p.id = s.person_id where s.id = any($1::uuid[])`,
      [all],
    )).map((r) => [r.id, r]),
  );
  const claimed = new Set<string>();
  // Per component, in order: its survivor, whether it is new (and split from which person), who moved.
  const steps: { survivor: string; splitFrom?: string | null; moving: string[] }[] = [];
  // The component that last took identities from a person: the person it merges into if left empty.
  const takenBy = new Map<string, number>();
  // Larger components choose first: after a split the bigger part keeps the person's id.
  for (const members of [...comps.values()].sort((x, y) => y.length - x.length)) {
    // The survivor: the person most members hold already (ties: the oldest), unless another component claimed it.
    const votes = new Map<string, { n: number; created: Date }>();
    for (const m of members) {
      const c = current.get(m);
      if (!c) continue;
      const v = votes.get(c.person_id) ?? { n: 0, created: c.created_at };
      v.n++;
      votes.set(c.person_id, v);
    }
    const ranked = [...votes.entries()].filter(([p]) => !claimed.has(p)).sort((x, y) => y[1].n - x[1].n || x[1].created.getTime() - y[1].created.getTime());
    let survivor = ranked[0]?.[0];
    let splitFrom: string | null | undefined;
    if (!survivor) {
      survivor = randomUUID();
      splitFrom = current.get(members[0]!)?.person_id ?? null;
    }
    claimed.add(survivor);
    const moving = members.filter((m) => current.get(m)?.person_id !== survivor);
    steps.push({ survivor, splitFrom, moving });
    for (const m of moving) {
      const from = current.get(m)?.person_id;
      if (from && from !== survivor) takenBy.set(from, steps.length - 1);
    }
  }
  // A new person is a step with the person it split from (or null): `splitFrom` is set only for those.
  const created = steps.filter((step) => step.splitFrom !== undefined).map((step) => step.survivor);
  if (created.length) await db.query(`insert into identity.person (id) select unnest($1::uuid[])`, [created]);
  const moved = steps.flatMap((step) => step.moving.map((id) => ({ id, person: step.survivor })));
  if (moved.length) {
    await db.query(`update identity.source_identity s set person_id = m.person_id from unnest($1::uuid[], $2::uuid[]) as m(id, person_id) where s.id = m.id`,
      [moved.map((m) => m.id), moved.map((m) => m.person)]);
  }
  // Persons left with no identity were merged into the survivor of the component that took their last.
  const emptied = new Set((await db.query<{ id: string }>(
    `select p.id from identity.person p where p.id = any($1::uuid[]) and not exists (select 1 from identity.source_identity s where s.person_id = p.id)`,
    [[...takenBy.keys()]],
  )).map((r) => r.id));
  const merges = [...takenBy].filter(([person]) => emptied.has(person)).map(([person, step]) => [person, steps[step]!.survivor] as const);
  if (merges.length) {
    const [from, into] = [merges.map((m) => m[0]), merges.map((m) => m[1])];
    await db.query(`update identity.person p set replaced_by = m.survivor, replaced_at = now() from unnest($1::uuid[], $2::uuid[]) as m(id, survivor) where p.id = m.id`, [from, into]);
    // One step suffices for whoever pointed at them (src/subgraphs/shared.ts): they point at the survivor.
    await db.query(`update identity.person p set replaced_by = m.survivor from unnest($1::uuid[], $2::uuid[]) as m(id, survivor) where p.replaced_by = m.id`, [from, into]);
  }
  const events: { person: string; kind: string; other: string | null; identity: string | null }[] = [];
  steps.forEach(({ survivor, splitFrom, moving }, step) => {
    if (splitFrom !== undefined) {
      events.push({ person: survivor, kind: 'CREATED', other: splitFrom, identity: null });
      if (splitFrom) {
        events.push({ person: survivor, kind: 'SPLIT_FROM', other: splitFrom, identity: null });
        changes.push({ kind: 'SPLIT_FROM', personId: survivor, otherPersonId: splitFrom });
      }
    }
    for (const m of moving) events.push({ person: survivor, kind: 'IDENTITY_MOVED', other: null, identity: m });
    for (const [person, into] of merges) {
      if (takenBy.get(person) !== step) continue;
      events.push({ person, kind: 'MERGED_INTO', other: into, identity: null }, { person: into, kind: 'ABSORBED', other: person, identity: null });
      changes.push({ kind: 'MERGED_INTO', personId: person, otherPersonId: into });
    }
  });
  if (events.length) {
    await db.query(
      `insert into identity.person_event (person_id, kind, other_person_id, source_identity_id, cause)
       select e.person_id, e.kind, e.other_person_id, e.source_identity_id, $5 from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[]) with ordinality as e(person_id, kind, other_person_id, source_identity_id, n) order by e.n`,
      [events.map((e) => e.person), events.map((e) => e.kind), events.map((e) => e.other), events.map((e) => e.identity), cause],
    );
  }
  return changes;
}

/** What says who a child is, beside the shared reference. */
const WHO_FIELDS: ReadonlySet<string> = new Set(['name', 'sex', 'dob']);

/**
 * Why a shared reference must not link a pair silently: nothing of who the child is agrees (name,
 * sex, date of birth) and at least two of them disagree — a copied reference, or a wrong one. The
 * model's own reasons against, or undefined when the pair may be linked.
 */
function disagreement(score: Score): string[] | undefined {
  const who = score.contributions.filter((c) => WHO_FIELDS.has(c.field));
  const against = who.filter((c) => c.weight < 0);
  return who.some((c) => c.weight > 0) || against.length < 2 ? undefined : against.map((c) => c.reason);
}

/**
 * Automatic links for `ids`: another identity sharing a biometric reference, or a verified
 * PNC ID / CRO number, or a Home Office reference, that few identities share. Method and
 * evidence are recorded; a link a NEGATIVE judgement forbids is not made. A pair that disagrees
 * on who the child is becomes a suggestion for a person to judge instead, the disagreement in its
 * reasons. Returns the pairs linked.
 */
export async function autoLink(db: Db, ids: readonly string[], sharedAbove: number, model: MatchModel): Promise<[string, string][]> {
  if (!ids.length) return [];
  const rows = await db.query<{ a: string; b: string; key: string }>(
    // The identities' own keys by one index probe each (OFFSET 0 keeps the LATERAL a probe): with
    // `source_identity_id = any(…)` the planner walked the whole key index for the LIKE patterns,
    // 24 s for a dedupe chunk of 5000 at 1M identities, 0.55 s this way.
    `with mine as (select c.id, m.key from unnest($1::uuid[]) as c(id)
                     cross join lateral (select key from identity.match_token m where m.source_identity_id = c.id offset 0) m
                    where m.key like 'x:bio:%' or m.key like 'x:id:PNC\\_ID:%' or m.key like 'x:id:CRO:%' or m.key like 'x:id:HO\\_REF:%'),
     usable as (select key from mine group by key having (select count(*) from identity.match_token t where t.key = mine.key) <= $2)
     select mine.id as a, o.source_identity_id as b, mine.key
       from mine join usable using (key) join identity.match_token o on o.key = mine.key and o.source_identity_id <> mine.id`,
    [ids, sharedAbove],
  );
  // PNC ID and CRO count only when both sides verified their check character.
  const verified = new Set(
    (await db.query<{ source_identity_id: string; scheme: string; canonical: string }>(
      `select source_identity_id, scheme, canonical from identity.identifier where source_identity_id = any($1::uuid[]) and check_status = 'VALID' and retracted_at is null`,
      [[...new Set(rows.flatMap((r) => [r.a, r.b]))]],
    )).map((r) => `${r.source_identity_id}|x:id:${r.scheme}:${r.canonical}`),
  );
  const shared = rows.filter((r) => !/^x:id:(PNC_ID|CRO):/.test(r.key) || (verified.has(`${r.a}|${r.key}`) && verified.has(`${r.b}|${r.key}`)));
  const records = await loadRecords(db, [...new Set(shared.flatMap((r) => [r.a, r.b]))]);
  const prepared = new Map([...records].map(([id, record]) => [id, prepare(record)]));
  const linked: [string, string][] = [];
  const held: Suggestion[] = [];
  // A pair of the chunk's own identities comes once from each side, and once per reference they share.
  const seen = new Set<string>();
  for (const r of shared) {
    const pair = r.a < r.b ? `${r.a} ${r.b}` : `${r.b} ${r.a}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const method: LinkMethod = r.key.startsWith('x:bio:') ? 'BIOMETRIC' : 'IDENTIFIER';
    const evidence = `same ${r.key.split(':').slice(2, 3)[0] ?? ''} ${method === 'BIOMETRIC' ? 'reference' : ''}`.trim();
    const [x, y] = [prepared.get(r.a), prepared.get(r.b)];
    const score = x && y ? model.score(x, y) : undefined;
    const against = score && disagreement(score);
    if (against) held.push({ a: r.a, b: r.b, score: { ...score, reasons: [`${evidence}, but nothing else of who the child is agrees: not linked automatically`, ...against] } });
    else if (await linkIfAllowed(db, r.a, r.b, method, evidence)) linked.push([r.a, r.b]);
  }
  await writeSuggestions(db, held, model.parameters.version);
  return linked;
}
