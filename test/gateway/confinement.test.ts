import { Permission } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawGateway } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import { connectReady, joinGuild, makeGuild, messageWith, type TestGuild } from './support/gateway';

/**
 * I5 confinement at the gateway: no event of a channel reaches a socket whose user may not view that
 * channel — not a non-member, not a member denied VIEW_CHANNEL, and not a member from the moment they
 * are kicked, banned, or lose VIEW_CHANNEL through a role, a role change or an overwrite. Access that
 * comes back brings the events back.
 *
 * Proving a negative: each check ends with a marker message in a separate guild that every socket
 * under test belongs to, sent after the events under test. Delivery on one node is in publication
 * order, so once the marker has arrived, any leaked event would already be there.
 */

const bits = (...perms: bigint[]) => perms.reduce((a, b) => a | b, 0n).toString();
const VIEW = Permission.VIEW_CHANNEL;

let server: TestServer;
let setup: TestGuild;
/** The guild the markers go through. */
let markers: TestGuild;
let markerCount = 0;
beforeAll(async () => {
  // A long heartbeat interval: these sockets do not heartbeat.
  server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } });
  setup = await makeGuild(server);
  markers = await makeGuild(server, setup.owner, 'Markers');
});
afterAll(() => server.close());

/** A fresh user who is in the markers guild (and nothing else yet). */
async function markedUser(): Promise<TestUser> {
  const user = await server.user();
  await joinGuild(markers, user);
  return user;
}

/** Every event a channel can produce, caused by the owner. */
async function exercise(channelId: string, label: string): Promise<void> {
  const { api } = setup.owner;
  const message = await api.sendMessage(channelId, { content: `${label} message` });
  await api.editMessage(channelId, message.id, { content: `${label} edited` });
  await api.react(channelId, message.id, '👍');
  await api.pin(channelId, message.id);
  await api.typing(channelId);
  await api.deleteMessage(channelId, message.id);
  await api.createInvite(channelId, { max_age: 0 });
}

/** Waits for a fresh marker on every socket, then returns each socket's frames that mention `channelId`. */
async function leaksOf(channelId: string, ...sockets: RawGateway[]): Promise<unknown[][]> {
  const content = `marker ${++markerCount}`;
  await setup.owner.api.sendMessage(markers.channelId, { content });
  return Promise.all(
    sockets.map(async (gw) => {
      await gw.waitFor(messageWith(content));
      return gw.frames.filter((f) => JSON.stringify(f.d ?? null).includes(channelId)).map((f) => f.t ?? f.op);
    }),
  );
}

/** Frames after index `from` that mention the channel, once a fresh marker arrived. */
async function leaksSince(gw: RawGateway, from: number, channelId: string): Promise<unknown[]> {
  const content = `marker ${++markerCount}`;
  await setup.owner.api.sendMessage(markers.channelId, { content });
  await gw.waitFor(messageWith(content));
  return gw.frames
    .slice(from)
    .filter((f) => JSON.stringify(f.d ?? null).includes(channelId))
    .map((f) => f.t ?? f.op);
}

async function privateChannel(name: string, allowRoleId?: string, allowUserId?: string): Promise<string> {
  const overwrites = [{ id: setup.guild.id, type: 0 as const, deny: bits(VIEW) }];
  if (allowRoleId !== undefined) overwrites.push({ id: allowRoleId, type: 0, allow: bits(VIEW) } as never);
  if (allowUserId !== undefined) overwrites.push({ id: allowUserId, type: 1, allow: bits(VIEW) } as never);
  const channel = await setup.owner.api.createGuildChannel(setup.guild.id, { name, permission_overwrites: overwrites });
  return channel.id;
}

