/**
 * search/identitySearch-vs-trgm: `identitySearch` end to end (candidate passes, rerank,
 * explanation, access rules, through the gateway over HTTP) for planted matches — existing
 * identities looked for under a corrupted name (a typo, a transliteration-like change, the name
 * parts reversed) with their date of birth, sex and nationality — against a bare `pg_trgm`
 * full-name similarity query over the same store. Both report recall@10 (the planted person among
 * the first ten) and latency; the target is p95 ≤ 150 ms with recall@10 ≥ 0.98.
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { latencies, seeded, type Compared } from './stats';

export interface SearchResult extends Compared {
  target_p95_ms: number;
  recall_at_1: number;
  recall_at_10: number;
  baseline_recall_at_10: number;
  target_recall_at_10: number;
  rounds: number;
  source_identities: number;
}

const SEARCH = `query ($example: PersonExample!) { identitySearch(example: $example, first: 10) { person { id } grade } }`;

const TRGM = `select si.person_id from identity.name n join identity.source_identity si on si.id = n.source_identity_id
  where (coalesce(n.given, '') || ' ' || coalesce(n.family, '')) % $1
  order by similarity(coalesce(n.given, '') || ' ' || coalesce(n.family, ''), $1) desc limit 10`;


/** One change of the kind records show: a transposition, a dropped or doubled letter, a vowel changed. */
export function corrupt(word: string, r: () => number): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(r() * (word.length - 2));
  switch (Math.floor(r() * 4)) {
    case 0: return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1: return word.slice(0, i) + word.slice(i + 1);
    case 2: return word.slice(0, i) + word[i] + word.slice(i);
    default: return word.replace(/[aeiou](?!.*[aeiou])/, (v) => ({ a: 'e', e: 'i', i: 'y', o: 'u', u: 'o' })[v] ?? v);
  }
}


export async function searchScenario(pool: Pool, gatewayUrl: string, authorization: string, rounds: number, warmup: number, seed: number, say: (m: string) => void): Promise<SearchResult> {
  say('search: trigram index for the baseline (built once)');
  await pool.query(`create index if not exists bench_full_name_trgm on identity.name using gin ((coalesce(given, '') || ' ' || coalesce(family, '')) gin_trgm_ops)`);
  const targets = (await pool.query<{ person_id: string; given: string; family: string; dob: string; sex: string; nationality: string }>(
    `select si.person_id, n.given, n.family, to_char(b.value, 'YYYY-MM-DD') as dob, si.sex, si.nationality
       from identity.source_identity si
       join identity.name n on n.source_identity_id = si.id and n.ordinal = 0
       join identity.birth_date b on b.source_identity_id = si.id
      order by md5(si.id::text || $1) limit $2`,
    [String(seed), rounds + warmup],
  )).rows;
  const r = seeded(seed);
  const planted = targets.map((t) => {
    const parts = [t.given, t.family];
    const which = Math.floor(r() * 2);
    parts[which] = corrupt(parts[which]!, r);
    const name = r() < 0.3 ? `${parts[1]} ${parts[0]}` : `${parts[0]} ${parts[1]}`;
    return { personId: t.person_id, name, example: { names: [{ full: name }], dob: t.dob, sex: t.sex, nationality: t.nationality } };
  });

  const hub: number[] = [];
  const base: number[] = [];
  let hits1 = 0;
  let hits10 = 0;
  let baseHits10 = 0;
  for (let round = 0; round < planted.length; round++) {
    const p = planted[round]!;
    const runHub = async () => {
      const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: SEARCH, variables: { example: p.example } }) });
      const body = (await response.json()) as { data?: { identitySearch: { person: { id: string } }[] }; errors?: unknown[] };
      if (!body.data) throw new Error(`bench: identitySearch failed: ${JSON.stringify(body.errors)}`);
      return body.data.identitySearch.map((c) => c.person.id);
    };
    const runBase = async () => (await pool.query<{ person_id: string }>(TRGM, [p.name])).rows.map((x) => x.person_id);
    const order = round % 2 === 0 ? (['hub', 'base'] as const) : (['base', 'hub'] as const);
    for (const which of order) {
      const started = performance.now();
      const found = which === 'hub' ? await runHub() : await runBase();
      const elapsed = performance.now() - started;
      if (round < warmup) continue;
      if (which === 'hub') {
        hub.push(elapsed);
        if (found[0] === p.personId) hits1++;
        if (found.includes(p.personId)) hits10++;
      } else {
        base.push(elapsed);
        if (found.includes(p.personId)) baseHits10++;
      }
    }
  }
  const measured = planted.length - warmup;
  const [count] = (await pool.query<{ n: string }>(`select count(*) as n from identity.source_identity`)).rows;
  return {
    scenario: 'search/identitySearch-vs-trgm',
    baseline: 'bare pg_trgm full-name similarity (GIN), top 10',
    ...latencies(hub, base),
    target_p95_ms: 150,
    recall_at_1: +(hits1 / measured).toFixed(4),
    recall_at_10: +(hits10 / measured).toFixed(4),
    baseline_recall_at_10: +(baseHits10 / measured).toFixed(4),
    target_recall_at_10: 0.98,
    rounds: measured,
    source_identities: Number(count!.n),
  };
}
