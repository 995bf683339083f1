/**
 * Name normalisation: one Latin, lower-case form of any script (any-ascii's transliteration
 * tables), and name tokens with Arabic particles joined consistently. Spellings are compared by
 * the learned name distance (`edit-costs.ts`), not rewritten here.
 *
 * The same functions run at ingest (to write match keys), in candidate generation and in the
 * comparators, so a key computed for the store and one computed for a query always agree.
 */
import anyAscii from 'any-ascii';

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
