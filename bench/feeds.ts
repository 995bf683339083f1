/**
 * Input files for the ingest scenarios, one per connector format, written as a stream (a 1M-item
 * file is never held in memory) and cached by size. Names are drawn from syllables, so that, as in
 * real data, most children's names are rare and a few are common; every child is distinct.
 */
import fs from 'node:fs';
import path from 'node:path';
import { seeded } from './stats';

const SYLLABLES = ['an', 'bi', 'da', 'el', 'fa', 'gi', 'ha', 'ka', 'la', 'ma', 'na', 'ra', 'sa', 'ta', 'va', 'ya', 'zu', 'mi', 'lo', 'ne',
  'ri', 'so', 'tu', 've', 'wa', 'xi', 'yo', 'ze', 'ab', 'ol', 'ul', 'em', 'in', 'ar', 'es', 'or', 'us', 'ha', 'ke', 'mo'];

/** A generated child: the facts each feed renders in its own format. */
interface Child { n: number; given: string; family: string; sex: 'M' | 'F'; dob: Date }

function child(next: () => number, n: number): Child {
  const syllable = (skew: number) => SYLLABLES[Math.floor(Math.pow(next(), skew) * SYLLABLES.length)]!;
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return {
    n,
    given: cap(syllable(2) + syllable(1)),
    family: cap(syllable(2) + syllable(1) + (next() < 0.5 ? syllable(1) : '')),
    sex: next() < 0.7 ? 'M' : 'F',
    dob: new Date(Date.UTC(2006 + Math.floor(next() * 12), Math.floor(next() * 12), 1 + Math.floor(next() * 28))),
  };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const uk = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
const day = 86_400_000;

/** Write `count` entries (`line(i)` returns entry i's text) between `head` and `tail` to `file`, once: a streamed, cached input. */
function writeOnce(file: string, count: number, head: string, line: (i: number) => string, tail = ''): string {
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.openSync(`${file}.part`, 'w');
  let chunk = head;
  for (let i = 0; i < count; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk + tail);
  fs.closeSync(out);
  fs.renameSync(`${file}.part`, file);
  return file;
}

/** `children` generated children's lines (each call of `render` returns one child's). */
function cached(file: string, children: number, head: string, render: (c: Child, next: () => number) => string, tail = ''): string {
  const next = seeded(7);
  return writeOnce(file, children, head, (n) => render(child(next, n), next), tail);
}

/** An SSDA903 Episodes file of `rows` rows, three episodes a child; cached by size. */
export function episodesCsv(dir: string, rows: number): string {
  const places = ['U1', 'U3', 'K2', 'R5', 'P2', 'H5'];
  return writeOnce(path.join(dir, `episodes-${rows}.csv`), rows, 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n', (i) => {
    const child = 100000 + Math.floor(i / 3);
    const episode = i % 3;
    const start = `${String(1 + ((child + episode * 7) % 28)).padStart(2, '0')}/${String(1 + episode * 4).padStart(2, '0')}/2020`;
    const end = episode < 2 ? `${String(1 + ((child + episode * 7) % 28)).padStart(2, '0')}/${String(3 + episode * 4).padStart(2, '0')}/2020` : '';
    return `${child},${start},L,C2,N1,${places[i % places.length]},PR1,${end},${end ? 'E11' : ''},,AB${i % 90} 1CD,ZZ${i % 97} 9XY,${1000000 + (i % 5000)}\n`;
  });
}

export interface FeedInput { feed: string; agency: string; format: string; files: string[] }

