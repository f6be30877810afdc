import { ALL_PERMISSIONS, ErrorCode, Permission, type OverwriteInput } from '@concord/protocol';
import { DomainError } from '../../domain/errors';
import type { Store } from '../../stores/ports';
import type { OverwriteRecord } from '../../stores/records';
import type { GuildContext } from '../AccessService';
import { formError } from './formError';

/** Wire bitfield → stored bitfield; bits Discord does not define are dropped, as Discord does. */
export function parseBits(bits: string | null | undefined): bigint {
  return bits === null || bits === undefined ? 0n : BigInt(bits) & ALL_PERMISSIONS;
}

/**
 * Validates a list of overwrites from a request body: each target must be a role (type 0) or a
 * member (type 1) of the guild, and each id may appear once. Errors point at the offending entry.
 */
export async function parseOverwriteList(
  store: Store,
  guild: GuildContext,
  input: readonly OverwriteInput[],
  field = 'permission_overwrites',
): Promise<OverwriteRecord[]> {
  const seen = new Set<string>();
  const members = await Promise.all(
    input.map((o) => (o.type === 1 ? store.guilds.getMember(guild.guild.id, o.id) : Promise.resolve(undefined))),
  );
  return input.map((o, index) => {
    if (seen.has(o.id))
      throw formError([field, index, 'id'], 'DUPLICATE_OVERWRITE', 'Each overwrite id may appear once.');
    seen.add(o.id);
    if (o.type === 0 && !guild.roles.has(o.id)) {
      throw formError([field, index, 'id'], 'UNKNOWN_ROLE', 'Not a role of this guild.');
    }
    if (o.type === 1 && members[index] === undefined) {
      throw formError([field, index, 'id'], 'UNKNOWN_MEMBER', 'Not a member of this guild.');
    }
    return { id: o.id, type: o.type, allow: parseBits(o.allow), deny: parseBits(o.deny) };
  });
}

/** One overwrite from `PUT /channels/:id/permissions/:overwrite_id`: unknown targets are 404s there. */
export async function parseOverwriteTarget(
  store: Store,
  guild: GuildContext,
  id: string,
  body: { type: 0 | 1; allow?: string | null; deny?: string | null },
): Promise<OverwriteRecord> {
  if (body.type === 0 && !guild.roles.has(id)) throw new DomainError(ErrorCode.UnknownRole);
  if (body.type === 1 && (await store.guilds.getMember(guild.guild.id, id)) === undefined) {
    throw new DomainError(ErrorCode.UnknownMember);
  }
  return { id, type: body.type, allow: parseBits(body.allow), deny: parseBits(body.deny) };
}

/** The permission bits whose allow or deny state differs between two overwrite lists. */
export function changedOverwriteBits(before: readonly OverwriteRecord[], after: readonly OverwriteRecord[]): bigint {
  const old = new Map(before.map((o) => [o.id, o]));
  const next = new Map(after.map((o) => [o.id, o]));
  let changed = 0n;
  for (const id of new Set([...old.keys(), ...next.keys()])) {
    const a = old.get(id);
    const b = next.get(id);
    changed |= ((a?.allow ?? 0n) ^ (b?.allow ?? 0n)) | ((a?.deny ?? 0n) ^ (b?.deny ?? 0n));
  }
  return changed;
}

/**
 * Changing overwrites needs MANAGE_ROLES, and only bits the actor holds may be granted or denied
 * (administrators hold every bit); otherwise a moderator could hand out powers they lack. Only
 * bits that actually change count, so re-sending a channel's overwrites unchanged is always fine.
 */
export function requireCanChangeOverwrites(
  actorPermissions: bigint,
  before: readonly OverwriteRecord[],
  after: readonly OverwriteRecord[],
): void {
  const changed = changedOverwriteBits(before, after);
  const structural = before.length !== after.length || before.some((o) => !after.some((n) => n.id === o.id));
  if (changed === 0n && !structural) return;
  if ((actorPermissions & Permission.MANAGE_ROLES) === 0n) throw new DomainError(ErrorCode.MissingPermissions);
  if ((actorPermissions & Permission.ADMINISTRATOR) !== 0n) return;
  if ((changed & ~actorPermissions) !== 0n) throw new DomainError(ErrorCode.MissingPermissions);
}
