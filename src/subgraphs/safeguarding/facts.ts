/**
 * What every agency recorded about a child that the strategy view reads, in one statement per
 * batch of persons, and the pure rules that turn it into plan readiness and risk signals. Every
 * piece of evidence keeps its agency and its data category, so the view can guard it.
 */
import { DataCategory } from '../../access';
import type { Db } from '../../db';

/**
 * `at`: the date the source gave for the fact (a plan item's recorded_at, a contact's, an
 * encounter's), never when harbour imported it; null when the source gave none (a biometric reference).
 */
interface Dated { agency: string; at: string | null; /** When harbour first saw the record: orders facts the source gave no date for, never shown. */ seen?: string | null }
export interface Facts {
  plan: (Dated & { item: string; status: 'DONE' | 'NOT_DONE' | 'DECLINED' | 'NOT_APPLICABLE' })[];
  biometrics: (Dated & { modality: string })[];
  contacts: (Dated & { kind: string })[];
  dobs: (Dated & { dob: string; precision: string })[];
  placements: (Dated & { ended: string | null })[];
  laMissing: (Dated & { ended: string | null; risk: string | null })[];
  reports: (Dated & { found: string | null; ukmpu: string | null; risk: string | null; riskAt: string | null })[];
  custody: Dated[];
  asylum: (Dated & { status: string; decided: string | null; leaveExpires: string | null })[];
  encounters: (Dated & { border: boolean | null })[];
  nrm: (Dated & { rg: string | null; cg: string | null })[];
  age: (Dated & { status: string; merton: boolean | null })[];
  discussions: (Dated & { ownership: string | null })[];
  overdue: (Dated & { id: string; description: string; due: string })[];
}

const OF_PERSON = 'join identity.source_identity si on si.id = t.source_identity_id and si.retracted_at is null where si.person_id = p.person_id';
const list = (name: string, select: string, from: string, where = `${OF_PERSON} and t.retracted_at is null`) =>
  `(select coalesce(json_agg(json_build_object(${select})), '[]') from ${from} t ${where}) as "${name}"`;

export async function loadFacts(db: Db, personIds: readonly string[]): Promise<Facts[]> {
  const rows = await db.query<Facts & { person_id: string }>(
    `select p.person_id,
       ${list('plan', `'agency', t.agency, 'at', t.recorded_at, 'item', t.item, 'status', t.status`, 'care.plan_item')},
       ${list('biometrics', `'agency', si.agency, 'at', null, 'seen', si.first_seen, 'modality', t.modality`, 'identity.biometric_reference', OF_PERSON)},
       ${list('contacts', `'agency', si.agency, 'at', t.recorded_at, 'seen', si.first_seen, 'kind', t.kind`, 'identity.contact_point', OF_PERSON)},
       ${list('dobs', `'agency', si.agency, 'at', si.first_seen, 'dob', t.value, 'precision', t.precision`, 'identity.birth_date', OF_PERSON)},
       ${list('placements', `'agency', t.agency, 'at', t.started_on, 'ended', t.ended_on`, 'care.placement')},
       ${list('laMissing', `'agency', t.agency, 'at', t.started_at, 'ended', t.ended_at, 'risk', t.risk_level`, 'care.missing_episode')},
       ${list('reports', `'agency', t.agency, 'at', coalesce(t.last_seen_at, t.reported_at), 'found', t.found_at, 'ukmpu', t.ukmpu_notified_at,
              'risk', (select g.level from police.risk_grading g where g.missing_report_id = t.id order by g.graded_at desc limit 1),
              'riskAt', (select max(g.graded_at) from police.risk_grading g where g.missing_report_id = t.id)`, 'police.missing_report')},
       ${list('custody', `'agency', t.agency, 'at', t.arrested_at`, 'police.custody')},
       ${list('asylum', `'agency', t.agency, 'at', t.claimed_at, 'status', t.status, 'decided', t.decided_at, 'leaveExpires', t.leave_expires_at`, 'immigration.asylum_status')},
       ${list('encounters', `'agency', t.agency, 'at', t.at, 'border', t.border_flag_set`, 'immigration.encounter')},
       ${list('nrm', `'agency', t.agency, 'at', t.referred_at, 'rg', t.reasonable_grounds, 'cg', t.conclusive_grounds`, 'immigration.nrm_referral')},
       ${list('age', `'agency', t.agency, 'at', t.assessed_at, 'status', t.status, 'merton', t.merton_compliant`, 'immigration.age_dispute')},
       ${list('discussions', `'agency', t.convened_by, 'at', t.held_on, 'ownership', t.ownership_agency`, 'safeguarding.strategy_discussion', 'where t.person_id = p.person_id')},
       ${list('overdue', `'agency', a.owner_agency, 'at', a.due_on, 'id', a.id, 'description', a.description, 'due', a.due_on`, 'safeguarding.strategy_discussion',
              `join safeguarding.strategy_action a on a.discussion_id = t.id and a.status = 'OPEN' and a.due_on < current_date where t.person_id = p.person_id`)}
     from unnest($1::uuid[]) as p (person_id)`,
    [personIds],
  );
  const byId = new Map(rows.map((r) => [r.person_id, r]));
  return personIds.map((id) => byId.get(id)!);
}

