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

/**
 * Whether a token may claim `kind` with `code`: the kind the code stands for, or EDUCATION with an
 * LA's code (an LA's education service has no code of its own). Anything else (an LA code claiming
 * POLICE, an NHS code claiming IMMIGRATION) is refused at sign-in.
 */
export function kindAgreesWithCode(kind: AgencyKind, code: string): boolean {
  const ofCode = kindOfCode(code);
  return ofCode === kind || (kind === 'EDUCATION' && ofCode === 'CHILDRENS_SERVICES');
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

/**
 * The principal's own agency, or FORBIDDEN: for what only an agency acting as itself may do (a
 * DPO's review of its agency's users, convening, recording consent). `what` names the operation.
 */
export function requireOwnAgency(principal: Principal, what: string): string {
  const own = ownAgency(principal);
  if (own === undefined) throw new HarbourError(ErrorCode.FORBIDDEN, `${what}: your agency kind (${principal.agencyKind}) does not act as ${principal.agency}`);
  return own;
}

/** The DPO's own agency, whose users and children the DPO reviews; FORBIDDEN for anyone else. */
export function requireDpo(principal: Principal, what: string): string {
  if (!principal.roles.includes('DPO')) throw new HarbourError(ErrorCode.FORBIDDEN, `${what}: for the data protection officer (DPO role) only`);
  return requireOwnAgency(principal, what);
}

/**
 * The agency code the token claims: to record who did something, never to decide what they may do
 * (that is `ownAgency`'s; test/hygiene.test.ts keeps `principal.agency` in this file).
 */
export function claimedAgency(principal: Pick<Principal, 'agency'>): string {
  return principal.agency;
}

/** How a person who made a change is named in the record of it: `sub (agency)`, as their token said. */
export function signature(principal: Principal): string {
  return `${principal.sub} (${claimedAgency(principal)})`;
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
