import { CreateDmBody, RecipientParams } from '@concord/protocol';
import type { Services } from '../../services';
import { toPrivateChannel } from '../../wire/channels';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';

/** DMs and group DMs: `/users/@me/channels` and group DM recipients. */
export function registerDmRoutes(api: HttpServer, { channels }: Services): void {
  api.get('/users/@me/channels', { config: { auth: 'required', resource: 'self' } }, async (request) => {
    const userId = principalOf(request).user.id;
    const { channels: list, users } = await channels.listPrivateChannels(userId);
    return list.map((channel) => toPrivateChannel(channel, { userId, users }));
  });

  // Discord answers 200 (not 201) here, whether the channel is new or not.
  api.post(
    '/users/@me/channels',
    { schema: { body: CreateDmBody }, config: { auth: 'required', resource: 'self' } },
    async (request) => {
      const caller = principalOf(request).user;
      const view = await channels.openPrivateChannel(caller, request.body);
      return toPrivateChannel(view.channel, { userId: caller.id, users: view.users });
    },
  );

  api.put(
    '/channels/:channel_id/recipients/:user_id',
    { schema: { params: RecipientParams }, config: { auth: 'required', resource: 'channel' } },
    async (request, reply) => {
      await channels.addRecipient(principalOf(request).user, request.params.channel_id, request.params.user_id);
      return reply.code(204).send();
    },
  );

  api.delete(
    '/channels/:channel_id/recipients/:user_id',
    { schema: { params: RecipientParams }, config: { auth: 'required', resource: 'channel' } },
    async (request, reply) => {
      await channels.removeRecipient(principalOf(request).user, request.params.channel_id, request.params.user_id);
      return reply.code(204).send();
    },
  );
}