/** A piece of evidence behind a plan item or a signal: whose record, which category guards it. */
export interface Evidence {
  agency: string;
  category: DataCategory;
  at: Date | null;
  /** For "newest first" only: `at`, or when harbour first saw a record the source gave no date for. */
  order?: Date | null;
}

export type PlanStatus = 'PRESENT' | 'MISSING' | 'DECLINED' | 'NOT_APPLICABLE';

export const PLAN_ITEM_KINDS = [
  'ROLES_EXPLAINED', 'FREE_CARE_EXPLAINED', 'PHOTOGRAPH', 'FINGERPRINTS', 'PHYSICAL_DESCRIPTION', 'SOCIAL_MEDIA', 'PHONE', 'TRAVEL_CARD',
  'FAMILY_CONTACTS', 'OWNERSHIP_AGREEMENT', 'RISK_LEVEL', 'AGE_ASSESSMENT', 'UKVI_INFORMED', 'NCA_INFORMED', 'NRM_REFERRAL', 'DEBRIEF_PLAN',
  'RETURN_SAFETY_PLAN',
] as const;
export type PlanItemKind = (typeof PLAN_ITEM_KINDS)[number];

export interface PlanFinding {
  kind: PlanItemKind;
  status: PlanStatus;
  /** Evidence for the status, newest first; empty when MISSING. */
  evidence: Evidence[];
}

const date = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);
const C = DataCategory;

/**
 * Each item of the plan (NSPCC ¶57–62) from every agency's records: an LA plan item, or the fact
 * itself wherever it was recorded (a Home Office fingerprint reference, a police UKMPU
 * notification, a border flag, an NRM referral). An LA's DECLINED or NOT_APPLICABLE stands only
 * when no agency's record shows the item present.
 */
export function planReadiness(f: Facts): PlanFinding[] {
  return PLAN_ITEM_KINDS.map((kind) => {
    const present: Evidence[] = [];
    const add = (items: Dated[], category: DataCategory) => present.push(...items.map((x) => ({ agency: x.agency, category, at: date(x.at), order: date(x.at ?? x.seen) })));
    const planned = f.plan.filter((p) => p.item === kind);
    add(planned.filter((p) => p.status === 'DONE'), C.CARE_PLAN);
    switch (kind) {
      case 'PHOTOGRAPH': add(f.biometrics.filter((b) => b.modality === 'PHOTO'), C.BIOMETRIC_REFS); break;
      case 'FINGERPRINTS': add(f.biometrics.filter((b) => b.modality === 'FINGERPRINT'), C.BIOMETRIC_REFS); break;
      case 'SOCIAL_MEDIA': add(f.contacts.filter((c) => c.kind === 'SOCIAL_MEDIA'), C.CONTACT); break;
      case 'PHONE': add(f.contacts.filter((c) => c.kind === 'PHONE' || c.kind === 'DEVICE'), C.CONTACT); break;
      case 'TRAVEL_CARD': add(f.contacts.filter((c) => c.kind === 'TRAVEL_CARD'), C.CONTACT); break;
      case 'OWNERSHIP_AGREEMENT': add(f.discussions.filter((d) => d.ownership), C.CARE_PLAN); break;
      case 'RISK_LEVEL':
        add(f.laMissing.filter((m) => m.risk), C.MISSING);
        add(f.reports.filter((r) => r.risk).map((r) => ({ agency: r.agency, at: r.riskAt })), C.MISSING);
        break;
      case 'AGE_ASSESSMENT': add(f.age.filter((a) => a.status === 'ASSESSED_CHILD' || a.status === 'ASSESSED_ADULT'), C.IDENTITY); break;
      case 'UKVI_INFORMED': add(f.encounters.filter((e) => e.border), C.IMMIGRATION); break;
      case 'NCA_INFORMED': add(f.reports.filter((r) => r.ukmpu).map((r) => ({ agency: r.agency, at: r.ukmpu })), C.MISSING); break;
      case 'NRM_REFERRAL': add(f.nrm, C.EXPLOITATION); break;
      default: break;
    }
    present.sort((a, b) => (b.order?.getTime() ?? 0) - (a.order?.getTime() ?? 0));
    if (present.length) return { kind, status: 'PRESENT', evidence: present };
    const declared = planned.find((p) => p.status === 'DECLINED' || p.status === 'NOT_APPLICABLE');
    if (declared) return { kind, status: declared.status as PlanStatus, evidence: [{ agency: declared.agency, category: C.CARE_PLAN, at: date(declared.at) }] };
    if (kind === 'AGE_ASSESSMENT' && f.age.length && f.age.every((a) => a.status === 'NOT_DISPUTED')) {
      return { kind, status: 'NOT_APPLICABLE', evidence: f.age.map((a) => ({ agency: a.agency, category: C.IDENTITY, at: date(a.at) })) };
    }
    return { kind, status: 'MISSING', evidence: [] };
  });
}

