export { Authenticator, AUDIENCE, signDevToken, verifyToken, principalFromClaims, readIssuersFile, trustedIssuers } from './authenticate';
export type { TrustedIssuer, VerificationKey } from './authenticate';
export { DataCategory, ReleaseBasis, SEALED } from './categories';
export { DEFAULT_AGREEMENT, ruleFor, type SharingAgreement, type AgreementRule } from './agreement';
export { AccessDecisions, type Decision, type WithheldEntry } from './decisions';
export { Sensitive, GUARDED_FIELDS, type Owned } from './guard';
export { devIssuerKeys, loadKeyPair, loadPublicKey, DEV_ISSUER, type KeyPair } from './keys';
export { AGENCY_KINDS, ROLES, AGENCY_CODE, isAgencyKind, isRole, type Principal, type AgencyKind, type Role } from './principal';
export { signSubgraphToken, verifySubgraphToken, GATEWAY_ISSUER } from './subgraph-token';
