/** Small shared pieces: a data hook, loading and error states, the withheld marker. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TadaDocumentNode } from 'gql.tada';
import { ApiError, request, type Withheld } from './api';
import { percent, words } from './format';

export interface Loaded<R> {
  data?: R;
  withheld: Withheld[];
  error?: ApiError;
  loading: boolean;
  reload: () => void;
}

/** Run a query when the key changes; `reload` runs it again. */
export function useQuery<R, V>(document: TadaDocumentNode<R, V>, variables: V, key: string): Loaded<R> {
  const [state, setState] = useState<Omit<Loaded<R>, 'reload'>>({ withheld: [], loading: true });
  const [n, setN] = useState(0);
  const vars = useRef(variables);
  vars.current = variables;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    request(document, vars.current).then(
      (r) => live && setState({ data: r.data, withheld: r.withheld, loading: false }),
      (e: unknown) => live && setState({ withheld: [], loading: false, error: e instanceof ApiError ? e : new ApiError('Something went wrong. Try again.', 'ERROR') }),
    );
    return () => {
      live = false;
    };
  }, [key, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

export function Status({ loading, error }: { loading?: boolean; error?: ApiError }) {
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (loading) return <p class="loading" role="status">Loading…</p>;
  return null;
}

/** A withheld value: says so, and what would release it. */
export function WithheldMark({ item }: { item?: Withheld }) {
  const release = item?.releasableWith.length ? ` Could be released with ${item.releasableWith.map(words).join(' or ')}.` : '';
  return (
    <span class="withheld" title={`Withheld: ${words(item?.category)}.${release}`}>
      withheld{item ? <span class="visually-hidden"> ({words(item.category)}).{release}</span> : null}
    </span>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const key = id ?? slug(title);
  return (
    <section id={key} aria-labelledby={`${key}-title`} class="card">
      <h2 id={`${key}-title`}>{title}</h2>
      {children}
    </section>
  );
}

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function Grade({ grade, probability }: { grade: string; probability?: number }) {
  return (
    <span class={`grade grade-${grade.toLowerCase().replace(/_/g, '-')}`}>
      {words(grade)}
      {probability !== undefined ? <span class="probability"> {percent(probability)}</span> : null}
    </span>
  );
}

/** The per-field contributions as one bar: each field's share of the evidence, for and against. */
export function Evidence({ contributions }: { contributions: { field: string; level: string | null; weight: number; reason: string | null }[] }) {
  const total = contributions.reduce((s, c) => s + c.weight, 0);
  const scale = contributions.reduce((s, c) => s + Math.abs(c.weight), 0) || 1;
  return (
    <div class="evidence">
      <div class="bar" role="img" aria-label={`Match weight ${total.toFixed(1)}: ${contributions.map((c) => `${c.field} ${c.weight >= 0 ? '+' : ''}${c.weight.toFixed(1)}`).join(', ')}`}>
        {contributions.filter((c) => Math.abs(c.weight) >= 0.05).map((c) => (
          <span key={c.field} class={c.weight >= 0 ? 'for' : 'against'} style={{ width: `${(100 * Math.abs(c.weight)) / scale}%` }} title={`${c.field}: ${c.weight.toFixed(1)}`} />
        ))}
      </div>
      <table class="contributions">
        <caption class="visually-hidden">Why: each field's part in the match weight</caption>
        <thead><tr><th scope="col">Field</th><th scope="col">Evidence</th><th scope="col" class="num">Weight</th></tr></thead>
        <tbody>
          {contributions.map((c) => (
            <tr key={c.field}>
              <td>{c.field}</td>
              <td>{c.reason ?? (c.level === null ? <WithheldMark /> : words(c.level))}</td>
              <td class={`num ${c.weight >= 0 ? 'for-text' : 'against-text'}`}>{c.weight >= 0 ? '+' : '−'}{Math.abs(c.weight).toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr><th scope="row" colSpan={2}>Match weight (sum)</th><td class="num">{total.toFixed(1)}</td></tr></tfoot>
      </table>
    </div>
  );
}
