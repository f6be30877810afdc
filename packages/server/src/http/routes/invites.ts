import {
  AcceptInviteBody,
  CreateInviteBody,
  GetInviteQuery,
  IdParams,
  InviteCodeParams,
  OrNoBody,
} from '@concord/protocol';
import type { Services } from '../../services';
import type { InviteView } from '../../services/guilds/InviteService';
import { toInvite } from '../../wire/guilds';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';

const withMetadata = (view: InviteView) => toInvite(view.invite, view, true);
const publicView = (view: InviteView) => toInvite(view.invite, view, false);

/** Invites: created and listed per channel, listed per guild, previewed, accepted and revoked by code. */
export function registerInviteRoutes(api: HttpServer, { guilds }: Services): void {
  api.post(
    '/channels/:channel_id/invites',
    { schema: { params: IdParams.channel, body: OrNoBody(CreateInviteBody) }, config: { resource: 'channel' } },
    async (request) => {
      const userId = principalOf(request).user.id;
      return withMetadata(await guilds.invites.create(userId, request.params.channel_id, request.body ?? {}));
    },
  );

  api.get(
    '/channels/:channel_id/invites',
    { schema: { params: IdParams.channel }, config: { resource: 'channel' } },
    async (request) =>
      (await guilds.invites.listForChannel(principalOf(request).user.id, request.params.channel_id)).map(withMetadata),
  );

  api.get(
    '/guilds/:guild_id/invites',
    { schema: { params: IdParams.guild }, config: { resource: 'guild' } },
    async (request) =>
      (await guilds.invites.listForGuild(principalOf(request).user.id, request.params.guild_id)).map(withMetadata),
  );

  api.get(
    '/invites/:code',
    {
      schema: { params: InviteCodeParams, querystring: GetInviteQuery },
      config: { auth: 'optional', resource: 'invite' },
    },
    async (request) =>
      publicView(await guilds.invites.preview(request.params.code, request.query.with_counts === true)),
  );

  // Humans only: a bot joins a guild through OAuth2 authorization, never by invite (20001).
  api.post(
    '/invites/:code',
    {
      schema: { params: InviteCodeParams, body: OrNoBody(AcceptInviteBody) },
      config: { auth: 'human', resource: 'invite', rateLimit: 'inviteAccept' },
    },
    async (request) => publicView(await guilds.invites.accept(principalOf(request).user, request.params.code)),
  );

  api.delete(
    '/invites/:code',
    { schema: { params: InviteCodeParams }, config: { resource: 'invite' } },
    async (request) => publicView(await guilds.invites.delete(principalOf(request).user.id, request.params.code)),
  );
}
