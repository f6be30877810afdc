import { ALL_PERMISSIONS, ChannelType, Permission } from '@concord/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyImplicitPermissions,
  computeBasePermissions,
  computeChannelPermissions,
  highestRolePosition,
} from '../../packages/server/src/domain/permissions';
import type {
  ChannelRecord,
  GuildRecord,
  MemberRecord,
  OverwriteRecord,
  RoleRecord,
} from '../../packages/server/src/stores/records';
import { requireOutranks, type GuildContext } from '../../packages/server/src/services/AccessService';

const GUILD = '100';
const OWNER = '1';
const USER = '2';
const { VIEW_CHANNEL, SEND_MESSAGES, READ_MESSAGE_HISTORY, ADD_REACTIONS, MANAGE_MESSAGES, KICK_MEMBERS } = Permission;

const guild: GuildRecord = {
  id: GUILD,
  name: 'g',
  icon: null,
  description: null,
  ownerId: OWNER,
  systemChannelId: null,
  createdAt: 0,
};

function role(id: string, permissions: bigint, position = 1): RoleRecord {
  return {
    id,
    guildId: GUILD,
    name: id,
    color: 0,
    hoist: false,
    position,
    permissions,
    mentionable: false,
    managed: false,
  };
}

function member(userId: string, roleIds: string[] = []): MemberRecord {
  return { guildId: GUILD, userId, nick: null, roleIds, joinedAt: 0 };
}

function roleMap(...roles: RoleRecord[]): Map<string, RoleRecord> {
  return new Map(roles.map((r) => [r.id, r]));
}

const overwrite = (id: string, type: 0 | 1, allow: bigint, deny: bigint): OverwriteRecord => ({
  id,
  type,
  allow,
  deny,
});
const channel = (...overwrites: OverwriteRecord[]): Pick<ChannelRecord, 'overwrites' | 'type'> => ({
  type: ChannelType.GUILD_TEXT,
  overwrites,
});

const TEXT = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY;
const everyone = (permissions: bigint) => role(GUILD, permissions, 0);

describe('computeBasePermissions', () => {
  it('gives the owner every permission, whatever their roles', () => {
    expect(computeBasePermissions(guild, member(OWNER), roleMap(everyone(0n)))).toBe(ALL_PERMISSIONS);
  });

  it('is @everyone combined with the member’s roles', () => {
    const roles = roleMap(
      everyone(VIEW_CHANNEL),
      role('r1', SEND_MESSAGES),
      role('r2', KICK_MEMBERS),
      role('r3', MANAGE_MESSAGES),
    );
    expect(computeBasePermissions(guild, member(USER, ['r1', 'r2']), roles)).toBe(
      VIEW_CHANNEL | SEND_MESSAGES | KICK_MEMBERS,
    );
    expect(computeBasePermissions(guild, member(USER), roles)).toBe(VIEW_CHANNEL);
  });

  it('turns ADMINISTRATOR into every permission, from any role or @everyone', () => {
    const roles = roleMap(everyone(VIEW_CHANNEL), role('admin', Permission.ADMINISTRATOR));
    expect(computeBasePermissions(guild, member(USER, ['admin']), roles)).toBe(ALL_PERMISSIONS);
    expect(computeBasePermissions(guild, member(USER), roleMap(everyone(Permission.ADMINISTRATOR)))).toBe(
      ALL_PERMISSIONS,
    );
  });

  it('ignores role ids that are not roles of the guild (deleted meanwhile)', () => {
    const roles = roleMap(everyone(VIEW_CHANNEL));
    expect(computeBasePermissions(guild, member(USER, ['gone']), roles)).toBe(VIEW_CHANNEL);
  });
});

