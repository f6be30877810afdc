import { IdParams, RoleBody, RoleParams, RolePositionsBody } from '@concord/protocol';
import type { Services } from '../../services';
import { sortRoles, toRole } from '../../wire/guilds';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';

/** `/guilds/:guild_id/roles`: list, create, reorder, edit, delete. */
export function registerRoleRoutes(api: HttpServer, { guilds }: Services): void {
  api.get(
    '/guilds/:guild_id/roles',
    { schema: { params: IdParams.guild }, config: { resource: 'guild' } },
    async (request) =>
      sortRoles(await guilds.roles.list(principalOf(request).user.id, request.params.guild_id)).map(toRole),
  );

  api.post(
    '/guilds/:guild_id/roles',
    { schema: { params: IdParams.guild, body: RoleBody }, config: { resource: 'guild' } },
    async (request) =>
      toRole(await guilds.roles.create(principalOf(request).user.id, request.params.guild_id, request.body)),
  );

  api.patch(
    '/guilds/:guild_id/roles',
    { schema: { params: IdParams.guild, body: RolePositionsBody }, config: { resource: 'guild' } },
    async (request) => {
      const roles = await guilds.roles.reorder(principalOf(request).user.id, request.params.guild_id, request.body);
      return sortRoles(roles).map(toRole);
    },
  );

  api.patch(
    '/guilds/:guild_id/roles/:role_id',
    { schema: { params: RoleParams, body: RoleBody }, config: { resource: 'guild' } },
    async (request) => {
      const { guild_id, role_id } = request.params;
      return toRole(await guilds.roles.modify(principalOf(request).user.id, guild_id, role_id, request.body));
    },
  );

  api.delete(
    '/guilds/:guild_id/roles/:role_id',
    { schema: { params: RoleParams }, config: { resource: 'guild' } },
    async (request, reply) => {
      const { guild_id, role_id } = request.params;
      await guilds.roles.delete(principalOf(request).user.id, guild_id, role_id);
      return reply.code(204).send();
    },
  );
}
