import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import path from 'node:path';

/**
 * The one validated configuration of a node. Only the composition root (`main.ts`) reads the
 * environment; everything else receives a `Config`.
 */
export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  dataDir: Type.String({ minLength: 1 }),
  /** The URL clients reach this node at; derived from host/port when unset. */
  publicUrl: Type.String({ minLength: 1 }),
  logLevel: Type.Union([
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ]),
  /** Snowflake worker id (0–1023); cluster mode leases one from discovery instead. */
  workerId: Type.Integer({ minimum: 0, maximum: 1023 }),
  /** Largest accepted request body, in bytes. */
  bodyLimit: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
  /** Whether per-route rate limits are enforced (tests of unrelated behaviour may turn them off). */
  rateLimits: Type.Boolean(),
  /** Trust X-Forwarded-For from a load balancer in front of the node. */
  trustProxy: Type.Boolean(),
  /** True when CONCORD_PUBLIC_URL was given; otherwise URLs handed to clients follow the request's Host. */
  publicUrlSet: Type.Boolean(),
  /** PostgreSQL connection string (cluster mode); unset, the node keeps its data in SQLite under dataDir. */
  databaseUrl: Type.Union([Type.String({ pattern: '^postgres(ql)?://' }), Type.Undefined()]),
  /** NATS server URL(s) for cluster mode (bus, presence, discovery); unset, the node is the whole cluster. */
  natsUrl: Type.Union([Type.String({ pattern: '^nats://' }), Type.Undefined()]),
  /**
   * Names this cluster's things on a shared NATS: the bus subjects (`<prefix>.…`) and the KV buckets
   * (`<prefix>_presence`, `<prefix>_discovery`), so two clusters (or test runs) on one broker never
   * see each other's nodes, sessions or events.
   */
  natsPrefix: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  /** How long a crashed node's sessions (cluster mode) stay online before their presence expires. */
  presenceTtlMs: Type.Integer({ minimum: 1_000, maximum: 600_000 }),
  /**
   * Least time between the starts of two message-append commits: under load, sends wait up to this
   * long to share a commit (fewer, larger transactions). 0 commits as soon as the previous is durable.
   */
  commitIntervalMs: Type.Integer({ minimum: 0, maximum: 100 }),
  gateway: Type.Object({
    /** HELLO's heartbeat_interval (Discord: 41250 ms). */
    heartbeatIntervalMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
    /** How long a disconnected session may be resumed. */
    resumeWindowMs: Type.Integer({ minimum: 1_000, maximum: 3_600_000 }),
    /** Dispatches kept per session for RESUME; beyond this the session can only re-identify. */
    resumeBufferEvents: Type.Integer({ minimum: 10, maximum: 100_000 }),
    /** Bytes a socket may have unsent before it is closed as a slow consumer (4900). */
    maxBufferedBytes: Type.Integer({ minimum: 16_384, maximum: 256 * 1024 * 1024 }),
    /** Browser origins allowed to open a gateway socket (non-browser clients send no Origin). */
    allowedOrigins: Type.Array(Type.String()),
    /** Guilds with more members than this get presence on request only, not pushed. */
    presenceMaxGuildSize: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  }),
});
export type Config = Static<typeof ConfigSchema>;

const validator = Compile(ConfigSchema);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function intFrom(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${key} must be an integer, got "${raw}"`);
  return Number(raw);
}

function boolFrom(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${key} must be a boolean, got "${raw}"`);
}

function listFrom(env: Env, key: string): string[] {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return [];
  return raw
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter((entry) => entry.length > 0);
}

/**
 * A postgres:// or postgresql:// URL, or undefined when unset. The value is never echoed in an
 * error: it usually carries a password.
 */
function databaseUrlFrom(env: Env, key: string): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${key} must be a URL such as postgres://user:password@host:5432/concord`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${key} must be a postgres:// or postgresql:// URL, got a ${url.protocol} URL`);
  }
  return raw.trim();
}

