/**
 * The chronology in sentences: each timeline event as one plain sentence, built only from values
 * the viewer may see. The event's own category has released the event (and so its main values);
 * a place (last seen, found, arrested at, placement postcode, port) is LOCATION and is added only
 * when LOCATION is released too. A value the source did not give is left out of the sentence.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../db';
import { agencyName } from '../../agencies';
import { isUuid } from '../../ids';

/** The values of one record a sentence may use. */
export type Details = Record<string, unknown>;

/** Per record table: the values of its rows (`$1`, the ids), and whether its id is a uuid. */
const DETAILS: Record<string, { sql: string; uuid: boolean }> = {
  'care.placement': { uuid: true, sql: `'type', t.placement_type, 'postcode', t.postcode` },
  'care.missing_episode': { uuid: true, sql: `'kind', t.kind, 'risk', t.risk_level, 'lastSeen', t.last_seen_location, 'found', t.found_location` },
  'care.plan_item': { uuid: true, sql: `'item', t.item, 'status', t.status` },
  'care.consent': { uuid: true, sql: `'categories', t.categories, 'recipients', t.recipients` },
  'police.missing_report': {
    uuid: true,
    sql: `'lastSeen', t.last_seen_location, 'found', t.found_location,
          'risk', (select g.level from police.risk_grading g where g.missing_report_id = t.id order by g.graded_at, g.id limit 1)`,
  },
  'police.risk_grading': { uuid: false, sql: `'level', t.level` },
  'police.custody': { uuid: true, sql: `'offence', t.offence, 'location', t.location` },
  'immigration.encounter': { uuid: true, sql: `'kind', t.kind, 'location', t.location, 'unaccompanied', t.unaccompanied` },
  'immigration.asylum_status': { uuid: true, sql: `'status', t.status` },
  'immigration.nrm_referral': { uuid: true, sql: `'types', t.exploitation_types, 'rg', t.reasonable_grounds, 'cg', t.conclusive_grounds` },
  'immigration.age_dispute': { uuid: true, sql: `'status', t.status, 'merton', t.merton_compliant` },
  'safeguarding.strategy_discussion': { uuid: true, sql: `'agencies', t.agencies` },
  'identity.correction': { uuid: true, sql: `'fields', t.fields` },
};

/** Details by `table:id`, one statement per table of a batch. */
export function detailsLoader(db: Db): DataLoader<string, Details | null> {
  return new DataLoader(async (keys) => {
    const byTable = new Map<string, string[]>();
    for (const key of keys) {
      const at = key.indexOf(':');
      const [table, id] = [key.slice(0, at), key.slice(at + 1)];
      const spec = DETAILS[table];
      if (!spec || !(spec.uuid ? isUuid(id) : /^\d{1,18}$/.test(id))) continue;
      byTable.set(table, [...(byTable.get(table) ?? []), id]);
    }
    const found = new Map<string, Details>();
    await Promise.all([...byTable].map(async ([table, ids]) => {
      const spec = DETAILS[table]!;
      const rows = await db.query<{ id: string; d: Details }>(`select t.id::text as id, json_build_object(${spec.sql}) as d from ${table} t where t.id = any($1::${spec.uuid ? 'uuid' : 'bigint'}[])`, [ids]);
      for (const r of rows) found.set(`${table}:${r.id}`, r.d);
    }));
    return keys.map((k) => found.get(k) ?? null);
  });
}

/** The events whose sentence names a place (LOCATION). */
export const PLACE_OF: Readonly<Record<string, string>> = {
  PLACEMENT_STARTED: 'postcode', WENT_MISSING: 'lastSeen', RETURNED: 'found', MISSING_REPORTED: 'lastSeen', FOUND: 'found', CUSTODY: 'location', ENCOUNTER: 'location',
};

/** SSDA903 placement types (PLACE), as a sentence says them. */
const PLACEMENT: Readonly<Record<string, string>> = {
  A3: 'placed for adoption', A4: 'placed for adoption', A5: 'placed for adoption', A6: 'placed for adoption',
  H5: 'placed in semi-independent (supported) accommodation', K1: 'placed in a secure children’s home', K2: 'placed in a children’s home',
  P1: 'placed with a parent', P2: 'placed in independent living', P3: 'placed in residential employment', R1: 'placed in a residential care home',
  R2: 'placed in an NHS or health trust establishment', R3: 'placed in a family centre or mother and baby unit', R5: 'placed in a young offender institution or prison',
  S1: 'placed in a residential school', T0: 'placed temporarily', T1: 'placed temporarily', T2: 'placed temporarily', T3: 'placed temporarily', T4: 'placed temporarily',
  U1: 'placed with a relative or friend (foster care)', U2: 'placed with a relative or friend (foster care)', U3: 'placed with a relative or friend (foster care)',
  U4: 'placed in foster care', U5: 'placed in foster care', U6: 'placed in foster care', Z1: 'placed',
};

const words = (code: unknown) => String(code).toLowerCase().replace(/_/g, ' ');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
/** The district of a postcode (its outward code): a sentence need not carry the full address. */
const district = (postcode: unknown) => text(postcode)?.toUpperCase().split(/\s+/)[0] ?? null;

