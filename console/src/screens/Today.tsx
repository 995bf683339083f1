/** Today: what needs my agency now — open alerts, suggestions to review, children missing, actions due. */
import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { age, dateAt, firstName, nameOf, when, words } from '../format';
import { ACKNOWLEDGE, ACTIONS_DUE, MISSING_NOW, TODAY } from '../queries';
import { Grade, Section, Status, useQuery } from '../ui';

export function Today() {
  const today = useQuery(TODAY, {}, 'today');
  const missing = useQuery(MISSING_NOW, {}, 'missing');
  const children = missing.data?.missingNow.edges.map((e) => e.node) ?? [];
  const actions = useQuery(ACTIONS_DUE, {}, 'actions');
  const due = actions.data?.actionsDue ?? [];
  const [message, setMessage] = useState<string>();
  const alerts = today.data?.matchAlerts.edges.map((e) => e.node) ?? [];
  const suggestions = today.data?.matchSuggestions;

  const acknowledge = async (id: string) => {
    try {
      await request(ACKNOWLEDGE, { id });
      setMessage('Alert acknowledged: your agency is recorded as acting on it.');
      today.reload();
    } catch (e) {
      setMessage((e as ApiError).message);
    }
  };

  // Drawn once all three answers are in, so nothing moves under the reader's eye (or pointer).
  if ([today, missing, actions].some((q) => q.loading && !q.data && !q.error)) return <><h1>Today</h1><Status loading /></>;
  return (
    <>
      <h1>Today</h1>
      <Status error={today.error} />
      {message ? <p class="notice" role="status">{message}</p> : null}
      <Section title={`Match alerts (${today.data?.matchAlerts.totalCount ?? 0} open)`} id="alerts">
        {alerts.length === 0 ? <p class="none">No open alerts for your agency.</p> : (
          <ul class="items">
            {alerts.map((a) => (
              <li key={a.id} class="item">
                <p>
                  <strong>A record that may be a missing child:</strong>{' '}
                  <a href={`#/child/${a.missingPerson.id}`}>{nameOf(a.missingPerson.identities[0]?.names?.[0]) || 'the missing child'}</a>{' '}
                  — {a.candidate.agency} record {a.candidate.localId ?? ''} ({firstName(a.candidate.names)}), <Grade grade={a.grade} probability={a.probability} />
                </p>
                <p class="meta">Raised {when(a.raisedAt)} for {a.agencies.join(', ')}. {a.reasons.slice(0, 2).join('; ')}</p>
                <button type="button" class="button" onClick={() => acknowledge(a.id)}>Acknowledge</button>{' '}
                <a class="button secondary" href={`#/child/${a.missingPerson.id}`}>Open the child</a>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={`Missing now (${missing.data?.missingNow.totalCount ?? '…'})`} id="missing">
        <Status error={missing.error} />
        {missing.data && !children.length ? <p class="none">No child you may see is missing now.</p> : (
          <ul class="items">
            {children.map((m) => {
              const dob = m.person.identities.flatMap((i) => i.birthDates ?? [])[0];
              return (
                <li key={m.person.id} class="item">
                  <a href={`#/child/${m.person.id}`}>{nameOf(m.person.identities.flatMap((i) => i.names ?? [])[0]) || 'Name withheld'}</a>
                  {dob ? `, age ${age(dob.value, dob.precision)}` : ''}{' '}
                  {m.riskLevel ? <strong class={`risk risk-${m.riskLevel.toLowerCase()}`}>risk {words(m.riskLevel)}</strong> : null}
                  <p class="meta">Missing since {when(m.startedAt)} · reported by {m.agencies.join(', ')}{m.ownRecord ? ' · your record' : ' · national picture (missing-child rule)'}</p>
                </li>
              );
            })}
          </ul>
        )}
      </Section>
      <Section title={`Actions due for your agency (${due.length})`} id="actions-due">
        <Status error={actions.error} />
        {actions.data && !due.length ? <p class="none">No open action due in the next 14 days.</p> : (
          <ul class="items">
            {due.map((d) => (
              <li key={d.action.id} class={`item${d.action.overdue ? ' overdue' : ''}`}>
                {d.action.overdue ? <strong class="overdue-mark">Overdue: </strong> : null}{d.action.description} — due {dateAt(d.action.dueOn)}, for{' '}
                <a href={`#/child/${d.personId}`}>{nameOf(d.person.identities.flatMap((i) => i.names ?? [])[0]) || 'the child'}</a>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={`Possible same child (${suggestions?.openCount ?? 0} to review)`} id="suggestions">
        {!suggestions?.edges.length ? <p class="none">Nothing waiting for review.</p> : (
          <ul class="items">
            {suggestions.edges.map(({ node: s }) => (
              <li key={s.id} class="item">
                {s.records.map((r, i) => (
                  <span key={r.id}>{i ? ' and ' : ''}<a href={`#/child/${s.persons[i]?.id ?? s.persons[0]!.id}`}>{r.agency} {r.localId} ({firstName(r.names)})</a></span>
                ))}{' '}
                <Grade grade={s.grade} probability={s.probability} />
              </li>
            ))}
          </ul>
        )}
        <p><a href="#/review">Review all suggestions</a></p>
      </Section>
    </>
  );
}