describe('computeChannelPermissions', () => {
  const base = TEXT | ADD_REACTIONS;

  it('applies the @everyone overwrite, deny then allow', () => {
    const ch = channel(overwrite(GUILD, 0, MANAGE_MESSAGES, SEND_MESSAGES));
    expect(computeChannelPermissions(base, GUILD, member(USER), ch)).toBe(
      VIEW_CHANNEL | READ_MESSAGE_HISTORY | ADD_REACTIONS | MANAGE_MESSAGES,
    );
  });

  it("combines the member's role overwrites: any role's allow beats another role's deny", () => {
    const ch = channel(overwrite('r1', 0, 0n, ADD_REACTIONS), overwrite('r2', 0, ADD_REACTIONS, 0n));
    expect(computeChannelPermissions(base, GUILD, member(USER, ['r1', 'r2']), ch) & ADD_REACTIONS).toBe(ADD_REACTIONS);
    expect(computeChannelPermissions(base, GUILD, member(USER, ['r1']), ch) & ADD_REACTIONS).toBe(0n);
    // Overwrites of roles the member does not hold do nothing.
    expect(computeChannelPermissions(base, GUILD, member(USER), ch)).toBe(base);
  });

  it('lets role overwrites beat the @everyone overwrite, and the member overwrite beat both', () => {
    const ch = channel(
      overwrite(GUILD, 0, 0n, SEND_MESSAGES),
      overwrite('r1', 0, SEND_MESSAGES, 0n),
      overwrite(USER, 1, 0n, SEND_MESSAGES),
    );
    expect(computeChannelPermissions(base, GUILD, member('3', ['r1']), ch) & SEND_MESSAGES).toBe(SEND_MESSAGES);
    expect(computeChannelPermissions(base, GUILD, member(USER, ['r1']), ch) & SEND_MESSAGES).toBe(0n);
    const unlocked = channel(
      overwrite(GUILD, 0, 0n, SEND_MESSAGES),
      overwrite('r1', 0, 0n, SEND_MESSAGES),
      overwrite(USER, 1, SEND_MESSAGES, 0n),
    );
    expect(computeChannelPermissions(base, GUILD, member(USER, ['r1']), unlocked) & SEND_MESSAGES).toBe(SEND_MESSAGES);
  });

  it("applies only the member's own member overwrite", () => {
    const ch = channel(overwrite('3', 1, 0n, VIEW_CHANNEL));
    expect(computeChannelPermissions(base, GUILD, member(USER), ch)).toBe(base);
    expect(computeChannelPermissions(base, GUILD, member('3'), ch)).toBe(0n);
  });

  it('ignores overwrites for administrators and owners', () => {
    const ch = channel(overwrite(GUILD, 0, 0n, ALL_PERMISSIONS), overwrite(USER, 1, 0n, ALL_PERMISSIONS));
    expect(computeChannelPermissions(ALL_PERMISSIONS, GUILD, member(USER), ch)).toBe(ALL_PERMISSIONS);
  });

  it('never lets an overwrite grant ADMINISTRATOR, which would escape the implicit rules', () => {
    const ch = channel(overwrite(USER, 1, Permission.ADMINISTRATOR | SEND_MESSAGES, VIEW_CHANNEL));
    expect(computeChannelPermissions(base, GUILD, member(USER), ch)).toBe(0n);
    const visible = channel(overwrite(USER, 1, Permission.ADMINISTRATOR, 0n));
    expect(computeChannelPermissions(base, GUILD, member(USER), visible)).toBe(base);
  });

  it('drops everything without VIEW_CHANNEL, and the sending extras without SEND_MESSAGES', () => {
    const hidden = channel(overwrite(GUILD, 0, 0n, VIEW_CHANNEL));
    expect(computeChannelPermissions(ALL_PERMISSIONS & ~Permission.ADMINISTRATOR, GUILD, member(USER), hidden)).toBe(
      0n,
    );
    const extras =
      Permission.MENTION_EVERYONE | Permission.SEND_TTS_MESSAGES | Permission.ATTACH_FILES | Permission.EMBED_LINKS;
    const muted = channel(overwrite(GUILD, 0, 0n, SEND_MESSAGES));
    expect(computeChannelPermissions(TEXT | extras, GUILD, member(USER), muted)).toBe(
      VIEW_CHANNEL | READ_MESSAGE_HISTORY,
    );
  });

  it('can open a channel to one role that @everyone cannot see', () => {
    const ch = channel(overwrite(GUILD, 0, 0n, VIEW_CHANNEL), overwrite('staff', 0, VIEW_CHANNEL, 0n));
    expect(computeChannelPermissions(TEXT, GUILD, member(USER, ['staff']), ch)).toBe(TEXT);
    expect(computeChannelPermissions(TEXT, GUILD, member(USER), ch)).toBe(0n);
  });
});

describe('applyImplicitPermissions', () => {
  it('leaves administrators alone and keeps full text permissions intact', () => {
    expect(applyImplicitPermissions(ALL_PERMISSIONS)).toBe(ALL_PERMISSIONS);
    expect(applyImplicitPermissions(TEXT | Permission.EMBED_LINKS)).toBe(TEXT | Permission.EMBED_LINKS);
    expect(applyImplicitPermissions(SEND_MESSAGES)).toBe(0n);
  });
});

