/**
 * From type-graphql classes to a Federation 2 subgraph schema.
 *
 * type-graphql prints the SDL (with `@key` directives); `@apollo/subgraph` builds the subgraph
 * schema from it with type-graphql's resolvers plus the reference resolvers, which type-graphql
 * has no decorator for (and therefore wraps in no guard or middleware).
 */
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';

export const SUBGRAPH_NAMES = ['identity', 'care', 'police', 'immigration', 'safeguarding', 'access'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export function isSubgraphName(value: string): value is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(value);
}

export interface SubgraphModule {
  name: SubgraphName;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
  referenceResolvers?: Record<string, { __resolveReference: (reference: never, context: never, info: GraphQLResolveInfo) => unknown }>;
}

/**
 * The reference resolver of a subgraph that only extends `Person`: any id becomes an instance of
 * its `Person` class. Whether that person exists is the identity subgraph's business; every field
 * the extension adds is guarded on its own.
 */
export function personReference<T extends { id: string }>(PersonClass: new () => T): SubgraphModule['referenceResolvers'] {
  return { Person: { __resolveReference: (reference: { id: string }) => Object.assign(new PersonClass(), { id: reference.id }) } };
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

export interface BuiltSubgraph {
  name: SubgraphName;
  schema: GraphQLSchema;
  /** The subgraph SDL as committed to `schema/<name>.graphql`. */
  sdl: string;
}

export async function buildSubgraph(module: SubgraphModule): Promise<BuiltSubgraph> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: module.resolvers,
    orphanedTypes: module.orphanedTypes,
    skipCheck: true,
    validate: false,
  });
  const typeDefs = parse(`${LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`);
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, reference] of Object.entries(module.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...reference } as GraphQLResolverMap<unknown>[string];
  }
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  return { name: module.name, schema, sdl: printSubgraphSchema(schema) };
}
