/**
 * Subject access (UK GDPR Art. 15): for the child one agency's record belongs to, everything
 * harbour holds about them across agencies with its source and dates, every disclosure of their
 * data (who, which agency, when, which category, on what basis; for break glass the justification
 * and its review), and every match decision about them with its reason. Items another agency holds
 * are marked with that agency, so the DPO can consult it before release (police data may fall
 * under DPA 2018 Part 3 exemptions); harbour never decides an exemption itself.
 */
import type { Db } from '../db';
import { escapeHtml as escape } from '../html';
import { ErrorCode, HarbourError } from '../errors';
import { referencing } from './purge';

export interface SubjectAccess {
  generatedAt: string;
  /** The agency whose DPO asked, and the record named. */
  requestedBy: { agency: string; localId: string };
  personId: string;
  records: { heldBy: string; consultBeforeRelease: boolean; feed: string; localId: string | null; firstSeen: string; lastSeen: string; facts: Record<string, unknown[]> }[];
  disclosures: { at: string; sub: string; agency: string; category: string; paths: unknown; basis: string | null; justification: Record<string, unknown> | null }[];
  matchDecisions: { at: string; judgement: string; reason: string; sub: string; agency: string; records: string[] }[];
}

/** The subject access of the child `agency`'s record `localId` belongs to; NOT_FOUND when there is none. */
export async function subjectAccess(db: Db, agency: string, localId: string): Promise<SubjectAccess> {
  const [subject] = await db.query<{ person_id: string }>(
    `select coalesce(p.replaced_by, p.id) as person_id from identity.source_identity s join identity.person p on p.id = s.person_id
      where s.agency = $1 and s.local_id = $2 order by s.last_seen desc limit 1`,
    [agency, localId],
  );
  if (!subject) throw new HarbourError(ErrorCode.NOT_FOUND, `sar: ${agency} holds no record "${localId.slice(0, 60)}"`);
  const personId = subject.person_id;
  const identities = await db.query<{ id: string; agency: string; feed: string; local_id: string | null; first_seen: Date; last_seen: Date }>(
    `select id, agency, feed, local_id, first_seen, last_seen from identity.source_identity where person_id = $1 order by agency, first_seen`, [personId]);
  const ids = identities.map((i) => i.id);
  // Every row that rests on the child's records, by the database's own foreign keys, table by table.
  const facts = new Map<string, Record<string, unknown[]>>(ids.map((id) => [id, {}]));
  for (const fk of await referencing(db, 'identity.source_identity')) {
    if (/^identity\.(match_|link|judgement|person_event)/.test(fk.child)) continue; // matching machinery, not facts about the child
    const rows = await db.query<{ source: string; row: unknown }>(`select ${fk.column} as source, to_jsonb(t) - '${fk.column}' as row from ${fk.child} t where ${fk.column} = any($1::uuid[])`, [ids]);
    for (const { source, row } of rows) (facts.get(source)![fk.child] ??= []).push(row);
  }
  const disclosures = await db.query<SubjectAccess['disclosures'][number]>(
    `select e.at, e.sub, e.agency, e.category, e.paths::jsonb as paths, e.basis_kind as basis,
            case when e.basis_kind = 'JUSTIFICATION' then (select jsonb_build_object('id', j.id, 'declaredBy', j.declared_by, 'agency', j.agency, 'statutoryBasis', j.statutory_basis,
              'reason', j.reason, 'declaredAt', j.declared_at, 'reviewStatus', j.review_status, 'reviewOutcome', j.review_outcome, 'reviewedBy', j.reviewed_by, 'reviewNote', j.review_note)
              from access.justification j where j.id::text = e.basis_id) end as justification
       from audit.event e
      where e.outcome = 'RELEASED' and e.basis_kind <> 'OWN_AGENCY'
        and e.person_id in (select p.id from identity.person p where p.id = $1 or p.replaced_by = $1)
      order by e.seq`,
    [personId],
  );
  const matchDecisions = await db.query<SubjectAccess['matchDecisions'][number]>(
    `select j.recorded_at as at, j.judgement, j.reason, j.sub, j.agency, array[a.agency || ':' || coalesce(a.local_id, ''), b.agency || ':' || coalesce(b.local_id, '')] as records
       from identity.judgement j join identity.source_identity a on a.id = j.a join identity.source_identity b on b.id = j.b
      where j.a = any($1::uuid[]) or j.b = any($1::uuid[]) order by j.recorded_at`,
    [ids],
  );
  return {
    generatedAt: new Date().toISOString(),
    requestedBy: { agency, localId },
    personId,
    records: identities.map((i) => ({
      heldBy: i.agency, consultBeforeRelease: i.agency !== agency, feed: i.feed, localId: i.local_id,
      firstSeen: i.first_seen.toISOString(), lastSeen: i.last_seen.toISOString(), facts: facts.get(i.id)!,
    })),
    disclosures,
    matchDecisions,
  };
}


/** The printable document: the same content as the JSON, for the DPO to read and redact. */
export function subjectAccessHtml(sar: SubjectAccess): string {
  const records = sar.records.map((r) => `<section><h3>${escape(r.heldBy)} · ${escape(r.feed)} · ${escape(r.localId)}${r.consultBeforeRelease ? ' <strong>— held by another agency: consult it before release</strong>' : ''}</h3>
    <p>First received ${escape(r.firstSeen.slice(0, 10))}, last ${escape(r.lastSeen.slice(0, 10))}.</p>
    ${Object.entries(r.facts).map(([table, rows]) => `<h4>${escape(table)}</h4><pre>${escape(rows.map((x) => JSON.stringify(x)).join('\n'))}</pre>`).join('')}</section>`).join('');
  const row = (cells: unknown[]) => `<tr>${cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Subject access</title>
<style>body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em } table { border-collapse: collapse } td, th { border: 1px solid #bbb; padding: 2px 6px; text-align: left } pre { white-space: pre-wrap }</style></head><body>
<h1>Subject access</h1>
<p>Child <code>${escape(sar.personId)}</code>, found by ${escape(sar.requestedBy.agency)} record ${escape(sar.requestedBy.localId)} · generated ${escape(sar.generatedAt.slice(0, 16).replace('T', ' '))} UTC.
harbour does not decide exemptions: items held by another agency are marked for consultation before release.</p>
<h2>Records held</h2>${records}
<h2>Disclosures</h2><table><tr><th>When</th><th>Who</th><th>Agency</th><th>Category</th><th>Basis</th><th>Justification and review</th></tr>
${sar.disclosures.map((d) => row([String(d.at), d.sub, d.agency, d.category, d.basis, d.justification ? JSON.stringify(d.justification) : ''])).join('')}</table>
<h2>Match decisions</h2><table><tr><th>When</th><th>Decision</th><th>Reason</th><th>By</th><th>Records</th></tr>
${sar.matchDecisions.map((m) => row([String(m.at), m.judgement, m.reason, `${m.sub} (${m.agency})`, m.records.join(', ')])).join('')}</table>
</body></html>`;
}
