/**
 * The child: every agency's record side by side, why they are one child, possible other records,
 * risk, plan readiness, the chronology in sentences, discussions and actions; what is withheld and
 * what would release it.
 */
import { useState } from 'preact/hooks';
import type { ResultOf } from '../graphql';
import { ApiError, isWithheld, request, type Withheld } from '../api';
import { age, dateAt, firstName, isoToday, nameOf, when, words } from '../format';
import { CHILD, CONVENE, DECIDE, POSSIBLE, RECORD_ACTION, UPDATE_ACTION } from '../queries';
import { isPractitioner, session } from '../session';
import { Evidence, Grade, Section, Status, useQuery, WithheldMark } from '../ui';
import { Withholding } from './Withheld';

type Person = NonNullable<ResultOf<typeof CHILD>['person']>;
type Identity = Person['identities'][number];


/** The best-known date of birth: documented over assessed over claimed, finer precision first. */
function bestBirthDate(identities: Identity[]) {
  const rank = (b: { basis: string; precision: string }) => ['DOCUMENTED', 'ASSESSED', 'CLAIMED'].indexOf(b.basis) * 3 + ['DAY', 'MONTH', 'YEAR'].indexOf(b.precision);
  return identities.flatMap((i) => i.birthDates ?? []).sort((a, b) => rank(a) - rank(b))[0];
}

export function Child({ id }: { id: string }) {
  const child = useQuery(CHILD, { id }, id);
  const p = child.data?.person;
  if (!p) return <><h1>Child</h1><Status loading={child.loading} error={child.error} />{child.data && !p ? <p class="error" role="alert">No child with this id, or none your agency may see.</p> : null}</>;
  if (p.replacedBy && p.replacedBy !== p.id) location.hash = `#/child/${p.replacedBy}`;
  const names = p.identities.flatMap((i) => i.names ?? []);
  const dob = bestBirthDate(p.identities);
  const aliases = [...new Set(names.map(nameOf))].filter(Boolean);
  return (
    <>
      <h1>{aliases[0] ?? 'Name withheld'}{dob ? <span class="sub"> · age {age(dob.value, dob.precision)}</span> : null}</h1>
      {aliases.length > 1 ? <p class="lead">Also known as {aliases.slice(1).join('; ')}</p> : null}
      <p class="actions-bar">
        <a class="button secondary" href={`#/pack/${p.id}`}>Strategy pack</a>
        <span class="meta">{p.identities.length} {p.identities.length === 1 ? 'record' : 'records'} from {[...new Set(p.identities.map((i) => i.agency))].join(', ')}</span>
      </p>
      <Status error={child.error} />
      <Risk p={p} />
      <Identities p={p} withheld={child.withheld} />
      <PossibleMatches p={p} onDecided={child.reload} />
      <Withholding personId={p.id} categories={p.safeguarding?.withheldCategories ?? []} withheld={child.withheld} onReleased={child.reload} />
      <Missing p={p} />
      <Placements p={p} withheld={child.withheld} />
      <Chronology p={p} />
      <Plan p={p} />
      <Discussions p={p} reload={child.reload} />
    </>
  );
}

function Risk({ p }: { p: Person }) {
  const signals = p.safeguarding?.riskSignals ?? [];
  if (!signals.length) return null;
  return (
    <Section title="Risk signals">
      <ul class="signals">{signals.map((s) => <li key={s.kind}><strong>{words(s.kind)}</strong> since {when(s.since)}: {s.detail}</li>)}</ul>
    </Section>
  );
}

function value(withheld: Withheld[], path: (string | number)[], v: unknown, render: () => preact.ComponentChildren) {
  if (v === null || v === undefined) {
    const w = isWithheld(withheld, path);
    return w ? <WithheldMark item={w} /> : <span class="none">not recorded</span>;
  }
  if (Array.isArray(v) && v.length === 0) return <span class="none">none</span>;
  return render();
}

