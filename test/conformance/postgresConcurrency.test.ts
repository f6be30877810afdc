import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/server/src/domain/clock';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { openPostgresStore } from '../../packages/server/src/stores/postgres/openPostgresStore';
import { bundledMigrations } from '../../packages/server/src/stores/sql/migrations';
import type { AppendResult, NewMessage, Store } from '../../packages/server/src/stores/ports';
import type { MessageRecord } from '../../packages/server/src/stores/records';
import { aMessage, sleep } from './contracts/messageFixtures';
import { aChannel, aGuild, aMember, aRole, aUser, ids } from './fixtures';
import { TestDatabases } from './postgresDatabases';

/**
 * What only a shared database can show: several nodes (each its own pool and its own snowflake
 * worker id) writing the same channels at once. SQLite is one process's file, so the conformance
 * suite cannot reach these interleavings.
 */

const WORKER_A = 11;
const WORKER_B = 12;
const workerOf = (id: string): number => Number((BigInt(id) >> 12n) & 0x3ffn);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const openNode = (connectionString: string, workerId: number): Promise<Store> =>
  openPostgresStore({ connectionString, ids: new SnowflakeGenerator(workerId, systemClock), poolSize: 4 });

const databases = new TestDatabases();
let nodeA: Store;
let nodeB: Store;

beforeAll(async () => {
  await databases.ready();
  const connectionString = await databases.create();
  // Both nodes start together against an empty database: the migration lock lets one migrate.
  [nodeA, nodeB] = await Promise.all([openNode(connectionString, WORKER_A), openNode(connectionString, WORKER_B)]);
});

afterAll(async () => {
  await Promise.all([nodeA?.close(), nodeB?.close()]);
  await databases.close();
});

async function channels(count: number): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i < count; i++) {
    const channel = aChannel(ids.next());
    await nodeA.channels.create(channel);
    created.push(channel.id);
  }
  return created;
}

