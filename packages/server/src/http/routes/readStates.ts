import { AckBody, MessageParams } from '@concord/protocol';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';
import type { Services } from '../../services';

/** Read markers: Discord's ack path, and Concord's list of the caller's read states. */
export function registerReadStateRoutes(api: HttpServer, { readStates }: Services): void {
  api.post(
    '/channels/:channel_id/messages/:message_id/ack',
    {
      schema: { params: MessageParams, body: AckBody },
      config: { auth: 'required', resource: 'message' },
      // Every field of the body is optional, so no body at all means the same as `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      await readStates.ack(
        principalOf(request).user.id,
        request.params.channel_id,
        request.params.message_id,
        request.body,
      );
      return { token: null };
    },
  );

  api.get('/users/@me/read-states', { config: { auth: 'required', resource: 'self' } }, async (request) =>
    readStates.list(principalOf(request).user.id),
  );
}