function Identities({ p, withheld }: { p: Person; withheld: Withheld[] }) {
  const row = (label: string, cell: (i: Identity, n: number) => preact.ComponentChildren) => (
    <tr><th scope="row">{label}</th>{p.identities.map((i, n) => <td key={i.id}>{cell(i, n)}</td>)}</tr>
  );
  const at = (n: number, field: string) => ['person', 'identities', n, field];
  return (
    <Section title="Records, side by side">
      <p class="hint">{p.identities.length > 1 ? 'These records are one child: linked by a shared biometric reference or verified identifier, or by a practitioner’s decision (see the decisions in the chronology).' : 'One record so far.'}</p>
      <div class="scroll" tabIndex={0} role="region" aria-label="Records table">
        <table class="identities">
          <thead><tr><td /> {p.identities.map((i) => <th key={i.id} scope="col">{i.agency}<br /><small>{words(i.feed)} {i.localId ?? ''}</small></th>)}</tr></thead>
          <tbody>
            {row('Names', (i, n) => value(withheld, at(n, 'names'), i.names, () => i.names!.map((x, k) => <div key={k}><span lang={x.script && x.script !== 'Latn' ? undefined : 'en'}>{nameOf(x)}</span> <small>({words(x.kind)}{x.script ? `, ${x.script} script` : ''})</small></div>)))}
            {row('Date of birth', (i, n) => value(withheld, at(n, 'birthDates'), i.birthDates, () => i.birthDates!.map((b, k) => <div key={k}>{dateAt(b.value, b.precision)} <small>({words(b.basis)}{b.precision !== 'DAY' ? `, ${words(b.precision)} only` : ''})</small></div>)))}
            {row('Sex', (i, n) => value(withheld, at(n, 'sex'), i.sex, () => words(i.sex)))}
            {row('Nationality', (i, n) => value(withheld, at(n, 'nationality'), i.nationality, () => i.nationality))}
            {row('Identifiers', (i, n) => value(withheld, at(n, 'identifiers'), i.identifiers, () => i.identifiers!.map((x, k) => <div key={k}>{x.scheme} {x.value} <small>({x.checkStatus === 'VALID' ? 'check digit verified' : x.checkStatus === 'INVALID' ? 'check digit wrong: not used to link' : 'cannot be checked'})</small></div>)))}
            {row('Biometric references', (i, n) => value(withheld, at(n, 'biometrics'), i.biometrics, () => i.biometrics!.map((x, k) => <div key={k}>{words(x.modality)} {x.repository} {x.reference}</div>)))}
            {row('Contacts', (i, n) => value(withheld, at(n, 'contacts'), i.contacts, () => i.contacts!.map((x, k) => <div key={k}>{words(x.kind)} {x.platform ? `${x.platform} ` : ''}{x.value}</div>)))}
            {row('Seen', (i) => <small>{when(i.firstSeen)} – {when(i.lastSeen)}</small>)}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

export function Decision({ id, onDone, label }: { id: string; onDone: (message: string) => void; label: string }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const decide = async (decision: 'SAME' | 'DIFFERENT' | 'UNSURE') => {
    if (reason.trim().length < 10) {
      setError('Give your reason in a sentence (at least 10 characters): it is kept with the decision.');
      document.getElementById(`reason-${id}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await request(DECIDE, { id, decision, reason: reason.trim() });
      onDone(decision === 'SAME' ? 'Recorded: the same child. The records are now one child.' : decision === 'DIFFERENT' ? 'Recorded: different children. They will not be suggested together again.' : 'Recorded: not sure. It stays in the queue.');
    } catch (e) {
      setError((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="decision" role="group" aria-label={label}>
      <label for={`reason-${id}`}>Your reason</label>
      {error ? <span class="field-error" role="alert" id={`reason-${id}-error`}>{error}</span> : null}
      <textarea id={`reason-${id}`} rows={2} value={reason} aria-describedby={error ? `reason-${id}-error` : undefined} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
      <div class="buttons">
        <button type="button" class="button" disabled={busy} onClick={() => decide('SAME')}>Same child</button>
        <button type="button" class="button secondary" disabled={busy} onClick={() => decide('DIFFERENT')}>Different children</button>
        <button type="button" class="button secondary" disabled={busy} onClick={() => decide('UNSURE')}>Not sure</button>
      </div>
    </div>
  );
}

function PossibleMatches({ p, onDecided }: { p: Person; onDecided: () => void }) {
  const [message, setMessage] = useState<string>();
  const possible = useQuery(POSSIBLE, { id: p.id }, p.id + p.identities.length);
  const matches = possible.data?.person?.possibleMatches;
  const edges = matches?.edges ?? [];
  const reload = () => {
    possible.reload();
    onDecided();
  };
  return (
    <Section title={`Possible other records (${matches ? edges.length : "…"})`} id="possible">
      {message ? <p class="notice" role="status">{message}</p> : null}
      <Status loading={possible.loading && !possible.data} error={possible.error} />
      {matches && !edges.length ? <p class="none">None waiting for a decision.</p> : (
        <ul class="items">
          {edges.map(({ node: s }) => {
            const other = s.records.filter((r) => !p.identities.some((i) => i.id === r.id));
            return (
              <li key={s.id} class="item">
                <p>{other.map((r) => `${r.agency} ${r.localId ?? ''} (${firstName(r.names)}${r.birthDates?.[0] ? `, born ${dateAt(r.birthDates[0].value, r.birthDates[0].precision)}` : ''})`).join('; ')} <Grade grade={s.grade} probability={s.probability} /></p>
                <details><summary>Why: {s.reasons.slice(0, 2).join('; ')}</summary><Evidence contributions={s.contributions} /></details>
                {isPractitioner() ? <Decision id={s.id} label="Is this the same child?" onDone={(m) => { setMessage(m); reload(); }} /> : null}
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}

function Missing({ p }: { p: Person }) {
  const episodes = p.care?.missingEpisodes ?? [];
  const reports = p.police?.missingReports ?? [];
  const open = [...episodes.filter((e) => e.open).map((e) => `missing from ${e.agency} since ${when(e.startedAt)}${e.riskLevel ? `, risk ${e.riskLevel}` : ''}${e.lastSeenLocation ? `, last seen ${e.lastSeenLocation}` : ''}`),
    ...reports.filter((r) => r.open).map((r) => `reported missing to ${r.agency} ${when(r.reportedAt)}${r.riskLevel ? `, risk ${r.riskLevel}` : ''}${r.lastSeenLocation ? `, last seen ${r.lastSeenLocation}` : ''}${r.ukmpuNotifiedAt ? '' : '; UKMPU not notified'}`)];
  if (!open.length) return null;
  return <Section title="Missing now"><ul class="alerts">{open.map((o) => <li key={o}>{o}</li>)}</ul></Section>;
}

function Placements({ p, withheld }: { p: Person; withheld: Withheld[] }) {
  const placements = p.care?.placements;
  const hidden = isWithheld(withheld, ['person', 'care', 'placements']);
  if (hidden && !placements) return <Section title="Placements"><p>Placements: <WithheldMark item={hidden} /></p></Section>;
  if (!placements?.length) return null;
  return (
    <Section title="Placements">
      <table class="placements"><thead><tr><th scope="col">Agency</th><th scope="col">Type</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Postcode</th></tr></thead>
        <tbody>{placements.map((x, n) => (
          <tr key={x.id}><td>{x.agency}</td><td>{x.placementType ?? ''}</td><td>{x.startedOn ? dateAt(x.startedOn) : ''}</td><td>{x.endedOn ? dateAt(x.endedOn) : 'now'}</td>
            <td>{value(withheld, ['person', 'care', 'placements', n, 'postcode'], x.postcode, () => x.postcode)}</td></tr>
        ))}</tbody>
      </table>
    </Section>
  );
}

const KIND_SENTENCE: Record<string, string> = {
  PLACEMENT_STARTED: 'Placement started', PLACEMENT_ENDED: 'Placement ended', WENT_MISSING: 'Went missing', RETURNED: 'Returned',
  UASC_CEASED: 'Stopped being an unaccompanied asylum-seeking child', PLAN_ITEM_RECORDED: 'Plan item recorded', CONSENT_GIVEN: 'Consent given',
  CONSENT_WITHDRAWN: 'Consent withdrawn', MISSING_REPORTED: 'Reported missing', RISK_GRADED: 'Risk graded', UKMPU_NOTIFIED: 'UK Missing Persons Unit notified',
  FOUND: 'Found', CUSTODY: 'Taken into custody', ENCOUNTER: 'Encountered by the Home Office', ASYLUM_CLAIMED: 'Claimed asylum', ASYLUM_DECIDED: 'Asylum decided',
  NRM_REFERRED: 'Referred to the National Referral Mechanism', NRM_REASONABLE_GROUNDS: 'NRM reasonable grounds decision', NRM_CONCLUSIVE_GROUNDS: 'NRM conclusive grounds decision',
  AGE_ASSESSED: 'Age assessed', STRATEGY_DISCUSSION: 'Strategy discussion held', RECORD_CORRECTED: 'Record corrected at source',
};

type TimelineEvent = NonNullable<Person['safeguarding']>['chronology'][number];
/** The event in a sentence: the API's own summary when it gives one. */
export function sentence(e: TimelineEvent & { summary?: string | null }): string {
  return e.summary ?? `${KIND_SENTENCE[e.kind] ?? words(e.kind)} (${e.agency})`;
}

function Chronology({ p }: { p: Person }) {
  const events = p.safeguarding?.chronology ?? [];
  const kinds = [...new Set(events.map((e) => e.kind))];
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const shown = events.filter((e) => (!kind || e.kind === kind) && (!from || e.at.slice(0, 10) >= from) && (!to || e.at.slice(0, 10) <= to));
  return (
    <Section title="Chronology">
      <div class="filters row" role="group" aria-label="Filter the chronology">
        <div class="field"><label for="chron-kind">Kind</label>
          <select id="chron-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            <option value="">Everything</option>{kinds.map((k) => <option key={k} value={k}>{KIND_SENTENCE[k] ?? words(k)}</option>)}
          </select></div>
        <div class="field"><label for="chron-from">From</label><input id="chron-from" type="date" value={from} max={isoToday()} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></div>
        <div class="field"><label for="chron-to">To</label><input id="chron-to" type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></div>
      </div>
      {!shown.length ? <p class="none">Nothing recorded that you may see{kind || from || to ? ' in this filter' : ''}.</p> : (
        <ol class="timeline">
          {shown.map((e, n) => {
            const due = e.due;
            return (
              <li key={`${e.record}-${n}`} class={due ? 'due' : undefined}>
                <span class="when">{due ? 'Due ' : ''}{when(e.at)}</span> <span class="what">{sentence(e)}</span> <small class="agency">{e.agency}</small>
              </li>
            );
          })}
        </ol>
      )}
    </Section>
  );
}

function Plan({ p }: { p: Person }) {
  const items = p.safeguarding?.planReadiness ?? [];
  if (!items.length) return null;
  return (
    <Section title="Plan readiness">
      <table class="plan"><thead><tr><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Agency</th></tr></thead>
        <tbody>{items.map((i) => <tr key={i.kind} class={`status-${i.status.toLowerCase()}`}><td>{words(i.kind)}</td><td>{i.status === 'WITHHELD' ? <WithheldMark /> : words(i.status)}</td><td>{i.agency ?? ''}</td></tr>)}</tbody>
      </table>
    </Section>
  );
}

function Discussions({ p, reload }: { p: Person; reload: () => void }) {
  const discussions = p.safeguarding?.discussions ?? [];
  const [message, setMessage] = useState<string>();
  return (
    <Section title="Strategy discussions and actions" id="discussions">
      {message ? <p class="notice" role="status">{message}</p> : null}
      {discussions.length === 0 ? <p class="none">No discussion recorded that you may see.</p> : discussions.map((d) => (
        <article key={d.id} class="discussion" aria-label={`Discussion of ${dateAt(d.heldOn)}`}>
          <h3>{dateAt(d.heldOn)}, convened by {d.convenedBy}</h3>
          <p class="meta">With {d.agencies.join(', ')}{d.ownershipAgency ? `. If found elsewhere, ${d.ownershipAgency} takes ownership${d.ownershipNote ? `: ${d.ownershipNote}` : ''}` : ''}.</p>
          {d.decisions.length ? <ul>{d.decisions.map((x, k) => <li key={k}>{x}</li>)}</ul> : null}
          <table class="actions"><caption>Actions</caption>
            <thead><tr><th scope="col">Action</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead>
            <tbody>{d.actions.map((a) => (
              <tr key={a.id} class={a.overdue ? 'overdue' : undefined}>
                <td>{a.description}{a.note ? <><br /><small>{a.note}</small></> : null}</td><td>{a.ownerAgency}</td><td>{dateAt(a.dueOn)}{a.overdue ? <strong class="overdue-mark"> overdue</strong> : null}</td>
                <td>{isPractitioner() && a.status === 'OPEN' ? <ActionStatus action={a} onDone={(m) => { setMessage(m); reload(); }} /> : words(a.status)}</td>
              </tr>
            ))}</tbody>
          </table>
          {isPractitioner() ? <AddAction discussionId={d.id} onDone={(m) => { setMessage(m); reload(); }} /> : null}
        </article>
      ))}
      {isPractitioner() ? <Convene personId={p.id} onDone={(m) => { setMessage(m); reload(); }} /> : null}
    </Section>
  );
}

function ActionStatus({ action, onDone }: { action: { id: string }; onDone: (m: string) => void }) {
  const [error, setError] = useState<string>();
  const set = async (status: 'DONE' | 'CANCELLED') => {
    try {
      await request(UPDATE_ACTION, { id: action.id, status, note: null });
      onDone(`Action marked ${words(status)}.`);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  return (
    <span>open <button type="button" class="link" onClick={() => set('DONE')}>Mark done</button>{error ? <span class="field-error" role="alert">{error}</span> : null}</span>
  );
}

function AddAction({ discussionId, onDone }: { discussionId: string; onDone: (m: string) => void }) {
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState(session.user?.agency ?? '');
  const [due, setDue] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!description.trim() || !owner.trim() || !due) return setError('Give the action, its owner agency and when it is due.');
    try {
      await request(RECORD_ACTION, { discussionId, input: { description: description.trim(), ownerAgency: owner.trim(), dueOn: due } });
      setDescription('');
      setError(undefined);
      onDone('Action added.');
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  const idp = `add-${discussionId}`;
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Add an action">
      {error ? <p class="field-error" role="alert">{error}</p> : null}
      <div class="row">
        <div class="field grow"><label for={`${idp}-d`}>New action</label><input id={`${idp}-d`} value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} /></div>
        <div class="field"><label for={`${idp}-o`}>Owner agency</label><input id={`${idp}-o`} value={owner} onInput={(e) => setOwner((e.target as HTMLInputElement).value)} /></div>
        <div class="field"><label for={`${idp}-due`}>Due</label><input id={`${idp}-due`} type="date" value={due} onInput={(e) => setDue((e.target as HTMLInputElement).value)} /></div>
      </div>
      <button type="submit" class="button secondary">Add action</button>
    </form>
  );
}

function Convene({ personId, onDone }: { personId: string; onDone: (m: string) => void }) {
  const [open, setOpen] = useState(false);
  const [agencies, setAgencies] = useState('');
  const [heldOn, setHeldOn] = useState(isoToday());
  const [ownership, setOwnership] = useState('');
  const [decisions, setDecisions] = useState('');
  const [error, setError] = useState<string>();
  if (!open) return <button type="button" class="button secondary" onClick={() => setOpen(true)}>Convene a strategy discussion</button>;
  const submit = async (e: Event) => {
    e.preventDefault();
    const list = agencies.split(/[\s,]+/).filter(Boolean);
    if (!list.length) return setError('Name the agencies taking part, e.g. POLICE-KENT, HO.');
    try {
      await request(CONVENE, { input: { personId, agencies: list, heldOn, ownershipAgency: ownership.trim() || null, decisions: decisions.split('\n').map((d) => d.trim()).filter(Boolean) } });
      setOpen(false);
      onDone('Discussion recorded.');
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="convene-title">
      <h3 id="convene-title">Convene a strategy discussion</h3>
      {error ? <p class="field-error" role="alert">{error}</p> : null}
      <div class="field"><label for="cv-agencies">Agencies taking part</label><span class="hint" id="cv-agencies-hint">Agency codes, separated by commas: yours is added</span><input id="cv-agencies" aria-describedby="cv-agencies-hint" value={agencies} onInput={(e) => setAgencies((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="cv-held">Held on</label><input id="cv-held" type="date" value={heldOn} onInput={(e) => setHeldOn((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="cv-owner">Takes ownership if found elsewhere</label><input id="cv-owner" value={ownership} onInput={(e) => setOwnership((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="cv-decisions">Decisions, one a line</label><textarea id="cv-decisions" rows={3} value={decisions} onInput={(e) => setDecisions((e.target as HTMLTextAreaElement).value)} /></div>
      <button type="submit" class="button">Record the discussion</button>
    </form>
  );
}
