/** Who is asking: the claims of a verified token. */
export const AGENCY_KINDS = ['CHILDRENS_SERVICES', 'POLICE', 'IMMIGRATION', 'NCA', 'HEALTH', 'EDUCATION'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const ROLES = ['CASEWORKER', 'OFFICER', 'ANALYST', 'MASH_COORDINATOR', 'DPO', 'SYSTEM'] as const;
export type Role = (typeof ROLES)[number];

/** `LA-213`, `POLICE-MPS`, `HO`, `NCA`, `NHS-RJ1` (api.md, "Principals"). */
export const AGENCY_CODE = /^(LA-\d{3}|POLICE-[A-Z0-9]{2,12}|HO|NCA|NHS-[A-Z0-9]{2,12})$/;

export interface Principal {
  readonly sub: string;
  readonly agency: string;
  readonly agencyKind: AgencyKind;
  readonly roles: readonly Role[];
}

export function isAgencyKind(value: unknown): value is AgencyKind {
  return typeof value === 'string' && (AGENCY_KINDS as readonly string[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
