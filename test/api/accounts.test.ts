import { ConcordApi } from '@concord/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer } from '../support/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('accounts', () => {
  it('registers, reads @me, and logs in from a second device', async () => {
    const alice = await server.user('alice');
    const me = await alice.api.me();
    expect(me).toMatchObject({ id: alice.id, username: 'alice', discriminator: '0', global_name: null });
    expect(me).not.toHaveProperty('bot');
    const phone = server.anonymous();
    const login = await phone.login('ALICE', alice.password, 'phone');
    expect(login.user_id).toBe(alice.id);
    expect(login.token).not.toBe(alice.token);
    const { user_sessions } = await phone.sessions();
    expect(user_sessions).toHaveLength(2);
    expect(user_sessions.filter((s) => s.current).map((s) => s.device)).toEqual(['phone']);
  });

  it('rejects a taken username and bad credentials with Discord form errors', async () => {
    await server.user('bob');
    const taken = await apiError(server.anonymous().register('bob', 'another-password'));
    expect(taken).toMatchObject({ status: 400, code: 50035 });
    expect(JSON.stringify(taken.body)).toContain('USERNAME_ALREADY_TAKEN');
    const wrong = await apiError(server.anonymous().login('bob', 'wrong-password'));
    expect(wrong).toMatchObject({ status: 400, code: 50035 });
    const nobody = await apiError(server.anonymous().login('nobody_here', 'whatever-pass'));
    expect(nobody.body).toEqual(wrong.body);
  });

  it('validates usernames and passwords', async () => {
    const bad = await apiError(server.anonymous().register('Has Spaces', 'long-enough-pw'));
    expect(bad).toMatchObject({ status: 400, code: 50035 });
    expect(bad.body).toHaveProperty('errors.username._errors');
    const short = await apiError(server.anonymous().register('shorty', 'short'));
    expect(short.body).toHaveProperty('errors.password._errors');
  });

  it('answers 401 without a token or with a revoked one', async () => {
    expect(await apiError(server.anonymous().me())).toMatchObject({ status: 401, code: 40001 });
    const carol = await server.user('carol');
    await carol.api.logout();
    expect(await apiError(carol.api.me())).toMatchObject({ status: 401 });
    const garbage = new ConcordApi({ baseUrl: server.baseUrl, token: 'not-a-token' });
    expect(await apiError(garbage.me())).toMatchObject({ status: 401 });
  });

  it('revokes another session of the same user', async () => {
    const dave = await server.user('dave');
    const laptop = server.anonymous();
    await laptop.login('dave', dave.password, 'laptop');
    const laptopSession = (await laptop.sessions()).user_sessions.find((s) => s.current);
    expect(laptopSession).toBeDefined();
    await dave.api.revokeSession(laptopSession!.id);
    expect(await apiError(laptop.me())).toMatchObject({ status: 401 });
    expect((await dave.api.me()).id).toBe(dave.id);
    // Another user's session id is unknown to me.
    const erin = await server.user('erin');
    const erinSession = (await erin.api.sessions()).user_sessions[0]!;
    expect(await apiError(dave.api.revokeSession(erinSession.id))).toMatchObject({ status: 404, code: 10020 });
  });

  it('changes username and password only with the current password; a new password ends other sessions', async () => {
    const frank = await server.user('frank');
    const other = server.anonymous();
    await other.login('frank', frank.password);
    expect(await apiError(frank.api.updateMe({ username: 'franky' }))).toMatchObject({ status: 400, code: 50035 });
    const renamed = await frank.api.updateMe({ username: 'franky', password: frank.password, global_name: 'Frank' });
    expect(renamed).toMatchObject({ username: 'franky', global_name: 'Frank' });
    const changed = await frank.api.updateMe({ password: frank.password, new_password: 'brand-new-password' });
    expect(typeof changed.token).toBe('string');
    expect(await apiError(other.me())).toMatchObject({ status: 401 });
    expect(await apiError(frank.api.me())).toMatchObject({ status: 401 });
    const fresh = new ConcordApi({ baseUrl: server.baseUrl, token: changed.token });
    expect((await fresh.me()).username).toBe('franky');
    await server.anonymous().login('franky', 'brand-new-password');
    expect(server.events.some((e) => e.type === 'SESSIONS_REVOKED')).toBe(true);
  });

  it('creates an application whose bot authenticates only with the Bot prefix', async () => {
    const owner = await server.user('botmaker');
    const app = await owner.api.createApplication('Helper Bot');
    expect(app.bot?.bot).toBe(true);
    const { token } = await owner.api.botToken(app.id);
    const bot = new ConcordApi({ baseUrl: server.baseUrl, token: `Bot ${token}` });
    expect(await bot.me()).toMatchObject({ id: app.bot?.id, bot: true });
    const unprefixed = new ConcordApi({ baseUrl: server.baseUrl, token });
    expect(await apiError(unprefixed.me())).toMatchObject({ status: 401 });
    // Bots cannot use human-only routes, and resetting the token revokes the old one.
    expect(await apiError(bot.createApplication('nested'))).toMatchObject({ status: 403, code: 20001 });
    await owner.api.botToken(app.id);
    expect(await apiError(bot.me())).toMatchObject({ status: 401 });
    // Someone else's application is unknown.
    const stranger = await server.user('stranger');
    expect(await apiError(stranger.api.botToken(app.id))).toMatchObject({ status: 404, code: 10002 });
  });

  it('never returns password hashes or tokens in user objects', async () => {
    const gina = await server.user('gina');
    const text = JSON.stringify(await gina.api.me()) + JSON.stringify(await gina.api.getUser(gina.id));
    expect(text).not.toMatch(/argon2|password|token/i);
  });
});
