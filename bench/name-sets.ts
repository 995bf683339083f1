/**
 * The development name sets (`data/names`, see its README) read one way for training and for
 * evaluation, and the one split between them: a group of Latin spellings is held out when the
 * FNV-1a hash of its source-script spelling (Cyrillic, Hebrew or Arabic, as the file writes it)
 * is 0 mod 5 — a fifth of the groups, the same fifth on every machine and run. The learned name
 * tables (`npm run train:names`) see only the other four fifths; `npm run evaluate` reports the
 * whole sets (comparable with earlier runs) and the held-out fifth (what the tables were not
 * fitted to).
 */
import fs from 'node:fs';
import path from 'node:path';

export const NAMES_DIR = path.resolve(__dirname, '..', '..', 'data', 'names');

export type Part = 'all' | 'train' | 'held-out';

/** FNV-1a over UTF-16 code units: stable, no dependency. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function isHeldOut(source: string): boolean {
  return fnv1a(source) % 5 === 0;
}

function inPart(source: string, part: Part): boolean {
  return part === 'all' || (part === 'held-out') === isHeldOut(source);
}

/** A source-script spelling and the Latin spellings aligned with it, each with its count. */
export interface SpellingGroup {
  readonly source: string;
  readonly latin: ReadonlyMap<string, number>;
}

/**
 * Hebrew words, not names, that the Wikidata alignment pairs with Latin tokens often enough to
 * pass the count filter: "the first" (I, England, Portugal …), "the second" (II, Scotland,
 * Norway …) and "king" (Valdemar, Olaf, Canute …). Their groups hold 104 of the set's 1,683
 * pairs, none of them spellings of one name.
 */
export const HEBREW_WORDS: readonly string[] = ['ה ר א ש ו ן', 'ה ש נ י', 'מ ל ך'];

/** The Wikidata token sets (`latin<TAB>source chars<TAB>count`): Latin spellings with counts ≥ 3, grouped by source spelling. */
export function wikidataGroups(file: string, part: Part, skipSources: readonly string[] = []): SpellingGroup[] {
  const groups = new Map<string, Map<string, number>>();
  for (const line of fs.readFileSync(path.join(NAMES_DIR, file), 'utf8').split('\n')) {
    const [latin, source, count] = line.split('\t');
    if (!latin || !source || Number(count) < 3 || !/^[a-z]+$/.test(latin) || skipSources.includes(source) || !inPart(source, part)) continue;
    const g = groups.get(source) ?? new Map<string, number>();
    g.set(latin, (g.get(latin) ?? 0) + Number(count));
    groups.set(source, g);
  }
  return [...groups].map(([source, latin]) => ({ source, latin }));
}

/** Only the groups of two or more Latin spellings, as lists. */
export function variantGroups(file: string, part: Part, skipSources: readonly string[] = []): string[][] {
  return wikidataGroups(file, part, skipSources).map((g) => [...g.latin.keys()]).filter((g) => g.length > 1);
}

/** ar2en pairs (`arabic<TAB>latin`), split by the Arabic spelling. */
export function arabicPairs(part: Part): [string, string][] {
  return fs
    .readFileSync(path.join(NAMES_DIR, 'ar2en-train.txt'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((p): p is [string, string] => p.length === 2 && !!p[0] && !!p[1] && inPart(p[0], part));
}

export const RUSSIAN = 'wd_russian_80';
export const HEBREW = 'wd_hebrew.normalized.aligned.tokens';
