import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawGateway, type Frame } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  connectReady,
  DESKTOP,
  joinGuild,
  makeGuild,
  messageWith,
  MOBILE,
  WEB,
  type TestGuild,
} from './support/gateway';

/**
 * Presence: online / idle / dnd / invisible per device, aggregated per user (online while any device
 * is; invisible looks offline), client_status per device kind, and PRESENCE_UPDATE only to people
 * who share a guild or a DM with the user — never to strangers. Large guilds get presence on request.
 */

interface PresenceData {
  user: { id: string };
  guild_id?: string;
  status: string;
  activities: Array<{ name: string }>;
  client_status: Record<string, string>;
}

const presenceOf = (userId: string) => (f: Frame) =>
  f.t === 'PRESENCE_UPDATE' && (f.d as PresenceData).user.id === userId;
const presences = (gw: RawGateway, userId: string) =>
  gw.frames.filter(presenceOf(userId)).map((f) => f.d as PresenceData);
/** Waits until `userId`'s latest presence on `gw` satisfies `check`. */
async function latestPresence(gw: RawGateway, userId: string, check: (p: PresenceData) => boolean) {
  await gw.waitFor(() => {
    const all = presences(gw, userId);
    return all.length > 0 && check(all.at(-1)!);
  });
  return presences(gw, userId).at(-1)!;
}

let server: TestServer;
beforeAll(async () => {
  // A long interval: these sockets do not heartbeat, and a failed wait should not end in 4009.
  server = await startServer({ gateway: { heartbeatIntervalMs: 30_000 } });
});
afterAll(() => server.close());

/** Gives `a` and `b` a DM and nothing else in common (a DM needs a shared guild to open). */
async function dmOnly(a: TestUser, b: TestUser): Promise<void> {
  const meeting = await makeGuild(server, a, 'Meeting place');
  await joinGuild(meeting, b);
  await b.api.openDm(a.id);
  await a.api.deleteGuild(meeting.guild.id);
}

function setStatus(gw: RawGateway, status: string, activities: unknown[] = []): void {
  gw.send({ op: 3, d: { since: null, activities, status, afk: false } });
}

describe('who hears about a presence', () => {
  it('guild co-members and DM partners get PRESENCE_UPDATE; a stranger gets nothing', async () => {
    const setup = await makeGuild(server);
    const [alice, bob, dave, carol] = [
      await server.user(),
      await server.user(),
      await server.user(),
      await server.user(),
    ];
    await joinGuild(setup, alice, bob);
    await dmOnly(alice, dave);
    const carolsGuild = await makeGuild(server, carol);
    const [bobGw, daveGw, carolGw] = await Promise.all([
      connectReady(server, bob.token),
      connectReady(server, dave.token),
      connectReady(server, carol.token),
    ]);

    const aliceGw = await connectReady(server, alice.token);
    const toBob = await latestPresence(bobGw, alice.id, (p) => p.status === 'online');
    expect(toBob).toMatchObject({ guild_id: setup.guild.id, client_status: { web: 'online' } });
    const toDave = await latestPresence(daveGw, alice.id, (p) => p.status === 'online');
    expect(toDave.guild_id).toBeUndefined();

    setStatus(aliceGw, 'dnd');
    await latestPresence(bobGw, alice.id, (p) => p.status === 'dnd');
    await latestPresence(daveGw, alice.id, (p) => p.status === 'dnd');
    aliceGw.close();
    await latestPresence(bobGw, alice.id, (p) => p.status === 'offline');
    await latestPresence(daveGw, alice.id, (p) => p.status === 'offline');

    // Carol's own guild traffic, sent after all of the above, is the marker: nothing of Alice's before it.
    await carol.api.sendMessage(carolsGuild.channelId, { content: 'carol marker' });
    await carolGw.waitFor(messageWith('carol marker'));
    expect(presences(carolGw, alice.id)).toEqual([]);
    for (const gw of [bobGw, daveGw, carolGw]) gw.close();
  });

  it('a DM opened while both are connected makes them hear each other’s presence from then on', async () => {
    const [alice, dave] = [await server.user(), await server.user()];
    const meeting = await makeGuild(server, alice, 'Meeting place');
    await joinGuild(meeting, dave);
    const aliceGw = await connectReady(server, alice.token);
    const daveGw = await connectReady(server, dave.token);
    await dave.api.openDm(alice.id);
    await aliceGw.waitFor((f) => f.t === 'CHANNEL_CREATE');
    await daveGw.waitFor((f) => f.t === 'CHANNEL_CREATE');
    // From here on the DM is all they share.
    await alice.api.deleteGuild(meeting.guild.id);
    await aliceGw.waitFor((f) => f.t === 'GUILD_DELETE');
    await daveGw.waitFor((f) => f.t === 'GUILD_DELETE');
    setStatus(aliceGw, 'idle');
    await latestPresence(daveGw, alice.id, (p) => p.status === 'idle');
    setStatus(daveGw, 'dnd');
    await latestPresence(aliceGw, dave.id, (p) => p.status === 'dnd');
    aliceGw.close();
    daveGw.close();
  });

  it('READY lists DM partners’ presences and GUILD_CREATE lists online members', async () => {
    const setup = await makeGuild(server);
    const [alice, bob, dave] = [await server.user(), await server.user(), await server.user()];
    await joinGuild(setup, alice, bob);
    await dmOnly(alice, dave);
    const bobGw = await connectReady(server, bob.token);
    const daveGw = await connectReady(server, dave.token, {
      presence: { status: 'idle', since: null, activities: [] },
    });
    const aliceGw = await connectReady(server, alice.token);
    const ready = aliceGw.dispatches('READY')[0]!.d as { presences: PresenceData[] };
    expect(ready.presences).toEqual([
      expect.objectContaining({ user: { id: dave.id }, status: 'idle', client_status: { web: 'idle' } }),
    ]);
    const guild = aliceGw.dispatches('GUILD_CREATE')[0]!.d as { id: string; presences: PresenceData[] };
    expect(guild.id).toBe(setup.guild.id);
    const online = guild.presences.map((p) => p.user.id);
    expect(online).toContain(bob.id);
    expect(online).not.toContain(setup.owner.id);
    for (const gw of [aliceGw, bobGw, daveGw]) gw.close();
  });
});

