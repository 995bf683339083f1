/**
 * String measures used by the comparators: Jaro–Winkler similarity (0..1), whether two strings
 * are one edit apart, and a weighted transliteration distance. Plain loops over char codes: they
 * run millions of times in a batch dedupe.
 */

/** Jaro–Winkler similarity with the usual prefix scale 0.1 over at most 4 characters. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const matchedA = new Uint8Array(la);
  const matchedB = new Uint8Array(lb);
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

/**
 * Costs of the transliteration distance between two sound forms (`soundForm`): what one
 * alphabet writes differently from another costs a fraction of an edit. Vowels for vowels
 * (neighbours i–e–a–o–u cheapest); the glides y, i and j; k and ch; ch and h (Hebrew and German
 * "ch", Russian "kh"); s, z, sh and zh; b, v and f (b/v and p/f cheapest: one Hebrew letter each);
 * g and h (Ukrainian and Belarusian Г, Arabic ج);
 * a dropped h, vowel or glide; a Latvian, Lithuanian or Greek final s. Anything else costs 1.
 */
const SUBSTITUTE = new Float32Array(128 * 128).fill(1);
const INDEL = new Float32Array(128).fill(1);
{
  const set = (a: string, b: string, cost: number) => {
    SUBSTITUTE[a.charCodeAt(0) * 128 + b.charCodeAt(0)] = cost;
    SUBSTITUTE[b.charCodeAt(0) * 128 + a.charCodeAt(0)] = cost;
  };
  for (const a of 'aeiouy') for (const b of 'aeiouy') if (a !== b) set(a, b, 0.45);
  for (const [a, b] of [['i', 'e'], ['e', 'a'], ['a', 'o'], ['o', 'u'], ['y', 'e']] as const) set(a, b, 0.3);
  for (const [a, b, cost] of [
    ['y', 'i', 0.1], ['j', 'y', 0.15], ['j', 'i', 0.25], ['j', 'g', 0.5], ['j', 'Z', 0.5],
    ['k', 'C', 0.4], ['k', 'g', 0.6], ['g', 'h', 0.3], ['C', 'h', 0.4], ['h', 'k', 0.6],
    ['C', 'S', 0.4], ['s', 'S', 0.4], ['s', 'z', 0.3], ['z', 'S', 0.5], ['z', 'Z', 0.4], ['S', 'Z', 0.4], ['z', 'C', 0.6], ['s', 'C', 0.6],
    ['b', 'v', 0.3], ['v', 'f', 0.4], ['p', 'b', 0.5], ['p', 'f', 0.4], ['d', 't', 0.5], ['m', 'n', 0.6], ['v', 'u', 0.4], ['v', 'o', 0.6],
  ] as const) set(a, b, cost);
  for (const [c, cost] of [['h', 0.3], ['y', 0.3], ['j', 0.3], ['v', 0.6], ['a', 0.4], ['e', 0.4], ['i', 0.4], ['o', 0.4], ['u', 0.4]] as const) INDEL[c.charCodeAt(0)] = cost;
}
const FINAL_S = 0.4;
let row0 = new Float64Array(32);
let row1 = new Float64Array(32);
let insertB = new Float64Array(32);

/** Weighted edit distance between two sound forms, with the costs above. */
export function transliterationDistance(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (row0.length <= lb) {
    row0 = new Float64Array(lb + 1);
    row1 = new Float64Array(lb + 1);
    insertB = new Float64Array(lb + 1);
  }
  const indel = (s: string, i: number, n: number) => {
    const c = s.charCodeAt(i);
    return i === n - 1 && c === 115 ? FINAL_S : c < 128 ? INDEL[c]! : 1;
  };
  let prev = row0;
  let cur = row1;
  prev[0] = 0;
  for (let j = 1; j <= lb; j++) {
    insertB[j] = indel(b, j - 1, lb);
    prev[j] = prev[j - 1]! + insertB[j]!;
  }
  for (let i = 1; i <= la; i++) {
    const ca = a.charCodeAt(i - 1);
    const da = indel(a, i - 1, la);
    cur[0] = prev[0]! + da;
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const sub = ca === cb ? 0 : ca < 128 && cb < 128 ? SUBSTITUTE[ca * 128 + cb]! : 1;
      cur[j] = Math.min(prev[j - 1]! + sub, prev[j]! + da, cur[j - 1]! + insertB[j]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[lb]!;
}
