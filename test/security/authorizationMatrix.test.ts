import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../packages/server/src/http/routeConfig';
import { startServer, type TestServer } from '../support/testServer';
import { buildWorld, type World } from '../support/world';

/**
 * The authorization matrix, generated from the route table: for every API route, an anonymous caller,
 * a non-member and a plain member. A new route is covered automatically; one with a body must add a
 * sample body below (the test fails until it does).
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

type Sample = (w: World) => unknown;

const SAMPLE_BODIES: Record<string, Sample> = {
  'POST /auth/register': () => ({ username: 'matrix_new_user', password: 'long-enough-password' }),
  'POST /auth/login': () => ({ login: 'nobody_at_all', password: 'long-enough-password' }),
  'PATCH /users/@me': () => ({ global_name: 'Renamed' }),
  'POST /applications': () => ({ name: 'Another app' }),
  'POST /guilds': () => ({ name: 'Another guild' }),
  'PATCH /guilds/:guild_id': () => ({ name: 'Renamed guild' }),
  'POST /guilds/:guild_id/roles': () => ({ name: 'new role' }),
  'PATCH /guilds/:guild_id/roles': (w) => [{ id: w.roleId, position: 1 }],
  'PATCH /guilds/:guild_id/roles/:role_id': () => ({ name: 'renamed role' }),
  'PATCH /guilds/:guild_id/members/@me': () => ({ nick: 'nick' }),
  'PATCH /guilds/:guild_id/members/:user_id': () => ({ nick: 'nick' }),
  'PUT /guilds/:guild_id/bans/:user_id': () => ({}),
  'POST /guilds/:guild_id/channels': () => ({ name: 'new-channel' }),
  'PATCH /guilds/:guild_id/channels': (w) => [{ id: w.channelId, position: 0 }],
  'PATCH /channels/:channel_id': () => ({ topic: 'a topic' }),
  'PUT /channels/:channel_id/permissions/:overwrite_id': () => ({ type: 0, allow: '0', deny: '0' }),
  'POST /channels/:channel_id/invites': () => ({}),
  'POST /invites/:code': () => ({}),
  'POST /oauth2/authorize': (w) => ({ guild_id: w.guildId, authorize: true }),
  'POST /users/@me/channels': (w) => ({ recipient_id: w.owner.id }),
  'POST /channels/:channel_id/messages': () => ({ content: 'hello' }),
  'PATCH /channels/:channel_id/messages/:message_id': () => ({ content: 'edited' }),
  'POST /channels/:channel_id/messages/bulk-delete': (w) => ({ messages: [w.messageId, w.secondMessageId] }),
  'POST /channels/:channel_id/messages/:message_id/ack': () => ({}),
};

const SAMPLE_QUERIES: Record<string, Sample> = {
  'POST /oauth2/authorize': (w) => ({ client_id: w.applicationId, scope: 'bot' }),
};

/** 404 codes that say "this guild/channel/message does not exist for you". */
const CONTAINER_UNKNOWN = new Set([10003, 10004, 10008]);

function routeKey(route: RouteInfo): string {
  return `${route.method} ${route.url.replace(/^\/api\/v10/, '')}`;
}

function fillPath(url: string, w: World): string {
  const values: Record<string, string> = {
    guild_id: w.guildId,
    channel_id: w.channelId,
    message_id: w.messageId,
    role_id: w.roleId,
    // The owner: nobody else may kick, ban or edit them, so member calls cannot change much.
    user_id: w.owner.id,
    code: w.inviteCode,
    application_id: w.applicationId,
    emoji: encodeURIComponent('👍'),
    overwrite_id: w.guildId,
    session_id: '1',
  };
  return url.replace(/:([a-z_]+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no sample for path parameter :${name} in ${url}`);
    return value;
  });
}

async function call(route: RouteInfo, w: World, token: string | undefined) {
  const key = routeKey(route);
  const url = new URL(server.baseUrl + fillPath(route.url, w));
  const query = SAMPLE_QUERIES[key]?.(w) as Record<string, string> | undefined;
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = token;
  let body: string | undefined;
  if (route.hasBody) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(SAMPLE_BODIES[key]!(w));
  }
  const response = await fetch(url, { method: route.method, headers, body });
  const text = await response.text();
  const json = text.length > 0 ? (JSON.parse(text) as { code?: number }) : {};
  return { status: response.status, code: json.code };
}

describe('authorization matrix', () => {
  it('has a sample body for every route that takes one', () => {
    const missing = server.app.routes.filter((r) => r.hasBody && SAMPLE_BODIES[routeKey(r)] === undefined);
    expect(missing.map(routeKey)).toEqual([]);
  });

  it('covers a meaningful route table', () => {
    expect(server.app.routes.length).toBeGreaterThan(40);
  });

  it('answers every route correctly for anonymous, non-member and member callers', async () => {
    const failures: string[] = [];
    for (const route of server.app.routes) {
      const key = routeKey(route);
      const w = await buildWorld(server);
      const anonymous = await call(route, w, undefined);
      if (anonymous.status >= 500) failures.push(`${key} anonymous → ${anonymous.status}`);
      if (route.auth !== 'public' && route.auth !== 'optional' && anonymous.status !== 401) {
        failures.push(`${key} anonymous → ${anonymous.status}, expected 401`);
      }

      if (route.auth === 'public') continue;
      const outsider = await call(route, w, w.outsider.token);
      if (outsider.status >= 500) failures.push(`${key} non-member → ${outsider.status}`);
      if (['guild', 'channel', 'message', 'application'].includes(route.resource) && outsider.status !== 404) {
        failures.push(`${key} non-member → ${outsider.status}, expected 404`);
      }
      if (route.resource === 'invite' && route.method === 'DELETE' && outsider.status < 400) {
        failures.push(`${key} non-member → ${outsider.status}, expected a refusal`);
      }

      const member = await call(route, w, w.member.token);
      if (member.status >= 500 || member.status === 401) failures.push(`${key} member → ${member.status}`);
      if (
        ['guild', 'channel', 'message'].includes(route.resource) &&
        member.status === 404 &&
        CONTAINER_UNKNOWN.has(member.code ?? -1)
      ) {
        failures.push(`${key} member → 404 ${member.code}: a member was told the resource does not exist`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
