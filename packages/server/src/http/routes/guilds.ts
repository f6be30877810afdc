import { CreateGuildBody, GetGuildQuery, IdParams, ModifyGuildBody, MyGuildsQuery } from '@concord/protocol';
import type { Services } from '../../services';
import { toGuild, toGuildMember, toPartialGuild } from '../../wire/guilds';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import { registerBanRoutes } from './bans';
import { registerInviteRoutes } from './invites';
import { registerMemberRoutes } from './members';
import { registerOAuth2Routes } from './oauth2';
import { registerRoleRoutes } from './roles';

/** Guilds and everything that hangs off them: roles, members, bans, invites, bot authorization. */
export function registerGuildRoutes(api: HttpServer, services: Services): void {
  const { guilds } = services;

  api.post(
    '/guilds',
    { schema: { body: CreateGuildBody }, config: { auth: 'required', resource: 'self', rateLimit: 'guildCreate' } },
    async (request, reply) => {
      const view = await guilds.create(principalOf(request).user, request.body);
      return reply.code(201).send(toGuild(view.guild, view.roles, { permissions: view.permissions }));
    },
  );

  api.get(
    '/guilds/:guild_id',
    { schema: { params: IdParams.guild, querystring: GetGuildQuery }, config: { resource: 'guild' } },
    async (request) => {
      const { guild_id } = request.params;
      const view = await guilds.get(principalOf(request).user.id, guild_id, request.query.with_counts === true);
      return toGuild(view.guild, view.roles, { permissions: view.permissions, memberCount: view.memberCount });
    },
  );

  api.patch(
    '/guilds/:guild_id',
    { schema: { params: IdParams.guild, body: ModifyGuildBody }, config: { resource: 'guild' } },
    async (request) => {
      const view = await guilds.update(principalOf(request).user.id, request.params.guild_id, request.body);
      return toGuild(view.guild, view.roles, { permissions: view.permissions });
    },
  );

  api.delete(
    '/guilds/:guild_id',
    { schema: { params: IdParams.guild }, config: { resource: 'guild' } },
    async (request, reply) => {
      await guilds.delete(principalOf(request).user.id, request.params.guild_id);
      return reply.code(204).send();
    },
  );

  api.get(
    '/users/@me/guilds',
    { schema: { querystring: MyGuildsQuery }, config: { resource: 'self' } },
    async (request) => {
      const userId = principalOf(request).user.id;
      const entries = await guilds.listForUser(userId, request.query);
      return entries.map(({ guild, permissions }) => toPartialGuild(guild, userId, permissions));
    },
  );

  // Access depends on membership of that guild, so it is a guild route for the authorization matrix.
  api.delete(
    '/users/@me/guilds/:guild_id',
    { schema: { params: IdParams.guild }, config: { resource: 'guild' } },
    async (request, reply) => {
      await guilds.leave(principalOf(request).user, request.params.guild_id);
      return reply.code(204).send();
    },
  );

  api.get(
    '/users/@me/guilds/:guild_id/member',
    { schema: { params: IdParams.guild }, config: { resource: 'guild' } },
    async (request) => {
      const userId = principalOf(request).user.id;
      const { member, user } = await guilds.members.get(userId, request.params.guild_id, userId);
      return toGuildMember(member, user);
    },
  );

  registerRoleRoutes(api, services);
  registerMemberRoutes(api, services);
  registerBanRoutes(api, services);
  registerInviteRoutes(api, services);
  registerOAuth2Routes(api, services);
}