describe('who never sees a channel', () => {
  it('a non-member receives no event of the guild’s channels', async () => {
    const outsider = await markedUser();
    const gw = await connectReady(server, outsider.token);
    await exercise(setup.channelId, 'public');
    const [leaks] = await leaksOf(setup.channelId, gw);
    expect(leaks).toEqual([]);
    expect(gw.frames.some((f) => JSON.stringify(f.d ?? null).includes(setup.guild.id))).toBe(false);
    gw.close();
  });

  it('a member denied VIEW_CHANNEL receives nothing of that channel, while one allowed gets everything', async () => {
    const [allowed, denied] = [await markedUser(), await markedUser()];
    await joinGuild(setup, allowed, denied);
    const [allowedGw, deniedGw] = await Promise.all([
      connectReady(server, allowed.token),
      connectReady(server, denied.token),
    ]);
    const channelId = await privateChannel('secret', undefined, allowed.id);
    await exercise(channelId, 'secret');
    const [seen, leaks] = await leaksOf(channelId, allowedGw, deniedGw);
    expect(leaks).toEqual([]);
    expect(seen).toEqual(
      expect.arrayContaining([
        'CHANNEL_CREATE',
        'MESSAGE_CREATE',
        'MESSAGE_UPDATE',
        'MESSAGE_REACTION_ADD',
        'CHANNEL_PINS_UPDATE',
        'TYPING_START',
        'MESSAGE_DELETE',
        'INVITE_CREATE',
      ]),
    );
    allowedGw.close();
    deniedGw.close();
  });

  it('a DM reaches its two recipients and nobody else', async () => {
    const [a, b, c] = [await markedUser(), await markedUser(), await markedUser()];
    const [aGw, bGw, cGw] = await Promise.all([
      connectReady(server, a.token),
      connectReady(server, b.token),
      connectReady(server, c.token),
    ]);
    const dm = await a.api.openDm(b.id);
    await a.api.sendMessage(dm.id, { content: 'just us' });
    await a.api.typing(dm.id);
    const [aSeen, bSeen, cSeen] = await leaksOf(dm.id, aGw, bGw, cGw);
    expect(aSeen).toContain('MESSAGE_CREATE');
    expect(bSeen).toEqual(expect.arrayContaining(['CHANNEL_CREATE', 'MESSAGE_CREATE', 'TYPING_START']));
    expect(cSeen).toEqual([]);
    for (const gw of [aGw, bGw, cGw]) gw.close();
  });
});

