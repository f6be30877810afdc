import { ConcordApi } from '@concord/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  connectReady,
  joinGuild,
  makeGuild,
  messageWith,
  resumeOn,
  sessionIdOf,
  type TestGuild,
} from './support/gateway';

/**
 * Revocation reaches live sockets at once: logging out, revoking a session, changing the password
 * or resetting a bot token closes the affected sockets with 4004 (and only those), the closed
 * session cannot be resumed, nothing sent after the revocation reaches it, and its user goes offline.
 */

let server: TestServer;
let setup: TestGuild;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } });
  setup = await makeGuild(server);
});
afterAll(() => server.close());

/** A member with a second login (another device, another token). */
async function twoDevices(): Promise<{ user: TestUser; second: ConcordApi; secondToken: string }> {
  const user = await server.user();
  await joinGuild(setup, user);
  const second = new ConcordApi({ baseUrl: server.baseUrl });
  const { token } = await second.login(user.username, user.password, 'second device');
  return { user, second, secondToken: token };
}

const offline = (userId: string) => (f: Frame) =>
  f.t === 'PRESENCE_UPDATE' &&
  (f.d as { user: { id: string }; status: string }).user.id === userId &&
  (f.d as { status: string }).status === 'offline';

describe('revocation closes live sockets with 4004', () => {
  it('logout closes that token’s socket only; the session cannot resume; later events do not reach it', async () => {
    const { user, secondToken } = await twoDevices();
    const first = await connectReady(server, user.token);
    const other = await connectReady(server, secondToken);
    const sessionId = sessionIdOf(first.dispatches('READY')[0]!);
    await user.api.logout();
    expect(await first.closed()).toBe(4004);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'after logout' });
    await other.waitFor(messageWith('after logout'));
    expect(first.frames.some(messageWith('after logout'))).toBe(false);
    expect(other.closeCode).toBeUndefined();
    const { gw, outcome } = await resumeOn(server, { token: user.token, session_id: sessionId, seq: first.lastSeq() });
    expect(outcome).toBe('INVALID_SESSION');
    gw.close();
    other.close();
  });

  it('revoking another device’s session closes every socket opened with it', async () => {
    const { user, second, secondToken } = await twoDevices();
    const keep = await connectReady(server, user.token);
    const [gone1, gone2] = [await connectReady(server, secondToken), await connectReady(server, secondToken)];
    const { user_sessions } = await user.api.sessions();
    const target = user_sessions.find((s) => !s.current)!;
    await user.api.revokeSession(target.id);
    expect(await gone1.closed()).toBe(4004);
    expect(await gone2.closed()).toBe(4004);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'after revoke' });
    await keep.waitFor(messageWith('after revoke'));
    expect(keep.closeCode).toBeUndefined();
    await expect(second.me()).rejects.toMatchObject({ status: 401 });
    keep.close();
  });

  it('a password change closes every socket of the user, this device’s included; the new token works', async () => {
    const { user, secondToken } = await twoDevices();
    const watcher = await server.user();
    await joinGuild(setup, watcher);
    const watcherGw = await connectReady(server, watcher.token);
    const first = await connectReady(server, user.token);
    const other = await connectReady(server, secondToken);
    const changed = await user.api.updateMe({ password: user.password, new_password: `${user.password}-new` });
    expect(await first.closed()).toBe(4004);
    expect(await other.closed()).toBe(4004);
    await watcherGw.waitFor(offline(user.id));
    expect(changed.token).toBeDefined();
    const fresh = await connectReady(server, changed.token!);
    expect((fresh.dispatches('READY')[0]!.d as { user: { id: string } }).user.id).toBe(user.id);
    fresh.close();
    watcherGw.close();
  });

  it('resetting a bot token closes the bot’s sockets', async () => {
    const app = await setup.owner.api.createApplication('Revoked Bot');
    const { token } = await setup.owner.api.botToken(app.id);
    await setup.owner.api.authorizeBot(app.id, setup.guild.id);
    const bot = await connectReady(server, token, { intents: 1 });
    const { token: next } = await setup.owner.api.botToken(app.id);
    expect(await bot.closed()).toBe(4004);
    const again = await connectReady(server, next, { intents: 1 });
    again.close();
  });

  it('a revoked token cannot IDENTIFY again (4004)', async () => {
    const { user } = await twoDevices();
    await user.api.logout();
    const gw = await connectReady(server, user.token).catch((error: Error) => error);
    expect(gw).toBeInstanceOf(Error);
    expect(String(gw)).toContain('4004');
  });
});
