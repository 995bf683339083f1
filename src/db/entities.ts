/** Every TypeORM entity. Entities are write models; the schema itself only changes through migrations. */
import { identityEntities } from '../subgraphs/identity/identity.entity';

export const entities = [...identityEntities];
