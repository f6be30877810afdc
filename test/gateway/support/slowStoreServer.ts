import { ConcordApi } from '@concord/sdk';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../../packages/server/src/app';
import { parseConfig, type ConfigOverrides } from '../../../packages/server/src/config';
import { systemClock } from '../../../packages/server/src/domain/clock';
import { Argon2PasswordHasher } from '../../../packages/server/src/domain/passwords';
import { SnowflakeGenerator } from '../../../packages/server/src/domain/snowflake';
import type { Store } from '../../../packages/server/src/stores/ports';
import { openSqliteStore } from '../../../packages/server/src/stores/sqlite/openSqliteStore';
import type { TestUser } from '../../support/testServer';

/**
 * A node whose store answers every read `delayMs` later, through a timer, like a networked database
 * (PostgreSQL in cluster mode) does. The embedded SQLite store answers within the same turn of the
 * event loop, which hides every race between a handshake's awaits and its socket going away; this
 * one lets socket events in between.
 */
export interface SlowStoreServer {
  app: App;
  baseUrl: string;
  user(): Promise<TestUser>;
  close(): Promise<void>;
}

let counter = 0;

export async function startSlowStoreServer(delayMs: number, overrides: ConfigOverrides = {}): Promise<SlowStoreServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-slow-'));
  const config = parseConfig(
    {},
    { port: 0, host: '127.0.0.1', logLevel: 'silent', rateLimits: false, ...overrides, dataDir },
  );
  const ids = new SnowflakeGenerator(config.workerId, systemClock);
  const store = await openSqliteStore({ file: path.join(dataDir, 'concord.db'), ids });
  const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const app = await createApp({ config, store: delayed(store, delayMs), ids, hasher });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    async user() {
      const username = `slow_${process.pid}_${++counter}`;
      const password = `pw-${username}-secret`;
      const api = new ConcordApi({ baseUrl });
      const { token, user_id } = await api.register(username, password);
      return { api, id: user_id, token, username, password };
    },
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const PORTS = ['users', 'sessions', 'applications', 'guilds', 'channels', 'messages', 'readStates'] as const;

/** The same store, each port method resolving only after a timer. */
function delayed(store: Store, delayMs: number): Store {
  const wrapped: Record<string, unknown> = { ping: () => store.ping(), close: () => store.close() };
  for (const name of PORTS) {
    const port = store[name] as unknown as Record<string, unknown>;
    wrapped[name] = new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
  return wrapped as unknown as Store;
}
