/**
 * Builders shared by the guild contract files. They build on fixtures.ts with the shapes the guild
 * store needs as a whole (a guild with its @everyone role, owner and channels; invites).
 */
import type { NewGuild, NewMessage } from '../../../packages/server/src/stores/ports';
import type { ChannelRecord, InviteRecord } from '../../../packages/server/src/stores/records';
import type { StoreFactory } from '../storeContract';
import { aChannel, aGuild, aMember, aRole, ids } from '../fixtures';

/** A guild as the domain creates it: @everyone shares the guild id, the owner is the first member. */
export function aNewGuild(
  overrides: { id?: string; ownerId?: string; channels?: (guildId: string) => ChannelRecord[] } = {},
): NewGuild {
  const ownerId = overrides.ownerId ?? ids.next();
  const guild = aGuild(ownerId, overrides.id === undefined ? {} : { id: overrides.id });
  return {
    guild,
    everyoneRole: aRole(guild.id, { id: guild.id, name: '@everyone', position: 0, permissions: 1024n }),
    owner: aMember(guild.id, ownerId),
    channels: overrides.channels?.(guild.id) ?? [
      aChannel(guild.id, { type: 4, name: 'Text', position: 0 }),
      aChannel(guild.id, { name: 'general', position: 1 }),
    ],
  };
}

export function anInvite(guildId: string, channelId: string, overrides: Partial<InviteRecord> = {}): InviteRecord {
  return {
    code: `c${ids.next()}`,
    guildId,
    channelId,
    inviterId: ids.next(),
    maxAge: 0,
    maxUses: 0,
    uses: 0,
    temporary: false,
    createdAt: 1_000,
    expiresAt: null,
    ...overrides,
  };
}

export async function seeded(factory: StoreFactory) {
  const opened = await factory.open();
  const input = aNewGuild();
  await opened.store.guilds.create(input);
  return { ...opened, input, guildId: input.guild.id, channelId: input.channels[1]!.id };
}

export const userIds = (list: ReadonlyArray<{ userId: string }>) => list.map((m) => m.userId);

export function newMessage(channelId: string, authorId: string, mentionUserIds: string[]): NewMessage {
  return {
    channelId,
    authorId,
    content: 'hello',
    type: 0,
    nonce: null,
    tts: false,
    flags: 0,
    mentionEveryone: false,
    mentionUserIds,
    mentionRoleIds: [],
    referenceMessageId: null,
    referenceChannelId: null,
    createdAt: 1_000,
  };
}
