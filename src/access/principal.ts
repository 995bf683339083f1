/** Who is asking: the claims of a verified token. */
import { ErrorCode, HarbourError } from '../errors';
import { AGENCY_CODE, AGENCY_KINDS, ROLES, type AgencyKind, type Role } from './codes';

export { AGENCY_CODE, AGENCY_KINDS, ROLES, type AgencyKind, type Role };

/** The kind of agency each form of code stands for. EDUCATION has no code of its own. */
const KIND_OF_CODE: readonly (readonly [RegExp, AgencyKind])[] = [
  [/^LA-/, 'CHILDRENS_SERVICES'], [/^POLICE-/, 'POLICE'], [/^HO$/, 'IMMIGRATION'], [/^NCA$/, 'NCA'], [/^NHS-/, 'HEALTH'],
];

/** The kind of agency an agency code stands for (`LA-213`: children's services); undefined for none. */
export function kindOfCode(code: string): AgencyKind | undefined {
  return KIND_OF_CODE.find(([pattern]) => pattern.test(code))?.[1];
}

export interface Principal {
  readonly sub: string;
  readonly agency: string;
  readonly agencyKind: AgencyKind;
  readonly roles: readonly Role[];
}

/**
 * The agency whose records the principal holds as its own: its agency code, when the principal is
 * of the kind that code stands for. An LA's education service signing as `LA-213` with kind
 * EDUCATION is not that LA's children's services: the agreement's EDUCATION rules apply to the
 * LA's records, and it holds none as its own (undefined).
 */
export function ownAgency(principal: Principal): string | undefined {
  return kindOfCode(principal.agency) === principal.agencyKind ? principal.agency : undefined;
}

export function isAgencyKind(value: unknown): value is AgencyKind {
  return typeof value === 'string' && (AGENCY_KINDS as readonly string[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The roles of the people who act on a child's case: record consent, declare a justification, convene a discussion. */
export const PRACTITIONER_ROLES: ReadonlySet<Role> = new Set(['CASEWORKER', 'OFFICER', 'MASH_COORDINATOR']);

/** FORBIDDEN unless the principal holds a practitioner role; `what` names the operation. */
export function requirePractitioner(principal: Principal, what: string): void {
  if (!principal.roles.some((r) => PRACTITIONER_ROLES.has(r))) throw new HarbourError(ErrorCode.FORBIDDEN, `${what}: needs a CASEWORKER, OFFICER or MASH_COORDINATOR role`);
}

/** BAD_USER_INPUT unless `code` is an agency code; `what` names the operation and field. */
export function requireAgencyCode(code: string, what: string): void {
  if (!AGENCY_CODE.test(code)) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `${what}: "${code.slice(0, 40)}" is not an agency code (LA-213, POLICE-MPS, HO, NCA, NHS-RJ1)`);
}
