import { describe, expect, it } from 'vitest';
import { ClientCache } from '@concord/sdk';
import type { GuildMember, Role } from '@concord/protocol';
import { dmChannel, guild, guildChannel, ME, message, ready } from './fixtures';

const member = (id: string, nick: string | null = null): GuildMember => ({
  user: { ...ME, id, username: `u${id}` },
  nick,
  avatar: null,
  roles: [],
  joined_at: new Date(0).toISOString(),
  deaf: false,
  mute: false,
  flags: 0,
  pending: false,
  communication_disabled_until: null,
});

const role = (id: string, name: string): Role => ({
  id,
  name,
  color: 0,
  hoist: false,
  icon: null,
  unicode_emoji: null,
  position: 1,
  permissions: '0',
  managed: false,
  mentionable: false,
  flags: 0,
});

function loaded(): ClientCache {
  const cache = new ClientCache();
  cache.apply({
    t: 'READY',
    d: ready({
      guilds: [{ id: '50', unavailable: true }],
      private_channels: [dmChannel('7', 3)],
      read_state: {
        version: 1,
        partial: false,
        entries: [{ id: '7', last_message_id: null, mention_count: 1, last_seq: 2 }],
      },
    }),
  });
  cache.apply({ t: 'GUILD_CREATE', d: guild('50', [guildChannel('51', '50', 4)], { members: [member('100')] }) });
  return cache;
}

describe('ClientCache', () => {
  it('takes in READY and GUILD_CREATE', () => {
    const cache = loaded();
    expect(cache.user?.id).toBe(ME.id);
    expect(cache.unavailableGuilds.size).toBe(0);
    expect(cache.guilds.get('50')).toMatchObject({ id: '50', name: 'guild 50' });
    expect(cache.guilds.get('50')).not.toHaveProperty('channels');
    expect(cache.channels.get('51')?.guild_id).toBe('50');
    expect(cache.members.get('50')?.get('100')?.user.username).toBe('u100');
    expect(cache.readStates.get('7')?.last_seq).toBe(2);
  });

  it('follows channel, member, role and guild events', () => {
    const cache = loaded();
    cache.apply({ t: 'CHANNEL_CREATE', d: guildChannel('52', '50', 0) });
    cache.apply({ t: 'CHANNEL_UPDATE', d: { ...guildChannel('51', '50', 4), name: 'renamed' } });
    cache.apply({ t: 'CHANNEL_DELETE', d: dmChannel('7', 3) });
    expect(cache.channels.get('51')?.name).toBe('renamed');
    expect([...cache.channels.keys()].sort()).toEqual(['51', '52']);

    cache.apply({ t: 'GUILD_MEMBER_ADD', d: { ...member('200'), guild_id: '50' } });
    cache.apply({ t: 'GUILD_MEMBER_UPDATE', d: { ...member('200', 'nick'), guild_id: '50' } });
    cache.apply({ t: 'GUILD_MEMBER_REMOVE', d: { guild_id: '50', user: member('100').user } });
    expect([...(cache.members.get('50')?.values() ?? [])].map((m) => [m.user.id, m.nick])).toEqual([['200', 'nick']]);

    cache.apply({ t: 'GUILD_ROLE_CREATE', d: { guild_id: '50', role: role('9', 'mods') } });
    cache.apply({ t: 'GUILD_ROLE_UPDATE', d: { guild_id: '50', role: role('9', 'admins') } });
    expect(cache.guilds.get('50')?.roles.map((r) => r.name)).toEqual(['admins']);
    cache.apply({ t: 'GUILD_ROLE_DELETE', d: { guild_id: '50', role_id: '9' } });
    expect(cache.guilds.get('50')?.roles).toEqual([]);

    cache.apply({ t: 'GUILD_DELETE', d: { id: '50', unavailable: true } });
    expect(cache.guilds.has('50')).toBe(false);
    expect(cache.channels.size).toBe(0);
    expect(cache.unavailableGuilds.has('50')).toBe(true);
  });

  it('moves a channel head forward only, on MESSAGE_CREATE', () => {
    const cache = loaded();
    cache.apply({ t: 'MESSAGE_CREATE', d: message('51', 6) });
    cache.apply({ t: 'MESSAGE_CREATE', d: message('51', 5) });
    expect(cache.channels.get('51')).toMatchObject({ last_seq: 6, last_message_id: message('51', 6).id });
  });

  it('keeps the newest read state by MESSAGE_ACK version, and presences per user', () => {
    const cache = loaded();
    cache.apply({ t: 'MESSAGE_ACK', d: { channel_id: '7', message_id: '1', mention_count: 0, seq: 3, version: 5 } });
    cache.apply({ t: 'MESSAGE_ACK', d: { channel_id: '7', message_id: '0', mention_count: 4, seq: 1, version: 4 } });
    expect(cache.readStates.get('7')).toMatchObject({ last_seq: 3, mention_count: 0, version: 5 });

    const presence = {
      user: { id: '200' },
      status: 'online' as const,
      activities: [],
      client_status: { web: 'online' as const },
    };
    cache.apply({ t: 'PRESENCE_UPDATE', d: presence });
    cache.apply({ t: 'PRESENCE_UPDATE', d: { ...presence, status: 'idle' } });
    expect(cache.presences.get('200')?.status).toBe('idle');
  });

  it('starts over on a new READY (after INVALID_SESSION)', () => {
    const cache = loaded();
    cache.apply({ t: 'READY', d: ready() });
    expect(cache.channels.size).toBe(0);
    expect(cache.guilds.size).toBe(0);
    expect(cache.readStates.size).toBe(0);
  });
});
