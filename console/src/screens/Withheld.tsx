/** What is withheld from the viewer, what would release it, and — for practitioners — break glass. */
import { useState } from 'preact/hooks';
import type { ResultOf } from '../graphql';
import { ApiError, request, type Withheld } from '../api';
import { when, words } from '../format';
import { BREAK_GLASS, EXPLAIN } from '../queries';
import { isPractitioner } from '../session';
import { Section } from '../ui';

const BASES = [
  ['CHILDREN_ACT_1989_S47', 'Children Act 1989 s47 (enquiry: significant harm)'],
  ['CHILDREN_ACT_1989_S17', 'Children Act 1989 s17 (child in need)'],
  ['DPA_2018_SCH8_PARA4', 'DPA 2018 Sch 8 para 4 (safeguarding children)'],
  ['CRIME_AND_DISORDER_ACT_1998_S115', 'Crime and Disorder Act 1998 s115'],
  ['MODERN_SLAVERY_ACT_2015_S52', 'Modern Slavery Act 2015 s52 (duty to notify)'],
] as const;
const MIN_REASON = 40;

export function Withholding({ personId, categories, withheld, onReleased }: { personId: string; categories: string[]; withheld: Withheld[]; onReleased: () => void }) {
  const all = [...new Set([...categories, ...withheld.map((w) => w.category)])];
  const [explained, setExplained] = useState<Record<string, ResultOf<typeof EXPLAIN>['explainAccess']>>({});
  const [glass, setGlass] = useState(false);
  if (!all.length) return null;
  const explain = async (category: string) => {
    const r = await request(EXPLAIN, { personId, category: category as never });
    setExplained((x) => ({ ...x, [category]: r.data.explainAccess }));
  };
  const mayBreakGlass = isPractitioner();
  return (
    <Section title="Withheld from you" id="withheld">
      <p>Other agencies hold information of these kinds about this child that your agency may not see now.</p>
      <ul class="withheld-list">
        {all.map((c) => (
          <li key={c}>
            <strong>{words(c)}</strong>{' '}
            {explained[c] ? <span class="explanation" role="status">{explained[c]!.explanation}{explained[c]!.releasableWith.length ? ` Could be released with: ${explained[c]!.releasableWith.map(words).join(', ')}.` : ''}</span>
              : <button type="button" class="link" onClick={() => explain(c)}>What would release it?</button>}
          </li>
        ))}
      </ul>
      {mayBreakGlass ? (glass ? <BreakGlass personId={personId} categories={all} onClose={() => setGlass(false)} onReleased={onReleased} /> : <button type="button" class="button warning" onClick={() => setGlass(true)}>Break glass…</button>) : null}
    </Section>
  );
}

function BreakGlass({ personId, categories, onClose, onReleased }: { personId: string; categories: string[]; onClose: () => void; onReleased: () => void }) {
  const [reason, setReason] = useState('');
  const [basis, setBasis] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [hours, setHours] = useState('24');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (reason.trim().length < MIN_REASON) problems.reason = `Say why the child's safety needs it, in at least ${MIN_REASON} characters (${reason.trim().length} so far): a reviewer will judge it.`;
    if (!basis) problems.basis = 'Choose the law you rely on.';
    if (!chosen.length) problems.categories = 'Choose what you need to see.';
    const h = Number(hours);
    if (!Number.isInteger(h) || h < 1 || h > 168) problems.hours = 'Give a whole number of hours, 1 to 168.';
    setErrors(problems);
    if (Object.keys(problems).length) {
      document.getElementById(`bg-${Object.keys(problems)[0]}`)?.focus();
      return;
    }
    try {
      const r = await request(BREAK_GLASS, { input: { personId, categories: chosen as never[], statutoryBasis: basis as never, reason: reason.trim(), expiresInHours: h } });
      setDone(`Recorded. ${r.data.declareSafeguardingJustification.categories.map(words).join(', ')} released to your agency until ${when(r.data.declareSafeguardingJustification.expiresAt)}.`);
      onReleased();
    } catch (err) {
      setErrors({ form: (err as ApiError).message });
    }
  };
  if (done) return <p class="notice" role="status">{done}</p>;
  const err = (k: string) => (errors[k] ? <span class="field-error" id={`bg-${k}-error`} role="alert">{errors[k]}</span> : null);
  return (
    <form class="break-glass" onSubmit={submit} aria-labelledby="bg-title" noValidate>
      <h3 id="bg-title">Break glass: declare a safeguarding justification</h3>
      <p class="warning-text" role="note"><strong>Warning:</strong> this releases information without consent. It is recorded in the audit with your name and reason, every use is logged, and your data protection officer will review it.</p>
      {err('form')}
      <fieldset aria-describedby={errors.categories ? 'bg-categories-error' : undefined}>
        <legend>What you need to see</legend>
        {err('categories')}
        {categories.map((c, n) => (
          <div class="check" key={c}>
            <input type="checkbox" id={n === 0 ? 'bg-categories' : `bg-cat-${c}`} checked={chosen.includes(c)} onChange={(e) => setChosen((e.target as HTMLInputElement).checked ? [...chosen, c] : chosen.filter((x) => x !== c))} />
            <label for={n === 0 ? 'bg-categories' : `bg-cat-${c}`}>{words(c)}</label>
          </div>
        ))}
      </fieldset>
      <div class="field"><label for="bg-basis">Statutory basis</label>{err('basis')}
        <select id="bg-basis" value={basis} aria-invalid={errors.basis ? 'true' : undefined} onChange={(e) => setBasis((e.target as HTMLSelectElement).value)}>
          <option value="">Choose…</option>{BASES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select></div>
      <div class="field"><label for="bg-reason">Why the child's safety needs it</label><span class="hint" id="bg-reason-hint">At least {MIN_REASON} characters, in words a reviewer can judge.</span>{err('reason')}
        <textarea id="bg-reason" rows={4} value={reason} aria-invalid={errors.reason ? 'true' : undefined} aria-describedby={`bg-reason-hint${errors.reason ? ' bg-reason-error' : ''}`} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} /></div>
      <div class="field"><label for="bg-hours">Expires after (hours)</label>{err('hours')}
        <input id="bg-hours" inputMode="numeric" value={hours} onInput={(e) => setHours((e.target as HTMLInputElement).value)} /></div>
      <button type="submit" class="button warning">Declare and release</button>{' '}
      <button type="button" class="button secondary" onClick={onClose}>Cancel</button>
    </form>
  );
}
