/** The data protection officer: break-glass reviews, disclosures for a child or by a user, with CSV export. */
import { useState } from 'preact/hooks';
import type { ResultOf } from '../graphql';
import { ApiError, request } from '../api';
import { dayRange, when, words } from '../format';
import { ACCESS_BY, DECISIONS, REVIEW, REVIEWS, TRAIL } from '../queries';
import { Section, Status, useQuery } from '../ui';

type Row = ResultOf<typeof TRAIL>['auditTrail']['edges'][number]['node'];

export function Dpo() {
  return (
    <>
      <h1>Data protection</h1>
      <Reviews />
      <Disclosures />
      <Decisions />
    </>
  );
}

function Reviews() {
  const reviews = useQuery(REVIEWS, { status: 'PENDING' }, 'reviews');
  const [message, setMessage] = useState<string>();
  return (
    <Section title={`Break-glass justifications to review (${reviews.data?.breakGlassReviews.length ?? 0})`} id="reviews">
      <Status loading={reviews.loading && !reviews.data} error={reviews.error} />
      {message ? <p class="notice" role="status">{message}</p> : null}
      {reviews.data && !reviews.data.breakGlassReviews.length ? <p class="none">Nothing waiting for review.</p> : null}
      <ul class="items">
        {reviews.data?.breakGlassReviews.map((j) => (
          <li key={j.id} class="item">
            <p><strong>{j.declaredBy}</strong> ({j.agency}) on {when(j.declaredAt)}: {j.categories.map(words).join(', ')} under {words(j.statutoryBasis)}, released to {j.recipients.join(', ')} until {when(j.expiresAt)}; used {j.uses} {j.uses === 1 ? 'time' : 'times'}.</p>
            <blockquote>{j.reason}</blockquote>
            <ReviewForm id={j.id} onDone={(m) => { setMessage(m); reviews.reload(); }} />
          </li>
        ))}
      </ul>
    </Section>
  );
}

