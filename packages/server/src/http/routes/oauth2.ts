import { AuthorizeBotBody, AuthorizeBotQuery } from '@concord/protocol';
import type { Services } from '../../services';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';

/** Adding a bot to a guild, at the path Discord's consent screen posts to. */
export function registerOAuth2Routes(api: HttpServer, { guilds }: Services): void {
  // The guild comes in the body; access depends on membership there, hence a guild route.
  api.post(
    '/oauth2/authorize',
    {
      schema: { querystring: AuthorizeBotQuery, body: AuthorizeBotBody },
      config: { auth: 'human', resource: 'guild' },
    },
    async (request) => {
      const { client_id, scope, permissions } = request.query;
      const location = await guilds.bots.authorize({
        userId: principalOf(request).user.id,
        applicationId: client_id,
        scope,
        guildId: request.body.guild_id,
        permissions: request.body.permissions ?? permissions,
        authorize: request.body.authorize,
      });
      return { location };
    },
  );
}