export const RISK_SIGNAL_KINDS = [
  'MISSING_WITHIN_72H_OF_ACCOMMODATION', 'REPEAT_MISSING', 'CURRENTLY_MISSING', 'UKMPU_NOT_NOTIFIED', 'RETURN_INTERVIEW_OVERDUE',
  'NEGATIVE_ASYLUM_DECISION', 'LEAVE_ENDING_SOON', 'TURNING_18_SOON', 'AGE_DISPUTED_TREATED_AS_ADULT', 'NRM_REFERRAL_ABSENT', 'OVERDUE_ACTION',
] as const;
export type RiskSignalKind = (typeof RISK_SIGNAL_KINDS)[number];

export interface Signal {
  kind: RiskSignalKind;
  since: Date;
  detail: string;
  /** Everything the signal was computed from: the viewer must be allowed all of it. */
  evidence: Evidence[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The risk signals of `domain.md` and the DfE guidance (¶50, ¶59), as of `now`. */
export function riskSignals(f: Facts, now: Date): Signal[] {
  const signals: Signal[] = [];
  const t = now.getTime();
  const ev = (x: Dated, category: DataCategory, at = x.at): Evidence => ({ agency: x.agency, category, at: date(at) });
  const episodes = [
    ...f.laMissing.map((m) => ({ start: date(m.at)!, end: date(m.ended), src: ev(m, C.MISSING) })),
    ...f.reports.map((r) => ({ start: date(r.at)!, end: date(r.found), src: ev(r, C.MISSING) })),
  ].sort((a, b) => a.start.getTime() - b.start.getTime());

  const firstPlacement = [...f.placements].sort((a, b) => (a.at! < b.at! ? -1 : 1))[0];
  if (firstPlacement) {
    const accommodated = date(firstPlacement.at)!;
    const early = episodes.find((e) => e.start >= accommodated && e.start.getTime() - accommodated.getTime() <= 72 * HOUR);
    if (early) {
      const hours = Math.round((early.start.getTime() - accommodated.getTime()) / HOUR);
      signals.push({ kind: 'MISSING_WITHIN_72H_OF_ACCOMMODATION', since: early.start, detail: `went missing ${hours} hours after first being accommodated`, evidence: [ev(firstPlacement, C.CARE_PLAN), early.src] });
    }
  }
  // Episodes starting within a day of each other are the same one, reported by LA and police.
  const distinct = episodes.filter((e, i) => i === 0 || e.start.getTime() - episodes[i - 1]!.start.getTime() > DAY);
  const recent = distinct.filter((e) => t - e.start.getTime() <= 90 * DAY);
  if (recent.length >= 2) signals.push({ kind: 'REPEAT_MISSING', since: recent[0]!.start, detail: `${recent.length} missing episodes in 90 days`, evidence: recent.map((e) => e.src) });

  const open = episodes.filter((e) => !e.end && e.start.getTime() <= t);
  if (open.length) {
    const since = open[0]!.start;
    const hours = Math.floor((t - since.getTime()) / HOUR);
    signals.push({ kind: 'CURRENTLY_MISSING', since, detail: `missing for ${hours >= 48 ? `${Math.floor(hours / 24)} days` : `${hours} hours`}`, evidence: open.map((e) => e.src) });
    if (t - since.getTime() > 72 * HOUR && !f.reports.some((r) => r.ukmpu)) {
      signals.push({ kind: 'UKMPU_NOT_NOTIFIED', since: new Date(since.getTime() + 72 * HOUR), detail: 'missing over 72 hours and the NCA UK Missing Persons Unit not notified', evidence: open.map((e) => e.src) });
    }
  }
  // A return interview (the debrief) is due within 72 hours of being found.
  const found = episodes.filter((e) => e.end).sort((a, b) => b.end!.getTime() - a.end!.getTime())[0];
  if (found && !open.length && t - found.end!.getTime() > 72 * HOUR) {
    const debrief = f.plan.some((p) => p.item === 'DEBRIEF_PLAN' && p.status === 'DONE' && p.at && new Date(p.at) >= found.end!);
    if (!debrief) signals.push({ kind: 'RETURN_INTERVIEW_OVERDUE', since: new Date(found.end!.getTime() + 72 * HOUR), detail: 'no return interview recorded within 72 hours of being found', evidence: [found.src, ...f.plan.filter((p) => p.item === 'DEBRIEF_PLAN').map((p) => ev(p, C.CARE_PLAN))] });
  }

  for (const a of f.asylum) {
    if (a.status === 'REFUSED') signals.push({ kind: 'NEGATIVE_ASYLUM_DECISION', since: date(a.decided ?? a.at) ?? now, detail: 'asylum claim refused (DfE ¶50)', evidence: [ev(a, C.IMMIGRATION)] });
    const leave = date(a.leaveExpires);
    if (leave && leave.getTime() >= t && leave.getTime() - t <= 90 * DAY) {
      signals.push({ kind: 'LEAVE_ENDING_SOON', since: new Date(leave.getTime() - 90 * DAY), detail: `leave ends in ${Math.ceil((leave.getTime() - t) / DAY)} days (DfE ¶59)`, evidence: [ev(a, C.IMMIGRATION)] });
    }
  }
  // The earliest recorded date of birth is the one that makes the child 18 soonest: the cautious reading.
  const dob = [...f.dobs].sort((a, b) => (a.dob < b.dob ? -1 : 1))[0];
  if (dob) {
    const born = new Date(`${dob.dob.slice(0, 10)}T00:00:00Z`);
    const eighteen = new Date(Date.UTC(born.getUTCFullYear() + 18, born.getUTCMonth(), born.getUTCDate()));
    if (eighteen.getTime() >= t && eighteen.getTime() - t <= 90 * DAY) {
      signals.push({ kind: 'TURNING_18_SOON', since: new Date(eighteen.getTime() - 90 * DAY), detail: `18 in ${Math.ceil((eighteen.getTime() - t) / DAY)} days${dob.precision === 'DAY' ? '' : ' (date of birth not exact)'}`, evidence: [ev(dob, C.IDENTITY)] });
    }
  }
  // Treated as an adult without a completed, Merton-compliant assessment: assessed adult without
  // one, or disputed and held in custody.
  for (const a of f.age) {
    const unassessedAdult = a.status === 'ASSESSED_ADULT' && a.merton !== true;
    const disputedInCustody = a.status === 'DISPUTED' && f.custody.length > 0;
    if (unassessedAdult || disputedInCustody) {
      signals.push({ kind: 'AGE_DISPUTED_TREATED_AS_ADULT', since: date(a.at) ?? date(f.custody[0]?.at) ?? now, detail: unassessedAdult ? 'treated as an adult without a Merton-compliant age assessment' : 'age disputed, not assessed, and held in custody', evidence: [ev(a, C.IDENTITY), ...(disputedInCustody ? f.custody.map((c) => ev(c, C.CRIMINAL)) : [])] });
    }
  }
  // Indicators of exploitation: a custody record, or repeat missing episodes; no NRM referral.
  if (!f.nrm.length && (f.custody.length || recent.length >= 2)) {
    const evidence = [...f.custody.map((c) => ev(c, C.CRIMINAL)), ...(f.custody.length ? [] : recent.map((e) => e.src)), { agency: '', category: C.EXPLOITATION, at: null }];
    signals.push({ kind: 'NRM_REFERRAL_ABSENT', since: evidence[0]!.at ?? now, detail: `${f.custody.length ? 'custody record' : 'repeat missing episodes'} and no NRM referral`, evidence });
  }
  for (const a of f.overdue) {
    signals.push({ kind: 'OVERDUE_ACTION', since: date(a.due)!, detail: `action owned by ${a.agency} was due ${a.due.slice(0, 10)}: ${a.description.slice(0, 120)}`, evidence: [ev(a, C.CARE_PLAN)] });
  }
  return signals.sort((a, b) => a.since.getTime() - b.since.getTime());
}
