/**
 * The hub: the gateway composed from the subgraphs (in-process by default, remote where
 * configured), served over HTTP with limits, masking, request ids and `extensions.withheld`.
 * Also the server of one subgraph on its own (`harbour serve --subgraph police`).
 */
import 'reflect-metadata'; // before any type-graphql class: the CLI loads this module on demand
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { IncomingMessage } from 'node:http';
import type http from 'node:http';
import { AccessDecisions, appendAudit, Authenticator, claimedAgency, loadAuditKey, loadKeyPair, loadPublicKey, readAgreement, verifySubgraphToken, type SharingAgreement, type TrustedIssuer } from '../access';
import type { HarbourConfig } from '../config';
import { createRequestContext, type RequestContext } from '../context';
import type { Db } from '../db';
import { ErrorCode, UNAUTHENTICATED_MESSAGE, UnauthenticatedError } from '../errors';
import type { Logger } from '../log';
import { buildOneSubgraph, buildSubgraphs, type SubgraphName } from '../subgraphs';
import { composeSupergraph, readCommittedSupergraph } from './compose';
import { ENTITY_PATH_HEADER, entityPathOf, InProcessDataSource, RemoteSubgraphDataSource } from './datasources';
import { describeForLog, maskError, withoutSuggestions, withRequestId } from './errors';
import { clientInputPlugin, clientInputRule, strictScalars } from './input';
import { consoleRoutes } from './sign-in';
import { PACK_PATH, packRoute } from './pack';
import { consoleHandler } from './console';
import { closeGracefully, createHttpServer, listen } from './http';

export interface HubDependencies {
  config: HarbourConfig;
  db: Db;
  log: Logger;
  /** Extra readiness check (the database). */
  ready?: () => Promise<boolean>;
  /** The sharing agreement; read from `config.agreementFile` (or the packaged default) when absent. */
  agreement?: SharingAgreement;
  /** Bench only: no access rules and no audit, to measure what they cost. */
  unguarded?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  apollo: ApolloServer<RequestContext>;
  http: http.Server;
  stop(): Promise<void>;
}

function isUnexpected(error: { extensions?: Record<string, unknown> }): boolean {
  const code = error.extensions?.code;
  return code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR;
}

export const AUDIT_UNAVAILABLE_MESSAGE = 'The disclosure audit could not be written, so no data is sent. Try again shortly.';

/**
 * Appends the request's access decisions to the audit before anything is sent, failing closed: if
 * the audit cannot be written the response carries no data, only an AUDIT_UNAVAILABLE error. Then
 * adds the request id and `withheld`, and logs unexpected errors with the request id.
 */
function responsePlugin(db: Db, auditKey: Buffer, log: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (isUnexpected(error)) log.error({ requestId: contextValue?.requestId, ...describeForLog(error.originalError ?? error) }, 'unexpected error');
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !contextValue?.access) return;
          const result = response.body.singleResult;
          const { access } = contextValue;
          try {
            await appendAudit(db, auditKey, contextValue.requestId, contextValue.principal, access.recorded);
          } catch (error) {
            log.error({ requestId: contextValue.requestId, decisions: access.recorded.length, ...describeForLog(error) }, 'audit write failed: response withheld');
            delete result.data;
            access.withheld.length = 0;
            access.breakGlass.length = 0;
            result.errors = [{ message: AUDIT_UNAVAILABLE_MESSAGE, extensions: { code: ErrorCode.AUDIT_UNAVAILABLE } }];
            response.http.status = 503;
          }
          const { withheld, breakGlass } = access;
          result.extensions = { ...result.extensions, requestId: contextValue.requestId, ...(withheld.length ? { withheld } : {}), ...(breakGlass.length ? { breakGlass } : {}) };
          if (result.errors) result.errors = withRequestId(result.errors, contextValue.requestId);
        },
      };
    },
  };
}

/** Outside production the audit key is generated on first use, by whichever process starts first. */
function auditKeyOf(config: HarbourConfig): Buffer {
  return loadAuditKey(config.auditKeyFile, config.env !== 'production');
}

