/** Plain-English forms of what the API returns: dates at the precision known, names, codes. */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "14 March 2009", "March 2009" or "2009": never a day or month that was not known. */
export function dateAt(value: string, precision: string = 'DAY'): string {
  const [y, m, d] = value.slice(0, 10).split('-');
  if (precision === 'YEAR' || !m) return y ?? value;
  const month = MONTHS[Number(m) - 1] ?? m;
  if (precision === 'MONTH' || !d) return `${month} ${y}`;
  return `${Number(d)} ${month} ${y}`;
}

/** A date-time as a UK reader expects it, in the browser's time zone. */
export function when(value: string): string {
  // A date the source gave without a time arrives as midnight UTC: say the date only.
  if (/T00:00:00(\.0+)?Z$/.test(value)) return dateAt(value.slice(0, 10));
  const t = new Date(value);
  return `${dateAt(`${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`)}, ${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
}

/** Whole years from a date of birth to today; "about" when the day or month is not known. */
export function age(value: string, precision: string, today = new Date()): string {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  let years = today.getFullYear() - (y ?? 0);
  if (precision === 'DAY' && (today.getMonth() + 1 < (m ?? 1) || (today.getMonth() + 1 === m && today.getDate() < (d ?? 1)))) years--;
  if (precision === 'MONTH' && today.getMonth() + 1 < (m ?? 1)) years--;
  return precision === 'DAY' ? `${years}` : `about ${years}`;
}

export interface NameLike {
  given?: string | null;
  family?: string | null;
  full?: string | null;
}

/** The first name of a record for a list: "name withheld" only when the API withheld it. */
export function firstName(names: readonly NameLike[] | null | undefined): string {
  if (names === null || names === undefined) return 'name withheld';
  return names.length ? nameOf(names[0]) : 'no name recorded';
}

export function nameOf(n: NameLike | undefined | null): string {
  if (!n) return '';
  return n.full ?? [n.given, n.family].filter(Boolean).join(' ');
}

/** SOME_CODE → "some code". */
export function words(code: string | null | undefined): string {
  return (code ?? '').toLowerCase().replace(/_/g, ' ');
}

export function percent(p: number): string {
  return p >= 0.9995 ? '>99.9%' : `${(p * 100).toFixed(1)}%`;
}

/** A from/to pair of YYYY-MM-DD days as the whole days they span in the browser's time zone (null for none). */
export function dayRange(from: string, to: string): { from: string | null; to: string | null } {
  return { from: from ? new Date(`${from}T00:00:00`).toISOString() : null, to: to ? new Date(`${to}T23:59:59.999`).toISOString() : null };
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function isoToday(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/**
 * A date as typed by a UK user: YYYY-MM-DD, YYYY-MM, YYYY or dd/mm/yyyy (read as UK, never US).
 * Returns the ISO form, or an error in words.
 */
export function parseUkDate(input: string, today = isoToday()): { value?: string; error?: string } {
  const s = input.trim();
  if (!s) return {};
  let iso: string | undefined;
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  else if ((m = /^(\d{1,2})[/.-](\d{4})$/.exec(s))) iso = `${m[2]}-${m[1]!.padStart(2, '0')}`;
  else if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(s)) iso = s;
  if (!iso) return { error: 'Enter a date as 14/03/2009, 03/2009, 2009 or 2009-03-14.' };
  const [y, mo, d] = iso.split('-').map(Number);
  if (mo !== undefined && (mo < 1 || mo > 12)) return { error: `There is no month ${mo}: dates are read day first (14/03/2009).` };
  if (d !== undefined) {
    const date = new Date(Date.UTC(y!, mo! - 1, d));
    if (date.getUTCDate() !== d) return { error: `There is no day ${d} in that month.` };
  }
  if (iso > today.slice(0, iso.length)) return { error: 'That date is in the future.' };
  return { value: iso };
}
