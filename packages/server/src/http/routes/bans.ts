import { CreateBanBody, GuildUserParams, IdParams, ListBansQuery, OrNoBody } from '@concord/protocol';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services';
import { toBan } from '../../wire/guilds';
import { principalOf } from '../authenticate';
import type { HttpServer } from '../server';

const MAX_REASON = 512;

/** Discord takes moderation reasons from `X-Audit-Log-Reason` (URL-encoded); the body field is older. */
function auditLogReason(request: FastifyRequest): string | null {
  const header = request.headers['x-audit-log-reason'];
  if (typeof header !== 'string' || header.length === 0) return null;
  let reason = header;
  try {
    reason = decodeURIComponent(header);
  } catch {
    // Not URL-encoded after all: keep it as sent.
  }
  return reason.slice(0, MAX_REASON);
}

/** `/guilds/:guild_id/bans`: list, read, ban, unban. */
export function registerBanRoutes(api: HttpServer, { guilds }: Services): void {
  api.get(
    '/guilds/:guild_id/bans',
    { schema: { params: IdParams.guild, querystring: ListBansQuery }, config: { resource: 'guild' } },
    async (request) => {
      const { limit, before, after } = request.query;
      const page: { limit: number; before?: string; after?: string } = { limit: limit ?? 1000 };
      if (before !== undefined) page.before = before;
      if (after !== undefined) page.after = after;
      const views = await guilds.bans.list(principalOf(request).user.id, request.params.guild_id, page);
      return views.map(({ ban, user }) => toBan(ban, user));
    },
  );

  api.get(
    '/guilds/:guild_id/bans/:user_id',
    { schema: { params: GuildUserParams }, config: { resource: 'guild' } },
    async (request) => {
      const { guild_id, user_id } = request.params;
      const { ban, user } = await guilds.bans.get(principalOf(request).user.id, guild_id, user_id);
      return toBan(ban, user);
    },
  );

  api.put(
    '/guilds/:guild_id/bans/:user_id',
    { schema: { params: GuildUserParams, body: OrNoBody(CreateBanBody) }, config: { resource: 'guild' } },
    async (request, reply) => {
      const { guild_id, user_id } = request.params;
      const body = request.body ?? {};
      await guilds.bans.create(principalOf(request).user.id, guild_id, user_id, {
        reason: body.reason ?? auditLogReason(request),
        deleteMessageSeconds: body.delete_message_seconds ?? 0,
      });
      return reply.code(204).send();
    },
  );

  api.delete(
    '/guilds/:guild_id/bans/:user_id',
    { schema: { params: GuildUserParams }, config: { resource: 'guild' } },
    async (request, reply) => {
      const { guild_id, user_id } = request.params;
      await guilds.bans.remove(principalOf(request).user.id, guild_id, user_id);
      return reply.code(204).send();
    },
  );
}
