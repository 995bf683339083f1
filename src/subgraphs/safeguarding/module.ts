/** The safeguarding subgraph: the view of one child, strategy discussions, and the console's lists. */
import { personReference, type SubgraphModule } from '../federation';
import { ConsoleResolver } from './console';
import { SafeguardingPerson, SafeguardingResolver } from './index';

export const safeguarding: SubgraphModule = {
  name: 'safeguarding',
  resolvers: [SafeguardingResolver, ConsoleResolver],
  orphanedTypes: [SafeguardingPerson],
  referenceResolvers: personReference(SafeguardingPerson),
};
