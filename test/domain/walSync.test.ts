import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../packages/server/src/domain/clock';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { openSqliteStore } from '../../packages/server/src/stores/sqlite/openSqliteStore';
import type { UserRecord } from '../../packages/server/src/stores/records';
import { aChannel } from '../conformance/fixtures';
import { aMessage } from '../conformance/contracts/messageFixtures';

/** The FileHandle class of node:fs/promises (not exported by name). */
async function fileHandlePrototype(): Promise<{ sync(): Promise<void> }> {
  const handle = await fs.promises.open(__filename, 'r');
  const prototype = Object.getPrototypeOf(handle) as { sync(): Promise<void> };
  await handle.close();
  return prototype;
}

function aUser(id: string, username: string): UserRecord {
  return { id, username, globalName: null, avatar: null, bot: false, passwordHash: null, flags: 0, createdAt: 1 };
}

afterEach(() => vi.restoreAllMocks());

describe('SQLite writes are acknowledged only once the WAL is fsynced', () => {
  it('holds the write until its fsync ends, lets reads through meanwhile, and shares one fsync between commits', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-walsync-'));
    const ids = new SnowflakeGenerator(3, systemClock);
    const store = await openSqliteStore({ file: path.join(dir, 'concord.db'), ids });
    try {
      const prototype = await fileHandlePrototype();
      const realSync = prototype.sync;
      const gates: Array<() => void> = [];
      const syncSpy = vi.spyOn(prototype, 'sync').mockImplementation(function (this: unknown) {
        return new Promise<void>((resolve) => gates.push(resolve)).then(() => realSync.call(this));
      });
      const first = aUser(ids.next(), 'first');
      let firstAcked = false;
      const firstWrite = store.users.create(first).then(() => (firstAcked = true));
      await vi.waitFor(() => expect(gates).toHaveLength(1));
      // Committed but not yet synced: not acknowledged, yet the connection serves others.
      expect(firstAcked).toBe(false);
      expect((await store.users.get(first.id))?.username).toBe('first');
      // Two more commits while the first fsync runs: both wait for one fsync that starts after it.
      const more = [aUser(ids.next(), 'second'), aUser(ids.next(), 'third')];
      let moreAcked = false;
      const moreWrites = Promise.all(more.map((u) => store.users.create(u))).then(() => (moreAcked = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(gates).toHaveLength(1);
      gates[0]!();
      await firstWrite;
      expect(firstAcked).toBe(true);
      await vi.waitFor(() => expect(gates).toHaveLength(2));
      expect(moreAcked).toBe(false);
      gates[1]!();
      await moreWrites;
      expect(syncSpy).toHaveBeenCalledTimes(2);
    } finally {
      vi.restoreAllMocks();
      await store.close();
    }
  });

  it('holds a message append (its batch commits outside kysely) until the fsync ends, and keeps it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-walsync-'));
    const ids = new SnowflakeGenerator(3, systemClock);
    const file = path.join(dir, 'concord.db');
    const store = await openSqliteStore({ file, ids });
    try {
      const author = aUser(ids.next(), 'author');
      await store.users.create(author);
      const channel = aChannel(null, { recipientIds: [author.id] });
      await store.channels.create(channel);
      const channelId = channel.id;
      const prototype = await fileHandlePrototype();
      const realSync = prototype.sync;
      const gates: Array<() => void> = [];
      vi.spyOn(prototype, 'sync').mockImplementation(function (this: unknown) {
        return new Promise<void>((resolve) => gates.push(resolve)).then(() => realSync.call(this));
      });
      let acked = false;
      const append = store.messages
        .append(aMessage(channelId, author.id, { content: 'durable', nonce: 'n1' }))
        .then((result) => {
          acked = true;
          return result;
        });
      await vi.waitFor(() => expect(gates).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(acked).toBe(false);
      gates[0]!();
      expect((await append).message.seq).toBe(1);
      vi.restoreAllMocks();
      expect((await store.channels.get(channelId))?.lastSeq).toBe(1);
    } finally {
      vi.restoreAllMocks();
      await store.close();
    }
  });
});
