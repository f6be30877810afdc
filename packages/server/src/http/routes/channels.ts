import { EditOverwriteBody, IdParams, ModifyChannelBody, OverwriteParams } from '@concord/protocol';
import type { Services } from '../../services';
import { toChannel } from '../../wire/channels';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import { registerDmRoutes } from './dms';
import { registerGuildChannelRoutes } from './guildChannels';

/** Channels of every kind: `/channels/:channel_id`, overwrites, typing; plus guild channel lists and DMs. */
export function registerChannelRoutes(api: HttpServer, services: Services): void {
  const { channels } = services;
  registerGuildChannelRoutes(api, services);
  registerDmRoutes(api, services);

  api.get(
    '/channels/:channel_id',
    { schema: { params: IdParams.channel }, config: { auth: 'required', resource: 'channel' } },
    async (request) => {
      const userId = principalOf(request).user.id;
      const view = await channels.getChannel(userId, request.params.channel_id);
      return toChannel(view.channel, { userId, users: view.users });
    },
  );

  api.patch(
    '/channels/:channel_id',
    {
      schema: { params: IdParams.channel, body: ModifyChannelBody },
      config: { auth: 'required', resource: 'channel' },
    },
    async (request) => {
      const actor = principalOf(request).user;
      const view = await channels.modifyChannel(actor, request.params.channel_id, request.body);
      return toChannel(view.channel, { userId: actor.id, users: view.users });
    },
  );

  api.delete(
    '/channels/:channel_id',
    { schema: { params: IdParams.channel }, config: { auth: 'required', resource: 'channel' } },
    async (request) => {
      const actor = principalOf(request).user;
      const view = await channels.deleteChannel(actor, request.params.channel_id);
      return toChannel(view.channel, { userId: actor.id, users: view.users });
    },
  );

  api.put(
    '/channels/:channel_id/permissions/:overwrite_id',
    { schema: { params: OverwriteParams, body: EditOverwriteBody }, config: { auth: 'required', resource: 'channel' } },
    async (request, reply) => {
      const { channel_id, overwrite_id } = request.params;
      await channels.putOverwrite(principalOf(request).user.id, channel_id, overwrite_id, request.body);
      return reply.code(204).send();
    },
  );

  api.delete(
    '/channels/:channel_id/permissions/:overwrite_id',
    { schema: { params: OverwriteParams }, config: { auth: 'required', resource: 'channel' } },
    async (request, reply) => {
      const { channel_id, overwrite_id } = request.params;
      await channels.deleteOverwrite(principalOf(request).user.id, channel_id, overwrite_id);
      return reply.code(204).send();
    },
  );

  api.post(
    '/channels/:channel_id/typing',
    { schema: { params: IdParams.channel }, config: { auth: 'required', resource: 'channel', rateLimit: 'typing' } },
    async (request, reply) => {
      await channels.typing(principalOf(request).user, request.params.channel_id);
      return reply.code(204).send();
    },
  );
}
