import { ChannelPositionsBody, CreateGuildChannelBody, IdParams } from '@concord/protocol';
import type { Services } from '../../services';
import { toGuildChannel } from '../../wire/channels';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';

/** `/guilds/:guild_id/channels`: list, create, reorder. */
export function registerGuildChannelRoutes(api: HttpServer, { channels }: Services): void {
  api.get(
    '/guilds/:guild_id/channels',
    { schema: { params: IdParams.guild }, config: { auth: 'required', resource: 'guild' } },
    async (request) => {
      const list = await channels.listGuildChannels(principalOf(request).user.id, request.params.guild_id);
      return list.map(toGuildChannel);
    },
  );

  api.post(
    '/guilds/:guild_id/channels',
    {
      schema: { params: IdParams.guild, body: CreateGuildChannelBody },
      config: { auth: 'required', resource: 'guild' },
    },
    async (request, reply) => {
      const channel = await channels.createGuildChannel(
        principalOf(request).user.id,
        request.params.guild_id,
        request.body,
      );
      return reply.code(201).send(toGuildChannel(channel));
    },
  );

  api.patch(
    '/guilds/:guild_id/channels',
    { schema: { params: IdParams.guild, body: ChannelPositionsBody }, config: { auth: 'required', resource: 'guild' } },
    async (request, reply) => {
      await channels.setChannelPositions(principalOf(request).user.id, request.params.guild_id, request.body);
      return reply.code(204).send();
    },
  );
}