/**
 * A nats:// URL, or several separated by commas (seeds of a NATS cluster: split on commas before
 * handing them to nats.js), or undefined when unset. Never echoed: it may carry a user and password.
 */
function natsUrlFrom(env: Env, key: string): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const urls = raw.split(',').map((entry) => entry.trim());
  for (const entry of urls) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(`${key} must be a URL such as nats://127.0.0.1:4222`);
    }
    if (url.protocol !== 'nats:') throw new ConfigError(`${key} must be nats:// URLs, got a ${url.protocol} URL`);
    if (url.hostname === '') throw new ConfigError(`${key} must name a host, as in nats://127.0.0.1:4222`);
  }
  return urls.join(',');
}

/** Builds the configuration from environment variables (`CONCORD_*`), with defaults for a laptop. */
/** Values that win over the environment (tests, embedding); gateway settings may be given in part. */
export type ConfigOverrides = Partial<Omit<Config, 'gateway'>> & { gateway?: Partial<Config['gateway']> };

export function parseConfig(env: Env, overrides: ConfigOverrides = {}): Config {
  const port = overrides.port ?? intFrom(env, 'CONCORD_PORT', 8080);
  const host = overrides.host ?? env.CONCORD_HOST ?? '0.0.0.0';
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const candidate: Config = {
    port,
    host,
    dataDir: path.resolve(overrides.dataDir ?? env.CONCORD_DATA_DIR ?? './data'),
    publicUrl: (overrides.publicUrl ?? env.CONCORD_PUBLIC_URL ?? `http://${shownHost}:${port}`).replace(/\/+$/, ''),
    logLevel: (overrides.logLevel ?? env.CONCORD_LOG_LEVEL ?? 'info') as Config['logLevel'],
    workerId: overrides.workerId ?? intFrom(env, 'CONCORD_WORKER_ID', 0),
    bodyLimit: overrides.bodyLimit ?? intFrom(env, 'CONCORD_BODY_LIMIT', 1024 * 1024),
    rateLimits: overrides.rateLimits ?? boolFrom(env, 'CONCORD_RATE_LIMITS', true),
    trustProxy: overrides.trustProxy ?? boolFrom(env, 'CONCORD_TRUST_PROXY', false),
    publicUrlSet:
      overrides.publicUrlSet ?? (overrides.publicUrl !== undefined || (env.CONCORD_PUBLIC_URL ?? '') !== ''),
    databaseUrl: overrides.databaseUrl ?? databaseUrlFrom(env, 'CONCORD_DATABASE_URL'),
    natsUrl: overrides.natsUrl ?? natsUrlFrom(env, 'CONCORD_NATS_URL'),
    natsPrefix: overrides.natsPrefix ?? (env.CONCORD_NATS_PREFIX?.trim() || 'concord'),
    presenceTtlMs: overrides.presenceTtlMs ?? intFrom(env, 'CONCORD_PRESENCE_TTL_MS', 30_000),
    commitIntervalMs: overrides.commitIntervalMs ?? intFrom(env, 'CONCORD_COMMIT_INTERVAL_MS', 2),
    gateway: {
      heartbeatIntervalMs: intFrom(env, 'CONCORD_HEARTBEAT_INTERVAL_MS', 41_250),
      resumeWindowMs: intFrom(env, 'CONCORD_RESUME_WINDOW_MS', 180_000),
      resumeBufferEvents: intFrom(env, 'CONCORD_RESUME_BUFFER_EVENTS', 2_000),
      maxBufferedBytes: intFrom(env, 'CONCORD_MAX_BUFFERED_BYTES', 4 * 1024 * 1024),
      allowedOrigins: listFrom(env, 'CONCORD_ALLOWED_ORIGINS'),
      presenceMaxGuildSize: intFrom(env, 'CONCORD_PRESENCE_MAX_GUILD_SIZE', 1_000),
      ...overrides.gateway,
    },
  };
  if (!validator.Check(candidate)) {
    const problems = validator
      .Errors(candidate)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
      .join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return candidate;
}