describe('losing access stops the events from that moment', () => {
  it('a kicked member gets GUILD_DELETE and nothing of the guild afterwards', async () => {
    const kicked = await markedUser();
    await joinGuild(setup, kicked);
    const gw = await connectReady(server, kicked.token);
    await setup.owner.api.kick(setup.guild.id, kicked.id);
    await gw.waitFor((f) => f.t === 'GUILD_DELETE' && (f.d as { id: string }).id === setup.guild.id);
    const from = gw.frames.length;
    await exercise(setup.channelId, 'after kick');
    expect(await leaksSince(gw, from, setup.channelId)).toEqual([]);
    expect(gw.frames.slice(from).some((f) => JSON.stringify(f.d ?? null).includes(setup.guild.id))).toBe(false);
    gw.close();
  });

  it('a banned member gets GUILD_DELETE and nothing of the guild afterwards', async () => {
    const banned = await markedUser();
    await joinGuild(setup, banned);
    const gw = await connectReady(server, banned.token);
    await setup.owner.api.ban(setup.guild.id, banned.id);
    await gw.waitFor((f) => f.t === 'GUILD_DELETE' && (f.d as { id: string }).id === setup.guild.id);
    const from = gw.frames.length;
    await exercise(setup.channelId, 'after ban');
    expect(await leaksSince(gw, from, setup.guild.id)).toEqual([]);
    await setup.owner.api.unban(setup.guild.id, banned.id);
    gw.close();
  });

  it('a member who leaves gets nothing of the guild afterwards', async () => {
    const leaver = await markedUser();
    await joinGuild(setup, leaver);
    const gw = await connectReady(server, leaver.token);
    await leaver.api.leaveGuild(setup.guild.id);
    await gw.waitFor((f) => f.t === 'GUILD_DELETE');
    const from = gw.frames.length;
    await exercise(setup.channelId, 'after leave');
    expect(await leaksSince(gw, from, setup.guild.id)).toEqual([]);
    gw.close();
  });

  it('removing the role that grants VIEW_CHANNEL stops the channel’s events; giving it back restores them', async () => {
    const member = await markedUser();
    await joinGuild(setup, member);
    const role = await setup.owner.api.createRole(setup.guild.id, { name: 'insiders' });
    await setup.owner.api.addMemberRole(setup.guild.id, member.id, role.id);
    const channelId = await privateChannel('insiders-only', role.id);
    const gw = await connectReady(server, member.token);
    await setup.owner.api.sendMessage(channelId, { content: 'while an insider' });
    await gw.waitFor(messageWith('while an insider'));

    await setup.owner.api.removeMemberRole(setup.guild.id, member.id, role.id);
    const from = gw.frames.length;
    await exercise(channelId, 'role removed');
    expect(await leaksSince(gw, from, channelId)).toEqual([]);

    await setup.owner.api.addMemberRole(setup.guild.id, member.id, role.id);
    await setup.owner.api.sendMessage(channelId, { content: 'insider again' });
    await gw.waitFor(messageWith('insider again'));
    gw.close();
  });

  it('a role losing VIEW_CHANNEL in its permissions stops the events of every channel it granted', async () => {
    const guild = await makeGuild(server, setup.owner, 'Role-gated');
    const member = await markedUser();
    await joinGuild(guild, member);
    // @everyone sees nothing; the "readers" role sees everything.
    await setup.owner.api.modifyRole(guild.guild.id, guild.guild.id, { permissions: '0' });
    const readers = await setup.owner.api.createRole(guild.guild.id, {
      name: 'readers',
      permissions: bits(VIEW, Permission.SEND_MESSAGES, Permission.READ_MESSAGE_HISTORY),
    });
    await setup.owner.api.addMemberRole(guild.guild.id, member.id, readers.id);
    const gw = await connectReady(server, member.token);
    await setup.owner.api.sendMessage(guild.channelId, { content: 'readers welcome' });
    await gw.waitFor(messageWith('readers welcome'));

    await setup.owner.api.modifyRole(guild.guild.id, readers.id, { permissions: bits(Permission.SEND_MESSAGES) });
    const from = gw.frames.length;
    await setup.owner.api.sendMessage(guild.channelId, { content: 'readers gone' });
    await setup.owner.api.typing(guild.channelId);
    expect(await leaksSince(gw, from, guild.channelId)).toEqual([]);
    gw.close();
  });

  it('a member overwrite denying VIEW_CHANNEL stops the events; deleting it restores them', async () => {
    const member = await markedUser();
    await joinGuild(setup, member);
    const channel = await setup.owner.api.createGuildChannel(setup.guild.id, { name: 'overwritten' });
    const gw = await connectReady(server, member.token);
    const from = gw.frames.length;
    await setup.owner.api.editChannelPermissions(channel.id, member.id, { type: 1, deny: bits(VIEW) });
    await exercise(channel.id, 'overwritten');
    // The CHANNEL_UPDATE that took access away tells them so; nothing after it reaches them.
    expect(await leaksSince(gw, from, channel.id)).toEqual(['CHANNEL_UPDATE']);

    await setup.owner.api.deleteChannelPermission(channel.id, member.id);
    await setup.owner.api.sendMessage(channel.id, { content: 'visible again' });
    await gw.waitFor(messageWith('visible again'));
    gw.close();
  });
});

describe('channel lifecycle events', () => {
  it('CHANNEL_DELETE reaches everyone who could view the channel, and only them', async () => {
    const [viewer, blind] = [await markedUser(), await markedUser()];
    await joinGuild(setup, viewer, blind);
    const channelId = await privateChannel('doomed', undefined, viewer.id);
    const [viewerGw, blindGw] = await Promise.all([
      connectReady(server, viewer.token),
      connectReady(server, blind.token),
    ]);
    await setup.owner.api.deleteChannel(channelId);
    const deleted = (f: { t?: string | null; d: unknown }) =>
      f.t === 'CHANNEL_DELETE' && (f.d as { id: string }).id === channelId;
    await viewerGw.waitFor(deleted);
    const [, leaks] = await leaksOf(channelId, viewerGw, blindGw);
    expect(leaks).toEqual([]);
    viewerGw.close();
    blindGw.close();
  });
});
