import type { NewMessage, Store } from '../../../packages/server/src/stores/ports';
import type { ChannelRecord } from '../../../packages/server/src/stores/records';
import type { StoreFactory } from '../storeContract';
import { aChannel, ids } from '../fixtures';
import type { IdGenerator } from '../../../packages/server/src/domain/snowflake';

/** Builders shared by the message, channel and read-state contracts (fixtures.ts has no message builder). */
export function aMessage(channelId: string, authorId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    channelId,
    authorId,
    content: 'hello',
    type: 0,
    nonce: null,
    tts: false,
    flags: 0,
    mentionEveryone: false,
    mentionUserIds: [],
    mentionRoleIds: [],
    referenceMessageId: null,
    referenceChannelId: null,
    createdAt: Date.now(),
    ...overrides,
  };
}

/** A fresh store with `count` guild channels (no guild row is needed for messages). */
export async function withChannels(
  factory: StoreFactory,
  count = 1,
): Promise<{
  store: Store;
  reopen: (ids?: IdGenerator) => Promise<Store>;
  guildId: string;
  channels: ChannelRecord[];
}> {
  const { store, reopen } = await factory.open();
  const guildId = ids.next();
  const channels: ChannelRecord[] = [];
  for (let i = 0; i < count; i++) {
    const channel = aChannel(guildId);
    await store.channels.create(channel);
    channels.push(channel);
  }
  return { store, reopen, guildId, channels };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