describe('role order', () => {
  const roles = roleMap(everyone(0n), role('low', 0n, 1), role('mid', 0n, 2), role('high', 0n, 3));

  it('ranks a member by their highest role, @everyone at 0, and the owner above all', () => {
    expect(highestRolePosition(guild, member(USER), roles)).toBe(0);
    expect(highestRolePosition(guild, member(USER, ['low', 'high']), roles)).toBe(3);
    expect(highestRolePosition(guild, member(USER, ['gone']), roles)).toBe(0);
    expect(highestRolePosition(guild, member(OWNER), roles)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('requires a strictly higher rank to act, except for the owner', () => {
    const context = (userId: string, roleIds: string[]): GuildContext => {
      const m = member(userId, roleIds);
      return { guild, member: m, roles, permissions: 0n, rank: highestRolePosition(guild, m, roles) };
    };
    expect(() => requireOutranks(context(USER, ['mid']), 1)).not.toThrow();
    expect(() => requireOutranks(context(USER, ['mid']), 2)).toThrow(expect.objectContaining({ code: 50013 }));
    expect(() => requireOutranks(context(USER, ['mid']), 3)).toThrow(expect.objectContaining({ code: 50013 }));
    expect(() => requireOutranks(context(OWNER, []), Number.MAX_SAFE_INTEGER)).not.toThrow();
  });
});

describe('permission properties', () => {
  const bits = fc.bigInt({ min: 0n, max: ALL_PERMISSIONS }).map((b) => b & ALL_PERMISSIONS);
  const roleIds = ['r1', 'r2', 'r3'];
  const overwriteArb = fc.oneof(
    fc.record({ id: fc.constantFrom(GUILD, ...roleIds), type: fc.constant<0>(0), allow: bits, deny: bits }),
    fc.record({ id: fc.constantFrom(USER, '3'), type: fc.constant<1>(1), allow: bits, deny: bits }),
  );
  interface Scenario {
    everyone: bigint;
    roles: [bigint, bigint, bigint];
    held: string[];
    overwrites: OverwriteRecord[];
  }
  const scenario: fc.Arbitrary<Scenario> = fc.record({
    everyone: bits,
    roles: fc.tuple(bits, bits, bits),
    held: fc.subarray(roleIds),
    overwrites: fc.uniqueArray(overwriteArb, { selector: (o) => `${o.type}:${o.id}`, maxLength: 6 }),
  });

  function evaluate(s: Scenario, userId = USER) {
    const roles = roleMap(everyone(s.everyone), ...roleIds.map((id, i) => role(id, s.roles[i]!, i + 1)));
    const m = member(userId, s.held);
    const base = computeBasePermissions(guild, m, roles);
    return { base, channel: computeChannelPermissions(base, GUILD, m, channel(...s.overwrites)) };
  }

  it('gives the owner everything in every channel', () => {
    fc.assert(fc.property(scenario, (s) => evaluate(s, OWNER).channel === ALL_PERMISSIONS));
  });

  it('never yields unknown bits, and nothing at all without VIEW_CHANNEL unless administrator', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { base, channel: perms } = evaluate(s);
        expect(perms & ~ALL_PERMISSIONS).toBe(0n);
        if ((base & Permission.ADMINISTRATOR) !== 0n) expect(perms).toBe(ALL_PERMISSIONS);
        else if ((perms & VIEW_CHANNEL) === 0n) expect(perms).toBe(0n);
      }),
    );
  });

  it("lets the member's own overwrite decide every bit it names (when not administrator)", () => {
    fc.assert(
      fc.property(scenario, bits, bits, (s, allow, deny) => {
        const own = overwrite(
          USER,
          1,
          allow | VIEW_CHANNEL | SEND_MESSAGES,
          deny & ~(allow | VIEW_CHANNEL | SEND_MESSAGES),
        );
        const withOwn = { ...s, overwrites: [...s.overwrites.filter((o) => !(o.type === 1 && o.id === USER)), own] };
        const { base, channel: perms } = evaluate(withOwn);
        if ((base & Permission.ADMINISTRATOR) !== 0n) return;
        const granted = own.allow & ~Permission.ADMINISTRATOR;
        expect(perms & granted).toBe(granted);
        expect(perms & own.deny).toBe(0n);
      }),
    );
  });
});