describe('joining a guild while connected', () => {
  it('the members hear the newcomer’s presence once, and the newcomer hears the online members’', async () => {
    const setup = await makeGuild(server);
    const [alice, erin] = [await server.user(), await server.user()];
    await joinGuild(setup, alice);
    const aliceGw = await connectReady(server, alice.token, {
      presence: { status: 'dnd', since: null, activities: [] },
    });
    // Erin is online on two devices before she joins, idle on one of them.
    const erinPhone = await connectReady(server, erin.token, { properties: MOBILE });
    const erinDesk = await connectReady(server, erin.token, {
      properties: DESKTOP,
      presence: { status: 'idle', since: null, activities: [] },
    });
    await joinGuild(setup, erin);
    for (const gw of [erinPhone, erinDesk]) {
      await gw.waitFor((f) => f.t === 'GUILD_CREATE' && (f.d as { id: string }).id === setup.guild.id);
      const alicePresence = await latestPresence(gw, alice.id, (p) => p.status === 'dnd');
      expect(alicePresence.guild_id).toBe(setup.guild.id);
      // Nobody offline is announced (the owner has no session).
      expect(presences(gw, setup.owner.id)).toEqual([]);
    }
    const erinPresence = await latestPresence(aliceGw, erin.id, (p) => p.guild_id === setup.guild.id);
    expect(erinPresence).toMatchObject({ status: 'online', client_status: { mobile: 'online', desktop: 'idle' } });
    // One announcement for the user, not one per device.
    await setup.owner.api.sendMessage(setup.channelId, { content: 'sync point' });
    await aliceGw.waitFor(messageWith('sync point'));
    expect(presences(aliceGw, erin.id)).toHaveLength(1);
    for (const gw of [aliceGw, erinPhone, erinDesk]) gw.close();
  });
});

