/**
 * The default sharing agreement: per recipient agency kind, which categories are released
 * ALWAYS, only WITH_BASIS (consent, a safeguarding justification or the missing-child rule), or
 * NEVER. A category not listed for a kind is WITH_BASIS: the safe default.
 *
 * The supplying agency always sees its own facts, whatever this table says.
 */
import { DataCategory as C } from './categories';
import type { AgencyKind } from './principal';

export type AgreementRule = 'ALWAYS' | 'WITH_BASIS' | 'NEVER';

export type SharingAgreement = Readonly<Record<AgencyKind, Partial<Readonly<Record<C, AgreementRule>>>>>;

export const DEFAULT_AGREEMENT: SharingAgreement = {
  CHILDRENS_SERVICES: {
    [C.IDENTITY]: 'ALWAYS', [C.IDENTIFIERS]: 'ALWAYS', [C.BIOMETRIC_REFS]: 'ALWAYS', [C.CONTACT]: 'ALWAYS',
    [C.MISSING]: 'ALWAYS', [C.IMMIGRATION]: 'ALWAYS', [C.EXPLOITATION]: 'ALWAYS', [C.CARE_PLAN]: 'ALWAYS',
  },
  POLICE: {
    [C.IDENTITY]: 'ALWAYS', [C.IDENTIFIERS]: 'ALWAYS', [C.BIOMETRIC_REFS]: 'ALWAYS', [C.MISSING]: 'ALWAYS',
    [C.CRIMINAL]: 'ALWAYS', [C.HEALTH]: 'NEVER',
  },
  IMMIGRATION: {
    [C.IDENTITY]: 'ALWAYS', [C.IDENTIFIERS]: 'ALWAYS', [C.BIOMETRIC_REFS]: 'ALWAYS', [C.IMMIGRATION]: 'ALWAYS',
    [C.EXPLOITATION]: 'ALWAYS', [C.LOCATION]: 'NEVER', [C.HEALTH]: 'NEVER', [C.FAMILY]: 'NEVER',
  },
  NCA: {
    [C.IDENTITY]: 'ALWAYS', [C.IDENTIFIERS]: 'ALWAYS', [C.BIOMETRIC_REFS]: 'ALWAYS', [C.MISSING]: 'ALWAYS',
    [C.EXPLOITATION]: 'ALWAYS', [C.HEALTH]: 'NEVER',
  },
  HEALTH: { [C.IDENTITY]: 'ALWAYS', [C.LOCATION]: 'NEVER', [C.CRIMINAL]: 'NEVER', [C.IMMIGRATION]: 'NEVER' },
  EDUCATION: { [C.IDENTITY]: 'ALWAYS', [C.LOCATION]: 'NEVER', [C.CRIMINAL]: 'NEVER', [C.IMMIGRATION]: 'NEVER', [C.HEALTH]: 'NEVER' },
};

export function ruleFor(agreement: SharingAgreement, kind: AgencyKind, category: C): AgreementRule {
  return agreement[kind][category] ?? 'WITH_BASIS';
}
