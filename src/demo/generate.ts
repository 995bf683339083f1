/**
 * `harbour demo generate`: synthetic feeds for N children, seeded. Each child is seen by one to
 * four agencies under varying names (transliteration variants, reordered parts, dropped particles,
 * typos, nicknames), with placeholder and disputed dates of birth, fingerprint references the
 * police and Home Office share, shared phones and handles (and a hostel phone many children
 * share), twins and siblings as hard non-matches, open and repeated missing episodes; plus
 * `truth.csv` saying which records are which child. Everything is invented.
 *
 * Layout: `<out>/<agency>/<feed>/<files>` (what `harbour demo load` ingests) and `<out>/truth.csv`.
 */
import fs from 'node:fs';
import { csvCell } from '../../connectors/kit/csv';
import path from 'node:path';
import { mrzCheckDigit } from '../../connectors/kit/identifiers';
import { ORIGINS, ORIGIN_WEIGHTS, type Origin, type OriginSpec } from './names';

export interface GenerateOptions {
  children: number;
  seed: number;
  out: string;
  /** "Today" for the story. @default 2026-06-01 */
  now?: Date;
}

/** mulberry32: small, seeded, good enough for test data (also the bench's person generator). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    /** `skew` > 1 favours the first items. */
    pick: <T>(items: readonly T[], skew = 1) => items[Math.floor(next() ** skew * items.length)]!,
    digits: (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join(''),
  };
}
type Rng = ReturnType<typeof rng>;

interface Child {
  id: string;
  origin: Origin;
  spec: OriginSpec;
  sex: 'M' | 'F';
  given: string;
  family: string[];
  dob: Date;
  arrived: Date | null;
  phone: string;
  handle: string;
  iabs: string;
  ident1: string;
  hoRef: string;
}

const day = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const uk = (d: Date) => `${iso(d).slice(8, 10)}/${iso(d).slice(5, 7)}/${iso(d).slice(0, 4)}`;
const ETHNIC: Record<Origin, string> = { VIETNAMESE: 'AOTH', ALBANIAN: 'WOTH', ERITREAN: 'BAFR', AFGHAN: 'AOTH', ARABIC: 'OOTH', KURDISH: 'OOTH', UK: 'WBRI' };

function weighted(r: Rng): Origin {
  const total = ORIGIN_WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let x = r.next() * total;
  for (const [origin, w] of ORIGIN_WEIGHTS) if ((x -= w) < 0) return origin;
  return 'UK';
}

function makeChild(r: Rng, index: number, now: Date, sibling?: Child, twin?: boolean): Child {
  const origin = sibling?.origin ?? weighted(r);
  const spec = ORIGINS[origin];
  const sex = r.chance(0.8) ? 'M' : 'F';
  const pool = sex === 'M' ? spec.male : spec.female;
  let given = r.pick(pool);
  // Siblings and twins have given names of their own: that is what tells them apart. The next
  // name of the pool, not another draw, so every other child of a seed stays as it was.
  if (sibling && given === sibling.given) given = pool[(pool.indexOf(given) + 1) % pool.length]!;
  const family = sibling ? [...sibling.family] : spec.patronymic ? [r.pick(spec.male), r.pick(spec.family)] : [r.pick(spec.family)];
  const dob = twin && sibling ? sibling.dob : new Date(now.getTime() - (r.int(13 * 365, 17 * 365 + 300) * day));
  const arrived = origin === 'UK' ? null : new Date(now.getTime() - r.int(20, 400) * day);
  return {
    id: `child-${String(index + 1).padStart(4, '0')}`, origin, spec, sex, given, family, dob, arrived,
    phone: `07700 9${r.digits(5)}`, handle: `@${given.toLowerCase()}.${r.digits(3)}`, iabs: `IABS-${r.digits(8)}`, ident1: `ID1-${r.digits(8)}`, hoRef: `B${r.digits(7)}`,
  };
}

/** The kinds of difference real records show. */
function spelling(r: Rng, spec: OriginSpec, name: string): string {
  const variants = spec.variants[name];
  if (variants && r.chance(0.45)) return r.pick(variants);
  if (r.chance(0.08) && name.length > 4) {
    const i = r.int(1, name.length - 2);
    return name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2); // a transposition typo
  }
  return name;
}

