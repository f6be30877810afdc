import { IdParams, MessageParams } from '@concord/protocol';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import type { Services } from '../../services';

/** Pinned messages (Discord's `/channels/{id}/pins` paths). */
export function registerPinRoutes(api: HttpServer, { messages }: Services): void {
  const { pins } = messages;

  api.get(
    '/channels/:channel_id/pins',
    { schema: { params: IdParams.channel }, config: { auth: 'required', resource: 'channel' } },
    async (request) => pins.list(principalOf(request).user.id, request.params.channel_id),
  );

  api.put(
    '/channels/:channel_id/pins/:message_id',
    { schema: { params: MessageParams }, config: { auth: 'required', resource: 'message' } },
    async (request, reply) => {
      await pins.pin(principalOf(request).user.id, request.params.channel_id, request.params.message_id);
      return reply.code(204).send();
    },
  );

  api.delete(
    '/channels/:channel_id/pins/:message_id',
    { schema: { params: MessageParams }, config: { auth: 'required', resource: 'message' } },
    async (request, reply) => {
      await pins.unpin(principalOf(request).user.id, request.params.channel_id, request.params.message_id);
      return reply.code(204).send();
    },
  );
}
