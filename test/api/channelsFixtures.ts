import type { Message, RoleBody } from '@concord/protocol';
import type { DomainEvent, EventRoute } from '../../packages/server/src/domain/events';
import type { Store } from '../../packages/server/src/stores/ports';
import type { TestServer, TestUser } from '../support/testServer';

/** Guild and event helpers for the channel tests (channels*, dms, typing); everything goes through the API. */
export interface GuildFixture {
  id: string;
  /** The text channel a new guild starts with (its system channel). */
  systemChannelId: string;
}

export async function createGuild(_server: TestServer, owner: TestUser, name = 'Guild'): Promise<GuildFixture> {
  const guild = await owner.api.createGuild({ name });
  if (guild.system_channel_id === null) throw new Error('a new guild should have a system channel');
  return { id: guild.id, systemChannelId: guild.system_channel_id };
}

/** Makes `user` a member of the guild through an invite. */
export async function join(_server: TestServer, guild: GuildFixture, owner: TestUser, user: TestUser): Promise<void> {
  const invite = await owner.api.createInvite(guild.systemChannelId, { max_age: 0 });
  await user.api.acceptInvite(invite.code);
}

/** Creates a role and gives it to `members`. */
export async function roleFor(
  _server: TestServer,
  guildId: string,
  owner: TestUser,
  body: RoleBody,
  members: readonly TestUser[] = [],
): Promise<string> {
  const role = await owner.api.createRole(guildId, body);
  for (const m of members) await owner.api.addMemberRole(guildId, m.id, role.id);
  return role.id;
}

export async function leave(_server: TestServer, guildId: string, user: TestUser): Promise<void> {
  await user.api.leaveGuild(guildId);
}

export async function systemChannelOf(_server: TestServer, guildId: string, owner: TestUser): Promise<string | null> {
  return (await owner.api.getGuild(guildId)).system_channel_id;
}

export function sendMessage(channelId: string, author: TestUser, content = 'hello'): Promise<Message> {
  return author.api.sendMessage(channelId, { content });
}

/**
 * The node's own store, for what the API cannot do quickly (filling a guild to its channel limit)
 * or cannot show (that a channel row is gone). Reads a private field: test-only.
 */
export function storeOf(server: TestServer): { store: Store; ids: () => string } {
  return { store: server.store, ids: () => server.ids.next() };
}

/** The events (optionally of one type) published since `from`, an index into `server.events`. */
export function eventsSince(server: TestServer, from: number, type?: string): DomainEvent[] {
  return server.events.slice(from).filter((e) => type === undefined || e.type === type);
}

/** The sorted recipients of a `private` route (fails on any other route). */
export function privateRecipients(route: EventRoute): string[] {
  if (route.kind !== 'private') throw new Error(`expected a private route, got ${route.kind}`);
  return [...route.recipientIds].sort();
}

/** The one user of a `users` route addressed to a single user. */
export function routeUser(route: EventRoute): string {
  if (route.kind !== 'users' || route.userIds.length !== 1) throw new Error('expected a one-user route');
  return route.userIds[0]!;
}
