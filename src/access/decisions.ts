/**
 * Access decisions for one request, memoised per (person, category). The supplying agency sees
 * its own facts; otherwise the sharing agreement decides. A sealed category is never released by
 * the agreement alone. Bases (consent, justification, missing-child rule) are the next layer.
 */
import { unreachable } from '../errors';
import { ruleFor, type SharingAgreement } from './agreement';
import { DataCategory, ReleaseBasis, SEALED } from './categories';
import type { Principal } from './principal';

export type Decision =
  | { readonly kind: 'RELEASED'; readonly basis: 'OWN_AGENCY' | 'AGREEMENT' }
  | { readonly kind: 'WITHHELD'; readonly releasableWith: readonly ReleaseBasis[] };

const OWN: Decision = Object.freeze({ kind: 'RELEASED', basis: 'OWN_AGENCY' });
const AGREED: Decision = Object.freeze({ kind: 'RELEASED', basis: 'AGREEMENT' });
const NEVER: Decision = Object.freeze({ kind: 'WITHHELD', releasableWith: [] });

function withBasis(category: DataCategory): Decision {
  const searching = [DataCategory.IDENTITY, DataCategory.IDENTIFIERS, DataCategory.BIOMETRIC_REFS, DataCategory.CONTACT, DataCategory.MISSING];
  const bases = [ReleaseBasis.CONSENT, ReleaseBasis.JUSTIFICATION];
  if (searching.includes(category)) bases.push(ReleaseBasis.MISSING_CHILD_RULE);
  return Object.freeze({ kind: 'WITHHELD', releasableWith: bases });
}

export interface WithheldEntry {
  path: (string | number)[];
  category: DataCategory;
  releasableWith: ReleaseBasis[];
}

export interface RecordedDecision {
  personId: string;
  category: DataCategory;
  path: (string | number)[];
  decision: Decision;
}

export class AccessDecisions {
  private readonly memo = new Map<string, Decision>();
  /** Every decision of the request, for the audit. */
  readonly recorded: RecordedDecision[] = [];
  /** What was withheld, in the client's terms, for `extensions.withheld`. */
  readonly withheld: WithheldEntry[] = [];

  constructor(
    readonly principal: Principal,
    private readonly agreement: SharingAgreement,
  ) {}

  /** Decide for a fact supplied by `ownerAgency` about `personId`. */
  decide(personId: string, ownerAgency: string | undefined, category: DataCategory): Decision {
    if (ownerAgency !== undefined && ownerAgency === this.principal.agency) return OWN;
    const key = `${personId}\u0000${category}`;
    let decision = this.memo.get(key);
    if (!decision) {
      decision = this.byAgreement(category);
      this.memo.set(key, decision);
    }
    return decision;
  }

  private byAgreement(category: DataCategory): Decision {
    const rule = ruleFor(this.agreement, this.principal.agencyKind, category);
    switch (rule) {
      case 'ALWAYS':
        return SEALED.has(category) ? withBasis(category) : AGREED;
      case 'WITH_BASIS':
        return withBasis(category);
      case 'NEVER':
        return NEVER;
      default:
        return unreachable(rule);
    }
  }

  /**
   * Record a decision for the audit and, unless `tellClient` is false, report a withholding in
   * `extensions.withheld`. A lookup whose refusal would itself disclose that a record exists
   * (personBySourceRecord) must not tell the client.
   */
  record(personId: string, category: DataCategory, path: (string | number)[], decision: Decision, tellClient = true): void {
    this.recorded.push({ personId, category, path, decision });
    if (decision.kind === 'WITHHELD' && tellClient) this.withheld.push({ path, category, releasableWith: [...decision.releasableWith] });
  }
}
