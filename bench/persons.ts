/**
 * Seeded person-record CSVs for `harbour match link` at size (the bench's match scenario and the
 * tests): a left file of `records` persons and a right file of as many, of which `overlap` (a
 * share) are the same persons as left records, written the way another agency writes them (a
 * typo, a dropped name part, a year for a date, no phone); the rest are other persons. Names are
 * made of syllables drawn with a skew, as in the bench store: a few very common tokens, most rare.
 * Each record is a function of (seed, index), so nothing is held in memory; files are written in
 * blocks. Returns the planted pairs' count; `truth` lists them (`left_id,right_id`).
 */
import { rng as seededRng } from '../src/demo/generate';
import fs from 'node:fs';
import { PERSON_COLUMNS } from '../src/resolution';
import { csvCell } from '../connectors/kit/csv';

const SYLLABLES = ['an', 'bi', 'da', 'el', 'fa', 'gi', 'ha', 'ka', 'la', 'ma', 'na', 'ra', 'sa', 'ta', 'va', 'ya', 'zu', 'mi', 'lo', 'ne',
  'ri', 'so', 'tu', 'de', 'mo', 'ku', 'be', 'li', 'no', 'pa', 'qa', 'wi', 'ez', 'ol', 'ar', 'um', 'in', 'es', 'or', 'ul'];
const NATIONALITIES = ['VNM', 'ERI', 'AFG', 'IRQ', 'SDN', 'UKR', 'ALB', 'GBR'];
const STREETS = ['Road', 'Street', 'Lane', 'Close', 'Avenue'];

export interface PersonFiles {
  readonly records: number;
  /** Share of right records that are left persons. @default 0.5 */
  readonly overlap?: number;
  readonly seed: number;
  readonly left: string;
  readonly right: string;
  /** Where to write the planted pairs (`left_id,right_id`), if anywhere. */
  readonly truth?: string;
}

/** The demo's mulberry32, seeded from (seed, index, stream). */
function rng(seed: number, index: number, stream: number) {
  return seededRng(Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35));
}
type Rng = ReturnType<typeof rng>;

type Person = Record<(typeof PERSON_COLUMNS)[number], string>;

const word = (r: Rng, parts: number) => {
  let w = r.pick(SYLLABLES, 2);
  for (let i = 1; i < parts; i++) w += r.pick(SYLLABLES);
  return w[0]!.toUpperCase() + w.slice(1);
};

/** Person `index` of a file (stream 0: left, 1: the right file's own persons). */
function person(seed: number, stream: number, index: number, id: string): Person {
  const r = rng(seed, index, stream);
  const dob = new Date(Date.UTC(2006, 0, 1) + r.int(0, 6500) * 86_400_000).toISOString().slice(0, 10);
  const street = r.chance(0.5) ? `${r.int(1, 200)} ${word(r, 2)} ${r.pick(STREETS)}` : '';
  return {
    record_id: id,
    full_name: '',
    given_name: word(r, 2),
    family_name: word(r, r.chance(0.5) ? 2 : 3),
    dob: r.chance(0.9) ? dob : dob.slice(0, 4),
    sex: r.chance(0.8) ? 'M' : 'F',
    nationality: r.pick(NATIONALITIES),
    phone: r.chance(0.3) ? `07700 9${r.digits(5)}` : '',
    fingerprint_ref: r.chance(0.1) ? `IABS-${r.digits(8)}` : '',
    identifiers: r.chance(0.3) ? `HO_REF:B${r.digits(7)}` : '',
    address: street,
    postcode: street ? `CT${r.int(1, 21)} ${r.int(1, 9)}${r.pick(['AA', 'AB', 'BD', 'EX', 'HN'])}` : '',
  };
}

/** The same person as another agency records it: a typo, a dropped or reordered name, less known. */
function rewritten(p: Person, seed: number, index: number, id: string): Person {
  const r = rng(seed, index, 2);
  const typo = (s: string) => {
    const i = r.int(1, s.length - 1);
    return s.slice(0, i) + r.pick(['a', 'e', 'i', 'o', 'u', 'h']) + s.slice(i + 1);
  };
  const q = { ...p, record_id: id };
  if (r.chance(0.3)) q.family_name = typo(q.family_name);
  if (r.chance(0.2)) q.given_name = typo(q.given_name);
  if (r.chance(0.2)) {
    q.full_name = `${q.family_name.toUpperCase()}, ${q.given_name}`;
    q.given_name = '';
    q.family_name = '';
  }
  if (r.chance(0.2)) q.dob = q.dob.slice(0, 4);
  if (r.chance(0.5)) q.phone = '';
  if (r.chance(0.5)) q.fingerprint_ref = '';
  if (r.chance(0.3)) q.address = '';
  if (r.chance(0.3)) q.nationality = '';
  return q;
}

const line = (p: Person) => PERSON_COLUMNS.map((c) => csvCell(p[c])).join(',');
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function writePersonFiles(options: PersonFiles): number {
  const n = options.records;
  const width = String(n).length;
  const planted = Math.floor(n * (options.overlap ?? 0.5));
  // Right record j < planted is left person (j · 7919) mod n: a spread of left records, each once when n and 7919 are coprime.
  const source = (j: number) => (j * 7919) % n;
  const write = (file: string, make: (i: number) => string) => {
    const fd = fs.openSync(file, 'w');
    try {
      let block = `${PERSON_COLUMNS.join(',')}\n`;
      for (let i = 0; i < n; i++) {
        block += `${make(i)}\n`;
        if (block.length > 1 << 20) {
          fs.writeSync(fd, block);
          block = '';
        }
      }
      fs.writeSync(fd, block);
    } finally {
      fs.closeSync(fd);
    }
  };
  const leftId = (i: number) => `L${pad(i, width)}`;
  const rightId = (j: number) => `R${pad(j, width)}`;
  write(options.left, (i) => line(person(options.seed, 0, i, leftId(i))));
  write(options.right, (j) =>
    line(j < planted ? rewritten(person(options.seed, 0, source(j), leftId(source(j))), options.seed, j, rightId(j)) : person(options.seed, 1, j, rightId(j))),
  );
  if (options.truth) {
    const rows = ['left_id,right_id'];
    for (let j = 0; j < planted; j++) rows.push(`${leftId(source(j))},${rightId(j)}`);
    fs.writeFileSync(options.truth, `${rows.join('\n')}\n`);
  }
  return planted;
}