/** About `items` items of each format: SSDA903 XML, LA person details (CSV), police and Home Office JSON Lines. */
export function feedInputs(dir: string, items: number): FeedInput[] {
  // SSDA903 XML: a header and two episodes a child (3 items).
  const xml = cached(path.join(dir, `ssda903-${items}.xml`), Math.ceil(items / 3), `<?xml version='1.0' encoding='us-ascii'?>\n<EXPSSDA903>`, (c) => {
    const start = new Date(Date.UTC(2020, c.n % 12, 1 + (c.n % 28)));
    const moved = new Date(start.getTime() + (10 + (c.n % 90)) * day);
    return `<CHILD><HEADER><CHILDID>${200000 + c.n}</CHILDID><UPN>UN2</UPN><SEX>${c.sex === 'M' ? 1 : 2}</SEX><DOB>${uk(c.dob)}</DOB><ETHNIC>WBRI</ETHNIC></HEADER>`
      + `<EPISODE><DECOM>${uk(start)}</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL><PL_POST>ZZ${c.n % 97} 9XY</PL_POST><HOME_POST /><URN>${1000000 + (c.n % 5000)}</URN><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>${uk(moved)}</DEC><REC>E11</REC><REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE></EPISODE>`
      + `<EPISODE><DECOM>${uk(moved)}</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>K2</PL><PL_POST>ZZ${c.n % 89} 8XY</PL_POST><HOME_POST /><URN>${1000000 + (c.n % 4000)}</URN><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC /><REC /><REASON_PLACE_CHANGE /></EPISODE></CHILD>\n`;
  }, '</EXPSSDA903>\n');
  // LA person details: a person row and a phone contact a child (2 items), in two files.
  const people = cached(path.join(dir, `la-person-${items}`, 'person.csv'), Math.ceil(items / 2),
    'pers_person_id,pers_forename,pers_surname,pers_sex,pers_dob,pers_dob_precision,pers_nationality,pers_upn,pers_common_child_id\n',
    (c) => `C-${c.n},${c.given},${c.family},${c.sex},${iso(c.dob)},DAY,ERI,,\n`);
  const contacts = cached(path.join(dir, `la-person-${items}`, 'contacts.csv'), Math.ceil(items / 2),
    'person_id,kind,platform,value,recorded_at,note\n',
    (c) => `C-${c.n},PHONE,,07911 ${String(100000 + c.n).slice(-6)},2025-01-0${1 + (c.n % 9)},\n`);
  // Police: a person and a missing report a child (2 items); one report in a hundred still open
  // (5,000 children missing at 1M lines: every new record is matched against all of them).
  const police = cached(path.join(dir, `police-${items}-v2.jsonl`), Math.ceil(items / 2), '', (c, next) => {
    const seen = new Date(Date.UTC(2025, c.n % 12, 1 + (c.n % 28), 18));
    const found = next() < 0.99 ? new Date(seen.getTime() + (1 + (c.n % 20)) * day).toISOString() : null;
    return `${JSON.stringify({ type: 'person', person_ref: `P-${c.n}`, names: [{ given: c.given, family: c.family, kind: 'ASSERTED' }], dob: iso(c.dob), dob_precision: 'DAY', sex: c.sex, nationality: 'VNM', biometrics: [], contacts: [] })}\n`
      + `${JSON.stringify({ type: 'missing_report', report_ref: `MIS-${c.n}`, person_ref: `P-${c.n}`, reported_at: new Date(seen.getTime() + 3_600_000).toISOString(), last_seen_at: seen.toISOString(), last_seen_location: 'Croydon', missing_from_la: 'LA-213', risk: [{ level: 'MEDIUM', graded_at: new Date(seen.getTime() + 3_600_000).toISOString() }], ukmpu_notified_at: null, found_at: found, found_location: found ? 'Luton' : null })}\n`;
  });
  // Home Office: a person with identifiers and a fingerprint reference, an encounter and a status a child (3 items).
  const homeOffice = cached(path.join(dir, `home-office-${items}.jsonl`), Math.ceil(items / 3), '', (c) => {
    const ref = `B${String(1000000 + c.n).padStart(7, '0')}`;
    const arrived = new Date(Date.UTC(2025, c.n % 12, 1 + (c.n % 28)));
    return `${JSON.stringify({ type: 'person', person_ref: `HO-${ref}`, names: [{ given: c.given, family: c.family, kind: 'LEGAL' }], dob: iso(c.dob), dob_precision: 'DAY', sex: c.sex, nationality: 'ERI', identifiers: [{ scheme: 'HO_REF', value: ref }], biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: `IABS-${10000000 + c.n}` }] })}\n`
      + `${JSON.stringify({ type: 'encounter', encounter_ref: `ENC-${c.n}`, person_ref: `HO-${ref}`, at: arrived.toISOString(), kind: 'PORT_ARRIVAL', location: 'Dover', unaccompanied: true, referred_to_la: 'LA-886', border_flag_set: false })}\n`
      + `${JSON.stringify({ type: 'status', person_ref: `HO-${ref}`, asylum_claimed_at: iso(new Date(arrived.getTime() + day)), status: 'PENDING' })}\n`;
  });
  return [
    { feed: 'ssda903', agency: 'LA-213', format: 'xml', files: [xml] },
    { feed: 'la-person', agency: 'LA-213', format: 'csv', files: [people, contacts] },
    { feed: 'police', agency: 'POLICE-MPS', format: 'jsonl', files: [police] },
    { feed: 'home-office', agency: 'HO', format: 'jsonl', files: [homeOffice] },
  ];
}