function apolloOptions(config: HarbourConfig, log: Logger, db: Db) {
  const { limits } = config;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    // `__typename` counts: armor's default allow-list let 990 of them through.
    maxAliases: { n: limits.maxAliases, allowList: [] },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    // Enforced before parsing, in the HTTP layer (armor's own answers HTTP 500).
    maxTokens: { enabled: false },
    // Suggestions are removed in formatError: armor's mask missed enum values and variables.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    // Apollo's landing page pulls its sandbox and fonts from Apollo's hosts: the console is harbour's page.
    plugins: [...armor.plugins, clientInputPlugin<RequestContext>(), responsePlugin(db, auditKeyOf(config), log), ApolloServerPluginLandingPageDisabled()],
    validationRules: [...armor.validationRules, clientInputRule],
    allowBatchedHttpRequests: false as const,
    csrfPrevention: true,
    // harbour's own shutdown handles SIGINT/SIGTERM (stop serving, close the pool, stop the
    // database); Apollo's handler would re-raise the signal and end the process before it.
    stopOnTerminationSignals: false,
    introspection: config.env !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError: (formatted: Parameters<typeof maskError>[0], error: unknown) => {
      const masked = maskError(formatted, error, undefined, undefined);
      if (masked.extensions?.code === ErrorCode.UNAUTHENTICATED) return { message: UNAUTHENTICATED_MESSAGE, extensions: { code: ErrorCode.UNAUTHENTICATED } };
      return config.env === 'production' ? withoutSuggestions(masked) : masked;
    },
  };
}

/** Build the gateway's ApolloServer (not listening): every subgraph in-process unless a URL is configured for it. */
export async function createGateway(deps: HubDependencies): Promise<{
  apollo: ApolloServer<RequestContext>;
  contextFor: (authorization: string | undefined, requestId: string) => Promise<RequestContext>;
  /** The trusted issuers, read once at start (the console's sign-in offers their `oidc`). */
  issuers: readonly TrustedIssuer[];
}> {
  const { config, log } = deps;
  const subgraphs = await buildSubgraphs();
  const remote = Object.keys(config.subgraphUrls).length > 0;
  const gatewayKeys = remote ? loadKeyPair(config.gatewayPrivateKeyFile, config.gatewayPublicKeyFile, config.env !== 'production') : undefined;
  const supergraphSdl = remote ? readCommittedSupergraph() : composeSupergraph(subgraphs);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService({ name }): GraphQLDataSource {
      const url = config.subgraphUrls[name];
      if (url) return new RemoteSubgraphDataSource(name, url, gatewayKeys!, config.subgraphTokenSeconds) as unknown as GraphQLDataSource;
      const local = subgraphs.find((s) => s.name === name);
      if (!local) throw new Error(`no subgraph named ${name}`);
      return new InProcessDataSource(local.schema) as unknown as GraphQLDataSource;
    },
  });
  // Before Apollo loads the gateway: its schema then reads Date and DateTime variables strictly.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => strictScalars(apiSchema));
  const apollo = new ApolloServer<RequestContext>({ gateway, ...apolloOptions(config, log, deps.db) });
  await apollo.start();
  const authenticator = Authenticator.fromConfig(config);
  const agreement = deps.agreement ?? readAgreement(config.agreementFile);
  const contextFor = async (authorization: string | undefined, requestId: string): Promise<RequestContext> => {
    let principal;
    try {
      principal = authenticator.authenticate(authorization);
    } catch (error) {
      log.info({ requestId, reason: error instanceof UnauthenticatedError ? error.reason : 'unknown' }, 'authentication refused');
      throw error;
    }
    const requestLog = log.child({ requestId, sub: principal.sub, agency: claimedAgency(principal) });
    return createRequestContext({ requestId, principal, log: requestLog, db: deps.db, access: new AccessDecisions(principal, agreement, deps.db, { unguarded: deps.unguarded }), matchThresholds: config.matchThresholds, justificationMaxHours: config.justificationMaxHours });
  };
  return { apollo, contextFor, issuers: authenticator.issuers };
}

