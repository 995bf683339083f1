/**
 * The agency kinds, roles and agency codes, on their own (no GraphQL), so the CLI can offer them
 * without loading the API. `principal.ts` re-exports them.
 */
export const AGENCY_KINDS = ['CHILDRENS_SERVICES', 'POLICE', 'IMMIGRATION', 'NCA', 'HEALTH', 'EDUCATION'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const ROLES = ['CASEWORKER', 'OFFICER', 'ANALYST', 'MASH_COORDINATOR', 'DPO', 'SYSTEM'] as const;
export type Role = (typeof ROLES)[number];

/** `LA-213`, `POLICE-MPS`, `HO`, `NCA`, `NHS-RJ1` (api.md, "Principals"). */
export const AGENCY_CODE = /^(LA-\d{3}|POLICE-[A-Z0-9]{2,12}|HO|NCA|NHS-[A-Z0-9]{2,12})$/;