/** The channel as both nodes read it: seq 1..n without gaps, ids increasing with seq, head at n. */
async function expectGapFreeChannel(channelId: string, acked: MessageRecord[], n: number): Promise<void> {
  const bySeq = [...acked].sort((a, b) => a.seq - b.seq);
  expect(bySeq.map((m) => m.seq)).toEqual(range(1, n));
  for (let i = 1; i < bySeq.length; i++) expect(BigInt(bySeq[i]!.id) > BigInt(bySeq[i - 1]!.id)).toBe(true);
  for (const node of [nodeA, nodeB]) {
    expect(await node.messages.list(channelId, { afterSeq: 0, limit: n + 10 })).toEqual(bySeq);
    expect(await node.channels.get(channelId)).toMatchObject({ lastSeq: n, lastMessageId: bySeq[n - 1]!.id });
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('PostgreSQL store shared by two nodes', () => {
  it('keeps seq gap-free and ids increasing with seq under 2,000 appends from both nodes to the same channels', async () => {
    const channelIds = await channels(4);
    // Node alternates with every message and channel with every second one, so each channel is
    // written by both nodes throughout.
    const inputs = Array.from({ length: 2_000 }, (_, i) =>
      aMessage(channelIds[(i >> 1) % 4]!, ids.next(), { content: `m${i}`, nonce: i % 3 === 0 ? `n${i}` : null }),
    );
    const { value: results, ms } = await timed(() =>
      Promise.all(inputs.map((input, i) => (i % 2 === 0 ? nodeA : nodeB).messages.append(input))),
    );
    console.log(`PostgreSQL, 2 nodes: 2,000 concurrent appends in ${ms.toFixed(0)} ms (${rate(2_000, ms)}/s)`);

    results.forEach((result, i) => {
      expect(result.created).toBe(true);
      expect(result.message).toMatchObject({ channelId: inputs[i]!.channelId, content: `m${i}` });
      expect(workerOf(result.message.id)).toBe(i % 2 === 0 ? WORKER_A : WORKER_B);
    });
    expect(new Set(results.map((r) => r.message.id)).size).toBe(2_000);
    for (const channelId of channelIds) {
      const acked = results.map((r) => r.message).filter((m) => m.channelId === channelId);
      await expectGapFreeChannel(channelId, acked, 500);
    }
  });

  it('turns the same (author, channel, nonce) sent through both nodes at once into one message', async () => {
    const channelIds = await channels(2);
    const pairs = Array.from({ length: 200 }, (_, i) => ({
      channelId: channelIds[i % 2]!,
      authorId: ids.next(),
      nonce: `dup${i}`,
    }));
    // Unrelated traffic in the same batches, which must survive whatever a duplicate does to them.
    const others = Array.from({ length: 200 }, (_, i) => aMessage(channelIds[i % 2]!, ids.next(), { nonce: `o${i}` }));
    const sends: Array<Promise<AppendResult>> = [];
    pairs.forEach((pair, i) => {
      sends.push(nodeA.messages.append(aMessage(pair.channelId, pair.authorId, { nonce: pair.nonce, content: 'A' })));
      sends.push(nodeB.messages.append(aMessage(pair.channelId, pair.authorId, { nonce: pair.nonce, content: 'B' })));
      sends.push((i % 2 === 0 ? nodeA : nodeB).messages.append(others[i]!));
    });
    const results = await Promise.all(sends);

    pairs.forEach((_, i) => {
      const [fromA, fromB] = [results[3 * i]!, results[3 * i + 1]!];
      expect([fromA.created, fromB.created].filter(Boolean)).toHaveLength(1);
      expect(fromA.message).toEqual(fromB.message);
      expect(fromA.message.content).toBe(fromA.created ? 'A' : 'B');
    });
    results.filter((_, i) => i % 3 === 2).forEach((r) => expect(r.created).toBe(true));
    for (const channelId of channelIds) {
      const stored = await nodeB.messages.list(channelId, { afterSeq: 0, limit: 1_000 });
      expect(stored).toHaveLength(200);
      for (const pair of pairs.filter((p) => p.channelId === channelId)) {
        expect(stored.filter((m) => m.authorId === pair.authorId && m.nonce === pair.nonce)).toHaveLength(1);
      }
      await expectGapFreeChannel(channelId, stored, 200);
    }
  });

  it('resolves a retry on the other node to the message the first node acknowledged', async () => {
    const [channelId] = await channels(1);
    const author = ids.next();
    const first = await nodeA.messages.append(aMessage(channelId!, author, { nonce: 'retry', content: 'original' }));
    const retry = await nodeB.messages.append(aMessage(channelId!, author, { nonce: 'retry', content: 'again' }));
    expect(retry).toEqual({ message: first.message, created: false });
    const next = await nodeB.messages.append(aMessage(channelId!, author));
    expect(next.message.seq).toBe(2);
    expect(BigInt(next.message.id) > BigInt(first.message.id)).toBe(true);
    expect(await nodeA.messages.getBySeq(channelId!, 2)).toEqual(next.message);
  });

  it('reorders channels on one node while the other appends to them, with no deadlock', async () => {
    const guildId = ids.next();
    const channelIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const channel = aChannel(guildId);
      await nodeA.channels.create(channel);
      channelIds.push(channel.id);
    }
    // The reorder names the channels newest first; append batches lock them oldest first.
    let appending = true;
    const reorders: Array<PromiseSettledResult<void>> = [];
    const mover = (async () => {
      for (let round = 0; appending; round++) {
        const updates = [...channelIds].reverse().map((id, i) => ({ id, position: round + i }));
        reorders.push(...(await Promise.allSettled([nodeA.channels.setPositions(guildId, updates)])));
      }
    })();
    const appends = await Promise.allSettled(
      Array.from({ length: 1_200 }, (_, i) => nodeB.messages.append(aMessage(channelIds[i % 6]!, ids.next()))),
    );
    appending = false;
    await mover;
    expect(appends.filter((a) => a.status === 'rejected')).toEqual([]);
    expect(reorders.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const channelId of channelIds) {
      const acked = appends.flatMap((a) => (a.status === 'fulfilled' ? [a.value.message] : []));
      await expectGapFreeChannel(
        channelId,
        acked.filter((m) => m.channelId === channelId),
        200,
      );
    }
  });

  it('deletes a guild on one node while the other appends to its channels, leaving no message behind', async () => {
    const owner = aUser();
    const guild = aGuild(owner.id);
    const guildChannels = Array.from({ length: 4 }, () => aChannel(guild.id));
    await nodeA.guilds.create({
      guild,
      everyoneRole: aRole(guild.id, { id: guild.id }),
      owner: aMember(guild.id, owner.id),
      channels: guildChannels,
    });
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const wave = Array.from({ length: 40 }, (_, i) =>
          nodeB.messages.append(aMessage(guildChannels[i % 4]!.id, ids.next())),
        );
        await Promise.allSettled(wave);
      }
    })();
    await sleep(50);
    expect(await nodeA.guilds.delete(guild.id)).toBe(true);
    await sleep(20);
    sending = false;
    await sender;
    for (const channel of guildChannels) {
      expect(await nodeA.channels.get(channel.id)).toBeUndefined();
      expect(await nodeA.messages.list(channel.id, { limit: 100 })).toEqual([]);
    }
  });

  it('deletes a role on one node while the other edits the same channels, losing neither change', async () => {
    const owner = aUser();
    const guild = aGuild(owner.id);
    await nodeA.guilds.create({
      guild,
      everyoneRole: aRole(guild.id, { id: guild.id }),
      owner: aMember(guild.id, owner.id),
      channels: [],
    });
    const role = aRole(guild.id);
    await nodeA.guilds.createRole(role);
    const roleOverwrite = { id: role.id, type: 0 as const, allow: 1n, deny: 0n };
    const guildChannels = Array.from({ length: 200 }, () => aChannel(guild.id, { overwrites: [roleOverwrite] }));
    for (const channel of guildChannels) await nodeA.channels.create(channel);
    const member = ids.next();
    await nodeA.guilds.addMember(aMember(guild.id, member, { roleIds: [role.id] }));

    const userOverwrite = { id: ids.next(), type: 1 as const, allow: 2n, deny: 0n };
    const deletion = nodeA.guilds.deleteRole(guild.id, role.id);
    const edits = guildChannels.map((channel) => nodeB.channels.setOverwrite(channel.id, userOverwrite));
    await Promise.all([deletion, ...edits]);

    for (const channel of guildChannels) {
      expect((await nodeB.channels.get(channel.id))?.overwrites).toEqual([userOverwrite]);
    }
    expect((await nodeB.guilds.getMember(guild.id, member))?.roleIds).toEqual([]);
  });

  it('measures append throughput of one node against the same database', async () => {
    const channelIds = await channels(4);
    const inputs: NewMessage[] = Array.from({ length: 2_000 }, (_, i) =>
      aMessage(channelIds[i % 4]!, ids.next(), { nonce: `t${i}` }),
    );
    const { value: results, ms } = await timed(() => Promise.all(inputs.map((m) => nodeA.messages.append(m))));
    console.log(`PostgreSQL, 1 node: 2,000 concurrent appends in ${ms.toFixed(0)} ms (${rate(2_000, ms)}/s)`);
    expect(results.every((r) => r.created)).toBe(true);
    for (const channelId of channelIds) {
      await expectGapFreeChannel(
        channelId,
        results.map((r) => r.message).filter((m) => m.channelId === channelId),
        500,
      );
    }
  });

  it('lets several nodes start together on an empty database, migrating it exactly once', async () => {
    const connectionString = await databases.create();
    const nodes = await Promise.all([1, 2, 3].map((worker) => openNode(connectionString, 100 + worker)));
    try {
      await Promise.all(nodes.map((node) => node.ping()));
      const channel = aChannel(ids.next());
      await nodes[0]!.channels.create(channel);
      expect(await nodes[2]!.channels.get(channel.id)).toEqual(channel);
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('select name from kysely_migration order by name');
        const bundled = Object.keys(await bundledMigrations.getMigrations()).sort();
        expect(rows.map((r) => r.name)).toEqual(bundled);
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });
});

function rate(count: number, ms: number): string {
  return Math.round((count * 1_000) / ms).toLocaleString('en-US');
}
