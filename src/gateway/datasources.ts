/**
 * How the gateway reaches its subgraphs.
 *
 * In-process, the gateway's context object is handed to subgraph resolvers by reference; each
 * fetch gets a child of it that knows the client-facing path of its entities, so a guard inside
 * an `_entities` fetch reports `person.care.placements.0.postcode`, not `_entities.0.…`.
 * The operation documents the query planner built are executed directly: they are valid by
 * construction, so parsing and validating them again on every fetch would be wasted work.
 *
 * Remotely, each request carries a short-lived token the gateway signs for that subgraph alone,
 * and the entity path in a header; the subgraph's `withheld` entries come back in extensions.
 */
import { LocalGraphQLDataSource, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { signSubgraphToken, type BreakGlassEntry, type KeyPair, type WithheldEntry } from '../access';
import type { RequestContext, ResponsePath } from '../context';
import { maskSubgraphError } from './errors';

type FetchPath = readonly (string | number)[] | undefined;

/**
 * The client-facing path of entity `index` of a fetch at `fetchPath` (the gateway's cursor path,
 * where `@` stands for "each element"). With one list level, element N is entity N, which holds
 * when every element yielded a representation; deeper nesting keeps `@` for the outer levels.
 */
export function entityPathOf(fetchPath: FetchPath): (index: number) => ResponsePath {
  const path = [...(fetchPath ?? [])] as ResponsePath;
  const last = path.lastIndexOf('@');
  if (last < 0) return () => path;
  return (index) => path.map((key, i) => (i === last ? index : key));
}

export class InProcessDataSource extends LocalGraphQLDataSource<RequestContext & Record<string, unknown>> {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(schema: GraphQLSchema) {
    super(schema);
  }

  override async process(options: GraphQLDataSourceProcessOptions<RequestContext & Record<string, unknown>>) {
    const { request, context } = options;
    const incoming = 'document' in options ? options : undefined;
    const query = request.query!;
    let document = incoming?.document ?? this.documents.get(query);
    if (!document) {
      document = parse(query);
      if (this.documents.size < 5000) this.documents.set(query, document);
    }
    const fetchContext = Object.create(context, { entityPath: { value: entityPathOf(incoming?.pathInIncomingRequest) } }) as RequestContext;
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: fetchContext,
    });
    return result.errors ? { ...result, errors: result.errors.map((e) => maskSubgraphError(e, context.log)) } : result;
  }
}

export const ENTITY_PATH_HEADER = 'x-harbour-fetch-path';
export const REQUEST_ID_HEADER = 'x-request-id';

export class RemoteSubgraphDataSource extends RemoteGraphQLDataSource<RequestContext & Record<string, unknown>> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly keys: KeyPair,
    private readonly ttlSeconds: number,
  ) {
    super({ url });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<RequestContext & Record<string, unknown>>): void {
    const { request, context } = options;
    const headers = request.http!.headers;
    if (context?.principal) {
      headers.set('authorization', `Bearer ${signSubgraphToken(this.keys, this.subgraph, context.principal, context.requestId, this.ttlSeconds)}`);
      headers.set(REQUEST_ID_HEADER, context.requestId);
    }
    headers.set(ENTITY_PATH_HEADER, JSON.stringify('pathInIncomingRequest' in options ? (options.pathInIncomingRequest ?? []) : []));
  }

  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource['didReceiveResponse']>>[0]) {
    const extensions = response.extensions as { withheld?: WithheldEntry[]; breakGlass?: BreakGlassEntry[] } | undefined;
    const access = (context as unknown as RequestContext | undefined)?.access;
    if (Array.isArray(extensions?.withheld)) access?.withheld.push(...extensions.withheld);
    if (Array.isArray(extensions?.breakGlass)) access?.breakGlass.push(...extensions.breakGlass);
    return response;
  }
}
