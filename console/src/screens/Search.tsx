/**
 * Search by example: names in any script, date of birth or age range, sex, nationality,
 * identifiers, fingerprint reference, phone, handle. Checked as typed; results banded by grade,
 * each with why. Nothing graded certainly-not is shown unless asked for.
 */
import { useState } from 'preact/hooks';
import type { VariablesOf, ResultOf } from '../graphql';
import { ApiError, request, type Withheld } from '../api';
import { dateAt, nameOf, parseUkDate, words } from '../format';
import { SEARCH } from '../queries';
import { Evidence, Grade, Status, WithheldMark } from '../ui';

type Example = VariablesOf<typeof SEARCH>['example'];
type Candidate = ResultOf<typeof SEARCH>['identitySearch'][number];

const FIELDS = ['given', 'family', 'full', 'dob', 'ageMin', 'ageMax', 'sex', 'nationality', 'scheme', 'identifier', 'fingerprint', 'phone', 'platform', 'handle'] as const;
type Field = (typeof FIELDS)[number];
type Form = Record<Field, string>;
const EMPTY = Object.fromEntries(FIELDS.map((f) => [f, ''])) as Form;
const BANDS = ['CERTAIN', 'PROBABLE', 'POSSIBLE', 'CERTAINLY_NOT'] as const;

/** Each field's problem, in words, or nothing. */
export function validate(form: Form): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const dob = parseUkDate(form.dob);
  if (dob.error) errors.dob = dob.error;
  const min = form.ageMin.trim() === '' ? undefined : Number(form.ageMin);
  const max = form.ageMax.trim() === '' ? undefined : Number(form.ageMax);
  for (const [f, v] of [['ageMin', min], ['ageMax', max]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 30)) errors[f] = 'Enter an age in whole years, 0 to 30.';
  }
  if ((min === undefined) !== (max === undefined) && !errors.ageMin && !errors.ageMax) errors[min === undefined ? 'ageMin' : 'ageMax'] = 'Give both ends of the age range.';
  if (min !== undefined && max !== undefined && min > max) errors.ageMax = `The age range is reversed: ${min} is more than ${max}.`;
  if (form.dob.trim() && min !== undefined) errors.ageMin = 'Give a date of birth or an age range, not both.';
  if (form.nationality.trim() && !/^[A-Za-z]{3}$/.test(form.nationality.trim())) errors.nationality = 'Use the three-letter country code (ISO 3166), e.g. VNM, ALB, ERI.';
  if (form.identifier.trim() && !form.scheme.trim()) errors.scheme = 'Say which scheme the identifier is in (PNC_ID, HO_REF, UPN, …).';
  if (form.phone.trim() && !/^[+\d][\d\s()-]{5,}$/.test(form.phone.trim())) errors.phone = 'Enter a phone number of digits, e.g. 07700 900123 or +44 7700 900123.';
  if (form.handle.trim() && !form.platform.trim()) errors.platform = 'Say which platform the handle is on.';
  return errors;
}

export function toExample(form: Form): Example {
  const t = (k: Field) => form[k].trim();
  const example: Example = {};
  if (t('given') || t('family') || t('full')) example.names = [{ given: t('given') || null, family: t('family') || null, full: t('full') || null }];
  const dob = parseUkDate(form.dob).value;
  if (dob) example.dob = dob;
  if (t('ageMin') && t('ageMax')) example.ageRange = { min: Number(t('ageMin')), max: Number(t('ageMax')) };
  if (t('sex')) example.sex = t('sex') as Example['sex'];
  if (t('nationality')) example.nationality = t('nationality').toUpperCase();
  if (t('identifier')) example.identifiers = [{ scheme: t('scheme').toUpperCase(), value: t('identifier') }];
  if (t('fingerprint')) example.biometrics = [{ repository: 'IDENT1', reference: t('fingerprint') }];
  if (t('phone')) example.phones = [t('phone')];
  if (t('handle')) example.handles = [{ platform: t('platform'), handle: t('handle') }];
  return example;
}

