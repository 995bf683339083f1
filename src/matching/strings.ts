/**
 * String measures used by the comparators: Jaro–Winkler similarity (0..1) and whether two strings
 * are one edit apart (the learned name distance is `edit-costs.ts`). Plain loops over char codes:
 * they run millions of times in a batch dedupe.
 */

/** Which characters of each string are matched: scratch of `jaroWinkler`, grown as needed, so that a call allocates nothing. */
let matchedA = new Uint8Array(64);
let matchedB = new Uint8Array(64);

/** Jaro–Winkler similarity with the usual prefix scale 0.1 over at most 4 characters. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  if (matchedA.length < la) matchedA = new Uint8Array(la * 2);
  if (matchedB.length < lb) matchedB = new Uint8Array(lb * 2);
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (matchedB[j] || a.charCodeAt(i) !== b.charCodeAt(j)) continue;
      matchedA[i] = 1;
      matchedB[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (!matchedA[i]) continue;
    while (!matchedB[j]) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    j++;
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Whether two strings are at most one edit apart (a substitution, an insertion or deletion, or
 * two adjacent letters swapped), in one pass and with no allocation: all the comparators of
 * dates of birth, identifiers and postcodes ask, millions of times in a batch.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const rest = (x: string, from: number, y: string, to: number) => {
    while (from < x.length && to < y.length && x.charCodeAt(from) === y.charCodeAt(to)) {
      from++;
      to++;
    }
    return from === x.length && to === y.length;
  };
  if (la > lb) return rest(a, i + 1, b, i);
  if (lb > la) return rest(a, i, b, i + 1);
  return rest(a, i + 1, b, i + 1) || (i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && rest(a, i + 2, b, i + 2));
}
