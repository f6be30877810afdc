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

/** Builds the configuration from environment variables (`CONCORD_*`), with defaults for a laptop. */
export function parseConfig(env: Env, overrides: Partial<Config> = {}): Config {
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
