/**
 * Name equivalences from a corpus (`data/models/name-equivalences.json`, made by
 * `npm run train:names`; see `data/models/README.md`): spellings that one source-script spelling
 * was written as ("Юсуф" as Yusuf, Jusuf and Yousuf; "מוחמד" as Muhammad, Mohammed, Mohamed …;
 * an Arabic-script name, folded, and its Latin spelling), each with how often. Two name parts
 * are equivalent when some group holds both; the pair's support is the smaller of their two
 * counts in the best such group, and a rare equivalence weighs less (`supportShare`).
 */
import file from '../../data/models/name-equivalences.json';

interface EquivalenceFile {
  readonly version: string;
  readonly groups: readonly { readonly source: string; readonly forms: Readonly<Record<string, number>> }[];
}

const EQUIVALENCES = file as unknown as EquivalenceFile;
export const EQUIVALENCES_VERSION = EQUIVALENCES.version;

/** Groups of each form: `[group index, count]`. An Arabic-script form is held as `#` + its folded spelling. */
const GROUPS_OF = new Map<string, [number, number][]>();
EQUIVALENCES.groups.forEach((g, i) => {
  for (const [form, count] of Object.entries(g.forms)) {
    const list = GROUPS_OF.get(form);
    if (list) list.push([i, count]);
    else GROUPS_OF.set(form, [[i, count]]);
  }
});

/** The lookup key of a folded name part: `#` marks one written in Arabic or Hebrew script. */
export function equivalenceKey(text: string, abjad: boolean): string {
  return abjad ? `#${text}` : text;
}

/** The groups (their indices) a name part is a form of; blocking files it under each (`e:`). */
export function equivalenceGroups(key: string): number[] {
  return GROUPS_OF.get(key)?.map(([g]) => g) ?? [];
}

/** The support of the equivalence of two name parts (by their keys): 0 when no group holds both. */
export function equivalenceSupport(a: string, b: string): number {
  const left = GROUPS_OF.get(a);
  const right = GROUPS_OF.get(b);
  if (!left || !right || a === b) return 0;
  let best = 0;
  for (const [g, n] of left) for (const [h, k] of right) if (g === h) best = Math.max(best, Math.min(n, k));
  return best;
}

/**
 * The share of an equivalence's m it keeps: the chance that an equivalence attested `support`
 * times is a real one, by Laplace's rule of succession with one false attestation as the prior
 * (support 1: ½, 3: ¾, 30: 0.97). An alignment error in the corpus is seen once or twice; one
 * name's spellings are seen again and again.
 */
export function supportShare(support: number): number {
  return support / (support + 1);
}