export async function startGatewayServer(deps: HubDependencies, port = deps.config.port, host = deps.config.host): Promise<RunningServer> {
  const { apollo, contextFor, issuers } = await createGateway(deps);
  const server = createHttpServer<RequestContext>({
    apollo,
    context: (req: IncomingMessage, requestId: string) => contextFor(req.headers.authorization, requestId),
    ready: async () => (deps.ready ? deps.ready() : true),
    log: deps.log,
    maxTokens: deps.config.limits.maxTokens,
    routes: { [PACK_PATH]: packRoute(apollo, contextFor, deps.log), ...consoleRoutes(deps.config, issuers, deps.log) },
    // The console's page may call the providers' token endpoints (the code exchange), and nothing else off the hub.
    // GraphiQL at /graphql for a browser outside production only.
    pages: consoleHandler({ connectOrigins: [...new Set(issuers.flatMap((i) => (i.oidc ? [new URL(i.oidc.tokenEndpoint).origin] : [])))], ide: deps.config.env !== 'production' }),
  });
  return serve(server, apollo, port, host);
}

async function serve(server: http.Server, apollo: ApolloServer<RequestContext>, port: number, host: string): Promise<RunningServer> {
  const bound = await listen(server, port, host);
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${bound}/graphql`,
    port: bound,
    apollo,
    http: server,
    stop: () => (stopped ??= (async () => {
      await closeGracefully(server);
      await apollo.stop();
    })()),
  };
}

/** One subgraph on its own, trusting only tokens the gateway signed for it. */
export async function startSubgraphServer(name: SubgraphName, deps: HubDependencies, port: number, host = deps.config.host): Promise<RunningServer> {
  const { config, log } = deps;
  const built = await buildOneSubgraph(name);
  // Outside production the gateway's key pair is generated on first use, by whichever process starts first.
  const gatewayKey = config.env === 'production' ? loadPublicKey(config.gatewayPublicKeyFile) : loadKeyPair(config.gatewayPrivateKeyFile, config.gatewayPublicKeyFile, true).publicKey;
  const agreement = deps.agreement ?? readAgreement(config.agreementFile);
  const options = apolloOptions(config, log, deps.db);
  const apollo = new ApolloServer<RequestContext>({
    schema: built.schema,
    // Apollo's federated tracing is for Apollo's cloud; harbour sends nothing there.
    plugins: [responsePlugin(deps.db, auditKeyOf(config), log), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled()],
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    stopOnTerminationSignals: options.stopOnTerminationSignals,
    introspection: false,
    includeStacktraceInErrorResponses: false,
    formatError: options.formatError,
  });
  await apollo.start();
  const server = createHttpServer<RequestContext>({
    apollo,
    context: async (req, requestId) => {
      const verified = verifySubgraphToken(gatewayKey, name, req.headers.authorization, {
        maxLifetimeSeconds: Math.max(config.subgraphTokenSeconds, 60) * 5,
        clockSkewSeconds: config.clockSkewSeconds,
      });
      let fetchPath: (string | number)[] = [];
      try {
        const parsed = JSON.parse(String(req.headers[ENTITY_PATH_HEADER] ?? '[]')) as unknown;
        if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string' || typeof k === 'number')) fetchPath = parsed;
      } catch {
        // no path: entity paths stay as the subgraph sees them
      }
      const rid = verified.requestId ?? requestId;
      return createRequestContext({
        requestId: rid,
        principal: verified.principal,
        log: log.child({ requestId: rid, subgraph: name }),
        db: deps.db,
        access: new AccessDecisions(verified.principal, agreement, deps.db),
        matchThresholds: config.matchThresholds,
        justificationMaxHours: config.justificationMaxHours,
        entityPath: entityPathOf(fetchPath),
      });
    },
    ready: async () => (deps.ready ? deps.ready() : true),
    log,
    maxTokens: config.limits.maxTokens * 4,
  });
  return serve(server, apollo, port, host);
}
