import fc from 'fast-check';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../packages/server/src/http/routeConfig';
import { databaseDigest } from '../support/dbDigest';
import { startServer, type TestServer } from '../support/testServer';
import { buildWorld, type World } from '../support/world';

/**
 * Property: for every route that takes a body, no input — random JSON, a valid body with one field
 * mutated, hostile shapes — makes the server answer 5xx, and a rejected request (4xx) changes no
 * stored state. Requests are sent as the guild owner so they reach the deepest checks.
 */
let server: TestServer;
let dbFile: string;
beforeAll(async () => {
  server = await startServer();
  dbFile = path.join(server.dataDir, 'concord.db');
});
afterAll(() => server.close());

function fillPath(url: string, w: World): string {
  const values: Record<string, string> = {
    guild_id: w.guildId,
    channel_id: w.channelId,
    message_id: w.messageId,
    role_id: w.roleId,
    user_id: w.member.id,
    code: w.inviteCode,
    application_id: w.applicationId,
    emoji: encodeURIComponent('👍'),
    overwrite_id: w.roleId,
    session_id: '1',
  };
  return url.replace(/:([a-z_]+)/g, (_, name: string) => values[name] ?? '1');
}

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    '',
    ' ',
    -1,
    0,
    1e308,
    -0,
    '0',
    '99999999999999999999999',
    'x'.repeat(5000),
    '<script>alert(1)</script>',
    '\u0000',
    '\ud800',
    [],
    {},
    true,
  ),
);

/** A valid body with one key replaced, removed, or added. */
function mutated(sample: unknown): fc.Arbitrary<unknown> {
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) return fc.jsonValue({ maxDepth: 3 });
  const keys = Object.keys(sample);
  const record = sample as Record<string, unknown>;
  return fc.oneof(
    keys.length === 0
      ? fc.constant(record)
      : fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => ({ ...record, [key]: value })),
    keys.length === 0
      ? fc.constant(record)
      : fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(record).filter(([k]) => k !== key))),
    fc.tuple(fc.string({ maxLength: 12 }), hostileValue).map(([key, value]) => ({ ...record, [key]: value })),
  );
}

const VALID_SAMPLES: Record<string, (w: World) => unknown> = {
  'POST /channels/:channel_id/messages': () => ({ content: 'hi', nonce: 'n1' }),
  'PATCH /guilds/:guild_id': () => ({ name: 'Renamed' }),
  'POST /guilds/:guild_id/channels': () => ({ name: 'c', type: 0 }),
  'POST /guilds/:guild_id/roles': () => ({ name: 'r', permissions: '0' }),
  'PATCH /guilds/:guild_id/members/:user_id': (w) => ({ nick: 'n', roles: [w.roleId] }),
  'PUT /channels/:channel_id/permissions/:overwrite_id': () => ({ type: 0, allow: '1024', deny: '0' }),
  'POST /users/@me/channels': (w) => ({ recipients: [w.member.id] }),
  'PATCH /channels/:channel_id/messages/:message_id': () => ({ content: 'edit' }),
  'POST /auth/register': () => ({ username: 'someone_new', password: 'long-enough-password' }),
};

async function send(route: RouteInfo, w: World, body: string, token: string) {
  const response = await fetch(server.baseUrl + fillPath(route.url, w), {
    method: route.method,
    headers: { authorization: token, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('invalid input never yields a 500 or a state change', () => {
  it('holds for every route with a body', async () => {
    const routes = server.app.routes.filter((r) => r.hasBody);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const key = `${route.method} ${route.url.replace(/^\/api\/v10/, '')}`;
      const w = await buildWorld(server);
      const sample = VALID_SAMPLES[key]?.(w) ?? {};
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutated(sample)), async (body) => {
          const before = databaseDigest(dbFile);
          const status = await send(route, w, JSON.stringify(body), w.owner.token);
          expect(status, `${key} with ${JSON.stringify(body).slice(0, 200)}`).toBeLessThan(500);
          if (status >= 400) expect(databaseDigest(dbFile), `${key} rejected but changed state`).toBe(before);
        }),
        { numRuns: 25, seed: 4242 },
      );
    }
  }, 600_000);

  it('rejects malformed, hostile and oversized bodies with clear errors', async () => {
    const w = await buildWorld(server);
    const url = `${server.baseUrl}/api/v10/channels/${w.channelId}/messages`;
    const post = async (body: string, contentType = 'application/json') => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: w.owner.token, 'content-type': contentType },
        body,
      });
      return { status: response.status, body: (await response.json()) as { code: number } };
    };
    const before = databaseDigest(dbFile);
    expect(await post('{"content": "unterminated')).toMatchObject({ status: 400, body: { code: 50109 } });
    expect(await post(`{"content":"x","a":${'['.repeat(2000)}${']'.repeat(2000)}}`)).toMatchObject({
      status: 400,
      body: { code: 50109 },
    });
    expect(await post('{"content":"x","__proto__":{"admin":true}}')).toMatchObject({
      status: 400,
      body: { code: 50109 },
    });
    expect(await post('{"content":"x"}', 'text/plain')).toMatchObject({ status: 415 });
    expect(await post(JSON.stringify({ content: 'x'.repeat(2 * 1024 * 1024) }))).toMatchObject({
      status: 413,
      body: { code: 40005 },
    });
    expect(await post(JSON.stringify({ content: 'x'.repeat(4001) }))).toMatchObject({
      status: 400,
      body: { code: 50035 },
    });
    expect(databaseDigest(dbFile)).toBe(before);
  });
});
