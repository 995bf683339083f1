/**
 * Access decisions for one request, memoised per (person, category):
 *   1. the supplying agency sees its own facts;
 *   2. the sharing agreement: ALWAYS releases (except a sealed category), NEVER withholds whatever
 *      the basis;
 *   3. otherwise a basis: the child's consent covering the category and the recipient's agency
 *      kind, the missing-child rule, or a safeguarding justification naming the recipient agency
 *      (tried in that order, so break-glass is used only when nothing else releases).
 * Bases are read once per request and person (one statement for every person of the request), so a
 * withdrawal or an expiry takes effect on the very next request.
 */
import DataLoader from 'dataloader';
import type { Db } from '../db';
import { unreachable } from '../errors';
import { ruleFor, type AgreementRule, type SharingAgreement } from './agreement';
import { DataCategory, ReleaseBasis, SEALED } from './categories';
import { ownAgency, type AgencyKind, type Principal } from './principal';
import { isUuid } from '../ids';

export type BasisKind = 'OWN_AGENCY' | 'AGREEMENT' | 'CONSENT' | 'JUSTIFICATION' | 'MISSING_CHILD_RULE' | 'CROSS_AGENCY_DECISION';

export type Decision =
  | { readonly kind: 'RELEASED'; readonly basis: BasisKind; readonly basisId?: string }
  | { readonly kind: 'WITHHELD'; readonly releasableWith: readonly ReleaseBasis[] };

/** What the missing-child rule releases, and to whom: the agencies searching for a missing child. */
export const MISSING_CHILD_CATEGORIES: ReadonlySet<DataCategory> = new Set([
  DataCategory.IDENTITY, DataCategory.IDENTIFIERS, DataCategory.BIOMETRIC_REFS, DataCategory.CONTACT, DataCategory.MISSING,
]);
export const SEARCHING_KINDS: ReadonlySet<AgencyKind> = new Set(['POLICE', 'CHILDRENS_SERVICES']);

export const OWN_AGENCY: Decision = Object.freeze({ kind: 'RELEASED', basis: 'OWN_AGENCY' });
const AGREED: Decision = Object.freeze({ kind: 'RELEASED', basis: 'AGREEMENT' });
const NEVER: Decision = Object.freeze({ kind: 'WITHHELD', releasableWith: Object.freeze([]) });

export interface WithheldEntry {
  path: (string | number)[];
  category: DataCategory;
  releasableWith: ReleaseBasis[];
}

/** A field released on a safeguarding justification: flagged to the caller as well as in the audit. */
export interface BreakGlassEntry {
  path: (string | number)[];
  category: DataCategory;
  justificationId: string;
}

/**
 * A change a user made to a child's record (a strategy discussion, an action, a consent recorded or
 * withdrawn): audited like a disclosure, with the basis it made or ended, if any.
 */
export interface Recorded {
  readonly kind: 'RECORDED';
  readonly basis?: BasisKind;
  readonly basisId?: string;
}

export interface RecordedDecision {
  personId: string;
  category: DataCategory;
  path: (string | number)[];
  decision: Decision | Recorded;
}

/** The bases in force for one person, as far as they concern this principal. */
export interface PersonBases {
  consents: { id: string; categories: string[]; recipients: string[] }[];
  justifications: { id: string; categories: string[] }[];
  missing: boolean;
}

const NO_BASES: PersonBases = Object.freeze({ consents: [], justifications: [], missing: false });

/** The bases of `personIds` for the caller's agency (`access.bases`, one statement). */
async function loadBases(db: Db, agency: string | undefined, personIds: readonly string[]): Promise<PersonBases[]> {
  const rows = await db.query<{ person_id: string } & PersonBases>(`select * from access.bases($1::uuid[], $2)`, [personIds, agency ?? null]);
  const byId = new Map(rows.map((r) => [r.person_id, r]));
  return personIds.map((id) => byId.get(id) ?? NO_BASES);
}

export interface AccessOptions {
  /** Bench only: every field released, nothing recorded (the "access off" side of the comparison). */
  unguarded?: boolean;
}

export class AccessDecisions {
  private readonly memo = new Map<string, Promise<Decision>>();
  private readonly bases: DataLoader<string, PersonBases>;
  private readonly prefetched = new Set<string>();
  private readonly rules = new Map<DataCategory, AgreementRule>();
  private mayNeedBases: boolean | undefined;
  /** Every decision of the request, for the audit. */
  readonly recorded: RecordedDecision[] = [];
  /** What was withheld, in the client's terms, for `extensions.withheld`. */
  readonly withheld: WithheldEntry[] = [];
  /** What a justification released, for `extensions.breakGlass`. */
  readonly breakGlass: BreakGlassEntry[] = [];
  /** The agency whose records the principal holds as its own (`ownAgency`), if any. */
  readonly own: string | undefined;

  constructor(
    readonly principal: Principal,
    readonly agreement: SharingAgreement,
    db: Db,
    readonly options: AccessOptions = {},
  ) {
    this.own = ownAgency(principal);
    // A justification names the agencies it releases to: an agency acting as itself, never a code
    // borrowed by another kind (an LA's education service is not that LA).
    this.bases = new DataLoader((ids) => loadBases(db, this.own, ids));
  }

