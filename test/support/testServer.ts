import { ConcordApi } from '@concord/sdk';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../packages/server/src/app';
import type { Bus } from '../../packages/server/src/bus/Bus';
import { parseConfig, type ConfigOverrides } from '../../packages/server/src/config';
import { systemClock } from '../../packages/server/src/domain/clock';
import type { DomainEvent } from '../../packages/server/src/domain/events';
import { Argon2PasswordHasher } from '../../packages/server/src/domain/passwords';
import { SnowflakeGenerator, type IdGenerator } from '../../packages/server/src/domain/snowflake';
import type { Store } from '../../packages/server/src/stores/ports';
import { Metrics } from '../../packages/server/src/metrics/Metrics';
import { openSqliteStore } from '../../packages/server/src/stores/sqlite/openSqliteStore';

export interface TestUser {
  api: ConcordApi;
  id: string;
  token: string;
  username: string;
  password: string;
}

export interface TestServer {
  app: App;
  /** The node's store, for fixtures that the API cannot build quickly (e.g. 500 channels). */
  store: Store;
  ids: IdGenerator;
  baseUrl: string;
  dataDir: string;
  /** Every domain event published since start, in order. */
  events: DomainEvent[];
  /** An unauthenticated client. */
  anonymous(): ConcordApi;
  /** Registers a fresh user and returns a client logged in as them. */
  user(name?: string): Promise<TestUser>;
  close(): Promise<void>;
}

let userCounter = 0;

/** A real node: real SQLite file in a temp dir, real HTTP on an ephemeral port. */
export async function startServer(
  overrides: ConfigOverrides = {},
  /** Engines to use instead of the embedded ones (e.g. a bus a test can make lose messages). */
  engines: { bus?: Bus } = {},
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'concord-test-'));
  const config = parseConfig(
    {},
    { port: 0, host: '127.0.0.1', logLevel: 'silent', rateLimits: false, ...overrides, dataDir },
  );
  const ids = new SnowflakeGenerator(config.workerId, systemClock);
  const metrics = new Metrics();
  const store = await openSqliteStore({
    file: path.join(dataDir, 'concord.db'),
    ids,
    observer: { commitBatch: (size) => metrics.commitBatchSize.observe(size) },
    commitIntervalMs: config.commitIntervalMs,
  });
  // Real argon2id with small parameters: the same code path, a fraction of the CPU.
  const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const app = await createApp({ config, store, ids, hasher, metrics, ...engines });
  const events: DomainEvent[] = [];
  app.events.subscribe((event) => events.push(event));
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    store,
    ids,
    baseUrl,
    dataDir,
    events,
    anonymous: () => new ConcordApi({ baseUrl }),
    async user(name?: string) {
      const username = name ?? `user_${process.pid}_${++userCounter}`;
      const password = `pw-${username}-secret`;
      const api = new ConcordApi({ baseUrl });
      const { token, user_id } = await api.register(username, password);
      return { api, id: user_id, token, username, password };
    },
    async close() {
      await app.close();
      if (overrides.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves the ApiRequestError a promise rejects with (fails the test if it resolves). */
export async function apiError(promise: Promise<unknown>): Promise<{ status: number; code: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; body?: { code: number } };
    if (typeof e.status === 'number' && e.body !== undefined)
      return { status: e.status, code: e.body.code, body: e.body };
    throw error;
  }
  throw new Error('expected the request to fail, but it succeeded');
}
