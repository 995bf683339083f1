import type { SubgraphModule } from '../federation';
import { IdentityResolver, identityReferenceResolvers } from './identity.resolver';
import { IngestResolver } from './ingest.resolver';
import { SearchResolver } from './search.resolver';
import { JudgementResolver } from './judgement.resolver';
import { SuggestionResolver } from './suggestion.resolver';
import { AlertResolver } from './alert.resolver';
import { MatchDecisionResolver } from './decision.resolver';

export { identityEntities } from './identity.entity';
export * from './identity.entity';

export const identity: SubgraphModule = {
  name: 'identity',
  resolvers: [IdentityResolver, IngestResolver, SearchResolver, JudgementResolver, AlertResolver, SuggestionResolver, MatchDecisionResolver],
  referenceResolvers: identityReferenceResolvers,
};