interface NameRecord { given: string | null; family: string | null; full: string | null; kind: 'LEGAL' | 'ASSERTED' | 'ALTERNATE' | 'NICKNAME' | 'WEAK' }

function nameAsRecorded(r: Rng, c: Child, kind: NameRecord['kind']): NameRecord {
  const given = spelling(r, c.spec, c.given);
  const family = c.family.map((f) => spelling(r, c.spec, f)).join(' ');
  if (c.spec.familyFirst && r.chance(0.3)) return { given: null, family: null, full: `${family.toUpperCase()} ${given}`, kind }; // family name first
  if (c.spec.particles && r.chance(0.3)) return { given, family: `${r.pick(c.spec.particles)} ${family}`, full: null, kind };
  if (r.chance(0.1)) return { given: family, family: given, full: null, kind }; // given and family swapped
  return { given, family, full: null, kind };
}

/** A date of birth as an agency recorded it. */
function dobAsRecorded(r: Rng, c: Child): { value: Date; precision: 'DAY' | 'MONTH' | 'YEAR' } {
  const roll = r.next();
  if (c.arrived && roll < 0.25) return { value: new Date(Date.UTC(c.dob.getUTCFullYear(), 0, 1)), precision: 'YEAR' }; // 1 January placeholder
  if (c.arrived && roll < 0.35) return { value: new Date(Date.UTC(c.dob.getUTCFullYear(), c.dob.getUTCMonth(), 15)), precision: 'MONTH' }; // 15th placeholder
  if (c.arrived && roll < 0.45) return { value: new Date(Date.UTC(c.dob.getUTCFullYear() - 1, c.dob.getUTCMonth(), c.dob.getUTCDate())), precision: 'DAY' }; // assessed older
  return { value: c.dob, precision: 'DAY' };
}

function mrzLines(c: Child, r: Rng): string[] {
  const pad = (s: string, n: number) => (s + '<'.repeat(n)).slice(0, n);
  const name = `${c.family.join('<').toUpperCase()}<<${c.given.toUpperCase()}`.replace(/[^A-Z<]/g, '<');
  const line1 = pad(`P<${c.spec.nationality}${name}`, 44);
  const number = `${String.fromCharCode(65 + r.int(0, 25))}${r.digits(8)}`;
  const dob = iso(c.dob).slice(2).replace(/-/g, '');
  const expiry = `${String(30 + r.int(0, 5))}0101`;
  const personal = '<'.repeat(14);
  const parts = [number, String(mrzCheckDigit(number)), c.spec.nationality, dob, String(mrzCheckDigit(dob)), c.sex, expiry, String(mrzCheckDigit(expiry)), personal, String(mrzCheckDigit(personal))];
  const composite = mrzCheckDigit(`${parts[0]}${parts[1]}${parts[3]}${parts[4]}${parts[6]}${parts[7]}${parts[8]}${parts[9]}`);
  return [line1, `${parts.join('')}${composite}`];
}

class Writer {
  private readonly files = new Map<string, string[]>();
  constructor(private readonly out: string) {}
  add(agency: string, feed: string, file: string, header: string, row: string): void {
    const key = path.join(agency, feed, file);
    const rows = this.files.get(key) ?? this.files.set(key, header ? [header] : []).get(key)!;
    rows.push(row);
  }
  csv(agency: string, feed: string, file: string, columns: string[], values: unknown[]): void {
    this.add(agency, feed, file, columns.join(','), values.map(csvCell).join(','));
  }
  jsonl(agency: string, feed: string, value: object): void {
    this.add(agency, feed, `${feed}.jsonl`, '', JSON.stringify(value));
  }
  flush(): string[] {
    const written: string[] = [];
    for (const [file, rows] of this.files) {
      const full = path.join(this.out, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, `${rows.join('\n')}\n`);
      written.push(full);
    }
    return written;
  }
}

const HEADER = ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'];
const EPISODES = ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'];
const MISSING = ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'];
const PLAN_ITEMS = ['ROLES_EXPLAINED', 'FREE_CARE_EXPLAINED', 'PHOTOGRAPH', 'PHYSICAL_DESCRIPTION', 'SOCIAL_MEDIA', 'PHONE', 'OWNERSHIP_AGREEMENT', 'RISK_LEVEL', 'UKVI_INFORMED', 'NCA_INFORMED', 'DEBRIEF_PLAN'];
const HOSTEL_PHONE = '07700 900999';

