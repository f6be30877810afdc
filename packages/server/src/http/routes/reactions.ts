import { ListReactionsQuery, MessageParams, ReactionParams, ReactionUserParams } from '@concord/protocol';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import type { Services } from '../../services';

const BASE = '/channels/:channel_id/messages/:message_id/reactions';

/** Discord's reaction paths; `:emoji` arrives URL-decoded (a unicode emoji, or `name:id`). */
export function registerReactionRoutes(api: HttpServer, { messages }: Services): void {
  const { reactions } = messages;

  api.put(
    `${BASE}/:emoji/@me`,
    { schema: { params: ReactionParams }, config: { auth: 'required', resource: 'message', rateLimit: 'reaction' } },
    async (request, reply) => {
      const { channel_id, message_id, emoji } = request.params;
      await reactions.add(principalOf(request).user.id, channel_id, message_id, emoji);
      return reply.code(204).send();
    },
  );

  api.delete(
    `${BASE}/:emoji/@me`,
    { schema: { params: ReactionParams }, config: { auth: 'required', resource: 'message', rateLimit: 'reaction' } },
    async (request, reply) => {
      const { channel_id, message_id, emoji } = request.params;
      await reactions.remove(principalOf(request).user.id, channel_id, message_id, emoji);
      return reply.code(204).send();
    },
  );

  api.delete(
    `${BASE}/:emoji/:user_id`,
    {
      schema: { params: ReactionUserParams },
      config: { auth: 'required', resource: 'message', rateLimit: 'reaction' },
    },
    async (request, reply) => {
      const { channel_id, message_id, emoji, user_id } = request.params;
      await reactions.remove(principalOf(request).user.id, channel_id, message_id, emoji, user_id);
      return reply.code(204).send();
    },
  );

  api.get(
    `${BASE}/:emoji`,
    {
      schema: { params: ReactionParams, querystring: ListReactionsQuery },
      config: { auth: 'required', resource: 'message' },
    },
    async (request) => {
      const { channel_id, message_id, emoji } = request.params;
      return reactions.users(principalOf(request).user.id, channel_id, message_id, emoji, request.query);
    },
  );

  api.delete(
    BASE,
    { schema: { params: MessageParams }, config: { auth: 'required', resource: 'message' } },
    async (request, reply) => {
      await reactions.clear(principalOf(request).user.id, request.params.channel_id, request.params.message_id);
      return reply.code(204).send();
    },
  );

  api.delete(
    `${BASE}/:emoji`,
    { schema: { params: ReactionParams }, config: { auth: 'required', resource: 'message' } },
    async (request, reply) => {
      const { channel_id, message_id, emoji } = request.params;
      await reactions.clear(principalOf(request).user.id, channel_id, message_id, emoji);
      return reply.code(204).send();
    },
  );
}
