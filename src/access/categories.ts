/** Data categories (api.md): every sensitive field is tagged with exactly one. */
export enum DataCategory {
  IDENTITY = 'IDENTITY',
  IDENTIFIERS = 'IDENTIFIERS',
  BIOMETRIC_REFS = 'BIOMETRIC_REFS',
  CONTACT = 'CONTACT',
  MISSING = 'MISSING',
  LOCATION = 'LOCATION',
  FAMILY = 'FAMILY',
  IMMIGRATION = 'IMMIGRATION',
  EXPLOITATION = 'EXPLOITATION',
  HEALTH = 'HEALTH',
  CARE_PLAN = 'CARE_PLAN',
  CRIMINAL = 'CRIMINAL',
}

/** Sealed categories need an explicit basis even where the agreement trusts the recipient (DfE ¶37). */
export const SEALED: ReadonlySet<DataCategory> = new Set([DataCategory.LOCATION]);

/** What can release a withheld field. */
export enum ReleaseBasis {
  CONSENT = 'CONSENT',
  JUSTIFICATION = 'JUSTIFICATION',
  MISSING_CHILD_RULE = 'MISSING_CHILD_RULE',
}
