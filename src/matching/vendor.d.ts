// Type declarations for the CommonJS release of any-ascii the matching library uses (its later
// releases are ESM-only, which jest's CommonJS runtime cannot load).
declare module 'any-ascii' {
  /** Unicode → ASCII transliteration (Arabic, Ge'ez, Cyrillic, Vietnamese diacritics…). */
  function anyAscii(text: string): string;
  export = anyAscii;
}
