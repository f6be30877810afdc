import type { Guild, Role, RoleBody } from '@concord/protocol';
import { expect } from 'vitest';
import type { DomainEvent, EventRoute } from '../../packages/server/src/domain/events';
import type { TestServer, TestUser } from '../support/testServer';

/** Helpers shared by the guild-domain route tests (guilds, roles, members, bans, invites, bots). */

export interface GuildSetup {
  owner: TestUser;
  guild: Guild;
  /** The "general" text channel every new guild starts with. */
  channelId: string;
}

export async function setupGuild(server: TestServer, name = 'Test Guild'): Promise<GuildSetup> {
  const owner = await server.user();
  const guild = await owner.api.createGuild({ name });
  if (guild.system_channel_id === null) throw new Error('a new guild has a system channel');
  return { owner, guild, channelId: guild.system_channel_id };
}

/** Brings users into the guild through a fresh invite. */
export async function join(setup: GuildSetup, ...users: TestUser[]): Promise<void> {
  const invite = await setup.owner.api.createInvite(setup.channelId, { max_age: 0 });
  for (const user of users) await user.api.acceptInvite(invite.code);
}

/** A new member of the guild holding a new role with these permissions (placed by the owner). */
export async function memberWithRole(
  server: TestServer,
  setup: GuildSetup,
  role: RoleBody,
): Promise<{ user: TestUser; role: Role }> {
  const user = await server.user();
  await join(setup, user);
  const created = await setup.owner.api.createRole(setup.guild.id, role);
  await setup.owner.api.addMemberRole(setup.guild.id, user.id, created.id);
  return { user, role: created };
}

/** Marks the event log so a test can look only at what its own request caused. */
export function mark(server: TestServer): () => DomainEvent[] {
  const start = server.events.length;
  return () => server.events.slice(start);
}

/** The one event of `type` among `events`, asserting it exists and went to `route`. */
export function expectEvent(events: DomainEvent[], type: string, route: EventRoute): DomainEvent {
  const found = events.filter((e) => e.type === type && JSON.stringify(e.route) === JSON.stringify(route));
  expect(found, `${type} to ${JSON.stringify(route)} among ${events.map((e) => e.type).join(', ')}`).toHaveLength(1);
  return found[0]!;
}

export const guildRoute = (guildId: string, channelId?: string): EventRoute =>
  channelId === undefined ? { kind: 'guild', guildId } : { kind: 'guild', guildId, channelId };
export const userRoute = (userId: string): EventRoute => ({ kind: 'users', userIds: [userId] });

/** Sends a raw request (for shapes the SDK cannot produce) and returns status and JSON body. */
export async function raw(
  server: TestServer,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: { code?: number; errors?: unknown } & Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = options.token;
  let body: string | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.rawBody ?? JSON.stringify(options.body);
  }
  const response = await fetch(`${server.baseUrl}/api/v10${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : {} };
}