export function Search() {
  const [form, setForm] = useState<Form>(EMPTY);
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [results, setResults] = useState<{ candidates: Candidate[]; withheld: Withheld[] }>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const errors = validate(form);

  const field = (name: Field, label: string, hint?: string, props: Record<string, unknown> = {}) => {
    const problem = touched[name] ? errors[name] : undefined;
    return (
      <div class={`field${problem ? ' invalid' : ''}`}>
        <label for={`s-${name}`}>{label}</label>
        {hint ? <span class="hint" id={`s-${name}-hint`}>{hint}</span> : null}
        {problem ? <span class="field-error" id={`s-${name}-error`} role="alert">{problem}</span> : null}
        <input
          id={`s-${name}`} name={name} value={form[name]} autoComplete="off" spellcheck={false}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={[hint ? `s-${name}-hint` : '', problem ? `s-${name}-error` : ''].filter(Boolean).join(' ') || undefined}
          onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
          onBlur={() => setTouched({ ...touched, [name]: true })}
          {...props}
        />
      </div>
    );
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(Object.fromEntries(FIELDS.map((f) => [f, true])));
    if (Object.keys(errors).length) {
      document.getElementById(`s-${Object.keys(errors)[0]}`)?.focus();
      return;
    }
    const example = toExample(form);
    if (Object.keys(example).length === 0) {
      setError(new ApiError('Enter something to search for: a name, a date of birth, an identifier…', 'BAD_USER_INPUT'));
      return;
    }
    setLoading(true);
    setError(undefined);
    try {
      const r = await request(SEARCH, { example, first: 25 });
      setResults({ candidates: r.data.identitySearch, withheld: r.withheld });
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setLoading(false);
    }
  };

  const shown = results?.candidates.filter((c) => showAll || c.grade !== 'CERTAINLY_NOT') ?? [];
  const hidden = (results?.candidates.length ?? 0) - shown.length;
  return (
    <>
      <h1>Search for a child</h1>
      <form class="search" onSubmit={submit} noValidate aria-describedby="search-help">
        <p id="search-help" class="hint">Give what you know. Names may be in any script. Every field given is evidence.</p>
        <fieldset><legend>Name</legend>
          <div class="row">{field('given', 'Given name')}{field('family', 'Family name')}</div>
          {field('full', 'Full name, in any script', 'As written, e.g. Arabic or Tigrinya script')}
        </fieldset>
        <fieldset><legend>Age</legend>
          {field('dob', 'Date of birth', 'Day first: 14/03/2009, or 03/2009, or 2009')}
          <div class="row">{field('ageMin', 'Or age from', undefined, { inputMode: 'numeric' })}{field('ageMax', 'to', undefined, { inputMode: 'numeric' })}</div>
        </fieldset>
        <div class="row">
          <div class="field">
            <label for="s-sex">Sex</label>
            <select id="s-sex" value={form.sex} onChange={(e) => setForm({ ...form, sex: (e.target as HTMLSelectElement).value })}>
              <option value="">Not known</option><option value="FEMALE">Female</option><option value="MALE">Male</option><option value="OTHER">Other</option>
            </select>
          </div>
          {field('nationality', 'Nationality', 'Three letters: VNM, ALB, ERI, SDN, AFG')}
        </div>
        <fieldset><legend>Identifiers and contacts</legend>
          <div class="row">{field('scheme', 'Identifier scheme', 'PNC_ID, HO_REF, UPN, NHS_NUMBER, PORT_REF')}{field('identifier', 'Identifier')}</div>
          <div class="row">{field('fingerprint', 'Fingerprint reference (IDENT1)')}{field('phone', 'Phone')}</div>
          <div class="row">{field('platform', 'Social media platform')}{field('handle', 'Handle')}</div>
        </fieldset>
        <button type="submit" class="button primary" disabled={loading}>Search</button>
      </form>
      <Status loading={loading} error={error} />
      {results ? (
        <section aria-labelledby="results-title" class="results">
          <h2 id="results-title">{shown.length} {shown.length === 1 ? 'candidate' : 'candidates'}</h2>
          {results.withheld.length ? <p class="notice">Some of what you gave was not searched on: {results.withheld.map((w) => words(w.category)).join(', ')} is withheld from your agency.</p> : null}
          {BANDS.filter((b) => b !== 'CERTAINLY_NOT' || showAll).map((band) => {
            const inBand = shown.filter((c) => c.grade === band);
            return inBand.length ? (
              <div key={band} class="band">
                <h3>{words(band)}</h3>
                <ol class="items">{inBand.map((c) => <CandidateItem key={c.person.id} c={c} withheld={results.withheld} index={results.candidates.indexOf(c)} />)}</ol>
              </div>
            ) : null;
          })}
          {hidden > 0 ? <button type="button" class="link" onClick={() => setShowAll(true)}>Show {hidden} graded certainly not</button> : null}
        </section>
      ) : null}
    </>
  );
}

function CandidateItem({ c, withheld, index }: { c: Candidate; withheld: Withheld[]; index: number }) {
  const first = c.person.identities[0];
  const names = c.person.identities.flatMap((i) => i.names ?? []);
  const dob = c.person.identities.flatMap((i) => i.birthDates ?? [])[0];
  const namesWithheld = withheld.find((w) => w.path[0] === 'identitySearch' && w.path[1] === index && w.path.includes('names'));
  return (
    <li class="item candidate">
      <p>
        <a href={`#/child/${c.person.id}`}>{names.length ? nameOf(names[0]) : 'Name withheld'}</a>{' '}
        <Grade grade={c.grade} probability={c.probability} />
      </p>
      <p class="meta">
        {dob ? `Born ${dateAt(dob.value, dob.precision)} (${words(dob.basis)})` : 'Date of birth not known to you'}
        {first?.sex ? ` · ${words(first.sex)}` : ''}{first?.nationality ? ` · ${first.nationality}` : ''}
        {' · '}records: {c.person.identities.map((i) => `${i.agency}${i.localId ? ` ${i.localId}` : ''}`).join(', ')}
        {namesWithheld ? <> · names <WithheldMark item={namesWithheld} /></> : null}
      </p>
      {names.length > 1 ? <p class="meta">Also known as {[...new Set(names.slice(1).map(nameOf))].join('; ')}</p> : null}
      <details>
        <summary>Why: {c.reasons.slice(0, 2).join('; ') || 'the evidence'}</summary>
        <Evidence contributions={c.contributions} />
      </details>
    </li>
  );
}
