import { describe, expect, it } from 'vitest';
import type { Bus, BusSubscription } from '../../packages/server/src/bus/Bus';
import { InProcessBus } from '../../packages/server/src/bus/InProcessBus';
import { invalidationsFor, keepCachesCoherent } from '../../packages/server/src/cluster/CacheCoherence';
import { LocalEventPublisher } from '../../packages/server/src/domain/events';

function recordingCaches() {
  const forgotten: string[] = [];
  return {
    forgotten,
    caches: {
      forgetUser: (id: string) => forgotten.push(`user:${id}`),
      forgetGuild: (id: string) => forgotten.push(`guild:${id}`),
      forgetChannel: (id: string) => forgotten.push(`channel:${id}`),
      forgetAll: () => forgotten.push('all'),
    },
  };
}

describe('which events make per-node caches stale', () => {
  it('guild access changes and account changes do; content does not', () => {
    const guild = { kind: 'guild', guildId: 'g1', channelId: 'c1' } as const;
    expect(invalidationsFor({ type: 'MESSAGE_CREATE', data: {}, route: guild })).toEqual([]);
    expect(invalidationsFor({ type: 'TYPING_START', data: {}, route: guild })).toEqual([]);
    for (const type of ['GUILD_ROLE_UPDATE', 'GUILD_MEMBER_REMOVE', 'GUILD_BAN_ADD', 'GUILD_UPDATE', 'SOMETHING_NEW']) {
      expect(invalidationsFor({ type, data: {}, route: guild })).toEqual([{ guild: 'g1' }]);
    }
    const users = { kind: 'users', userIds: ['u1', 'u2'] } as const;
    expect(invalidationsFor({ type: 'SESSIONS_REVOKED', data: {}, route: users })).toEqual([
      { user: 'u1' },
      { user: 'u2' },
    ]);
    expect(invalidationsFor({ type: 'GUILD_CREATE', data: { id: 'g2' }, route: users })).toEqual([{ guild: 'g2' }]);
    expect(invalidationsFor({ type: 'MESSAGE_ACK', data: {}, route: users })).toEqual([]);
  });

  it('private channel changes do (recipients, settings, deletion); their messages do not', () => {
    const group = { kind: 'private', channelId: 'c7', recipientIds: ['u1', 'u2'] } as const;
    expect(invalidationsFor({ type: 'MESSAGE_CREATE', data: {}, route: group })).toEqual([]);
    expect(invalidationsFor({ type: 'MESSAGE_REACTION_ADD', data: {}, route: group })).toEqual([]);
    for (const type of ['CHANNEL_RECIPIENT_ADD', 'CHANNEL_RECIPIENT_REMOVE', 'SOMETHING_NEW']) {
      expect(invalidationsFor({ type, data: {}, route: group })).toEqual([{ channel: 'c7' }]);
    }
    const user = { kind: 'users', userIds: ['u1'] } as const;
    for (const type of ['CHANNEL_CREATE', 'CHANNEL_UPDATE', 'CHANNEL_DELETE']) {
      expect(invalidationsFor({ type, data: { id: 'c7', type: 3 }, route: user })).toEqual([{ channel: 'c7' }]);
    }
  });
});

describe('keepCachesCoherent', () => {
  it('forgets at once for local changes, for other nodes’ changes over the bus, and everything after a gap', async () => {
    const bus = new InProcessBus();
    const gapListeners: Array<() => void> = [];
    // The in-process bus never loses anything; this one can be told it did.
    const gappyBus: Bus = {
      publish: (subject, payload) => bus.publish(subject, payload),
      subscribe: (subject, handler): BusSubscription => bus.subscribe(subject, handler),
      onGap: (listener) => {
        gapListeners.push(listener);
        return () => undefined;
      },
      close: () => bus.close(),
    };
    const here = recordingCaches();
    const there = recordingCaches();
    const hereEvents = new LocalEventPublisher();
    const stopHere = keepCachesCoherent(gappyBus, hereEvents, here.caches);
    const stopThere = keepCachesCoherent(bus, new LocalEventPublisher(), there.caches);
    hereEvents.publish({ type: 'GUILD_ROLE_DELETE', data: {}, route: { kind: 'guild', guildId: 'g9' } });
    // Synchronously here, before the request that made the change answers.
    expect(here.forgotten).toEqual(['guild:g9']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(there.forgotten).toEqual(['guild:g9']);
    hereEvents.publish({
      type: 'CHANNEL_RECIPIENT_REMOVE',
      data: {},
      route: { kind: 'private', channelId: 'c3', recipientIds: ['u1'] },
    });
    expect(here.forgotten.at(-1)).toBe('channel:c3');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(there.forgotten.at(-1)).toBe('channel:c3');
    for (const listener of gapListeners) listener();
    expect(here.forgotten.at(-1)).toBe('all');
    stopHere();
    stopThere();
    await bus.close();
  });
});