/**
 * The sentence for one event: `details` are the record's values (null when the record has none to
 * add), `place` whether LOCATION is released to the viewer. Null when there is nothing to say
 * beyond the event's kind.
 */
export function sentence(kind: string, agency: string, details: Details | null, place: boolean): string | null {
  const d = details ?? {};
  const where = (key: string) => (place ? text(d[key]) : null);
  const parts = (...xs: (string | null | false | undefined)[]) => xs.filter((x): x is string => !!x).join('; ');
  const by = agencyName(agency);
  switch (kind) {
    case 'PLACEMENT_STARTED': {
      const type = text(d.type);
      const postcode = place ? district(d.postcode) : null;
      return `${capital(type ? (PLACEMENT[type.toUpperCase()] ?? `placed (placement type ${type})`) : 'placed')} by ${by}${postcode ? ` (${postcode})` : ''}`;
    }
    case 'PLACEMENT_ENDED':
      return `Placement with ${by} ended`;
    case 'WENT_MISSING': {
      const what = d.kind === 'AWAY' ? `Away from placement without authorisation (recorded by ${by})` : `Missing from care (recorded by ${by})`;
      const seen = where('lastSeen');
      return parts(what, seen && `last seen ${seen}`, text(d.risk) && `risk ${String(d.risk)}`);
    }
    case 'RETURNED': {
      const found = where('found');
      return parts(`Returned (recorded by ${by})`, found && `found ${found}`);
    }
    case 'UASC_CEASED':
      return `No longer an unaccompanied asylum-seeking child (recorded by ${by})`;
    case 'PLAN_ITEM_RECORDED':
      return `Plan: ${words(d.item ?? 'item')}${text(d.status) ? ` — ${words(d.status)}` : ''} (recorded by ${by})`;
    case 'CONSENT_GIVEN':
    case 'CONSENT_WITHDRAWN': {
      const categories = Array.isArray(d.categories) && d.categories.length ? ` to share ${d.categories.map(words).join(', ')}` : '';
      const recipients = Array.isArray(d.recipients) && d.recipients.length ? ` with ${d.recipients.map(words).join(', ')}` : '';
      return `${kind === 'CONSENT_GIVEN' ? 'Consent given' : 'Consent withdrawn'}${categories}${recipients} (recorded by ${by})`;
    }
    case 'MISSING_REPORTED': {
      const seen = where('lastSeen');
      return parts(`Reported missing to ${by}`, seen && `last seen ${seen}`, text(d.risk) && `risk ${String(d.risk)}`);
    }
    case 'RISK_GRADED':
      return text(d.level) ? `Risk graded ${String(d.level)} by ${by}` : `Risk graded by ${by}`;
    case 'UKMPU_NOTIFIED':
      return `${capital(by)} notified the NCA UK Missing Persons Unit`;
    case 'FOUND': {
      const found = where('found');
      return parts(`Found (reported by ${by})`, found && `found ${found}`);
    }
    case 'CUSTODY': {
      const offence = text(d.offence);
      const at = where('location');
      return `Custody (${by}): arrested${offence ? ` for ${offence}` : ''}${at ? ` in ${at}` : ''}`;
    }
    case 'ENCOUNTER': {
      const at = where('location');
      return `${capital(by)}: ${words(d.kind ?? 'encounter')}${at ? ` at ${at}` : ''}${d.unaccompanied === true ? ', unaccompanied' : ''}`;
    }
    case 'ASYLUM_CLAIMED':
      return `Asylum claimed (${by})`;
    case 'ASYLUM_DECIDED':
      return `Asylum decision: ${words(d.status ?? 'decided')} (${by})`;
    case 'NRM_REFERRED': {
      const types = Array.isArray(d.types) && d.types.length ? ` (${d.types.map(words).join(', ')})` : '';
      return `Referred to the National Referral Mechanism${types}; recorded by ${by}`;
    }
    case 'NRM_REASONABLE_GROUNDS':
      return `NRM reasonable grounds decision${text(d.rg) ? `: ${words(d.rg)}` : ''}`;
    case 'NRM_CONCLUSIVE_GROUNDS':
      return `NRM conclusive grounds decision${text(d.cg) ? `: ${words(d.cg)}` : ''}`;
    case 'AGE_ASSESSED':
      return `Age assessed: ${words(d.status ?? 'assessed')}${d.merton === true ? ' (Merton compliant)' : d.merton === false ? ' (not Merton compliant)' : ''}`;
    case 'STRATEGY_DISCUSSION': {
      const others = Array.isArray(d.agencies) ? d.agencies.filter((a) => a !== agency).map((a) => agencyName(String(a))) : [];
      return `Strategy discussion convened by ${by}${others.length ? ` with ${others.join(', ')}` : ''}`;
    }
    case 'RECORD_CORRECTED': {
      // Which facts the source corrected, never what they were or are.
      const fields = Array.isArray(d.fields) && d.fields.length ? `: ${d.fields.map(String).join(', ')}` : '';
      return `Record corrected by ${by}${fields}`;
    }
    default:
      return null;
  }
}