function ReviewForm({ id, onDone }: { id: string; onDone: (m: string) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const review = async (outcome: 'JUSTIFIED' | 'NOT_JUSTIFIED') => {
    try {
      await request(REVIEW, { id, outcome, note: note.trim() || null });
      onDone(`Reviewed: ${words(outcome)}.`);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  return (
    <div class="decision" role="group" aria-label="Your review">
      <label for={`note-${id}`}>Your note</label>
      {error ? <span class="field-error" role="alert">{error}</span> : null}
      <textarea id={`note-${id}`} rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      <div class="buttons">
        <button type="button" class="button" onClick={() => review('JUSTIFIED')}>Justified</button>
        <button type="button" class="button secondary" onClick={() => review('NOT_JUSTIFIED')}>Not justified</button>
      </div>
    </div>
  );
}

function toCsv(rows: Row[]): string {
  const head = ['seq', 'at', 'sub', 'agency', 'roles', 'personId', 'category', 'outcome', 'basis', 'basisId'];
  const q = (v: unknown) => {
    const s = Array.isArray(v) ? v.join(' ') : String(v ?? '');
    // A leading = + - @ would be a formula in a spreadsheet.
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
    return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [head.join(','), ...rows.map((r) => head.map((h) => q(r[h as keyof Row])).join(','))].join('\n');
}

function Disclosures() {
  const [mode, setMode] = useState<'child' | 'user'>('child');
  const [subject, setSubject] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<Row[]>();
  const [error, setError] = useState<string>();
  const [href, setHref] = useState<string>();
  const run = async (e: Event) => {
    e.preventDefault();
    if (!subject.trim()) return setError(mode === 'child' ? 'Give the child’s id.' : 'Give the user, as their token names them.');
    if (from && to && from > to) return setError('The date range is reversed: “from” is after “to”.');
    setError(undefined);
    try {
      const all: Row[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const range = dayRange(from, to);
        const conn: ResultOf<typeof TRAIL>['auditTrail'] = mode === 'child'
          ? (await request(TRAIL, { personId: subject.trim(), first: 200, after, ...range })).data.auditTrail
          : (await request(ACCESS_BY, { sub: subject.trim(), first: 200, after, ...range })).data.accessBy;
        all.push(...conn.edges.map((x) => x.node));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      setRows(all);
      if (href) URL.revokeObjectURL(href);
      setHref(URL.createObjectURL(new Blob([toCsv(all)], { type: 'text/csv' })));
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return (
    <Section title="Disclosures" id="disclosures">
      <form onSubmit={run} class="inline-form">
        <fieldset><legend>Whose disclosures</legend>
          <div class="check"><input type="radio" id="m-child" name="mode" checked={mode === 'child'} onChange={() => setMode('child')} /><label for="m-child">Of a child’s data</label></div>
          <div class="check"><input type="radio" id="m-user" name="mode" checked={mode === 'user'} onChange={() => setMode('user')} /><label for="m-user">By a user of my agency</label></div>
        </fieldset>
        <div class="row">
          <div class="field grow"><label for="d-subject">{mode === 'child' ? 'Child id' : 'User'}</label><input id="d-subject" value={subject} onInput={(e) => setSubject((e.target as HTMLInputElement).value)} /></div>
          <div class="field"><label for="d-from">From</label><input id="d-from" type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></div>
          <div class="field"><label for="d-to">To</label><input id="d-to" type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></div>
        </div>
        {error ? <p class="field-error" role="alert">{error}</p> : null}
        <button type="submit" class="button">Show disclosures</button>
      </form>
      {rows ? (
        <>
          <p>{rows.length} access decisions. {href ? <a href={href} download="disclosures.csv">Download as CSV</a> : null}</p>
          <div class="scroll" tabIndex={0} role="region" aria-label="Disclosures table">
            <table class="audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Agency</th><th scope="col">Category</th><th scope="col">Outcome</th><th scope="col">Basis</th></tr></thead>
              <tbody>{rows.map((r) => <tr key={r.seq}><td>{when(r.at)}</td><td>{r.sub}</td><td>{r.agency}</td><td>{words(r.category)}</td><td>{words(r.outcome)}</td><td>{words(r.basis)}{r.basisId ? ` ${r.basisId.slice(0, 8)}` : ''}</td></tr>)}</tbody>
            </table>
          </div>
        </>
      ) : null}
    </Section>
  );
}

const EFFECT: Record<string, string> = { MERGED: 'merged two children', SPLIT: 'split a record off', UNDONE: 'undid a merge', KEPT_APART: 'kept apart', NO_CHANGE: 'no change' };

/** Merges and splits, and every other match decision, with who made them and why. */
function Decisions() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState({ from: '', to: '' });
  const range = dayRange(applied.from, applied.to);
  const decisions = useQuery(DECISIONS, { personId: null, sub: null, ...range, first: 100, after: null }, `${applied.from}|${applied.to}`);
  const [error, setError] = useState<string>();
  const apply = (e: Event) => {
    e.preventDefault();
    if (from && to && from > to) return setError('The date range is reversed: “from” is after “to”.');
    setError(undefined);
    setApplied({ from, to });
  };
  const rows = decisions.data?.matchDecisions.edges.map((e) => e.node) ?? [];
  return (
    <Section title="Merges, splits and other match decisions" id="decisions">
      <form class="inline-form row" onSubmit={apply}>
        <div class="field"><label for="md-from">From</label><input id="md-from" type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></div>
        <div class="field"><label for="md-to">To</label><input id="md-to" type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></div>
        <div class="field"><span class="label-space" aria-hidden="true">&nbsp;</span><button type="submit" class="button secondary">Show</button></div>
      </form>
      {error ? <p class="field-error" role="alert">{error}</p> : null}
      <Status loading={decisions.loading && !decisions.data} error={decisions.error} />
      {decisions.data && !rows.length ? <p class="none">No match decisions in this range.</p> : null}
      {rows.length ? (
        <div class="scroll" tabIndex={0} role="region" aria-label="Match decisions table">
          <table class="audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Decision</th><th scope="col">Records</th><th scope="col">Reason</th></tr></thead>
            <tbody>{rows.map((d) => (
              <tr key={d.id}><td>{when(d.at)}</td><td>{d.sub} ({d.agency})</td><td>{words(d.decision)}: {EFFECT[d.effect] ?? words(d.effect)}</td>
                <td>{d.records.map((r) => `${r.agency} ${r.localId ?? '(id withheld)'}`).join(' and ')}</td><td>{d.reason}</td></tr>
            ))}</tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}
