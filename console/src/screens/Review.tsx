/** The review queue: records that may be one child, missing children first, each decided with a reason. */
import { useState } from 'preact/hooks';
import { dateAt, nameOf, words } from '../format';
import { QUEUE } from '../queries';
import { Evidence, Grade, Status, useQuery } from '../ui';
import { isPractitioner } from '../session';
import { Decision } from './Child';

const STATUSES = ['OPEN', 'UNSURE', 'SAME', 'DIFFERENT'] as const;
/** Grades below probable: the queue takes them too (the review bar, src/resolution/suggestions.ts). */
const WEAK = new Set(['POSSIBLE', 'CERTAINLY_NOT']);

export function Review() {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('OPEN');
  const queue = useQuery(QUEUE, { status, first: 25, after: null }, status);
  const [message, setMessage] = useState<string>();
  const page = queue.data?.matchSuggestions;
  return (
    <>
      <h1>Review possible matches</h1>
      <div class="field inline"><label for="q-status">Show</label>
        <select id="q-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as typeof status)}>
          {STATUSES.map((s) => <option key={s} value={s}>{s === 'OPEN' ? 'Waiting for a decision' : `Decided ${words(s)}`}</option>)}
        </select></div>
      {message ? <p class="notice" role="status">{message}</p> : null}
      <Status loading={queue.loading && !queue.data} error={queue.error} />
      {page ? <p>{page.totalCount} {words(status)}; {page.openCount} waiting in all.</p> : null}
      <ol class="items">
        {page?.edges.map(({ node: s }) => (
          <li key={s.id} class="item suggestion">
            <div class="pair">
              {s.records.map((r, i) => (
                <div key={r.id} class="side">
                  <h2 class="h3"><a href={`#/child/${s.persons[i]?.id ?? s.persons[0]?.id}`}>{r.agency} {r.localId}</a></h2>
                  <p>{r.names ? (r.names.length ? r.names.map(nameOf).join('; ') : 'No name recorded') : 'Names withheld'}</p>
                  <p class="meta">{r.birthDates?.length ? `Born ${dateAt(r.birthDates[0]!.value, r.birthDates[0]!.precision)}` : 'Date of birth not known to you'}{r.sex ? ` · ${words(r.sex)}` : ''}{r.nationality ? ` · ${r.nationality}` : ''}</p>
                  {r.contacts?.length ? <p class="meta">{r.contacts.map((c) => `${words(c.kind)} ${c.value}`).join('; ')}</p> : null}
                </div>
              ))}
            </div>
            <p><Grade grade={s.grade} probability={s.probability} /> {s.reasons.slice(0, 3).join('; ')}</p>
            {WEAK.has(s.grade) ? <p class="meta">A weak suggestion: shown so that no likely other record of a child is missed, but most pairs this weak are two children.</p> : null}
            <details><summary>The evidence, field by field</summary><Evidence contributions={s.contributions} /></details>
            {s.decidedBy ? <p class="meta">Decided by {s.decidedBy}: {s.decisionReason}</p> : null}
            {isPractitioner() && (s.status === 'OPEN' || s.status === 'UNSURE') ? <Decision id={s.id} label="Is this the same child?" onDone={(m) => { setMessage(m); queue.reload(); }} /> : null}
          </li>
        ))}
      </ol>
    </>
  );
}
