import { ErrorCode, Limits, Permission } from '@concord/protocol';
import { DomainError, fieldError } from '../../domain/errors';
import { requirePermission } from '../AccessService';
import type { ServiceDeps } from '../index';
import type { GuildAnnouncer } from './GuildAnnouncer';
import { knownPermissions, requireGrantable } from './guildRules';
import type { Membership } from './Membership';
import { deleteRoleCompacting, insertRoleAtBottom } from './roleWrites';

export interface BotAuthorization {
  userId: string;
  applicationId: string;
  /** OAuth2 scopes, space-separated; must include `bot`. */
  scope: string;
  guildId: string;
  /** Decimal permission bits for the bot's managed role; none when absent or zero. */
  permissions: string | undefined;
  /** The consent screen's answer: false adds nothing. */
  authorize: boolean;
}

/**
 * Adding a bot to a guild (Discord's `POST /oauth2/authorize` with the `bot` scope). The person
 * authorizing needs MANAGE_GUILD there; the bot joins as a member and, when permissions are asked
 * for, gets a managed role carrying them — never more than the person authorizing holds.
 */
export class BotAuthorizationService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: GuildAnnouncer,
    private readonly membership: Membership,
  ) {}

  /** Resolves where the browser goes next, as Discord answers. */
  async authorize(input: BotAuthorization): Promise<string> {
    const location = `${this.deps.config.publicUrl}/oauth2/authorized`;
    if (!input.scope.split(/[\s+]+/).includes('bot')) {
      throw fieldError('scope', 'SCOPE_INVALID', 'Only the "bot" scope can be authorized here.');
    }
    const { store, access, ids } = this.deps;
    const actor = await access.guildContext(input.userId, input.guildId);
    requirePermission(actor.permissions, Permission.MANAGE_GUILD);
    if (!input.authorize) return location;
    const application = await store.applications.get(input.applicationId);
    const bot = application && (await store.users.get(application.botUserId));
    if (application === undefined || bot === undefined) throw new DomainError(ErrorCode.UnknownApplication);
    const permissions = input.permissions === undefined ? 0n : knownPermissions(input.permissions);
    requireGrantable(actor, permissions);
    if ((await store.guilds.getMember(input.guildId, bot.id)) !== undefined) return location;
    await this.membership.requireMayJoin(input.guildId, bot);
    if (permissions === 0n) {
      await this.membership.add(actor.guild, bot);
      return location;
    }
    if (actor.roles.size >= Limits.rolesPerGuild) throw new DomainError(ErrorCode.MaxRoles);
    const role = await insertRoleAtBottom(store, this.announce, {
      id: ids.next(),
      guildId: input.guildId,
      name: application.name,
      color: 0,
      hoist: false,
      position: 1,
      permissions,
      mentionable: false,
      managed: true,
    });
    // Joined meanwhile by a concurrent authorization: that one keeps its role, this one goes.
    if ((await this.membership.add(actor.guild, bot, [role.id])) === undefined) {
      await deleteRoleCompacting(store, this.announce, input.guildId, role.id);
    }
    return location;
  }
}