export function generateDemo(options: GenerateOptions): { files: string[]; truth: string } {
  const r = rng(options.seed);
  const now = options.now ?? new Date('2026-06-01T00:00:00Z');
  const w = new Writer(options.out);
  const truth: string[] = ['feed,agency,local_id,child'];
  const children: Child[] = [];
  for (let i = 0; i < options.children; i++) {
    const previous = children.at(-1);
    const sibling = previous && r.chance(0.08) ? previous : undefined; // siblings and twins: hard non-matches
    const child = makeChild(r, i, now, sibling, sibling && r.chance(0.5));
    // The first child is the story of domain.md: Anh Nguyen, 16, arrived at Dover 100 days ago.
    if (i === 0) Object.assign(child, { origin: 'VIETNAMESE', spec: ORIGINS.VIETNAMESE, sex: 'M', given: 'Anh', family: ['Nguyen'], dob: new Date(now.getTime() - 16 * 365.25 * day), arrived: new Date(now.getTime() - 100 * day) });
    children.push(child);
  }

  for (const c of children) {
    const la = c.arrived ? 'LA-886' : 'LA-213';
    const laId = `C${la.slice(3)}-${c.id.slice(6)}`;
    const accommodated = c.arrived ?? new Date(now.getTime() - r.int(60, 500) * day);
    truth.push(`ssda903,${la},${laId},${c.id}`, `la-person,${la},${laId},${c.id}`);

    // Children's services: SSDA903 and person details.
    const dob = dobAsRecorded(r, c);
    w.csv(la, 'ssda903', 'header.csv', HEADER, [laId, c.sex === 'M' ? '1' : '2', uk(dob.value), ETHNIC[c.origin], 'UN2', '', '']);
    let start = accommodated;
    const placements = r.int(1, 3);
    for (let p = 0; p < placements; p++) {
      const end = p < placements - 1 ? new Date(start.getTime() + r.int(10, 120) * day) : null;
      w.csv(la, 'ssda903', 'episodes.csv', EPISODES, [laId, uk(start), p === 0 ? 'S' : 'P', c.arrived ? 'V2' : 'C2', 'N1', r.pick(['U1', 'U3', 'K2', 'R5', 'P2']), 'PR1', end ? uk(end) : '', end ? 'E11' : '', end ? 'CARPL' : '', '', `ZZ${r.int(1, 99)} ${r.int(1, 9)}QX`, `${1000000 + r.int(0, 99999)}`]);
      if (!end) break;
      start = end;
    }
    if (c.arrived) w.csv(la, 'ssda903', 'uasc.csv', ['CHILD', 'SEX', 'DOB', 'DUC'], [laId, c.sex === 'M' ? '1' : '2', uk(dob.value), uk(new Date(Date.UTC(c.dob.getUTCFullYear() + 18, c.dob.getUTCMonth(), c.dob.getUTCDate())))]);
    const missingEpisodes: { start: Date; end: Date | null }[] = [];
    const episodes = r.chance(0.5) ? r.int(1, 3) : 0;
    let missingStart = new Date(accommodated.getTime() + r.int(1, 5) * day); // many go missing within days
    for (let m = 0; m < episodes && missingStart < now; m++) {
      const open = m === episodes - 1 && r.chance(0.35);
      const end = open ? null : new Date(missingStart.getTime() + r.int(1, 40) * day);
      missingEpisodes.push({ start: missingStart, end });
      w.csv(la, 'ssda903', 'missing.csv', MISSING, [laId, uk(dob.value), r.chance(0.7) ? 'M' : 'A', uk(missingStart), end ? uk(end) : '']);
      if (!end) break;
      missingStart = new Date(end.getTime() + r.int(5, 60) * day);
    }
    const legal = nameAsRecorded(r, c, c.arrived ? 'ASSERTED' : 'LEGAL');
    w.csv(la, 'la-person', 'person.csv', ['pers_person_id', 'pers_forename', 'pers_surname', 'pers_sex', 'pers_dob', 'pers_dob_precision', 'pers_nationality', 'pers_upn', 'pers_common_child_id'],
      [laId, legal.given ?? legal.full, legal.family ?? '', c.sex, iso(dob.value), dob.precision, c.spec.nationality, '', '']);
    if (r.chance(0.5)) {
      const alias = nameAsRecorded(r, c, r.pick(['ALTERNATE', 'NICKNAME', 'ASSERTED'] as const));
      w.csv(la, 'la-person', 'aliases.csv', ['person_id', 'forename', 'surname', 'full_name', 'name_type'], [laId, alias.given, alias.family, alias.full, alias.kind]);
    }
    w.csv(la, 'la-person', 'contacts.csv', ['person_id', 'kind', 'platform', 'value', 'recorded_at', 'note'], [laId, 'PHONE', '', c.phone, iso(accommodated), '']);
    if (r.chance(0.3)) w.csv(la, 'la-person', 'contacts.csv', ['person_id', 'kind', 'platform', 'value', 'recorded_at', 'note'], [laId, 'PHONE', '', HOSTEL_PHONE, iso(accommodated), 'hostel landline']);
    if (r.chance(0.5)) w.csv(la, 'la-person', 'contacts.csv', ['person_id', 'kind', 'platform', 'value', 'recorded_at', 'note'], [laId, 'SOCIAL_MEDIA', r.pick(['tiktok', 'instagram', 'snapchat']), c.handle, iso(accommodated), '']);
    for (const item of PLAN_ITEMS) {
      if (r.chance(0.6)) w.csv(la, 'la-person', 'plan.csv', ['person_id', 'item', 'status', 'recorded_at', 'note'], [laId, item, r.pick(['DONE', 'DONE', 'NOT_DONE', 'DECLINED']), iso(accommodated), '']);
    }

    // Home Office.
    const seenByHo = c.arrived !== null && r.chance(0.85);
    if (seenByHo) {
      const hoId = `HO-${c.hoRef}`;
      truth.push(`home-office,HO,${hoId},${c.id}`);
      if (r.chance(0.6)) w.csv(la, 'la-person', 'linked_identifiers.csv', ['link_person_id', 'link_identifier_type', 'link_identifier_value', 'link_valid_from_date', 'link_valid_to_date'], [laId, 'Home Office Registration', c.hoRef, iso(c.arrived!), '']);
      const hoDob = dobAsRecorded(r, c);
      const disputed = r.chance(0.4);
      w.jsonl('HO', 'home-office', {
        type: 'person', person_ref: hoId, names: [nameAsRecorded(r, c, 'LEGAL')], dob: iso(hoDob.value), dob_precision: hoDob.precision, sex: c.sex, nationality: c.spec.nationality,
        identifiers: [{ scheme: 'HO_REF', value: c.hoRef }, { scheme: 'CID_PERSON_ID', value: r.digits(8) }],
        biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: c.iabs }, { modality: 'PHOTO', repository: 'IABS', reference: `IMG-${c.iabs.slice(5)}` }],
        ...(r.chance(0.2) ? { documents: [{ mrz: mrzLines(c, r) }] } : {}),
        ...(disputed ? { age_dispute: { claimed_dob: iso(c.dob), status: r.pick(['DISPUTED', 'ASSESSED_CHILD', 'ASSESSED_ADULT']), assessed_at: null, merton_compliant: null } } : {}),
      });
      w.jsonl('HO', 'home-office', { type: 'encounter', encounter_ref: `ENC-${c.id}`, person_ref: hoId, at: c.arrived!.toISOString(), kind: r.pick(['PORT_ARRIVAL', 'PORT_ARRIVAL', 'IN_COUNTRY']), location: r.pick(['Dover', 'Heathrow', 'Folkestone']), unaccompanied: true, referred_to_la: la, border_flag_set: r.chance(0.5) });
      w.jsonl('HO', 'home-office', { type: 'status', person_ref: hoId, asylum_claimed_at: iso(new Date(c.arrived!.getTime() + day)), status: r.pick(['PENDING', 'PENDING', 'UASC_LEAVE', 'REFUSED', 'REFUGEE']) });
      if (r.chance(0.3)) {
        const referred = new Date(c.arrived!.getTime() + r.int(2, 30) * day);
        w.jsonl('HO', 'home-office', { type: 'nrm', nrm_ref: `NRM-${c.id}`, person_ref: hoId, referred_at: iso(referred), first_responder: la, competent_authority: 'SCA', exploitation_types: [r.pick(['CRIMINAL', 'LABOUR', 'SEXUAL'])], rg: { outcome: r.pick(['POSITIVE', 'PENDING']), at: iso(new Date(referred.getTime() + 5 * day)) } });
      }
    }

    // Police: missing reports for the LA's episodes, custody, often under another name elsewhere.
    const force = c.arrived ? 'POLICE-KENT' : 'POLICE-MPS';
    if (missingEpisodes.length || r.chance(0.3)) {
      const pId = `P-${c.id.slice(6)}`;
      truth.push(`police,${force},${pId},${c.id}`);
      const pDob = dobAsRecorded(r, c);
      w.jsonl(force, 'police', {
        type: 'person', person_ref: pId, names: [nameAsRecorded(r, c, 'ASSERTED')], dob: iso(pDob.value), dob_precision: pDob.precision, sex: c.sex, nationality: c.spec.nationality,
        biometrics: r.chance(0.5) ? [{ modality: 'FINGERPRINT', repository: 'IDENT1', reference: c.ident1 }] : [],
        contacts: r.chance(0.4) ? [{ kind: 'PHONE', value: c.phone }] : [],
      });
      missingEpisodes.forEach((m, i) => {
        const graded = new Date(m.start.getTime() + 3_600_000);
        w.jsonl(force, 'police', {
          type: 'missing_report', report_ref: `MIS-${c.id.slice(6)}-${i + 1}`, person_ref: pId, reported_at: graded.toISOString(), last_seen_at: m.start.toISOString(), last_seen_location: r.pick(['Dover', 'Croydon', 'Ashford', 'Camden']),
          missing_from_la: la, risk: [{ level: 'MEDIUM', graded_at: graded.toISOString() }, ...(r.chance(0.5) ? [{ level: 'HIGH', graded_at: new Date(graded.getTime() + 86_400_000).toISOString() }] : [])],
          ukmpu_notified_at: r.chance(0.5) ? new Date(graded.getTime() + 2 * day).toISOString() : null, found_at: m.end?.toISOString() ?? null, found_location: m.end ? r.pick(['Bradford', 'Birmingham', 'Luton']) : null,
        });
      });
    }
    if (r.chance(0.25)) {
      // Found elsewhere, under another name: a custody record of another force.
      const cId = `WY-${c.id.slice(6)}`;
      truth.push(`police,POLICE-WYP,${cId},${c.id}`);
      const cDob = dobAsRecorded(r, c);
      w.jsonl('POLICE-WYP', 'police', {
        type: 'person', person_ref: cId, names: [nameAsRecorded(r, c, 'ASSERTED')], dob: iso(cDob.value), dob_precision: cDob.precision === 'DAY' ? 'YEAR' : cDob.precision, sex: c.sex,
        biometrics: [{ modality: 'FINGERPRINT', repository: 'IDENT1', reference: c.ident1 }, ...(seenByHo && r.chance(0.6) ? [{ modality: 'FINGERPRINT', repository: 'IABS', reference: c.iabs }] : [])],
        contacts: r.chance(0.3) ? [{ kind: 'SOCIAL_MEDIA', platform: 'tiktok', value: c.handle }] : [],
      });
      w.jsonl('POLICE-WYP', 'police', { type: 'custody', custody_ref: `CUS-${c.id.slice(6)}`, person_ref: cId, arrested_at: new Date(now.getTime() - r.int(1, 60) * day).toISOString(), location: 'Bradford', offence: r.pick(['cannabis cultivation', 'theft', 'possession']), fingerprints_taken: true });
    }
  }

  const files = w.flush();
  fs.mkdirSync(options.out, { recursive: true });
  const truthFile = path.join(options.out, 'truth.csv');
  fs.writeFileSync(truthFile, `${truth.join('\n')}\n`);
  return { files, truth: truthFile };
}

/** The (agency, feed, files) sets of a generated folder, as `harbour demo load` ingests them. */
export function generatedSets(out: string): { agency: string; feed: string; files: string[] }[] {
  const sets = [];
  for (const agency of fs.readdirSync(out).filter((d) => fs.statSync(path.join(out, d)).isDirectory()).sort()) {
    for (const feed of fs.readdirSync(path.join(out, agency)).sort()) {
      const dir = path.join(out, agency, feed);
      sets.push({ agency, feed, files: fs.readdirSync(dir).sort().map((f) => path.join(dir, f)) });
    }
  }
  return sets;
}
