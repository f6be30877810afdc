import { snowflakeFromTimestamp, type Message } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import { guildWith, sendMany, textChannel, type GuildFixture } from './messageFixtures';

type SyncMessage = Message & { deleted?: boolean };

let server: TestServer;
let owner: TestUser;
let guild: GuildFixture;
/** One channel of 30 messages, m0..m29, where m10, m11 and m20 are deleted. */
let channelId: string;
let sent: Message[];
const DELETED = [10, 11, 20];

const contents = (messages: readonly Message[]) => messages.map((m) => m.content);
const names = (indices: readonly number[]) => indices.map((i) => `m${i}`);
/** Live indices from `from` to `to` inclusive, newest first. */
const liveDesc = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => to - i).filter((i) => !DELETED.includes(i));

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  guild = await guildWith(owner);
  channelId = await textChannel(guild);
  sent = await sendMany(owner, channelId, 30);
  for (const i of DELETED) await owner.api.deleteMessage(channelId, sent[i]!.id);
});
afterAll(() => server.close());

describe('Discord cursors: live messages only, newest first', () => {
  it('without a cursor: the newest, default 50, skipping tombstones', async () => {
    expect(contents(await owner.api.messages(channelId))).toEqual(names(liveDesc(0, 29)));
    expect(contents(await owner.api.messages(channelId, { limit: 5 }))).toEqual(names([29, 28, 27, 26, 25]));
    // A page that crosses tombstones is still full.
    expect(contents(await owner.api.messages(channelId, { limit: 10 }))).toEqual(
      names([29, 28, 27, 26, 25, 24, 23, 22, 21, 19]),
    );
  });

  it('before: older than the cursor', async () => {
    const page = await owner.api.messages(channelId, { before: sent[13]!.id, limit: 3 });
    expect(contents(page)).toEqual(names([12, 9, 8]));
    expect(contents(await owner.api.messages(channelId, { before: sent[0]!.id }))).toEqual([]);
  });

  it('after: the ones just after the cursor, still newest first', async () => {
    const page = await owner.api.messages(channelId, { after: sent[8]!.id, limit: 4 });
    expect(contents(page)).toEqual(names([14, 13, 12, 9]));
    expect(contents(await owner.api.messages(channelId, { after: sent[29]!.id }))).toEqual([]);
  });

  it('around: the message and its neighbours, half on each side', async () => {
    const page = await owner.api.messages(channelId, { around: sent[15]!.id, limit: 5 });
    expect(contents(page)).toEqual(names([17, 16, 15, 14, 13]));
    const nearDeleted = await owner.api.messages(channelId, { around: sent[11]!.id, limit: 4 });
    expect(contents(nearDeleted)).toEqual(names([13, 12, 9, 8]));
  });

  it('accepts any snowflake as a time cursor', async () => {
    const future = snowflakeFromTimestamp(Date.now() + 60_000);
    expect(contents(await owner.api.messages(channelId, { before: future, limit: 2 }))).toEqual(names([29, 28]));
    expect(await owner.api.messages(channelId, { after: future })).toEqual([]);
    expect(contents(await owner.api.messages(channelId, { after: '0', limit: 2 }))).toEqual(names([1, 0]));
    expect(contents(await owner.api.messages(channelId, { around: '0', limit: 2 }))).toEqual(names([0]));
  });

  it('validates limit and cursors (400 50035)', async () => {
    for (const query of [{ limit: 0 }, { limit: 101 }, { before: 'x' }, { after_seq: -1 }, { before_seq: 0 }]) {
      const error = await apiError(owner.api.messages(channelId, query));
      expect(error, JSON.stringify(query)).toMatchObject({ status: 400, code: 50035 });
    }
    const conflicting = await apiError(owner.api.messages(channelId, { before: sent[5]!.id, after: sent[1]!.id }));
    expect(conflicting).toMatchObject({ status: 400, code: 50035 });
    const mixed = await apiError(owner.api.messages(channelId, { before: sent[5]!.id, after_seq: 1 }));
    expect(mixed).toMatchObject({ status: 400, code: 50035 });
    expect(await owner.api.messages(channelId, { limit: 100 })).toHaveLength(27);
  });
});

describe('seq cursors: the sync dialect, tombstones included', () => {
  it('after_seq pages forwards by seq and shows deleted messages as tombstones', async () => {
    const page = (await owner.api.messages(channelId, { after_seq: 8, limit: 5 })) as SyncMessage[];
    expect(page.map((m) => m.seq)).toEqual([9, 10, 11, 12, 13]);
    const tombstone = page[2]!;
    expect(tombstone).toMatchObject({ id: sent[10]!.id, channel_id: channelId, seq: 11, deleted: true, content: '' });
    expect(tombstone.mentions).toEqual([]);
    expect(page[0]).not.toHaveProperty('deleted');
  });

  it('walking after_seq from 0 sees every seq exactly once', async () => {
    const seen: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = await owner.api.messages(channelId, { after_seq: cursor, limit: 7 });
      if (page.length === 0) break;
      seen.push(...page.map((m) => m.seq));
      cursor = page[page.length - 1]!.seq;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('before_seq pages backwards; both together give the window between, ascending', async () => {
    const back = await owner.api.messages(channelId, { before_seq: 13, limit: 4 });
    expect(back.map((m) => m.seq)).toEqual([12, 11, 10, 9]);
    const window = await owner.api.messages(channelId, { after_seq: 18, before_seq: 23 });
    expect(window.map((m) => m.seq)).toEqual([19, 20, 21, 22]);
    expect(await owner.api.messages(channelId, { after_seq: 30 })).toEqual([]);
  });
});
