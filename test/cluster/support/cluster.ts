import { ConcordApi } from '@concord/sdk';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NATS_URL } from '../../conformance/natsSupport';
import { TestDatabases } from '../../conformance/postgresDatabases';
import { ClusterNode, freePort } from './clusterNode';

export interface ClusterOptions {
  /** Nodes to start (default 3). */
  size?: number;
  /** Broker of the cluster (default: the machine's shared one, CONCORD_NATS_URL or :4222). */
  natsUrl?: string;
  /** Extra environment for every node (CONCORD_PRESENCE_TTL_MS, …). */
  env?: Record<string, string>;
  /** Per-node database URL (e.g. through a proxy); default: the cluster's database, directly. */
  databaseUrlFor?: (index: number, databaseUrl: string) => string;
}

export interface ClusterUser {
  id: string;
  token: string;
  username: string;
}

/**
 * A Concord cluster for one test file: N node processes on one fresh PostgreSQL database and one
 * NATS, isolated from every other run on the same broker by a NATS prefix of its own (subjects and
 * KV buckets), which `close` destroys. PostgreSQL or NATS being down fails `start`: never a skip.
 */
export class Cluster {
  private failed = false;
  private closed = false;
  private userCounter = 0;

  private constructor(
    readonly nodes: ClusterNode[],
    readonly databaseUrl: string,
    readonly natsUrl: string,
    readonly natsPrefix: string,
    private readonly databases: TestDatabases,
    readonly logDir: string,
  ) {}

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const natsUrl = options.natsUrl ?? NATS_URL;
    await natsReachable(natsUrl);
    const databases = new TestDatabases();
    await databases.ready().catch(async (error: unknown) => {
      await databases.close().catch(() => undefined);
      throw error;
    });
    const databaseUrl = await databases.create();
    const natsPrefix = `concord_t_${randomBytes(5).toString('hex')}`;
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-cluster-'));
    const nodes: ClusterNode[] = [];
    for (let i = 0; i < (options.size ?? 3); i++) {
      const env = {
        CONCORD_DATA_DIR: logDir,
        CONCORD_LOG_LEVEL: 'warn',
        CONCORD_RATE_LIMITS: 'false',
        CONCORD_DATABASE_URL: options.databaseUrlFor?.(i, databaseUrl) ?? databaseUrl,
        CONCORD_NATS_URL: natsUrl,
        CONCORD_NATS_PREFIX: natsPrefix,
        CONCORD_PRESENCE_TTL_MS: '3000',
        CONCORD_HEARTBEAT_INTERVAL_MS: '2000',
        ...options.env,
      };
      nodes.push(new ClusterNode(`node${i}`, await freePort(), env, path.join(logDir, `node${i}.log`)));
    }
    const cluster = new Cluster(nodes, databaseUrl, natsUrl, natsPrefix, databases, logDir);
    // Started together on an empty database, as a cluster's nodes may be: one of them migrates it.
    const started = await Promise.allSettled(nodes.map((node) => node.start()));
    const failure = started.find((result) => result.status === 'rejected');
    if (failure !== undefined) {
      cluster.markFailed();
      await cluster.close();
      throw failure.reason;
    }
    return cluster;
  }

  node(index: number): ClusterNode {
    const node = this.nodes[index];
    if (node === undefined) throw new Error(`no node ${index}`);
    return node;
  }

  /** Registers a user (through node 0, or the given base URL). */
  async user(prefix = 'u', baseUrl = this.node(0).baseUrl): Promise<ClusterUser> {
    const username = `${prefix}_${process.pid}_${++this.userCounter}`;
    const api = new ConcordApi({ baseUrl });
    const { token, user_id } = await api.register(username, `pw-${username}-secret`);
    return { id: user_id, token, username };
  }

  /** The node records in this cluster's discovery bucket right now (what GET /gateway chooses from). */
  async registeredNodes(): Promise<Array<{ id: string; url: string; connections: number }>> {
    const nc = await connect({ servers: this.natsUrl, name: 'concord-test-discovery', reconnect: false });
    try {
      const kv = await new Kvm(nc).open(`${this.natsPrefix}_discovery`);
      const nodes: Array<{ id: string; url: string; connections: number }> = [];
      // A key renewed while the listing runs can be listed twice: read each key once.
      const keys = new Set<string>();
      for await (const key of await kv.keys('node.>')) keys.add(key);
      for (const key of keys) {
        const entry = await kv.get(key);
        if (entry?.operation === 'PUT') nodes.push(entry.json());
      }
      return nodes;
    } finally {
      await nc.close();
    }
  }

  /** Keeps the node logs (their directory is printed) instead of deleting them in `close`. */
  markFailed(): void {
    this.failed = true;
  }

  /** Kills every node, drops the database and this cluster's NATS buckets. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.nodes.map((node) => node.kill()));
    try {
      await this.databases.close();
    } finally {
      await destroyBuckets(this.natsUrl, [`${this.natsPrefix}_presence`, `${this.natsPrefix}_discovery`]).catch(
        () => undefined,
      );
      if (this.failed) console.error(`cluster node logs kept in ${this.logDir}`);
      else fs.rmSync(this.logDir, { recursive: true, force: true });
    }
  }
}

/** Rejects, saying where NATS was expected, when it cannot be reached: a cluster test fails, never skips. */
async function natsReachable(natsUrl: string): Promise<void> {
  try {
    const nc = await connect({ servers: natsUrl, name: 'concord-test-probe', reconnect: false, timeout: 5_000 });
    await nc.close();
  } catch (error) {
    throw new Error(`NATS is not reachable at ${natsUrl} (set CONCORD_NATS_URL): ${String(error)}`, { cause: error });
  }
}

async function destroyBuckets(natsUrl: string, names: string[]): Promise<void> {
  const nc = await connect({ servers: natsUrl, name: 'concord-test-cleanup', reconnect: false, timeout: 2_000 });
  try {
    const kvm = new Kvm(nc);
    const existing = new Set<string>();
    for await (const status of kvm.list()) existing.add(status.bucket);
    for (const name of names) if (existing.has(name)) await (await kvm.open(name)).destroy();
  } finally {
    await nc.close();
  }
}
