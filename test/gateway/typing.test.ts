import { Permission } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import { connectReady, flush, joinGuild, makeGuild, type TestGuild } from './support/gateway';

/**
 * POST /channels/:id/typing → TYPING_START on the gateway, to the members who may view the channel
 * (or the DM's recipients) and nobody else; repeats within the typing window are not fanned out again;
 * a refused typing call sends nothing.
 */

const bits = (...perms: bigint[]) => perms.reduce((a, b) => a | b, 0n).toString();

let server: TestServer;
let setup: TestGuild;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } });
  setup = await makeGuild(server);
});
afterAll(() => server.close());

async function member(): Promise<TestUser> {
  const user = await server.user();
  await joinGuild(setup, user);
  return user;
}

interface TypingData {
  channel_id: string;
  guild_id?: string;
  user_id: string;
  timestamp: number;
  member?: { user: { id: string } };
}

describe('TYPING_START', () => {
  it('reaches the members who can view the channel, with the Discord payload; not those who cannot', async () => {
    const [typer, viewer, blind, outsider] = [await member(), await member(), await member(), await server.user()];
    const channel = await setup.owner.api.createGuildChannel(setup.guild.id, {
      name: 'typing-room',
      permission_overwrites: [{ id: blind.id, type: 1, deny: bits(Permission.VIEW_CHANNEL) }],
    });
    const [viewerGw, blindGw, outsiderGw] = await Promise.all([
      connectReady(server, viewer.token),
      connectReady(server, blind.token),
      connectReady(server, outsider.token),
    ]);
    const before = Math.floor(Date.now() / 1000);
    await typer.api.typing(channel.id);
    const event = await viewerGw.waitFor((f) => f.t === 'TYPING_START');
    const data = event.d as TypingData;
    expect(data).toMatchObject({ channel_id: channel.id, guild_id: setup.guild.id, user_id: typer.id });
    expect(data.member?.user.id).toBe(typer.id);
    expect(data.timestamp).toBeGreaterThanOrEqual(before - 1);
    await Promise.all([flush(blindGw), flush(outsiderGw)]);
    expect(blindGw.dispatches('TYPING_START')).toEqual([]);
    expect(outsiderGw.dispatches('TYPING_START')).toEqual([]);
    for (const gw of [viewerGw, blindGw, outsiderGw]) gw.close();
  });

  it('in a DM reaches the other recipient without a guild_id', async () => {
    const [a, b] = [await member(), await member()];
    const bGw = await connectReady(server, b.token);
    const dm = await a.api.openDm(b.id);
    await a.api.typing(dm.id);
    const event = await bGw.waitFor((f) => f.t === 'TYPING_START');
    expect(event.d).toMatchObject({ channel_id: dm.id, user_id: a.id });
    expect((event.d as TypingData).guild_id).toBeUndefined();
    bGw.close();
  });

  it('repeated typing calls within the window fan out once', async () => {
    const [typer, viewer] = [await member(), await member()];
    const gw = await connectReady(server, viewer.token);
    for (let i = 0; i < 3; i++) await typer.api.typing(setup.channelId);
    await gw.waitFor((f) => f.t === 'TYPING_START');
    await flush(gw);
    expect(
      gw
        .dispatches('TYPING_START')
        .filter((f) => (f.d as TypingData).user_id === typer.id && (f.d as TypingData).channel_id === setup.channelId),
    ).toHaveLength(1);
    gw.close();
  });

  it('typing where the user may not send is refused and sends nothing', async () => {
    const [muted, viewer] = [await member(), await member()];
    const channel = await setup.owner.api.createGuildChannel(setup.guild.id, {
      name: 'read-only',
      permission_overwrites: [{ id: muted.id, type: 1, deny: bits(Permission.SEND_MESSAGES) }],
    });
    const gw = await connectReady(server, viewer.token);
    expect(await apiError(muted.api.typing(channel.id))).toMatchObject({ status: 403, code: 50013 });
    const outsider = await server.user();
    expect(await apiError(outsider.api.typing(channel.id))).toMatchObject({ status: 404 });
    await flush(gw);
    expect(gw.dispatches('TYPING_START')).toEqual([]);
    gw.close();
  });
});
