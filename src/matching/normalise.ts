/**
 * Name normalisation: one Latin, lower-case form of any script, name tokens with Arabic particles
 * joined consistently, and the keys the comparators and candidate passes share (a variant key, a
 * consonant skeleton, Double Metaphone codes).
 *
 * The same functions run at ingest (to write match keys), in candidate generation and in the
 * comparators, so a key computed for the store and one computed for a query always agree.
 */
import anyAscii from 'any-ascii';
import doubleMetaphone from 'double-metaphone';

/** Any script to lower-case ASCII letters and single spaces; apostrophes vanish ("O'Brien" → "obrien"). */
export function foldText(text: string): string {
  return anyAscii(text.normalize('NFC'))
    .toLowerCase()
    .replace(/['`’‘ʼʻ´]/g, '')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

/**
 * Arabic particles written apart, hyphenated or joined: "Abd al-Rahman", "Abdul Rahman" and
 * "Abdulrahman" become one token; "al-Hassan" and "Alhassan" one token whose bare form
 * ("hassan") is kept as an alternative. ("van" is a Vietnamese middle name, not a particle.)
 */
const JOIN_NEXT = new Set(['al', 'el', 'ul', 'ar', 'as', 'ash', 'ad', 'ad', 'az', 'an', 'at', 'abd', 'abdul', 'abdel', 'abdal', 'abdol', 'abu', 'abou', 'bin', 'ibn', 'bint', 'ben']);
const ARTICLE = /^(al|el|ul|ar|as|ash|ad|az|an|at)(?=[a-z]{3})/;

export interface NameToken {
  /** The folded token, particles joined. */
  readonly text: string;
  /** `text` and, for a token that starts with an article or particle, the bare name. */
  readonly forms: readonly string[];
}

/** Tokens of a name; "SURNAME, Given" is read as given then family (order does not matter to matching, but explanations read better). */
export function nameTokens(name: string): NameToken[] {
  const comma = name.indexOf(',');
  const ordered = comma > 0 ? `${name.slice(comma + 1)} ${name.slice(0, comma)}` : name;
  const words = foldText(ordered).split(' ').filter(Boolean);
  const joined: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    // "abd al rahman": keep joining while the word is a particle and a word follows.
    while (JOIN_NEXT.has(word) && i + 1 < words.length && !(word === 'ben' && words.length <= 2)) word += words[++i]!;
    joined.push(word);
  }
  return joined.map((text) => {
    const forms = [text];
    const bare = text.replace(/^(abd(?:ul|el|al|ol)?|abou?|bint?|ibn)/, '').replace(ARTICLE, '');
    if (bare !== text && bare.length >= 3) forms.push(bare);
    return { text, forms };
  });
}

/**
 * The transliteration-variant key: common spelling alternations of one sound (x/ks, ph/f, kh/h,
 * w/v, c/k, ck, q, sch/sh, tch/ch, doubled letters, y and j as vowel glides, a silent gh after i
 * and a final w after a vowel as `soundForm` reads them) reduced to one form, then vowels dropped
 * after the first letter. "Aleksandr"/"Alexander", "Mohammed"/"Muhammad",
 * "Sergei"/"Sergey"/"Sergej" share a key.
 */
export function variantKey(token: string): string {
  let s = token
    .replace(/x/g, 'ks')
    .replace(/ph/g, 'f')
    .replace(/tsch|tch|cz/g, 'ch')
    .replace(/sch|sz/g, 'sh')
    .replace(/(?<=i)gh(?=t|$)/, '')
    .replace(/(?<=[aeiou])w(?=e?$)/, 'u')
    .replace(/kh/g, 'h')
    .replace(/ck/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c(?!h)/g, 'k')
    .replace(/q/g, 'k')
    .replace(/w/g, 'v')
    .replace(/(?<=.)j/g, 'y')
    .replace(/([aeiouy])h$/, '$1')
    .replace(/(.)\1+/g, '$1');
  const first = s[0] ?? '';
  s = s.slice(1).replace(/[aeiouy]/g, '');
  return (/[aeiouy]/.test(first) ? '*' : first) + s;
}

/**
 * A consonant skeleton for names written without short vowels (Arabic script) or transliterated
 * from them: the variant key's alternations plus p/b, v/f, j/g, gh/g, th/t, dh/d, z/s; vowels,
 * y, w and a final h dropped; doubles collapsed. "Petronilla" and Arabic "bytrwnyl" → "btrnl".
 */
export function skeleton(token: string): string {
  return token
    .replace(/x/g, 'ks')
    .replace(/ph/g, 'f')
    .replace(/tsh|tch|sch|sh|ch/g, 's')
    .replace(/kh/g, 'k')
    .replace(/gh/g, 'g')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/ck/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/p/g, 'b')
    .replace(/v/g, 'f')
    .replace(/j/g, 'g')
    .replace(/z/g, 's')
    .replace(/h$/, '')
    .replace(/[aeiouyw]/g, '')
    .replace(/(.)\1+/g, '$1');
}

/**
 * A Latin name as a script that writes long vowels and leaves short ones out (Arabic, Hebrew,
 * Persian) would spell it: o, u, w and v are one letter (waw); i, e, y and a j after the first
 * letter are another (ya); a is left out (a short vowel, or an alif that transliterations write or
 * drop), and so are a final silent e or h. Latin spellings read back from one such spelling agree
 * here: "Pitt"/"Pete", "Roll"/"Rule", "Lois"/"Luiz", "Dawn"/"Don". What such a script writes is
 * kept: a first letter that is a vowel, a final a (a woman's name: "Sonja" is not "Song"), a y
 * before a vowel (a consonant: "Reyes" is not "Rice"); an initial j is the g of "Gene"/"Jin".
 * Null under three letters, where every short name collides.
 */
export function vowelClassSpelling(token: string): string | null {
  let s = token
    .replace(/x/g, 'ks')
    .replace(/ph/g, 'f')
    .replace(/tch|sch|ch|sh/g, 'S')
    .replace(/th/g, 't')
    .replace(/ck/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/z/g, 's')
    .replace(/^j/, 'g')
    .replace(/y(?=[aeiou])/g, 'Y')
    .replace(/(?<=.)[eh]$/, '');
  const lead = /^[aeiou]/.test(s) ? ({ a: 'A', e: 'I', i: 'I', o: 'O', u: 'O' } as Record<string, string>)[s[0]!]! : '';
  s = lead + s.slice(lead ? 1 : 0)
    .replace(/(?<=.)a$/, 'A')
    .replace(/[ouwv]/g, 'O')
    .replace(/[ieyj]/g, 'I')
    .replace(/a/g, '')
    .replace(/(.)\1+/g, '$1');
  return s.length >= 3 ? s : null;
}

/** Double Metaphone codes of a token (primary, and the alternate when it differs). */
export function phoneticKeys(token: string): string[] {
  const [primary, alternate] = doubleMetaphone(token);
  return alternate && alternate !== primary ? [primary, alternate] : [primary];
}

/**
 * The one syllable a one-syllable English or German name says, when its spelling marks a long
 * vowel: a vowel, one consonant and a silent e ("Kane", "Gale", "Fine", "Rice", "Pete", "Whyte"),
 * or a vowel pair before the consonants ("Cain", "Gail", German "Fein"/"Reiss", "Piet", "Loos",
 * "Reece"; German "uh" is the "oo" of "Kuhn", Dutch "ey" the i of "Eyck"/"Ike"), or "igh"
 * ("Wight", Irish "Tighe"/"Tye"); the s of "isle" is silent ("Lisle"/"Lyle"). A syllable that
 * ends in its vowel says it by the letters English, Spanish, German and pinyin write for it
 * ("Rey"/"Rae", Japanese "Kei"/"Kaye", "Lee"/"Lie"/"Leigh", "Nye"/"Nai", "Sue"/"Soo"). Spellings
 * with one key sound alike though the transliteration distance prices their letters far apart
 * ("Kane"/"Cain", "Fine"/"Fein", "Pryce"/"Preis", "Luce"/"Loos"); every such pair met so far
 * also shares a Double Metaphone key, so search and dedupe find it by that key.
 *
 * Null for every other shape: a doubled consonant before the e is a short vowel ("Belle"),
 * "-es" or a vowel pair before an e can be a second syllable (German "Hannes", "Beate"), a final
 * "ay" is "ay" in English and "eye" in Vietnamese, and an "oh" is short in "John", long in
 * German "Mohr".
 */
const LONG_VOWEL: Readonly<Record<string, string>> = { a: 'A', e: 'E', i: 'I', y: 'I', o: 'O', u: 'U' };
const LONG_PAIR: Readonly<Record<string, string>> = { ai: 'A', ay: 'A', ei: 'I', ey: 'I', ee: 'E', ea: 'E', ie: 'E', oa: 'O', oo: 'U' };
const OPEN_VOWEL: Readonly<Record<string, string>> = { aye: 'A', ae: 'A', ey: 'A', ei: 'A', ee: 'E', ie: 'E', ai: 'I', ye: 'I', oo: 'U', ue: 'U', oe: 'O' };

export function syllableKey(token: string): string | null {
  const spelled = token
    .replace(/eigh$/, 'ee')
    .replace(/isle$/, 'ile')
    .replace(/igh(t?)e?$/, (_, t: string) => (t ? 'yte' : 'ye'))
    .replace(/^wh/, 'w')
    .replace(/(?<=[^aeiouy])uh(?=[^aeiouy])/, 'oo')
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k');
  const m = /^([^aeiouy]*)([aeiouy]+)([^aeiouy]*)(e?)$/.exec(spelled);
  if (!m) return null;
  const [, onset, vowel, coda, silentE] = m as unknown as [string, string, string, string, string];
  if (!coda) return onset && OPEN_VOWEL[vowel] ? onset + OPEN_VOWEL[vowel] : null;
  const long = !silentE ? LONG_PAIR[vowel]
    : vowel.length === 1 ? (coda.length === 1 ? LONG_VOWEL[vowel] : undefined)
    : vowel === 'ee' || vowel === 'oo' ? LONG_PAIR[vowel] : undefined;
  return long ? onset + long + coda.replace(/(.)\1/g, '$1').replace(/z$/, 's') : null;
}

/**
 * A token spelled by sound, for the transliteration distance: digraphs of one sound become one
 * letter (`ch`/`tch`/`tsj`/`cz` → C, `sh`/`sch`/`sz` → S, `zh` → Z, `ts`/`tz` → z), `kh`/`th`/`dh`/`gh`
 * lose their h, c/q become k or s, w becomes v, and doubled letters collapse. French `eau` and a
 * final `-ault`/`-aud`/`-aux` are the o they say ("Renault"/"Reno"); a Latin `-us` after four
 * letters or more is dropped ("Maximus"/"Maksim", "Augustinus"/"Augustyn"; not Arabic "Yunus");
 * a Greek `eu` before a consonant is `ev` ("Eugenia"/"Evgeniya").
 *
 * English and French vowels: `ou` is u, as French writes Arabic and West African names
 * ("Youssouf"/"Yusuf", "Younous"/"Yunus", "Mamadou"/"Mamadu"); a silent `gh` after i
 * ("Leigh"/"Lee", "Wright"); a final `w` after a vowel is u ("Drew"/"Dru", "Shaw"/"Shou"); `au`
 * before a consonant is o ("Maurice"/"Moris"; a final Vietnamese "au" stays, "Hau" is not "Ho");
 * a final `-ie`/`-ey` after a consonant is i ("Susie"/"Suzy", "Jennie"/"Jenni"); a Gaelic initial
 * `Mc` is Mac ("McCall"/"MacColl", "McAvoy"/"McEvoy"). An `aw` before n stays: read as au it
 * made "Dawn" sound like "Dani".
 *
 * Consonants one language writes for another's sound: an Italian initial `gi` before a, o or u,
 * Albanian `xh` and a French or Serbo-Croatian initial `dj` are j ("Giulia"/"Julia",
 * "Xhemal"/"Jemal", "Hoxha"/"Hoja", "Djamila"/"Jamila"; not German "Nadja"); a Chinese or
 * Vietnamese initial `x` before i or u and a Wade–Giles initial `hs` are sh ("Xu"/"Hsu"/"Shu",
 * "Xin"/"Shin", Vietnamese "Xuan"/"Suan"); an English initial `wr` is r ("Wray"/"Ray"); German
 * `chs` is ks ("Fuchs"/"Fox", "Wechsler"/"Wexler"); an Italian `cc` before e or i is ch
 * ("Ricci"/"Ritchie"); an English initial `geof` is jef ("Geoff"/"Jeff"); n before b, p or m is
 * the m it is said as (Japanese "Honma"/"Homma", Arabic "Anbar"/"Ambar").
 *
 * Endings that one language writes and another does not: a French final `-ot` after a consonant
 * is the o it says ("Perrot"/"Perro"; not "Eliot"); a Greek `-ios` is `-i` and `-os` after five
 * letters or more is dropped ("Alexios"/"Aleksei", "Konstantinos"/"Konstantin"; not "Carlos");
 * a Slavic final `-iy`/`-ij`/`-yi` is one i ("Yevgeniy"/"Yevgeni"); the patronymic
 * `-ovych`/`-ovich`/`-evich` is one ending.
 *
 * Vowels stay: the distance prices them, where the variant key drops them.
 */
export function soundForm(token: string): string {
  return token
    .replace(/ou/g, 'u')
    .replace(/^gi(?=[aou])|^dj|xh/g, 'j')
    .replace(/^(?:hs|x(?=[iu]))/, 'S')
    .replace(/^wr/, 'r')
    .replace(/n(?=[bpm])/g, 'm')
    .replace(/(?<=[a-z]{3})e?au(?:x|lt|ld|d|t)$|eaux?/g, 'o')
    .replace(/(?<=[a-z]{4})us$/, '')
    .replace(/^eu(?=[bdgvfmn])/, 'ev')
    .replace(/^geof/, 'jef')
    .replace(/^mc/, 'mak')
    .replace(/cc(?=[ei])/g, 'C')
    .replace(/x+|chs/g, 'ks')
    .replace(/ph/g, 'f')
    .replace(/tzsch|tsch|tch|tsh|tsj/g, 'C')
    .replace(/sch|sh|sz/g, 'S')
    .replace(/cz|ch/g, 'C')
    .replace(/(?<!t)zh/g, 'Z')
    .replace(/(?<=i)gh(?=t|$)/, '')
    .replace(/(?<=[aeiou])w(?=e?$)/, 'u')
    .replace(/kh/g, 'h')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/gh/g, 'g')
    .replace(/ck/g, 'k')
    .replace(/tz|ts/g, 'z')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/w/g, 'v')
    .replace(/(.)\1+/g, '$1')
    .replace(/au(?=[^aeiouy])/g, 'o')
    .replace(/(?<=[a-z]{2}[aeiou]?[^aeiou])ot$/, 'o')
    .replace(/(?<=[a-z]{3})ios$/, 'i')
    .replace(/(?<=[a-z]{5})os$/, '')
    .replace(/(?:ij|iy|ii|yi|yj)$/, 'i')
    .replace(/(?<=[a-z][^aeiouy])(?:ie|ey)$/, 'i')
    .replace(/[iy]?[eo]v[iy]C$/, 'eviC');
}
