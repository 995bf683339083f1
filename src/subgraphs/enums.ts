/** GraphQL enumerations of the access model, shared by every subgraph that names them (api.md). */
import { registerEnumType } from 'type-graphql';
import { AGENCY_KINDS, DataCategory, ReleaseBasis, ROLES } from '../access';

export const AgencyKindEnum = Object.fromEntries(AGENCY_KINDS.map((k) => [k, k]));
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r]));
registerEnumType(AgencyKindEnum, { name: 'AgencyKind' });
registerEnumType(RoleEnum, { name: 'Role' });
registerEnumType(DataCategory, { name: 'DataCategory', description: 'The category every sensitive field is guarded by.' });
registerEnumType(ReleaseBasis, { name: 'ReleaseBasis', description: 'What could release a withheld category.' });

/** The DPO's review of a basis that needs one: a safeguarding justification, a consent releasing LOCATION. */
export enum ReviewStatus { PENDING = 'PENDING', REVIEWED = 'REVIEWED' }
export enum ReviewOutcome { JUSTIFIED = 'JUSTIFIED', NOT_JUSTIFIED = 'NOT_JUSTIFIED' }
registerEnumType(ReviewStatus, { name: 'ReviewStatus' });
registerEnumType(ReviewOutcome, { name: 'ReviewOutcome', description: 'The data protection officer’s finding on a justification or a consent.' });

export { DataCategory, ReleaseBasis };