  /** Decide for a fact supplied by `ownerAgency` (undefined: several or none) about `personId`. */
  decide(personId: string, ownerAgency: string | undefined, category: DataCategory): Promise<Decision> {
    if (this.options.unguarded) return Promise.resolve(AGREED);
    this.prefetch(personId);
    if (ownerAgency !== undefined && ownerAgency === this.own) return Promise.resolve(OWN_AGENCY);
    const key = `${personId}\u0000${category}`;
    let decision = this.memo.get(key);
    if (!decision) {
      decision = this.byAgreement(personId, category);
      this.memo.set(key, decision);
    }
    return decision;
  }

  /** Could any category need a basis for this principal (else bases are never read)? */
  private get needsBases(): boolean {
    this.mayNeedBases ??= !this.options.unguarded && Object.values(DataCategory).some((c) => this.rule(c) === 'WITH_BASIS' || (this.rule(c) === 'ALWAYS' && SEALED.has(c)));
    return this.mayNeedBases;
  }

  /**
   * Start reading the bases of these persons if any category could need one, so that the read
   * runs alongside the rest of the query (the identity subgraph calls it with the person read;
   * every subgraph's first decision about a person does too) instead of after the field that
   * needs it. One statement for all the persons of a tick.
   */
  prefetchBases(personIds: readonly string[]): void {
    for (const personId of personIds) this.prefetch(personId);
  }

  private prefetch(personId: string): void {
    if (this.prefetched.has(personId) || !isUuid(personId)) return;
    this.prefetched.add(personId);
    if (this.needsBases) this.bases.load(personId).catch(() => undefined); // a failure surfaces where the bases are used
  }

  /** The agreement's rule for this principal and category (read once per request). */
  rule(category: DataCategory): AgreementRule {
    let rule = this.rules.get(category);
    if (!rule) this.rules.set(category, (rule = ruleFor(this.agreement, this.principal, category)));
    return rule;
  }

  private async byAgreement(personId: string, category: DataCategory): Promise<Decision> {
    const rule = this.rule(category);
    switch (rule) {
      case 'NEVER':
        return NEVER;
      case 'ALWAYS':
        if (!SEALED.has(category)) return AGREED;
        return this.byBasis(personId, category);
      case 'WITH_BASIS':
        return this.byBasis(personId, category);
      default:
        return unreachable(rule);
    }
  }

  private async byBasis(personId: string, category: DataCategory): Promise<Decision> {
    const searching = MISSING_CHILD_CATEGORIES.has(category) && SEARCHING_KINDS.has(this.principal.agencyKind);
    const bases = isUuid(personId) ? await this.bases.load(personId) : NO_BASES;
    const consent = bases.consents.find((c) => c.categories.includes(category) && c.recipients.includes(this.principal.agencyKind));
    if (consent) return { kind: 'RELEASED', basis: 'CONSENT', basisId: consent.id };
    if (searching && bases.missing) return { kind: 'RELEASED', basis: 'MISSING_CHILD_RULE' };
    const justification = bases.justifications.find((j) => j.categories.includes(category));
    if (justification) return { kind: 'RELEASED', basis: 'JUSTIFICATION', basisId: justification.id };
    const releasableWith = [ReleaseBasis.CONSENT, ReleaseBasis.JUSTIFICATION];
    if (searching) releasableWith.push(ReleaseBasis.MISSING_CHILD_RULE);
    return { kind: 'WITHHELD', releasableWith };
  }

  /**
   * Whether a basis in force concerns this principal for the person: a consent naming its kind, a
   * justification naming its agency, or the missing-child rule for an agency that searches.
   */
  async hasBasis(personId: string): Promise<boolean> {
    if (!isUuid(personId)) return false;
    const bases = await this.bases.load(personId);
    return bases.justifications.length > 0
      || bases.consents.some((c) => c.recipients.includes(this.principal.agencyKind))
      || (bases.missing && SEARCHING_KINDS.has(this.principal.agencyKind));
  }

  /**
   * Record a decision for the audit and, unless `tellClient` is false, report a withholding in
   * `extensions.withheld`. A lookup whose refusal would itself disclose that a record exists
   * (personBySourceRecord) must not tell the client.
   */
  record(personId: string, category: DataCategory, path: (string | number)[], decision: Decision, tellClient = true): void {
    if (this.options.unguarded) return;
    this.recorded.push({ personId, category, path, decision });
    if (decision.kind === 'WITHHELD' && tellClient) this.withheld.push({ path, category, releasableWith: [...decision.releasableWith] });
    if (decision.kind === 'RELEASED' && decision.basis === 'JUSTIFICATION') this.breakGlass.push({ path, category, justificationId: decision.basisId! });
  }

  /** Audit a change the caller made to a child's record, at the client path of the mutation. */
  recordChange(personId: string, category: DataCategory, path: (string | number)[], basis?: { kind: BasisKind; id: string }): void {
    if (!this.options.unguarded) this.recorded.push({ personId, category, path, decision: { kind: 'RECORDED', basis: basis?.kind, basisId: basis?.id } });
  }

  /** Decide and record in one step; true when released. */
  async check(personId: string, ownerAgency: string | undefined, category: DataCategory, path: (string | number)[], tellClient = true): Promise<boolean> {
    const decision = await this.decide(personId, ownerAgency, category);
    this.record(personId, category, path, decision, tellClient);
    return decision.kind === 'RELEASED';
  }
}
