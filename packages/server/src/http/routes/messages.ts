import {
  BulkDeleteBody,
  CreateMessageBody,
  EditMessageBody,
  IdParams,
  ListMessagesQuery,
  MessageParams,
} from '@concord/protocol';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import type { Services } from '../../services';
import { registerPinRoutes } from './pins';
import { registerReactionRoutes } from './reactions';
import { registerReadStateRoutes } from './readStates';

/** Messages of a channel at Discord's paths; reactions, pins and read states live beside them. */
export function registerMessageRoutes(api: HttpServer, services: Services): void {
  const { messages } = services;

  api.post(
    '/channels/:channel_id/messages',
    {
      schema: { params: IdParams.channel, body: CreateMessageBody },
      config: { auth: 'required', resource: 'channel', rateLimit: 'messageCreate' },
    },
    async (request) => messages.send(principalOf(request).user, request.params.channel_id, request.body),
  );

  api.get(
    '/channels/:channel_id/messages',
    {
      schema: { params: IdParams.channel, querystring: ListMessagesQuery },
      config: { auth: 'required', resource: 'channel' },
    },
    async (request) => messages.list(principalOf(request).user.id, request.params.channel_id, request.query),
  );

  api.get(
    '/channels/:channel_id/messages/:message_id',
    { schema: { params: MessageParams }, config: { auth: 'required', resource: 'message' } },
    async (request) => messages.get(principalOf(request).user.id, request.params.channel_id, request.params.message_id),
  );

  api.patch(
    '/channels/:channel_id/messages/:message_id',
    { schema: { params: MessageParams, body: EditMessageBody }, config: { auth: 'required', resource: 'message' } },
    async (request) =>
      messages.edit(principalOf(request).user.id, request.params.channel_id, request.params.message_id, request.body),
  );

  api.delete(
    '/channels/:channel_id/messages/:message_id',
    { schema: { params: MessageParams }, config: { auth: 'required', resource: 'message' } },
    async (request, reply) => {
      await messages.delete(principalOf(request).user.id, request.params.channel_id, request.params.message_id);
      return reply.code(204).send();
    },
  );

  api.post(
    '/channels/:channel_id/messages/bulk-delete',
    { schema: { params: IdParams.channel, body: BulkDeleteBody }, config: { auth: 'required', resource: 'channel' } },
    async (request, reply) => {
      await messages.bulkDelete(principalOf(request).user.id, request.params.channel_id, request.body.messages);
      return reply.code(204).send();
    },
  );

  registerReactionRoutes(api, services);
  registerPinRoutes(api, services);
  registerReadStateRoutes(api, services);
}
