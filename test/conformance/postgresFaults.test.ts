import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/server/src/domain/clock';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { openPostgresStore } from '../../packages/server/src/stores/postgres/openPostgresStore';
import type { AppendResult, NewMessage, Store } from '../../packages/server/src/stores/ports';
import { aMessage, sleep } from './contracts/messageFixtures';
import { aChannel, ids } from './fixtures';
import { TestDatabases } from './postgresDatabases';
import { TcpProxy } from './tcpProxy';

/**
 * The database going away under a node, as in a PostgreSQL restart: a TCP relay between the pool
 * and the server resets every connection and refuses new ones for a while. Nothing acknowledged may
 * be lost, the node must not crash, and senders' nonce retries must settle everything else.
 */
const databases = new TestDatabases();
let proxy: TcpProxy;
let store: Store;

beforeAll(async () => {
  await databases.ready();
  const url = new URL(await databases.create());
  proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = `127.0.0.1:${proxy.port}`;
  store = await openPostgresStore({
    connectionString: url.toString(),
    ids: new SnowflakeGenerator(31, systemClock),
    poolSize: 4,
  });
});

afterAll(async () => {
  await store?.close();
  await proxy?.close();
  await databases.close();
});

/** Sends until acknowledged, as a client retrying an unknown outcome with the same nonce does. */
async function sendUntilAcked(message: NewMessage): Promise<AppendResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.messages.append(message);
    } catch (error) {
      if (attempt >= 50) throw error;
      await sleep(50);
    }
  }
}

describe('PostgreSQL store when its connections are reset mid-stream', () => {
  it('keeps every acknowledged message, and nonce retries settle the rest into one gap-free history', async () => {
    const channelIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const channel = aChannel(ids.next());
      await store.channels.create(channel);
      channelIds.push(channel.id);
    }
    const inputs = Array.from({ length: 2_000 }, (_, i) =>
      aMessage(channelIds[i % 2]!, ids.next(), { nonce: `r${i}`, content: `m${i}` }),
    );
    const attempts = inputs.map((input) => store.messages.append(input));
    // Cut as soon as the first batch is acknowledged, so later batches are in flight or queued.
    void attempts[0]!.then(async () => {
      proxy.block();
      await sleep(300);
      proxy.unblock();
    });
    const first = await Promise.allSettled(attempts);
    const failed = first.filter((outcome) => outcome.status === 'rejected').length;
    expect(failed).toBeGreaterThan(0);

    const settled = await Promise.all(
      first.map((outcome, i) => (outcome.status === 'fulfilled' ? outcome.value : sendUntilAcked(inputs[i]!))),
    );
    for (const channelId of channelIds) {
      const stored = await store.messages.list(channelId, { afterSeq: 0, limit: 2_000 });
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
      for (let i = 1; i < stored.length; i++) expect(BigInt(stored[i]!.id) > BigInt(stored[i - 1]!.id)).toBe(true);
      const bySeq = new Map(stored.map((m) => [m.seq, m]));
      settled.forEach((result, i) => {
        if (inputs[i]!.channelId !== channelId) return;
        // Acknowledged (first time or on retry) means stored exactly as acknowledged, once.
        expect(bySeq.get(result.message.seq)).toEqual(result.message);
        expect(result.message.content).toBe(`m${i}`);
      });
    }
    await store.ping();
  });
});
