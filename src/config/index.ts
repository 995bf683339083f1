/**
 * Configuration: the environment is read and validated here and nowhere else.
 * Every variable has a default that works on a fresh machine; a wrong value fails
 * at start with a message naming the variable.
 */
import path from 'node:path';

export type Environment = 'development' | 'test' | 'production';

export interface QueryLimits {
  /** Deepest selection allowed. @default 14 */
  maxDepth: number;
  /** Aliases per operation. @default 30 */
  maxAliases: number;
  /** Directives per operation. @default 25 */
  maxDirectives: number;
  /** Lexical tokens per operation. @default 3000 */
  maxTokens: number;
  /** Estimated cost (graphql-armor's cost model). @default 8000 */
  maxCost: number;
}

/** Bounds on request work in PostgreSQL (the serve pool only: migrations, sync and match run unbounded). 0 turns one off. */
export interface RequestTimeouts {
  /** Longest one statement of a request may run, in ms (`statement_timeout`). @default 15000 */
  statementMs: number;
  /** Longest a statement of a request may wait for a lock, in ms (`lock_timeout`). @default 3000 */
  lockMs: number;
}

export interface HarbourConfig {
  env: Environment;
  /** Working folder for the embedded database and development keys. @default `<cwd>/.harbour` */
  home: string;
  /** An external PostgreSQL (15 or later); when absent the embedded server is used. */
  databaseUrl: string | undefined;
  /** The embedded server's buffer cache in MB. @default sized for what it holds (see `sharedBuffersMb`) */
  embeddedSharedBuffersMb: number | undefined;
  host: string;
  /** @default 4000 */
  port: number;
  /** JSON file listing trusted token issuers; see README. */
  issuersFile: string | undefined;
  /** Longest token lifetime (exp − iat) accepted, in seconds. @default 43200 (12 h) */
  maxTokenLifetimeSeconds: number;
  /** Clock skew tolerated on exp/nbf/iat, in seconds. @default 60 */
  clockSkewSeconds: number;
  /** Lifetime of the token the gateway signs for a remote subgraph, in seconds. @default 60 */
  subgraphTokenSeconds: number;
  /** Remote subgraph URLs (`name=url,…`); when absent every subgraph runs in-process. */
  subgraphUrls: Record<string, string>;
  /** Public key (PEM file) the remote subgraphs trust for gateway-signed tokens. @default `<home>/keys/gateway.pub.pem` */
  gatewayPublicKeyFile: string;
  /** Private key (PEM file) the gateway signs subgraph tokens with. @default `<home>/keys/gateway.key.pem` */
  gatewayPrivateKeyFile: string;
  limits: QueryLimits;
  requestTimeouts: RequestTimeouts;
  /** Match grades by probability (FHIR `$match`). @default certain 0.999, probable 0.9, possible 0.5 */
  matchThresholds: { certain: number; probable: number; possible: number };
  /** The sharing agreement (CSV). @default `config/sharing-agreement.csv` in the package */
  agreementFile: string | undefined;
  /** The retention policy (CSV). @default `config/retention.csv` in the package */
  retentionFile: string | undefined;
  /** Longest a safeguarding justification may last, in hours. @default 168 (a week) */
  justificationMaxHours: number;
  /** The audit key (base64, 32 bytes or more): MACs every audit event and signs checkpoints; never in the database. @default `<home>/keys/audit.key` (generated outside production) */
  auditKeyFile: string;
  /** Where `harbour serve` appends a signed checkpoint of the audit chain's head. @default `<home>/audit-checkpoints.jsonl` */
  auditCheckpointFile: string;
  /** How often `harbour serve` writes a checkpoint, in seconds (and once more at shutdown). @default 600 */
  auditCheckpointSeconds: number;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(variable: string, expected: string, received: string) {
    super(`configuration: ${variable} must be ${expected}, received ${JSON.stringify(received)}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(name, `an integer ≥ ${min}`, raw);
  return value;
}

function probability(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0 && value < 1)) throw new ConfigError(name, 'a probability between 0 and 1 (exclusive)', raw);
  return value;
}

function matchThresholds(env: Env): HarbourConfig['matchThresholds'] {
  const t = { certain: probability(env, 'HARBOUR_MATCH_CERTAIN', 0.999), probable: probability(env, 'HARBOUR_MATCH_PROBABLE', 0.9), possible: probability(env, 'HARBOUR_MATCH_POSSIBLE', 0.5) };
  if (!(t.certain > t.probable && t.probable > t.possible)) {
    throw new ConfigError('HARBOUR_MATCH_PROBABLE', 'between HARBOUR_MATCH_POSSIBLE and HARBOUR_MATCH_CERTAIN', String(t.probable));
  }
  return t;
}

function parseSubgraphUrls(raw: string | undefined): Record<string, string> {
  const urls: Record<string, string> = {};
  if (!raw) return urls;
  for (const pair of raw.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*(https?:\/\/\S+)\s*$/.exec(pair);
    if (!match) throw new ConfigError('HARBOUR_SUBGRAPH_URLS', 'a list of name=http(s)://url', raw);
    urls[match[1]!] = match[2]!;
  }
  return urls;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): HarbourConfig {
  const rawEnv = env.HARBOUR_ENV ?? (env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development');
  if (rawEnv !== 'development' && rawEnv !== 'test' && rawEnv !== 'production') {
    throw new ConfigError('HARBOUR_ENV', 'development, test or production', rawEnv);
  }
  const home = path.resolve(cwd, env.HARBOUR_HOME ?? '.harbour');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'a postgres:// URL', '(not shown: it may hold a password)');
  }
  if (rawEnv === 'production' && !env.HARBOUR_ISSUERS_FILE) {
    throw new ConfigError('HARBOUR_ISSUERS_FILE', 'set in production (there is no development issuer there)', '');
  }
  return {
    env: rawEnv,
    home,
    databaseUrl,
    embeddedSharedBuffersMb: env.HARBOUR_PG_SHARED_BUFFERS ? integer(env, 'HARBOUR_PG_SHARED_BUFFERS', 128, 16) : undefined,
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0),
    issuersFile: env.HARBOUR_ISSUERS_FILE ? path.resolve(cwd, env.HARBOUR_ISSUERS_FILE) : undefined,
    maxTokenLifetimeSeconds: integer(env, 'HARBOUR_MAX_TOKEN_LIFETIME', 12 * 3600),
    clockSkewSeconds: integer(env, 'HARBOUR_CLOCK_SKEW', 60, 0),
    subgraphTokenSeconds: integer(env, 'HARBOUR_SUBGRAPH_TOKEN_SECONDS', 60),
    subgraphUrls: parseSubgraphUrls(env.HARBOUR_SUBGRAPH_URLS),
    gatewayPublicKeyFile: path.resolve(cwd, env.HARBOUR_GATEWAY_PUBLIC_KEY ?? path.join(home, 'keys', 'gateway.pub.pem')),
    gatewayPrivateKeyFile: path.resolve(cwd, env.HARBOUR_GATEWAY_PRIVATE_KEY ?? path.join(home, 'keys', 'gateway.key.pem')),
    limits: {
      maxDepth: integer(env, 'HARBOUR_MAX_DEPTH', 14),
      maxAliases: integer(env, 'HARBOUR_MAX_ALIASES', 30),
      maxDirectives: integer(env, 'HARBOUR_MAX_DIRECTIVES', 25),
      maxTokens: integer(env, 'HARBOUR_MAX_TOKENS', 3000),
      maxCost: integer(env, 'HARBOUR_MAX_COST', 8000),
    },
    requestTimeouts: {
      statementMs: integer(env, 'HARBOUR_STATEMENT_TIMEOUT_MS', 15_000, 0),
      lockMs: integer(env, 'HARBOUR_LOCK_TIMEOUT_MS', 3_000, 0),
    },
    matchThresholds: matchThresholds(env),
    agreementFile: env.HARBOUR_AGREEMENT_FILE ? path.resolve(cwd, env.HARBOUR_AGREEMENT_FILE) : undefined,
    retentionFile: env.HARBOUR_RETENTION_FILE ? path.resolve(cwd, env.HARBOUR_RETENTION_FILE) : undefined,
    justificationMaxHours: integer(env, 'HARBOUR_JUSTIFICATION_MAX_HOURS', 168, 1),
    auditKeyFile: path.resolve(cwd, env.HARBOUR_AUDIT_KEY_FILE ?? path.join(home, 'keys', 'audit.key')),
    auditCheckpointFile: path.resolve(cwd, env.HARBOUR_AUDIT_CHECKPOINT_FILE ?? path.join(home, 'audit-checkpoints.jsonl')),
    auditCheckpointSeconds: integer(env, 'HARBOUR_AUDIT_CHECKPOINT_SECONDS', 600),
    logLevel: env.HARBOUR_LOG_LEVEL ?? (rawEnv === 'test' ? 'silent' : 'info'),
  };
}
