import {
  GuildUserParams,
  IdParams,
  ListMembersQuery,
  MemberRoleParams,
  ModifyCurrentMemberBody,
  ModifyMemberBody,
} from '@concord/protocol';
import type { Services } from '../../services';
import { toGuildMember } from '../../wire/guilds';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';

/** `/guilds/:guild_id/members`: list, read, nickname and roles, role assignment, kick. */
export function registerMemberRoutes(api: HttpServer, { guilds }: Services): void {
  api.get(
    '/guilds/:guild_id/members',
    { schema: { params: IdParams.guild, querystring: ListMembersQuery }, config: { resource: 'guild' } },
    async (request) => {
      const { limit, after } = request.query;
      const page = after === undefined ? { limit: limit ?? 1 } : { limit: limit ?? 1, after };
      const views = await guilds.members.list(principalOf(request).user.id, request.params.guild_id, page);
      return views.map(({ member, user }) => toGuildMember(member, user));
    },
  );

  api.get(
    '/guilds/:guild_id/members/:user_id',
    { schema: { params: GuildUserParams }, config: { resource: 'guild' } },
    async (request) => {
      const { guild_id, user_id } = request.params;
      const { member, user } = await guilds.members.get(principalOf(request).user.id, guild_id, user_id);
      return toGuildMember(member, user);
    },
  );

  api.patch(
    '/guilds/:guild_id/members/@me',
    { schema: { params: IdParams.guild, body: ModifyCurrentMemberBody }, config: { resource: 'guild' } },
    async (request) => {
      const userId = principalOf(request).user.id;
      const { member, user } = await guilds.members.modifySelf(userId, request.params.guild_id, request.body.nick);
      return toGuildMember(member, user);
    },
  );

  api.patch(
    '/guilds/:guild_id/members/:user_id',
    { schema: { params: GuildUserParams, body: ModifyMemberBody }, config: { resource: 'guild' } },
    async (request) => {
      const { guild_id, user_id } = request.params;
      const { member, user } = await guilds.members.modify(
        principalOf(request).user.id,
        guild_id,
        user_id,
        request.body,
      );
      return toGuildMember(member, user);
    },
  );

  api.put(
    '/guilds/:guild_id/members/:user_id/roles/:role_id',
    { schema: { params: MemberRoleParams }, config: { resource: 'guild' } },
    async (request, reply) => {
      const { guild_id, user_id, role_id } = request.params;
      await guilds.members.addRole(principalOf(request).user.id, guild_id, user_id, role_id);
      return reply.code(204).send();
    },
  );

  api.delete(
    '/guilds/:guild_id/members/:user_id/roles/:role_id',
    { schema: { params: MemberRoleParams }, config: { resource: 'guild' } },
    async (request, reply) => {
      const { guild_id, user_id, role_id } = request.params;
      await guilds.members.removeRole(principalOf(request).user.id, guild_id, user_id, role_id);
      return reply.code(204).send();
    },
  );

  api.delete(
    '/guilds/:guild_id/members/:user_id',
    { schema: { params: GuildUserParams }, config: { resource: 'guild' } },
    async (request, reply) => {
      const { guild_id, user_id } = request.params;
      await guilds.members.kick(principalOf(request).user.id, guild_id, user_id);
      return reply.code(204).send();
    },
  );
}
