import { ChannelType, DEFAULT_EVERYONE_PERMISSIONS, type RoleBody } from '@concord/protocol';
import type { DomainEvent } from '../../packages/server/src/domain/events';
import type { Store } from '../../packages/server/src/stores/ports';
import type { TestServer, TestUser } from '../support/testServer';

/**
 * Guild fixtures for the channel tests. They go through the guild API (POST /guilds, invites,
 * roles) when those routes are mounted, and through the store ports otherwise, so these tests do
 * not wait on the guild domain; the fallback disappears once the guild routes land.
 */
export interface GuildFixture {
  id: string;
  /** The text channel a new guild starts with (its system channel). */
  systemChannelId: string;
}

function hasRoute(server: TestServer, method: string, url: string): boolean {
  return server.app.routes.some((r) => r.method === method && r.url === `/api/v10${url}`);
}

export async function createGuild(server: TestServer, owner: TestUser, name = 'Guild'): Promise<GuildFixture> {
  if (hasRoute(server, 'POST', '/guilds')) {
    const guild = await owner.api.createGuild({ name });
    if (guild.system_channel_id === null) throw new Error('a new guild should have a system channel');
    return { id: guild.id, systemChannelId: guild.system_channel_id };
  }
  const { store, ids } = storeOf(server);
  const now = Date.now();
  const id = ids();
  const channelId = ids();
  await store.guilds.create({
    guild: { id, name, icon: null, description: null, ownerId: owner.id, systemChannelId: channelId, createdAt: now },
    everyoneRole: {
      id,
      guildId: id,
      name: '@everyone',
      color: 0,
      hoist: false,
      position: 0,
      permissions: DEFAULT_EVERYONE_PERMISSIONS,
      mentionable: false,
      managed: false,
    },
    owner: { guildId: id, userId: owner.id, nick: null, roleIds: [], joinedAt: now },
    channels: [
      {
        id: channelId,
        type: ChannelType.GUILD_TEXT,
        guildId: id,
        name: 'general',
        topic: null,
        position: 0,
        parentId: null,
        nsfw: false,
        rateLimitPerUser: 0,
        ownerId: null,
        icon: null,
        overwrites: [],
        recipientIds: [],
        lastSeq: 0,
        lastMessageId: null,
        createdAt: now,
      },
    ],
  });
  return { id, systemChannelId: channelId };
}

/** Makes `user` a member of the guild (through an invite when the invite routes exist). */
export async function join(server: TestServer, guild: GuildFixture, owner: TestUser, user: TestUser): Promise<void> {
  if (hasRoute(server, 'POST', '/invites/:code')) {
    const invite = await owner.api.createInvite(guild.systemChannelId, { max_age: 0 });
    await user.api.acceptInvite(invite.code);
    return;
  }
  await storeOf(server).store.guilds.addMember({
    guildId: guild.id,
    userId: user.id,
    nick: null,
    roleIds: [],
    joinedAt: Date.now(),
  });
}

/** Creates a role and gives it to `members`. */
export async function roleFor(
  server: TestServer,
  guildId: string,
  owner: TestUser,
  body: RoleBody,
  members: readonly TestUser[] = [],
): Promise<string> {
  if (hasRoute(server, 'POST', '/guilds/:guild_id/roles')) {
    const role = await owner.api.createRole(guildId, body);
    for (const m of members) await owner.api.addMemberRole(guildId, m.id, role.id);
    return role.id;
  }
  const { store, ids } = storeOf(server);
  const id = ids();
  const roles = await store.guilds.listRoles(guildId);
  await store.guilds.createRole({
    id,
    guildId,
    name: body.name ?? 'role',
    color: 0,
    hoist: false,
    position: roles.length,
    permissions: BigInt(body.permissions ?? '0'),
    mentionable: false,
    managed: false,
  });
  for (const m of members) {
    const member = await store.guilds.getMember(guildId, m.id);
    if (member === undefined) throw new Error('not a member');
    await store.guilds.updateMember(guildId, m.id, { roleIds: [...member.roleIds, id] });
  }
  return id;
}

/** Sets the @everyone role's permissions. */
export async function setEveryonePermissions(
  server: TestServer,
  guildId: string,
  owner: TestUser,
  permissions: bigint,
): Promise<void> {
  if (hasRoute(server, 'PATCH', '/guilds/:guild_id/roles/:role_id')) {
    await owner.api.modifyRole(guildId, guildId, { permissions: permissions.toString() });
    return;
  }
  await storeOf(server).store.guilds.updateRole(guildId, guildId, { permissions });
}

/** The node's own store and id generator (a private field, read only by this temporary fallback). */
export function storeOf(server: TestServer): { store: Store; ids: () => string } {
  const services = server.app.services as unknown as { channels: { deps: { store: Store; ids: { next(): string } } } };
  const { store, ids } = services.channels.deps;
  return { store, ids: () => ids.next() };
}

/** The events of one type published since `from` (an index into `server.events`). */
export function eventsSince(server: TestServer, from: number, type?: string): DomainEvent[] {
  return server.events.slice(from).filter((e) => type === undefined || e.type === type);
}
