import os from 'node:os';
import path from 'node:path';

/** What `npm run cluster` starts, from CONCORD_CLUSTER_* variables (every one has a local default). */
export interface ClusterOptions {
  /** The balancer's port on 127.0.0.1; the nodes take the ports right after it. */
  balancerPort: number;
  nodeCount: number;
  /** The database every node shares (created when missing). */
  databaseUrl: string;
  natsUrl: string;
  nginx: string;
  /** Generated nginx config, temp files and every log; emptied at each start, kept after a stop. */
  dir: string;
}

export class OptionsError extends Error {
  override name = 'OptionsError';
}

type Env = Record<string, string | undefined>;

function intFrom(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function clusterOptions(env: Env): ClusterOptions {
  const nodeCount = intFrom(env, 'CONCORD_CLUSTER_NODES', 3, 1, 16);
  const balancerPort = intFrom(env, 'CONCORD_CLUSTER_PORT', 8080, 1024, 65535 - nodeCount);
  return {
    balancerPort,
    nodeCount,
    databaseUrl: env.CONCORD_CLUSTER_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/concord_cluster',
    natsUrl: env.CONCORD_CLUSTER_NATS_URL || 'nats://127.0.0.1:4222',
    nginx: env.CONCORD_CLUSTER_NGINX || '/usr/sbin/nginx',
    dir: path.join(os.tmpdir(), `concord-cluster-${balancerPort}`),
  };
}

/** Node i (1-based) listens on the port i after the balancer's. */
export function nodePort(options: ClusterOptions, index: number): number {
  return options.balancerPort + index;
}
