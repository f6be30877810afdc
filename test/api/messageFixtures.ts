import { ChannelType, type Message } from '@concord/protocol';
import type { DomainEvent } from '../../packages/server/src/domain/events';
import type { TestServer, TestUser } from '../support/testServer';

/** Guild, channel and DM fixtures for the message tests, built through the public API. */
export interface GuildFixture {
  id: string;
  /** The "general" text channel a new guild starts with (its system channel). */
  channelId: string;
  owner: TestUser;
}

/** A guild owned by `owner`, with `members` joined through an invite. */
export async function guildWith(owner: TestUser, members: readonly TestUser[] = []): Promise<GuildFixture> {
  const guild = await owner.api.createGuild({ name: 'Guild' });
  if (guild.system_channel_id === null) throw new Error('a new guild should have a system channel');
  const fixture = { id: guild.id, channelId: guild.system_channel_id, owner };
  if (members.length > 0) {
    const invite = await owner.api.createInvite(fixture.channelId, { max_age: 0 });
    for (const member of members) await member.api.acceptInvite(invite.code);
  }
  return fixture;
}

/** Creates a role with these permissions and gives it to `members`. */
export async function role(
  guild: GuildFixture,
  options: { permissions?: bigint; mentionable?: boolean; name?: string },
  members: readonly TestUser[] = [],
): Promise<string> {
  const created = await guild.owner.api.createRole(guild.id, {
    name: options.name ?? 'role',
    permissions: (options.permissions ?? 0n).toString(),
    mentionable: options.mentionable ?? false,
  });
  for (const m of members) await guild.owner.api.addMemberRole(guild.id, m.id, created.id);
  return created.id;
}

export async function setEveryonePermissions(guild: GuildFixture, permissions: bigint): Promise<void> {
  await guild.owner.api.modifyRole(guild.id, guild.id, { permissions: permissions.toString() });
}

/** Sets a permission overwrite on a channel (as the guild owner). */
export async function overwrite(
  guild: GuildFixture,
  channelId: string,
  ow: { id: string; type: 0 | 1; allow: bigint; deny: bigint },
): Promise<void> {
  await guild.owner.api.rest.put(`/channels/${channelId}/permissions/${ow.id}`, {
    type: ow.type,
    allow: ow.allow.toString(),
    deny: ow.deny.toString(),
  });
}

export async function category(guild: GuildFixture): Promise<string> {
  return (await guild.owner.api.createGuildChannel(guild.id, { name: 'category', type: ChannelType.GUILD_CATEGORY }))
    .id;
}

/** A text channel besides "general". */
export async function textChannel(guild: GuildFixture): Promise<string> {
  return (await guild.owner.api.createGuildChannel(guild.id, { name: 'other' })).id;
}

/** A DM between `a` and `b`, who must share a guild. */
export async function dm(a: TestUser, b: TestUser): Promise<string> {
  return (await a.api.openDm(b.id)).id;
}

/** Sends `count` messages one after another; resolves them in order. */
export async function sendMany(user: TestUser, channelId: string, count: number, prefix = 'm'): Promise<Message[]> {
  const sent: Message[] = [];
  for (let i = 0; i < count; i++) sent.push(await user.api.sendMessage(channelId, { content: `${prefix}${i}` }));
  return sent;
}

/** The events published since `from` (an index into `server.events`), optionally of one type. */
export function eventsSince(server: TestServer, from: number, type?: string): DomainEvent[] {
  return server.events.slice(from).filter((e) => type === undefined || e.type === type);
}

/** A snowflake nobody minted. */
export const UNKNOWN_ID = '1234567890123456789';
