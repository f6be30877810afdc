import { Permission, hasPermission, type CreateMessageBody } from '@concord/protocol';
import { fieldError } from '../../domain/errors';
import { parseMentions } from '../../domain/mentions';
import type { Store } from '../../stores/ports';
import type { AccessService, ChannelAccess } from '../AccessService';

export type AllowedMentionsInput = CreateMessageBody['allowed_mentions'] | null;

/** Who a message actually pings, as stored on the message. */
export interface ResolvedMentions {
  everyone: boolean;
  userIds: string[];
  roleIds: string[];
}

/** Discord's `allowed_mentions` read as a policy; no object at all means "parse everything". */
interface MentionPolicy {
  users: 'all' | ReadonlySet<string>;
  roles: 'all' | ReadonlySet<string>;
  everyone: boolean;
  repliedUser: boolean;
}

export function mentionPolicy(allowed: AllowedMentionsInput | undefined): MentionPolicy {
  // Without allowed_mentions Discord parses every kind and pings the author of a replied message.
  if (allowed === undefined || allowed === null)
    return { users: 'all', roles: 'all', everyone: true, repliedUser: true };
  const parse = new Set(allowed.parse ?? []);
  if (parse.has('users') && allowed.users !== undefined) {
    throw fieldError(
      'allowed_mentions',
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
      'parse:["users"] and users are mutually exclusive.',
    );
  }
  if (parse.has('roles') && allowed.roles !== undefined) {
    throw fieldError(
      'allowed_mentions',
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
      'parse:["roles"] and roles are mutually exclusive.',
    );
  }
  return {
    users: parse.has('users') ? 'all' : new Set(allowed.users ?? []),
    roles: parse.has('roles') ? 'all' : new Set(allowed.roles ?? []),
    everyone: parse.has('everyone'),
    repliedUser: allowed.replied_user ?? false,
  };
}

const allows = (rule: 'all' | ReadonlySet<string>, id: string): boolean => rule === 'all' || rule.has(id);

export interface MentionInput {
  /** The author's view of the channel: their permissions decide @everyone and unmentionable roles. */
  context: ChannelAccess;
  content: string;
  policy: MentionPolicy;
  /** Author of the message being replied to, pinged when the policy allows replied-user mentions. */
  repliedAuthorId: string | null;
}

/**
 * Decides who a message pings. A user counts only if they exist and may view the channel (pinging
 * someone who cannot read it would leak that the message exists); a role only if it is mentionable
 * or the author has MENTION_EVERYONE; @everyone/@here only in guilds and with MENTION_EVERYONE.
 */
export class MentionResolver {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
  ) {}

  async resolve(input: MentionInput): Promise<ResolvedMentions> {
    const { context, policy } = input;
    const parsed = parseMentions(input.content);
    const candidates = parsed.userIds.filter((id) => allows(policy.users, id));
    if (policy.repliedUser && input.repliedAuthorId !== null && !candidates.includes(input.repliedAuthorId)) {
      candidates.push(input.repliedAuthorId);
    }
    const userIds = await this.usersWhoCanView(context, candidates);

    const guild = context.guild;
    const canMentionAll = hasPermission(context.permissions, Permission.MENTION_EVERYONE);
    const roleIds =
      guild === undefined
        ? []
        : parsed.roleIds.filter((id) => {
            const role = guild.roles.get(id);
            if (role === undefined || id === guild.guild.id) return false;
            return allows(policy.roles, id) && (role.mentionable || canMentionAll);
          });
    const everyone = guild !== undefined && (parsed.everyone || parsed.here) && policy.everyone && canMentionAll;
    return { everyone, userIds, roleIds };
  }

  private async usersWhoCanView(context: ChannelAccess, candidates: readonly string[]): Promise<string[]> {
    if (candidates.length === 0) return [];
    const channel = context.channel;
    const existing = new Set((await this.store.users.getMany(candidates)).map((u) => u.id));
    const visible = await Promise.all(
      candidates.map(async (id) => {
        if (!existing.has(id)) return false;
        if (channel.guildId === null) return channel.recipientIds.includes(id);
        const permissions = await this.access.memberChannelPermissions(id, channel);
        return hasPermission(permissions, Permission.VIEW_CHANNEL);
      }),
    );
    return candidates.filter((_, i) => visible[i]);
  }
}
