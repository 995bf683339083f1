/** GraphQL enumerations of the access model, shared by every subgraph that names them (api.md). */
import { registerEnumType } from 'type-graphql';
import { AGENCY_KINDS, DataCategory, ReleaseBasis, ROLES } from '../access';

export const AgencyKindEnum = Object.fromEntries(AGENCY_KINDS.map((k) => [k, k]));
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r]));
registerEnumType(AgencyKindEnum, { name: 'AgencyKind' });
registerEnumType(RoleEnum, { name: 'Role' });
registerEnumType(DataCategory, { name: 'DataCategory', description: 'The category every sensitive field is guarded by.' });
registerEnumType(ReleaseBasis, { name: 'ReleaseBasis', description: 'What could release a withheld category.' });

export { DataCategory, ReleaseBasis };
