// Type declarations for the two CommonJS releases the matching library uses (the later releases
// of both are ESM-only, which jest's CommonJS runtime cannot load).
declare module 'any-ascii' {
  /** Unicode → ASCII transliteration (Arabic, Ge'ez, Cyrillic, Vietnamese diacritics…). */
  function anyAscii(text: string): string;
  export = anyAscii;
}
declare module 'double-metaphone' {
  /** [primary, alternate] Double Metaphone codes. */
  function doubleMetaphone(word: string): [string, string];
  export = doubleMetaphone;
}