describe('aggregation across devices', () => {
  it('online while any device is, dnd wins, client_status per device kind, invisible looks offline', async () => {
    const setup = await makeGuild(server);
    const [alice, bob] = [await server.user(), await server.user()];
    await joinGuild(setup, alice, bob);
    const bobGw = await connectReady(server, bob.token);

    const web = await connectReady(server, alice.token, { properties: WEB });
    await latestPresence(bobGw, alice.id, (p) => p.status === 'online');
    const mobile = await connectReady(server, alice.token, { properties: MOBILE });
    let seen = await latestPresence(bobGw, alice.id, (p) => Object.keys(p.client_status).length === 2);
    expect(seen).toMatchObject({ status: 'online', client_status: { web: 'online', mobile: 'online' } });

    setStatus(mobile, 'dnd', [{ name: 'Chess', type: 0 }]);
    seen = await latestPresence(bobGw, alice.id, (p) => p.status === 'dnd');
    expect(seen.client_status).toEqual({ web: 'online', mobile: 'dnd' });
    expect(seen.activities).toEqual([expect.objectContaining({ name: 'Chess' })]);

    setStatus(web, 'idle');
    seen = await latestPresence(bobGw, alice.id, (p) => p.client_status.web === 'idle');
    expect(seen).toMatchObject({ status: 'dnd', client_status: { web: 'idle', mobile: 'dnd' } });

    // One device leaves (cleanly): the user is still there, on the other.
    mobile.close(1000);
    seen = await latestPresence(bobGw, alice.id, (p) => p.client_status.mobile === undefined);
    expect(seen).toMatchObject({ status: 'idle', client_status: { web: 'idle' }, activities: [] });

    const desktop = await connectReady(server, alice.token, { properties: DESKTOP });
    seen = await latestPresence(bobGw, alice.id, (p) => p.client_status.desktop !== undefined);
    expect(seen).toMatchObject({ status: 'online', client_status: { web: 'idle', desktop: 'online' } });

    // Invisible on every device: others see offline with no client_status and no activities.
    setStatus(desktop, 'invisible');
    setStatus(web, 'invisible');
    seen = await latestPresence(bobGw, alice.id, (p) => p.status === 'offline');
    expect(seen).toMatchObject({ status: 'offline', client_status: {}, activities: [] });
    // "offline" from a client means "appear offline": nothing changes for observers.
    const before = presences(bobGw, alice.id).length;
    setStatus(web, 'offline');
    desktop.close(1000);
    web.close(1000);
    await bob.api.sendMessage(setup.channelId, { content: 'marker after invisible' });
    await bobGw.waitFor(messageWith('marker after invisible'));
    expect(presences(bobGw, alice.id)).toHaveLength(before);
    bobGw.close();
  });

  it('a clean close (1000) of the last device announces offline', async () => {
    const setup = await makeGuild(server);
    const [alice, bob] = [await server.user(), await server.user()];
    await joinGuild(setup, alice, bob);
    const bobGw = await connectReady(server, bob.token);
    const aliceGw = await connectReady(server, alice.token);
    await latestPresence(bobGw, alice.id, (p) => p.status === 'online');
    aliceGw.close(1000);
    await latestPresence(bobGw, alice.id, (p) => p.status === 'offline');
    bobGw.close();
  });

  it('identifying invisible announces nothing', async () => {
    const setup = await makeGuild(server);
    const [alice, bob] = [await server.user(), await server.user()];
    await joinGuild(setup, alice, bob);
    const bobGw = await connectReady(server, bob.token);
    const aliceGw = await connectReady(server, alice.token, {
      presence: { status: 'invisible', since: null, activities: [] },
    });
    await bob.api.sendMessage(setup.channelId, { content: 'invisible marker' });
    await bobGw.waitFor(messageWith('invisible marker'));
    expect(presences(bobGw, alice.id)).toEqual([]);
    aliceGw.close();
    bobGw.close();
  });
});

describe('large guilds', () => {
  let big: TestServer;
  let setup: TestGuild;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    big = await startServer({ gateway: { heartbeatIntervalMs: 30_000, presenceMaxGuildSize: 2 } });
    setup = await makeGuild(big);
    [alice, bob] = [await big.user(), await big.user()];
    await joinGuild(setup, alice, bob);
  });
  afterAll(() => big.close());

  it('above presenceMaxGuildSize presence is not pushed, but REQUEST_GUILD_MEMBERS with presences answers it', async () => {
    const aliceGw = await connectReady(big, alice.token);
    const bobGw = await connectReady(big, bob.token);
    expect((bobGw.dispatches('GUILD_CREATE')[0]!.d as { presences?: unknown[] }).presences ?? []).toEqual([]);
    bobGw.send({ op: 8, d: { guild_id: setup.guild.id, user_ids: [alice.id], presences: true, nonce: 'p1' } });
    const chunk = await bobGw.waitFor((f) => f.t === 'GUILD_MEMBERS_CHUNK');
    expect(chunk.d).toMatchObject({
      guild_id: setup.guild.id,
      nonce: 'p1',
      members: [expect.objectContaining({ user: expect.objectContaining({ id: alice.id }) })],
      presences: [expect.objectContaining({ user: { id: alice.id }, status: 'online' })],
    });
    expect(presences(bobGw, alice.id)).toEqual([]);
    aliceGw.close();
    bobGw.close();
  });
});
