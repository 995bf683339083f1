/** The six subgraphs of the map, in composition order. */
import { access } from './access';
import { care } from './care';
import { buildSubgraph, type BuiltSubgraph, type SubgraphModule, type SubgraphName } from './federation';
import { identity } from './identity';
import { immigration } from './immigration';
import { police } from './police';
import { safeguarding } from './safeguarding/module';

export { SUBGRAPH_NAMES, isSubgraphName, type BuiltSubgraph, type SubgraphName } from './federation';

export const SUBGRAPHS: readonly SubgraphModule[] = [identity, care, police, immigration, safeguarding, access];

let built: Promise<BuiltSubgraph[]> | undefined;

/** Build every subgraph once per process (type-graphql's metadata is process-global). */
export function buildSubgraphs(): Promise<BuiltSubgraph[]> {
  built ??= (async () => {
    const result: BuiltSubgraph[] = [];
    for (const module of SUBGRAPHS) result.push(await buildSubgraph(module));
    return result;
  })();
  return built;
}

export async function buildOneSubgraph(name: SubgraphName): Promise<BuiltSubgraph> {
  const all = await buildSubgraphs();
  return all.find((s) => s.name === name)!;
}
